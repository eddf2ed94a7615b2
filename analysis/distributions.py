"""Descriptive statistics of one question's answers, from counts (pure: pandas in, dataclasses out).

Each kind of question (surveys/kinds/) picks the function for its answers: choices, scores,
numbers, dates, a grid's statements or free texts. Every summary gives its JSON-ready form
(``as_data``), the figures of ``manage.py analyze --json``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
import pandas as pd

BINS = (("0-4", 0, 4), ("5-7", 5, 7), ("8-10", 8, 10))
# A number's histogram: about Sturges' number of bins, within these, of a round width.
HISTOGRAM_BINS = (5, 20)
# Whole numbers spanning at most this many values get one bar each.
HISTOGRAM_ONE_PER_VALUE = 20


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def rounded(value, digits: int = 4):
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class Counted:
    """What the database gave of one question's answers (``analysis.queries.value_counts``), for
    its kind to summarize."""

    values: pd.Series  # how many gave each value (choice code, score, number, day), indexed by it
    respondents: int = 0  # how many answered it, where one answer counts several values
    rows: dict[str, pd.Series] = field(default_factory=dict)  # a grid's: per statement, as ``values``
    other_texts: list[str] = field(default_factory=list)  # the latest "other, please specify"
    texts: TextSummary | None = None  # a free text's: how many, the latest ones


@dataclass(frozen=True)
class Row:
    code: str
    count: int
    percent: float | None


def rows_data(rows: list[Row]) -> dict:
    return {r.code: {"count": r.count, "percent": rounded(r.percent)} for r in rows}


@dataclass(frozen=True)
class ChoiceSummary:
    """Single choice: % of those who answered. Multiple choice: % of the respondents who
    answered the question that chose each option (these can sum past 100)."""

    n: int
    rows: list[Row]
    other_texts: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        return {"n": self.n, "choices": rows_data(self.rows), "other_texts": self.other_texts}


def _rows(codes: list[str], counts: pd.Series, n: int) -> list[Row]:
    counts = counts.reindex(codes, fill_value=0)
    return [Row(code, int(counts[code]), percent(int(counts[code]), n)) for code in codes]


def single_choice(codes: list[str], counts: pd.Series, other_texts=()) -> ChoiceSummary:
    """``counts``: how many chose each choice code, indexed by code."""
    n = int(counts.reindex(codes, fill_value=0).sum())
    return ChoiceSummary(n=n, rows=_rows(codes, counts, n), other_texts=list(other_texts))


def multiple_choice(codes: list[str], counts: pd.Series, respondents: int, other_texts=()) -> ChoiceSummary:
    """``counts``: how many chose each option; ``respondents``: how many answered the question."""
    return ChoiceSummary(n=respondents, rows=_rows(codes, counts, respondents), other_texts=list(other_texts))


@dataclass(frozen=True)
class ScaleSummary:
    n: int
    mean: float | None
    sd: float | None  # sample standard deviation (n - 1), as R's sd()
    median: float | None
    q1: float | None  # quartiles as R's quantile() default (type 7)
    q3: float | None
    counts: list[Row]  # one row per score, low to high
    bins: list[Row]  # 0-4, 5-7, 8-10
    share_8_plus: float | None

    def as_data(self) -> dict:
        return {
            "n": self.n,
            "mean": rounded(self.mean),
            "sd": rounded(self.sd),
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "counts": {r.code: r.count for r in self.counts},
            "bins": rows_data(self.bins),
            "share_8_plus": rounded(self.share_8_plus),
        }

    @property
    def headline(self) -> str:
        return f"mean {rounded(self.mean)}, >= 8: {rounded(self.share_8_plus)} %"


@dataclass(frozen=True)
class Spread:
    """Mean, sample SD (n - 1), and the quartiles as R's quantile() default (type 7)."""

    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None


def spread(values: np.ndarray) -> Spread:
    if not len(values):
        return Spread()
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])  # numpy's default is R's type 7
    return Spread(
        mean=float(values.mean()),
        sd=float(values.std(ddof=1)) if len(values) > 1 else None,
        median=float(median),
        q1=float(q1),
        q3=float(q3),
    )


def scale(counts: pd.Series, low: int = 0, high: int = 10) -> ScaleSummary:
    """``counts``: how many gave each score, indexed by score."""
    scores = list(range(low, high + 1))
    counts = counts.reindex(scores, fill_value=0).astype(int)
    n = int(counts.sum())
    values = np.repeat(np.array(scores, dtype=float), counts.to_numpy())
    rows = [Row(str(s), int(counts[s]), percent(int(counts[s]), n)) for s in scores]
    bins = []
    for label, start, end in BINS:
        inside = int(counts[(counts.index >= start) & (counts.index <= end)].sum())
        bins.append(Row(label, inside, percent(inside, n)))
    if n == 0:
        return ScaleSummary(0, None, None, None, None, None, rows, bins, None)
    s = spread(values)
    return ScaleSummary(
        n=n,
        mean=s.mean,
        sd=s.sd,
        median=s.median,
        q1=s.q1,
        q3=s.q3,
        counts=rows,
        bins=bins,
        share_8_plus=percent(int(counts[counts.index >= 8].sum()), n),
    )


# -- numbers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistogramBin:
    """The answers from ``start`` (included) to ``end`` (excluded, but for the last bin)."""

    start: Decimal
    end: Decimal
    count: int
    percent: float | None
    whole: bool  # of whole numbers: labelled by the values it holds ("0-4", "7")

    @property
    def label(self) -> str:
        if self.whole:
            last = self.end - 1
            return f"{_plain(self.start)}" if last == self.start else f"{_plain(self.start)}-{_plain(last)}"
        return f"{_plain(self.start)}-{_plain(self.end)}"

    def as_data(self) -> dict:
        return {
            "start": float(self.start),
            "end": float(self.end),
            "count": self.count,
            "percent": rounded(self.percent),
        }


def _plain(value: Decimal) -> str:
    """2.5, 60, -1: as a person writes it, not 6E+1 or 2.500000."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _round_width(raw: Decimal) -> Decimal:
    """The first of 1, 2, 2.5 and 5 (times a power of ten) that is at least ``raw``."""
    power = Decimal(10) ** math.floor(math.log10(raw))
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if power * step >= raw:
            return power * step
    return power * 10  # pragma: no cover


def histogram(counts: dict[Decimal, int], whole: bool) -> list[HistogramBin]:
    """Bins of a round width covering the answers (``counts``: how many gave each number).
    Whole numbers spanning at most 20 values get a bar each; otherwise about Sturges' number of
    bins (log2(n) + 1, from 5 to 20). Computed exactly (Decimal): a value on an edge goes to the
    bin it starts."""
    n = sum(counts.values())
    if not n:
        return []
    low, high = min(counts), max(counts)
    if whole and high - low + 1 <= HISTOGRAM_ONE_PER_VALUE:
        width = Decimal(1)
    else:
        target = min(max(math.ceil(math.log2(n)) + 1, HISTOGRAM_BINS[0]), HISTOGRAM_BINS[1])
        width = _round_width((high - low) / target) if high > low else Decimal(1)
        if whole:
            width = max(width.to_integral_value(rounding=ROUND_CEILING), Decimal(1))
    start = (low / width).to_integral_value(rounding=ROUND_FLOOR) * width
    size = int((high - start) // width) + 1
    tally = [0] * size
    for value, count in counts.items():
        tally[min(int((value - start) // width), size - 1)] += count
    return [
        HistogramBin(start + i * width, start + (i + 1) * width, tally[i], percent(tally[i], n), whole)
        for i in range(size)
    ]


@dataclass(frozen=True)
class NumberSummary:
    n: int
    mean: float | None
    sd: float | None  # sample standard deviation (n - 1), as R's sd()
    median: float | None
    q1: float | None  # quartiles as R's quantile() default (type 7)
    q3: float | None
    min: Decimal | None
    max: Decimal | None
    bins: list[HistogramBin]

    def as_data(self) -> dict:
        return {
            "n": self.n,
            "mean": rounded(self.mean),
            "sd": rounded(self.sd),
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "min": None if self.min is None else float(self.min),
            "max": None if self.max is None else float(self.max),
            "histogram": [b.as_data() for b in self.bins],
        }

    @property
    def headline(self) -> str:
        return f"mean {rounded(self.mean)}, median {self.median}" if self.n else ""


def _tally(counts: pd.Series, key=lambda v: v) -> dict:
    """{value: count} of the values given at least once, ``key`` applied to the values."""
    return {key(value): int(n) for value, n in counts.items() if n > 0}


def numbers(counts: pd.Series, whole: bool = False) -> NumberSummary:
    """``counts``: how many gave each number, indexed by the number (a Decimal); ``whole``: a
    question of whole numbers (its histogram then has a bar per value when it can)."""
    tally = _tally(counts, lambda v: Decimal(v))
    n = sum(tally.values())
    if not n:
        return NumberSummary(0, None, None, None, None, None, None, None, [])
    values = np.repeat(np.array([float(v) for v in tally], dtype=float), list(tally.values()))
    s = spread(values)
    return NumberSummary(
        n=n,
        mean=s.mean,
        sd=s.sd,
        median=s.median,
        q1=s.q1,
        q3=s.q3,
        min=min(tally),
        max=max(tally),
        bins=histogram(tally, whole),
    )


# -- dates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateSummary:
    n: int
    first: dt.date | None
    last: dt.date | None
    median: dt.date | None  # the lower median: the earlier of the two middle days when n is even
    months: list[Row]  # one row per month ("2026-11") from the first to the last, empty ones too

    def as_data(self) -> dict:
        day = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "n": self.n,
            "first": day(self.first),
            "last": day(self.last),
            "median": day(self.median),
            "months": rows_data(self.months),
        }

    @property
    def headline(self) -> str:
        return f"{self.first} to {self.last}, median {self.median}" if self.n else ""


def dates(counts: pd.Series) -> DateSummary:
    """``counts``: how many gave each day, indexed by the day."""
    tally = dict(sorted(_tally(counts).items()))
    n = sum(tally.values())
    if not n:
        return DateSummary(0, None, None, None, [])
    days = list(tally)
    middle, seen, median = (n - 1) // 2, 0, days[-1]
    for day, count in tally.items():
        seen += count
        if seen > middle:
            median = day
            break
    per_month: dict[tuple[int, int], int] = {}
    for day, count in tally.items():
        per_month[(day.year, day.month)] = per_month.get((day.year, day.month), 0) + count
    months, (year, month) = [], (days[0].year, days[0].month)
    while (year, month) <= (days[-1].year, days[-1].month):
        count = per_month.get((year, month), 0)
        months.append(Row(f"{year:04d}-{month:02d}", count, percent(count, n)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return DateSummary(n=n, first=days[0], last=days[-1], median=median, months=months)


# -- grids -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementSummary:
    code: str
    summary: ChoiceSummary  # % of those who answered the statement


@dataclass(frozen=True)
class GridSummary:
    n: int  # answered at least one statement
    statements: list[StatementSummary]

    def as_data(self) -> dict:
        return {"n": self.n, "statements": {s.code: s.summary.as_data() for s in self.statements}}


def grid(
    statements: list[str], codes: list[str], rows: dict[str, pd.Series], respondents: int
) -> GridSummary:
    """``rows``: per statement code, how many chose each choice code."""
    empty = pd.Series(dtype="int64")
    return GridSummary(
        n=respondents,
        statements=[StatementSummary(s, single_choice(codes, rows.get(s, empty))) for s in statements],
    )


# -- texts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextSummary:
    n: int
    texts: list[str]  # the most recent ones, at most the number asked for

    def as_data(self) -> dict:
        return {"n": self.n, "texts": self.texts}


def free_text(n: int, texts) -> TextSummary:
    return TextSummary(n=n, texts=[t for t in texts if t and t.strip()])


Summary = ChoiceSummary | ScaleSummary | NumberSummary | DateSummary | GridSummary | TextSummary
