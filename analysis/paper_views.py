"""The paper's downloads: Table 1 in Word and CSV, the results section in Word and as a
printable page (staff only, thin: ``results_section`` and ``paper`` do the work).

Every view reads the dashboard's filters (complete only, dates, test responses,
publication-safe) from the query string, plus ``lang`` (fr or en; else the dashboard's) and
``holm`` (a column of Holm-adjusted p-values in Table 1).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import charts, figures, paper, paper_docx, report, results_section
from .views import attachment, dashboard_context, staff_required

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
CHART_DPI = 300  # journals ask for 300 dpi at print size


def _load(request, slug):
    """The survey and the dashboard's page context (its filters read once, as every tab does)."""
    ctx, page = dashboard_context(request, slug)
    return ctx, page["filter_form"], page


def _language(request) -> str:
    asked = request.GET.get("lang")
    return asked if asked in ("fr", "en") else (get_language() or "fr")[:2]


def _holm(request) -> bool:
    return request.GET.get("holm") in ("1", "on", "true")


def _filename(ctx, what: str, language: str, extension: str) -> str:
    return f"{ctx.survey.slug}-{what}-{language}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _png(ctx, language: str, safe: bool = False):
    def draw(name: str) -> bytes:
        figure = figures.build(ctx, name, language, safe=safe)
        if figure is None:
            raise Http404("no such chart")
        return charts.render(figure, "png", dpi=CHART_DPI)

    return draw


@require_GET
@staff_required
def table1(request, slug, fmt):
    """Table 1 as a Word table or as CSV."""
    if fmt not in ("docx", "csv"):
        raise Http404("unknown format")
    ctx, form, page = _load(request, slug)
    language = _language(request)
    with translation.override(language):
        rows = report.subgroup_table(ctx)
        if not rows:
            raise Http404("no analysis plan")
        if fmt == "csv":
            content = paper.table1_csv(rows, language, form.safe_mode, ctx.filters, _holm(request))
            return attachment(
                HttpResponse(content.encode(), content_type=CSV), _filename(ctx, "table-1", language, "csv")
            )
        block = paper.table1(rows, language, form.safe_mode, ctx.filters, _holm(request))
        content = paper_docx.write([block], landscape=True)
    return attachment(HttpResponse(content, content_type=DOCX), _filename(ctx, "table-1", language, "docx"))


def _section(request, ctx, form, language):
    section = results_section.Section.load(ctx)
    return section, results_section.blocks(section, language, form.safe_mode, _holm(request))


@require_GET
@staff_required
def report_page(request, slug):
    """The results section as a page to read, or to print to PDF from the browser."""
    ctx, form, page = _load(request, slug)
    language = _language(request)
    with translation.override(language):
        section, blocks = _section(request, ctx, form, language)
        title = _("Results")
    query = request.GET.copy()
    query.pop("lang", None)
    query.pop("holm", None)
    page.update(
        filters_query=query.urlencode(),
        tab="report",
        report_language=language,
        holm=_holm(request),
        report_title=title,
        section_title=section.title,
        blocks=blocks,
    )
    return render(request, "analysis/report.html", page)


@require_GET
@staff_required
def report_docx(request, slug):
    """The results section as a Word document, charts as 300 dpi PNG."""
    ctx, form, page = _load(request, slug)
    language = _language(request)
    with translation.override(language):
        section, blocks = _section(request, ctx, form, language)
        subtitle = _("Regenerated from the live data on %(day)s.") % {"day": paper.day(timezone.localdate())}
        charts_png = _png(ctx, language, form.safe_mode)
        content = paper_docx.write(blocks, charts_png, _("Results"), f"{section.title}. {subtitle}")
    return attachment(HttpResponse(content, content_type=DOCX), _filename(ctx, "results", language, "docx"))
