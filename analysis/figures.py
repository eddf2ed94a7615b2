"""Which charts a survey has, and the figure behind each name (wires the report to charts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import charts, report
from .variables import pick


@dataclass(frozen=True)
class ChartRef:
    name: str  # used in URLs: participants-per-day, funnel, question-Q3, scales-page-3
    title: str


def scale_groups(ctx: report.Context) -> dict[int, list[str]]:
    """Scale questions grouped by page, as the paper's Figs. 2 (Q11-Q18) and 5 (Q23-Q25)."""
    groups: dict[int, list[str]] = {}
    positions = {p.id: p.position for p in ctx.layout.pages}
    for q in ctx.layout.questions:
        if q.kind == "scale":
            groups.setdefault(positions[q.page_id], []).append(q.code)
    return groups


def build(ctx: report.Context, name: str, language: str):
    """The figure called ``name``, or None when the survey has no such chart."""
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
        )
    if name.startswith("question-"):
        code = name.removeprefix("question-")
        info = ctx.questions.get(code)
        if info is None or info.kind not in ("single", "multiple"):
            return None
        (result,) = report.question_results(ctx, [code])
        labels = dict(info.choices)
        rows = result.summary.rows
        axis = _("%(percent)s of respondents (n = %(n)s)") % {"percent": "%", "n": result.summary.n}
        return charts.bar_chart(
            f"{code}. {pick(info.text, language)}",
            [pick(labels[r.code], language) for r in rows],
            [r.percent or 0 for r in rows],
            [r.count for r in rows],
            axis,
            decimal="," if language == "fr" else ".",
        )
    if name.startswith("scales-page-"):
        codes = scale_groups(ctx).get(_int(name.removeprefix("scales-page-")))
        if not codes:
            return None
        results = report.question_results(ctx, codes)
        items = [
            (
                f"{r.info.code}. {pick(r.info.text, language)} (n = {r.summary.n})",
                [b.percent or 0 for b in r.summary.bins],
            )
            for r in results
        ]
        page = ctx.layout.page(_int(name.removeprefix("scales-page-")))
        return charts.stacked_bins(page.title, items, ["0-4", "5-7", "8-10"], _("percentage of respondents"))
    return None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None
