"""The investigators' dashboard: staff only, thin views over ``report`` and ``figures``."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from surveys.instrument_services import InstrumentConflict
from surveys.models import Survey
from surveys.selectors import survey_participation
from surveys.sharing import opening_problem, survey_status_set

from . import charts, codebook, downloads, export, figures, paper, report, results_section
from .crosstab_file import crosstab_lines
from .forms import CrosstabForm, ExportForm, FilterForm

FORMATS = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png", "tiff": "image/tiff"}
DPIS = {"300": 300, "600": 600}
# What the chart partial (templates/analysis/_chart.html) offers to download.
CHART_DOWNLOADS = {
    "chart_languages": (("fr", "Français"), ("en", "English")),
    "chart_widths": (("one", _lazy("one column")), ("two", _lazy("two columns"))),
    "chart_bitmaps": ("png", "tiff"),
    "chart_dpis": tuple(DPIS),
}


def staff_required(view):
    """Anonymous visitors go to the login page; signed-in non-staff get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def dashboard_context(request, slug):
    """A dashboard page's survey, loaded with the filters of the query string, and the context
    every tab shares."""
    survey = get_object_or_404(Survey, slug=slug)
    form = FilterForm(request.GET or None)
    ctx = report.Context.load(survey, form.filters())
    page = {
        "survey": survey,
        "filter_form": form,
        "safe": form.safe_mode,
        "query": request.GET.urlencode(),
        "test_responses": ctx.filters.test_responses,
        "tests_left_out": ctx.tests_left_out,
        **CHART_DOWNLOADS,
    }
    return ctx, page


@require_GET
@staff_required
def index(request):
    surveys = [(s, survey_participation(s)) for s in Survey.objects.order_by("slug")]
    return render(request, "analysis/index.html", {"surveys": surveys})


@require_GET
@staff_required
def overview(request, slug):
    ctx, page = dashboard_context(request, slug)
    summary, steps = report.overview(ctx)
    titles = {p.position: p.title for p in ctx.layout.pages}
    page.update(
        summary=summary,
        steps=[(s, titles[s.page]) for s in steps],
        tab="overview",
        link=request.build_absolute_uri(reverse("surveys:start", args=[slug])),
        can_change=request.user.has_perm("surveys.change_survey"),
        opening_problem=opening_problem(ctx.survey) if ctx.survey.status != Survey.Status.OPEN else None,
    )
    return render(request, "analysis/overview.html", page)


@require_POST
@staff_required
def status(request, slug):
    """Open, close or put back to draft from the dashboard (for those who may change surveys)."""
    survey = get_object_or_404(Survey, slug=slug)
    if not request.user.has_perm("surveys.change_survey"):
        raise PermissionDenied
    try:
        survey_status_set(survey=survey, status=request.POST.get("status", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Unknown status."))
    except InstrumentConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The survey is now: %(status)s.") % {"status": survey.get_status_display()}
        )
    return redirect("analysis:overview", slug=slug)


@require_GET
@staff_required
def results(request, slug):
    ctx, page = dashboard_context(request, slug)
    names = figures.question_charts(ctx)
    # Each question shown by the partial its kind chooses; the questions drawn in one chart (the
    # statements rated 0-10 of a page) shown together, in one table, under their chart.
    blocks: list[dict] = []
    for result in report.question_results(ctx):
        info = result.info
        chart = names.get(info.code)
        template = info.kind_module.results_template(info)
        last = blocks[-1] if blocks else None
        if last and chart and last["chart"] == chart and last["template"] == template:
            last["group"].append(result)
            continue
        blocks.append({"r": result, "group": [result], "chart": chart, "template": template})
    page.update(
        results=blocks, language=get_language(), tab="results", show_codes=request.GET.get("codes") == "1"
    )
    return render(request, "analysis/results.html", page)


def _plain(data) -> dict:
    """A form's data as one value per name (a QueryDict's last one)."""
    return data.dict() if hasattr(data, "dict") else dict(data or {})


def _crosstab_form(request, variables, language):
    """The cross-tabulation asked for, or, on arrival, the first grouping by the first outcome
    (two different variables), so that the tool opens on a table."""
    data = request.GET if "rows" in request.GET else None
    if data is None and len(variables) >= 2:
        first = variables[0].code
        other = next(v.code for v in variables if v.code != first)
        data = {"rows": first, "cols": other}
    return CrosstabForm(data, variables=variables, language=language)


@require_GET
@staff_required
def subgroups(request, slug):
    ctx, page = dashboard_context(request, slug)
    language = get_language()
    form = _crosstab_form(request, report.crosstab_variables(ctx), language)
    table = None
    if form.is_valid():
        table = report.crosstab(ctx, form.cleaned_data["rows"], form.cleaned_data["cols"])
    rows = report.subgroup_table(ctx)
    page.update(
        has_plan=bool(ctx.plan.groupings and ctx.plan.outcomes),
        groupings=ctx.plan.groupings,
        rows=rows,
        tests_note=paper.tests_note(
            sum(c.test.testable for row in rows for c in row.comparisons),
            len(rows),
            len(ctx.plan.groupings),
        )
        if rows
        else "",
        representativeness=results_section.references(ctx),
        crosstab_form=form,
        crosstab=table,
        crosstab_query=urlencode({**request.GET.dict(), **_plain(form.data)}),
        language=language,
        tab="subgroups",
    )
    return render(request, "analysis/subgroups.html", page)


@require_GET
@staff_required
def crosstab_csv(request, slug):
    """The cross-tabulation on the page, as CSV: counts with totals, then the test."""
    ctx, page = dashboard_context(request, slug)
    language = get_language()
    form = CrosstabForm(request.GET, variables=report.crosstab_variables(ctx), language=language)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(e) for errors in form.errors.values() for e in errors))
    table = report.crosstab(ctx, form.cleaned_data["rows"], form.cleaned_data["cols"])
    content = crosstab_lines(table, language, page["safe"])
    name = f"{slug}-crosstab-{table.rows.code}-{table.cols.code}-{timezone.localdate():%Y-%m-%d}.csv"
    return attachment(HttpResponse(content, content_type=downloads.CSV_TYPE), name)


@require_GET
@staff_required
def chart(request, slug, name, fmt):
    if fmt not in FORMATS:
        raise Http404("unknown format")
    language = request.GET.get("lang") if request.GET.get("lang") in ("fr", "en") else get_language()
    # A journal's one or two columns (88 or 180 mm wide), at 300 or 600 dpi for PNG and TIFF.
    width = request.GET.get("width") or None
    dpi = request.GET.get("dpi", "300")
    if width not in (None, *charts.COLUMN_WIDTHS) or dpi not in DPIS:
        return HttpResponseBadRequest(_("Unknown chart options."))
    ctx, page = dashboard_context(request, slug)
    with translation.override(language):
        figure = figures.build(ctx, name, language, safe=page["safe"])
        if figure is None:
            raise Http404("no such chart")
        content = charts.render(figure, fmt, dpi=DPIS[dpi], width=width)
    reply = HttpResponse(content, content_type=FORMATS[fmt])
    if request.GET.get("download"):
        size = f"-{width}-column" if width else ""
        resolution = f"-{dpi}dpi" if fmt in ("png", "tiff") else ""
        filename = f"{slug}-{name}-{language}{size}{resolution}-{timezone.localdate():%Y-%m-%d}.{fmt}"
        reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply


@require_GET
@staff_required
def export_page(request, slug):
    """The codebook, and the download form."""
    survey = get_object_or_404(Survey, slug=slug)
    ctx = report.Context.load(survey)
    page = {
        "survey": survey,
        "filter_form": FilterForm(request.GET or None),
        "query": request.GET.urlencode(),
        "tests_left_out": ctx.tests_left_out,
    }
    # The codebook's columns that a reader needs on a page, texts in the page's language (the
    # downloaded codebook has them all, both languages, and the instrument's version on every
    # row); a derived variable's rule shown where a column's condition is.
    language = get_language()[:2]
    shown = ["variable", "page", "kind", f"text_{language}", f"values_{language}", "required"]
    shown += ["condition", "non_empty"]
    at = {name: codebook.HEADER.index(name) for name in [*shown, "derivation"]}
    rows = []
    for row in downloads.codebook_of(ctx):
        cells = [row[at[name]] for name in shown]
        cells[shown.index("condition")] = row[at["condition"]] or row[at["derivation"]]
        rows.append(cells)
    page.update(
        tab="export",
        export_form=ExportForm(initial={"format": "standard"}),
        header=[name.removesuffix(f"_{language}") for name in shown],
        codebook=rows,
    )
    return render(request, "analysis/export.html", page)


def _export_form(request):
    form = ExportForm(request.GET)
    if not form.is_valid():
        reasons = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return form, HttpResponseBadRequest(_("Unknown export options.") + " " + reasons)
    return form, None


def attachment(reply, name: str):
    reply["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply


def _download(request, slug, what):
    survey = get_object_or_404(Survey, slug=slug)
    form, refusal = _export_form(request)
    if refusal:
        return refusal
    options, filters = form.options(), form.filters()
    fmt = downloads.RESPONSE_FORMATS[form.cleaned_data["format"]]
    name = downloads.filename(survey, what, options, filters, fmt.extension if what == "responses" else "csv")
    if what == "responses" and fmt.typed:
        ctx = report.Context.load(survey, filters)
        language = form.language(get_language())
        content = downloads.temporary_file(
            lambda path: downloads.write_typed(
                ctx, form.cleaned_data["format"], language, bool(options.labels), path
            )
        )
        return attachment(FileResponse(content, content_type=fmt.content_type), name)
    lines = (downloads.responses_csv if what == "responses" else downloads.codebook_csv)(
        survey, options, filters
    )
    return attachment(StreamingHttpResponse(lines, content_type=downloads.CSV_TYPE), name)


@require_GET
@staff_required
def export_responses(request, slug):
    return _download(request, slug, "responses")


@require_GET
@staff_required
def export_codebook(request, slug):
    return _download(request, slug, "codebook")


@require_GET
@staff_required
def export_bundle(request, slug):
    """The responses (plain CSV), the codebook, datapackage.json, the REDCap dictionary and the
    R and pandas scripts, in one zip."""
    survey = get_object_or_404(Survey, slug=slug)
    form, refusal = _export_form(request)
    if refusal:
        return refusal
    ctx = report.Context.load(survey, form.filters())
    language = form.language(get_language())
    content = downloads.temporary_file(lambda path: downloads.bundle(ctx, language, path))
    name = downloads.filename(survey, "data-package", export.Options(), form.filters(), "zip")
    return attachment(FileResponse(content, content_type="application/zip"), name)


@require_GET
@staff_required
def export_redcap_dictionary(request, slug):
    """The survey as a REDCap data dictionary (CSV), to rebuild it or read its export in REDCap."""
    survey = get_object_or_404(Survey, slug=slug)
    content = downloads.redcap_dictionary(report.Context.load(survey))
    name = downloads.filename(survey, "redcap-dictionary", export.Options(), None, "csv")
    return attachment(HttpResponse(content, content_type=downloads.CSV_TYPE), name)


@require_GET
@staff_required
def export_script(request, slug, which):
    """The R or pandas script made for the survey (it reads the plain CSV, ``responses.csv``)."""
    if which not in downloads.SCRIPT_FILES:
        raise Http404("no such script")
    survey = get_object_or_404(Survey, slug=slug)
    form, refusal = _export_form(request)
    if refusal:
        return refusal
    ctx = report.Context.load(survey, form.filters())
    # The name the plain CSV downloads under, with the same filters, on the same day.
    data_file = downloads.filename(survey, "responses", export.Options(), form.filters())
    text = downloads.script(ctx, which, form.language(get_language()), data_file)
    base, extension = downloads.SCRIPT_FILES[which].rsplit(".", 1)
    name = downloads.filename(survey, base, export.Options(), None, extension)
    return attachment(HttpResponse(text, content_type="text/plain; charset=utf-8"), name)
