"""Results as a paper prints them (pure: computed results in, text, Word and CSV out).

A document is a list of blocks (headings, paragraphs, tables, figures) whose text is already
formatted in the active language (``translation.override``): the Word writer and the printable
page show the same strings, so they cannot disagree. Numbers follow the dashboard: percentages
to one decimal, p as "< 0.001" or three decimals, the decimal comma in French, and with the
publication-safe switch counts from 1 to 4 as "<5".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .export import neutralise
from .queries import Filters
from .subgroups import mask_small
from .variables import pick

# -- numbers ----------------------------------------------------------------------------------


def number(value: float, digits: int) -> str:
    """Rounded half up, with the language's decimal mark: the dashboard's ``floatformat``."""
    return floatformat(value, digits)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{number(value, 1)} %"


def p_value(p: float | None) -> str:
    """As papers print them: "< 0.001", else three decimals."""
    if p is None:
        return _("n/a")
    if p < 0.001:
        return f"< {number(0.001, 3)}"
    return number(p, 3)


def count(n: int, safe: bool) -> str:
    return mask_small(int(n), safe)


def day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment, as R's ``p.adjust(p, "holm")``: the k-th smallest of m
    p-values times (m - k + 1), never below the one before, at most 1. None (no test) stays
    None and is not counted among the m."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(tested)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(tested):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


# -- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str  # lines separated by "\n"
    span: int = 1  # columns it covers
    bold: bool = False
    label: bool = False  # a row's or column's name (left-aligned), not a figure


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1
    block = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    block = "paragraph"


@dataclass(frozen=True)
class Table:
    caption: str
    header: list[list[Cell]]
    body: list[list[Cell]]
    footnotes: list[str] = field(default_factory=list)
    wide: bool = False  # on a landscape page in Word
    block = "table"

    @property
    def columns(self) -> int:
        return sum(c.span for c in self.header[-1])


@dataclass(frozen=True)
class Figure:
    caption: str
    charts: list[str]  # chart names (analysis.figures), side by side when several
    block = "figure"


Block = Heading | Paragraph | Table | Figure


def filters_note(filters: Filters, safe: bool) -> str:
    """What the figures count, in words: the footnote of every table."""
    parts = [
        _("complete responses only") if filters.complete_only else _("all participants, complete or not")
    ]
    if filters.start and filters.end:
        parts.append(
            _("started from %(start)s to %(end)s") % {"start": day(filters.start), "end": day(filters.end)}
        )
    elif filters.start:
        parts.append(_("started from %(start)s") % {"start": day(filters.start)})
    elif filters.end:
        parts.append(_("started on or before %(end)s") % {"end": day(filters.end)})
    parts.append(
        _("test responses (pilot runs) included")
        if filters.include_tests
        else _("test responses (pilot runs) left out")
    )
    note = _("Filters: %(filters)s.") % {"filters": "; ".join(parts)}
    if safe:
        note += " " + _("Publication-safe: counts from 1 to 4 are shown as <5.")
    return note


# -- Table 1: the subgroup comparisons --------------------------------------------------------


def table1_p_values(rows) -> list[float | None]:
    """Every comparison's chi-squared p-value, outcome by outcome, grouping by grouping."""
    return [c.test.p_value for row in rows for c in row.comparisons]


def table1(
    rows, language: str, safe: bool, filters: Filters, adjusted: bool = False, caption: str | None = None
) -> Table:
    """The paper's Table 1 from ``report.subgroup_table``: one row per outcome; for each grouping
    the percentage of each group with the outcome and the test's p (and Holm's, if
    ``adjusted``)."""
    groupings = [c.grouping for c in rows[0].comparisons] if rows else []
    p_holm = iter(holm(table1_p_values(rows)))
    extra = 2 if adjusted else 1
    header = [
        [Cell("", label=True)]
        + [Cell(pick(g.label, language), span=len(g.categories) + extra) for g in groupings],
        [Cell(_("Outcome"), label=True)],
    ]
    for g in groupings:
        header[1] += [Cell(pick(c.label, language)) for c in g.categories] + [Cell("p")]
        if adjusted:
            header[1].append(Cell(_("p (Holm)")))
    body = []
    for row in rows:
        line = [Cell(pick(row.outcome.label, language), label=True)]
        for c in row.comparisons:
            line += [
                Cell(f"{percent(g.percent)}\n{count(g.positive, safe)}/{count(g.n, safe)}") for g in c.cells
            ]
            line.append(_p_cell(c.test))
            if adjusted:
                holm_p = next(p_holm)
                line.append(Cell(p_value(holm_p), bold=holm_p is not None and holm_p < 0.05))
        body.append(line)
    return Table(
        caption or _("Table 1. Subgroup analysis of responses to items"),
        header,
        body,
        table1_footnotes(rows, len(groupings), filters, safe, adjusted),
        wide=True,
    )


def _p_cell(test) -> Cell:
    text = p_value(test.p_value)
    if test.low_expected:
        text += " †"
        if test.fisher_p_value is not None:
            text += "\n" + _("Fisher: %(p)s") % {"p": p_value(test.fisher_p_value)}
    return Cell(text, bold=test.significant())


def tests_note(tests: int, outcomes: int, groupings: int) -> str:
    """How many tests Table 1 runs: "36 tests were run (12 outcomes x 3 groupings)." or, when
    some comparisons have a group without answers, how many of them could not be tested."""
    comparisons = outcomes * groupings
    shape = (
        ngettext("%(n)d outcome", "%(n)d outcomes", outcomes) % {"n": outcomes}
        + " x "
        + ngettext("%(n)d grouping", "%(n)d groupings", groupings) % {"n": groupings}
    )
    done = ngettext("%(tests)d test was run", "%(tests)d tests were run", tests) % {"tests": tests}
    if tests == comparisons:
        return f"{done} ({shape})."
    untested = comparisons - tests
    return (
        done
        + " "
        + ngettext(
            "of %(comparisons)d comparisons (%(shape)s): %(untested)d could not be tested (a group or "
            "an outcome without answers).",
            "of %(comparisons)d comparisons (%(shape)s): %(untested)d could not be tested (a group or "
            "an outcome without answers).",
            untested,
        )
        % {"comparisons": comparisons, "shape": shape, "untested": untested}
    )


def table1_footnotes(rows, groupings: int, filters: Filters, safe: bool, adjusted: bool) -> list[str]:
    tests = sum(1 for p in table1_p_values(rows) if p is not None)
    notes = [
        _(
            "Each cell: the percentage of the group with the outcome, then the number with the "
            "outcome / the number of the group who answered the question."
        ),
        _(
            "p: Pearson's chi-squared test, with Yates' continuity correction on 2 x 2 tables; "
            "in bold, p < 0.05. †: an expected count is under 5, so the chi-squared approximation "
            "may be poor; on 2 x 2 tables the p-value of Fisher's exact test is given under it."
        ),
        tests_note(tests, len(rows), groupings),
    ]
    if adjusted:
        notes.append(
            _("p (Holm): the p-values adjusted by Holm's method for the %(tests)d tests of the table.")
            % {"tests": tests}
        )
    else:
        notes.append(_("The p-values are not adjusted for multiple comparisons."))
    notes.append(filters_note(filters, safe))
    return notes


def table1_csv(rows, language: str, safe: bool, filters: Filters, adjusted: bool = False) -> str:
    """Table 1 as CSV, one column per figure (percentage, numbers and p apart), the footnotes
    under it after an empty line. French: semicolons and decimal commas, as French Excel
    reads them. With a BOM, for Excel to read UTF-8."""
    groupings = [c.grouping for c in rows[0].comparisons] if rows else []
    p_holm = iter(holm(table1_p_values(rows)))
    header = [_("Outcome")]
    positive, fisher, holm_p = _("with the outcome"), _("Fisher p"), _("p (Holm)")
    for g in groupings:
        name = pick(g.label, language)
        for c in g.categories:
            group = f"{name}: {pick(c.label, language)}"
            header += [f"{group} (%)", f"{group} ({positive})", f"{group} (n)"]
        header += [f"{name}: p", f"{name}: {fisher}"]
        if adjusted:
            header.append(f"{name}: {holm_p}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language.startswith("fr") else ",", lineterminator="\r\n")

    def writerow(cells) -> None:
        """Every cell inert in the spreadsheet that opens the file: labels are the investigators'
        words."""
        writer.writerow([neutralise(str(cell)) for cell in cells])

    writerow(header)
    for row in rows:
        line = [pick(row.outcome.label, language)]
        for c in row.comparisons:
            for g in c.cells:
                line += [percent(g.percent).removesuffix(" %"), count(g.positive, safe), count(g.n, safe)]
            fisher = c.test.fisher_p_value if c.test.low_expected else None
            line += [p_value(c.test.p_value), p_value(fisher) if fisher is not None else ""]
            if adjusted:
                line.append(p_value(next(p_holm)))
        writerow(line)
    writer.writerow([])
    for note in table1_footnotes(rows, len(groupings), filters, safe, adjusted):
        writerow([note])
    return "\ufeff" + out.getvalue()
