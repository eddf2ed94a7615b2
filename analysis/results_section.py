"""The results section of the paper, regenerated from the live data: what it needs is loaded
once (``Section.load``, the same ``report`` functions the dashboard and ``analyze --json``
call, so the numbers are theirs), then written as blocks (``blocks``) in one language, for Word
(``paper_docx``) and for the printable page.

The paper's order: participation; the sample (Additional table 1, Figure 1, the first page's
questions); how it compares to the reference population; Figures 2 to 5; Table 1. The text
states the numbers and interprets none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import figures, participation, report, representativeness
from .distributions import ChoiceSummary, ScaleSummary
from .paper import (
    Block,
    Cell,
    Figure,
    Heading,
    Paragraph,
    Table,
    count,
    day,
    filters_note,
    number,
    p_value,
    percent,
)
from .paper import table1 as table1_block
from .queries import Filters
from .variables import pick

# The paper's Figures 2 to 5 (Figure 1 shows the first page's questions): the 0-10 statements of
# pages 3 and 5, the group's strengths (Q21) and weaknesses (Q22). A survey without all of these
# charts gets, after Figure 1, every chart of its other questions, in questionnaire order.
PAPER_FIGURES = ("scales-page-3", "question-Q21", "question-Q22", "scales-page-5")


@dataclass(frozen=True)
class Section:
    title: str
    filters: Filters
    summary: participation.Participation
    results: dict[str, report.QuestionResult]  # by question code, in questionnaire order
    description: list[str]  # the codes of the questions describing the sample (first page)
    characteristics: list[str]  # Figure 1: the charts of the description's questions
    figures: list[str]  # Figures 2, 3…: one chart each
    charts: dict[str, list[str]]  # chart name -> the codes of the questions it shows
    page_titles: dict[int, str]
    subgroups: list[report.SubgroupRow]
    references: list[representativeness.ReferenceComparison]

    @classmethod
    def load(cls, ctx: report.Context) -> Section:
        summary, _steps = report.overview(ctx)
        results = {r.info.code: r for r in report.question_results(ctx)}
        names: dict[str, list[str]] = {}
        for code, name in figures.question_charts(ctx).items():
            names.setdefault(name, []).append(code)
        first = ctx.layout.pages[0].position if ctx.layout.pages else None
        description = [code for code, r in results.items() if r.info.page == first and _choices(r)]
        figure1 = list(dict.fromkeys(_chart_of(names, c) for c in description if _chart_of(names, c)))
        if all(name in names for name in PAPER_FIGURES):
            others = list(PAPER_FIGURES)
        else:
            others = [name for name in names if name not in figure1]
        return cls(
            title=ctx.survey.title,
            filters=ctx.filters,
            summary=summary,
            results=results,
            description=description,
            characteristics=figure1,
            figures=others,
            charts=names,
            page_titles={p.position: p.title for p in ctx.layout.pages},
            subgroups=report.subgroup_table(ctx),
            references=references(ctx, results),
        )


def _chart_of(charts: dict[str, list[str]], code: str) -> str | None:
    return next((name for name, codes in charts.items() if code in codes), None)


def _choices(result: report.QuestionResult) -> bool:
    return isinstance(result.summary, ChoiceSummary)


def references(
    ctx: report.Context, results: dict | None = None
) -> list[representativeness.ReferenceComparison]:
    """The sample beside each reference of the analysis plan (the dashboard's block)."""
    if not ctx.plan.references:
        return []
    if results is None:
        codes = sorted({m.question for r in ctx.plan.references for m in r.margins})
        results = {r.info.code: r for r in report.question_results(ctx, codes)}
    counts = {
        code: {row.code: row.count for row in result.summary.rows}
        for code, result in results.items()
        if isinstance(result.summary, ChoiceSummary)
    }
    return [representativeness.compare_reference(r, counts) for r in ctx.plan.references]


def p_phrase(p: float | None) -> str:
    """ "p < 0.001" or "p = 0.012"."""
    text = p_value(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def blocks(section: Section, language: str, safe: bool, adjusted: bool = False) -> list[Block]:
    """The section's text, tables and figures in ``language`` (call under translation.override)."""
    out: list[Block] = [Heading(_("Participation")), Paragraph(_participation(section, safe))]
    table_numbers = iter(range(1, 100))
    figure_numbers = iter(range(1, 100))
    if section.description:
        out.append(Heading(_("The participants")))
        out.append(Paragraph(_description_text(section, language, safe)))
        out.append(_description_table(section, language, safe, next(table_numbers)))
    if section.characteristics:
        out.append(
            Figure(
                _("Figure %(n)d. Characteristics of the participants (number of participants).")
                % {"n": next(figure_numbers)},
                section.characteristics,
            )
        )
    for comparison in section.references:
        out.append(Heading(_("The sample and the reference population")))
        out.append(Paragraph(_reference_text(comparison, language, safe)))
        out.append(_reference_table(comparison, language, safe, next(table_numbers), section.filters))
    if section.figures:
        out.append(Heading(_("Answers")))
    for name in section.figures:
        n = next(figure_numbers)
        out.append(Paragraph(_figure_text(section, name, language, safe, n)))
        out.append(Figure(_figure_caption(section, name, language, n), [name]))
    if section.subgroups:
        out.append(Heading(_("Subgroup analysis")))
        out.append(Paragraph(_subgroup_text(section, language)))
        out.append(table1_block(section.subgroups, language, safe, section.filters, adjusted))
    return out


def _participation(section: Section, safe: bool) -> str:
    s = section.summary
    if not s.participants:
        return _("No participant has answered yet.") + " " + filters_note(section.filters, safe)
    text = _(
        "From %(first)s to %(last)s, %(participants)s participants answered at least one question; "
        "%(complete)s completed the questionnaire in full, a completion rate of %(rate)s."
    ) % {
        "first": day(s.per_day[0][0]),
        "last": day(s.per_day[-1][0]),
        "participants": count(s.participants, safe),
        "complete": count(s.complete, safe),
        "rate": percent(s.completion_rate),
    }
    return f"{text} {filters_note(section.filters, safe)}"


def _question_name(result: report.QuestionResult, language: str) -> str:
    return pick(result.info.text, language)


def _choice_label(result: report.QuestionResult, code: str, language: str) -> str:
    return pick(result.info.choice_labels.get(code, {}), language) or code


def _description_text(section: Section, language: str, safe: bool) -> str:
    parts = []
    for code in section.description:
        result = section.results[code]
        top = max(result.summary.rows, key=lambda r: r.count, default=None)
        if top is None or not top.count:
            continue
        parts.append(
            _("%(question)s — %(answer)s, %(percent)s (%(count)s of %(n)s)")
            % {
                "question": _question_name(result, language),
                "answer": _choice_label(result, top.code, language),
                "percent": percent(top.percent),
                "count": count(top.count, safe),
                "n": count(result.summary.n, safe),
            }
        )
    return _("The answer most often given to each question describing the participants: %(answers)s.") % {
        "answers": "; ".join(parts)
    }


def _description_table(section: Section, language: str, safe: bool, position: int) -> Table:
    body = []
    for code in section.description:
        result = section.results[code]
        body.append(
            [
                Cell(f"{code}. {_question_name(result, language)}", bold=True, label=True),
                Cell(count(result.summary.n, safe), bold=True),
                Cell(""),
            ]
        )
        for row in result.summary.rows:
            body.append(
                [
                    Cell(_choice_label(result, row.code, language), label=True),
                    Cell(count(row.count, safe)),
                    Cell(percent(row.percent)),
                ]
            )
    return Table(
        _("Additional table %(n)d. Characteristics of the participants") % {"n": position},
        [[Cell(_("Characteristic"), label=True), Cell("n"), Cell("%")]],
        body,
        [
            _("n: participants who answered the question; %: of them."),
            filters_note(section.filters, safe),
        ],
    )


def _reference_text(comparison, language: str, safe: bool) -> str:
    parts = [
        _(
            "%(label)s: %(sample)s of the sample (%(count)s of %(n)s) and %(reference)s "
            "in the reference, %(p)s"
        )
        % {
            "label": pick(m.margin.label, language),
            "sample": percent(m.percent),
            "count": count(m.count, safe),
            "n": count(m.n, safe),
            "reference": percent(m.reference_percent),
            "p": p_phrase(_reported_p(m)),
        }
        for m in comparison.margins
        if m.testable
    ]
    return _("Compared to %(source)s: %(comparisons)s.") % {
        "source": pick(comparison.reference.source, language),
        "comparisons": "; ".join(parts) or _("no participant answered these questions"),
    }


def _reported_p(m: representativeness.MarginComparison) -> float | None:
    return m.binomial_p_value if m.low_expected else m.p_value


def _reference_table(comparison, language: str, safe: bool, position: int, filters: Filters) -> Table:
    header = [
        [
            Cell(_("Characteristic"), label=True),
            Cell(_("Sample")),
            Cell("n"),
            Cell(_("Reference")),
            Cell("χ²"),
            Cell("p"),
        ]
    ]
    body, notes = [], []
    for m in comparison.margins:
        p = p_value(m.p_value)
        if m.low_expected:
            p += " †\n" + _("binomial: %(p)s") % {"p": p_value(m.binomial_p_value)}
        body.append(
            [
                Cell(pick(m.margin.label, language), label=True),
                Cell(percent(m.percent)),
                Cell(f"{count(m.count, safe)}/{count(m.n, safe)}"),
                Cell(percent(m.reference_percent)),
                Cell("–" if m.statistic is None else number(m.statistic, 2)),
                Cell(p, bold=m.significant()),
            ]
        )
        if m.margin.note:
            notes.append(f"{pick(m.margin.label, language)}: {pick(m.margin.note, language)}")
    notes = [
        _("Reference: %(source)s.") % {"source": pick(comparison.reference.source, language)},
        _(
            "Sample: the share of the participants who answered the question (n). p: Pearson's "
            "chi-squared goodness-of-fit test of the sample's two counts against the reference "
            "shares (1 degree of freedom, no continuity correction, as R's chisq.test(x, p = ...)). "
            "†: an expected count is under 5; the exact binomial test is given under it."
        ),
        *notes,
        filters_note(filters, safe),
    ]
    return Table(
        _("Additional table %(n)d. The sample and the reference population") % {"n": position},
        header,
        body,
        notes,
    )


def _figure_caption(section: Section, name: str, language: str, figure: int) -> str:
    codes = section.charts.get(name, [])
    first = section.results.get(codes[0]) if codes else None
    if first is not None and isinstance(first.summary, ScaleSummary):
        what = _(
            "%(title)s: share of the participants who rated each statement from 0 to 4, from 5 to 7 "
            "and from 8 to 10, on a scale from 0 (strongly disagree) to 10 (strongly agree)."
        ) % {"title": section.page_titles.get(first.info.page, "")}
    elif first is not None:
        what = _("Answers to the question “%(question)s” (number of participants).") % {
            "question": _question_name(first, language)
        }
    else:
        what = name
    return _("Figure %(n)d. %(caption)s") % {"n": figure, "caption": what}


def _figure_text(section: Section, name: str, language: str, safe: bool, figure: int) -> str:
    """The figure's numbers in words: each statement's share of scores of 8 or more, or the
    three options chosen most often."""
    scores, choices = [], []
    for code in [c for c in section.charts.get(name, []) if c in section.results]:
        result = section.results[code]
        summary = result.summary
        if isinstance(summary, ScaleSummary):
            scores.append(
                _("%(code)s (“%(question)s”) %(percent)s (n = %(n)s)")
                % {
                    "code": code,
                    "question": _question_name(result, language),
                    "percent": percent(summary.share_8_plus),
                    "n": count(summary.n, safe),
                }
            )
        elif isinstance(summary, ChoiceSummary):
            chosen = ", ".join(
                f"{_choice_label(result, r.code, language)} {percent(r.percent)} ({count(r.count, safe)})"
                for r in sorted(summary.rows, key=lambda r: -r.count)[:3]
                if r.count
            )
            choices.append(
                _(
                    "“%(question)s” (Figure %(figure)d; n = %(n)s): "
                    "the options chosen most often were %(chosen)s."
                )
                % {
                    "question": _question_name(result, language),
                    "figure": figure,
                    "n": count(summary.n, safe),
                    "chosen": chosen,
                }
            )
    if scores:
        choices.insert(
            0,
            _("Share of the participants who gave a score of 8 or more (Figure %(figure)d): %(scores)s.")
            % {"figure": figure, "scores": "; ".join(scores)},
        )
    return " ".join(choices)


def _subgroup_text(section: Section, language: str) -> str:
    tests = [(row, c) for row in section.subgroups for c in row.comparisons if c.test.testable]
    significant = [(row, c) for row, c in tests if c.test.significant()]
    text = ngettext(
        "Of the %(tests)d comparison of Table 1, %(significant)d had p < 0.05.",
        "Of the %(tests)d comparisons of Table 1, %(significant)d had p < 0.05.",
        len(tests),
    ) % {"tests": len(tests), "significant": len(significant)}
    versus = " " + _("vs") + " "
    details = [
        _("%(outcome)s by %(grouping)s: %(groups)s, %(p)s")
        % {
            "outcome": pick(row.outcome.label, language),
            "grouping": pick(c.grouping.label, language).lower(),
            "groups": versus.join(
                f"{pick(cat.label, language)} {percent(cell.percent)}"
                for cat, cell in zip(c.grouping.categories, c.cells, strict=True)
            ),
            "p": p_phrase(c.test.p_value),
        }
        for row, c in significant
    ]
    if details:
        text += " " + "; ".join(details) + "."
    return text
