"""Which charts a survey has, and the figure behind each name (wires the report to charts).

Besides the overview's two charts, each question's kind names the chart that shows it
(``Kind.chart_name``: ``question-Q3``, or ``scales-page-3`` for the 0-10 scales of page 3, drawn
together) and draws it (``Kind.chart``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import charts, report


def question_charts(ctx: report.Context) -> dict[str, str]:
    """Question code -> the name of the chart that shows it, for the questions that have one."""
    names = {}
    for info in ctx.questions.values():
        name = info.kind_module.chart_name(info)
        if name:
            names[info.code] = name
    return names


OVERVIEW_CHARTS = ("participants-per-day", "funnel")


def chart_names(ctx: report.Context) -> list[str]:
    """The name of every chart of the survey: the overview's, then the questions' in order."""
    return [*OVERVIEW_CHARTS, *dict.fromkeys(question_charts(ctx).values())]


def build(ctx: report.Context, name: str, language: str, safe: bool = False):
    """The figure called ``name``, or None when the survey has no such chart; ``safe``: the
    publication-safe switch (counts from 1 to 4 written "<5")."""
    with charts.publication_safe(safe):
        return _build(ctx, name, language)


def _build(ctx: report.Context, name: str, language: str):
    if name == "participants-per-day":
        summary, _steps = report.overview(ctx)
        days = [day for day, _n in summary.per_day]
        return charts.per_day(
            _("Participants per day"), days, [n for _d, n in summary.per_day], _("participants")
        )
    if name == "funnel":
        _summary, steps = report.overview(ctx)
        labels = [f"{s.page}. {ctx.layout.page(s.page).title}" for s in steps]
        return charts.funnel(
            _("Where participants stop"),
            labels,
            [s.shown for s in steps],
            [s.answered for s in steps],
            (_("shown the page"), _("submitted it")),
            _("participants"),
        )
    codes = [code for code, chart in question_charts(ctx).items() if chart == name]
    if not codes:
        return None
    results = report.question_results(ctx, codes)
    first = results[0].info
    return first.kind_module.chart(results, language, ctx.layout.page(first.page).title)
