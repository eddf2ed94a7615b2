"""The paper's downloads: Table 1 in Word and CSV, the results section in Word and as a
printable page (staff only, thin: ``results_section`` and ``paper`` do the work).

Every view reads the dashboard's filters (complete only, dates, test responses,
publication-safe) from the query string, plus ``lang`` (fr or en; else the dashboard's) and
``holm`` (a column of Holm-adjusted p-values in Table 1).
"""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from surveys.models import Survey

from . import figures, paper, paper_docx, report, results_section
from .forms import FilterForm
from .views import staff_required

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
CHART_DPI = 300  # journals ask for 300 dpi at print size


def _load(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    form = FilterForm(request.GET or None)
    ctx = report.Context.load(survey, form.filters())
    return ctx, form


def _language(request) -> str:
    asked = request.GET.get("lang")
    return asked if asked in ("fr", "en") else (get_language() or "fr")[:2]


def _holm(request) -> bool:
    return request.GET.get("holm") in ("1", "on", "true")


def _filename(ctx, what: str, language: str, extension: str) -> str:
    return f"{ctx.survey.slug}-{what}-{language}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _attachment(content, content_type: str, name: str) -> HttpResponse:
    reply = HttpResponse(content, content_type=content_type)
    reply["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply


def _png(ctx, language: str, safe: bool = False):
    def draw(name: str) -> bytes:
        figure = figures.build(ctx, name, language, safe=safe)
        if figure is None:
            raise Http404("no such chart")
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=CHART_DPI)
        return out.getvalue()

    return draw


@require_GET
@staff_required
def table1(request, slug, fmt):
    """Table 1 as a Word table or as CSV."""
    if fmt not in ("docx", "csv"):
        raise Http404("unknown format")
    ctx, form = _load(request, slug)
    language = _language(request)
    with translation.override(language):
        rows = report.subgroup_table(ctx)
        if not rows:
            raise Http404("no analysis plan")
        if fmt == "csv":
            content = paper.table1_csv(rows, language, form.safe_mode, ctx.filters, _holm(request))
            return _attachment(content.encode(), CSV, _filename(ctx, "table-1", language, "csv"))
        block = paper.table1(rows, language, form.safe_mode, ctx.filters, _holm(request))
        content = paper_docx.write([block], landscape=True)
    return _attachment(content, DOCX, _filename(ctx, "table-1", language, "docx"))


def _section(request, ctx, form, language):
    section = results_section.Section.load(ctx)
    return section, results_section.blocks(section, language, form.safe_mode, _holm(request))


@require_GET
@staff_required
def report_page(request, slug):
    """The results section as a page to read, or to print to PDF from the browser."""
    ctx, form = _load(request, slug)
    language = _language(request)
    with translation.override(language):
        section, blocks = _section(request, ctx, form, language)
        title = _("Results")
    query = request.GET.copy()
    query.pop("lang", None)
    query.pop("holm", None)
    return render(
        request,
        "analysis/report.html",
        {
            "survey": ctx.survey,
            "filter_form": form,
            "safe": form.safe_mode,
            "query": request.GET.urlencode(),
            "filters_query": query.urlencode(),
            "test_responses": ctx.filters.test_responses,
            "tests_left_out": ctx.tests_left_out,
            "tab": "report",
            "report_language": language,
            "holm": _holm(request),
            "report_title": title,
            "section_title": section.title,
            "blocks": blocks,
        },
    )


@require_GET
@staff_required
def report_docx(request, slug):
    """The results section as a Word document, charts as 300 dpi PNG."""
    ctx, form = _load(request, slug)
    language = _language(request)
    with translation.override(language):
        section, blocks = _section(request, ctx, form, language)
        subtitle = _("Regenerated from the live data on %(day)s.") % {"day": paper.day(timezone.localdate())}
        charts_png = _png(ctx, language, form.safe_mode)
        content = paper_docx.write(blocks, charts_png, _("Results"), f"{section.title}. {subtitle}")
    return _attachment(content, DOCX, _filename(ctx, "results", language, "docx"))
