"""Descriptive statistics of one question's answers, from counts (pure: pandas in, dataclasses out)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

BINS = (("0-4", 0, 4), ("5-7", 5, 7), ("8-10", 8, 10))


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass(frozen=True)
class Row:
    code: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class ChoiceSummary:
    """Single choice: % of those who answered. Multiple choice: % of the respondents who
    answered the question that chose each option (these can sum past 100)."""

    n: int
    rows: list[Row]
    other_texts: list[str] = field(default_factory=list)


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
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])  # numpy's default is R's type 7
    return ScaleSummary(
        n=n,
        mean=float(values.mean()),
        sd=float(values.std(ddof=1)) if n > 1 else None,
        median=float(median),
        q1=float(q1),
        q3=float(q3),
        counts=rows,
        bins=bins,
        share_8_plus=percent(int(counts[counts.index >= 8].sum()), n),
    )


@dataclass(frozen=True)
class TextSummary:
    n: int
    texts: list[str]  # the most recent ones, at most the number asked for


def free_text(n: int, texts) -> TextSummary:
    return TextSummary(n=n, texts=[t for t in texts if t and t.strip()])
