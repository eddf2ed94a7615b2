"""Cross-tabulations and the paper's Table 1 (subgroup comparisons), from pair counts (pure)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .chi2 import ChiSquared, chi_squared
from .distributions import percent
from .variables import Variable


def contingency(pairs: pd.DataFrame, rows: Variable, cols: Variable) -> pd.DataFrame:
    """Counts by (row category, column category) from ``pairs``: one line per combination of
    raw values with columns ``row_value``, ``col_value`` and ``n``. Raw values a variable
    leaves out (another specialty in a yes/no grouping…) are dropped."""
    table = pd.DataFrame(0, index=rows.category_codes, columns=cols.category_codes, dtype=int)
    for row_value, col_value, n in pairs[["row_value", "col_value", "n"]].itertuples(index=False):
        r, c = rows.categorize(str(row_value)), cols.categorize(str(col_value))
        if r is not None and c is not None:
            table.loc[r, c] += int(n)
    return table


@dataclass(frozen=True)
class Crosstab:
    rows: Variable
    cols: Variable
    counts: pd.DataFrame  # rows x cols
    test: ChiSquared

    @property
    def n(self) -> int:
        return int(self.counts.to_numpy().sum())

    @property
    def row_totals(self) -> pd.Series:
        return self.counts.sum(axis=1)

    @property
    def col_totals(self) -> pd.Series:
        return self.counts.sum(axis=0)

    def row_percent(self) -> pd.DataFrame:
        totals = self.counts.sum(axis=1).replace(0, np.nan)  # an empty row has no percentages
        return self.counts.div(totals, axis=0).mul(100)

    def col_percent(self) -> pd.DataFrame:
        totals = self.counts.sum(axis=0).replace(0, np.nan)
        return self.counts.div(totals, axis=1).mul(100)


def crosstab(pairs: pd.DataFrame, rows: Variable, cols: Variable) -> Crosstab:
    counts = contingency(pairs, rows, cols)
    return Crosstab(rows, cols, counts, chi_squared(counts.to_numpy()))


@dataclass(frozen=True)
class GroupCell:
    group: str
    n: int  # respondents of the group who answered the outcome question
    positive: int
    percent: float | None


@dataclass(frozen=True)
class SubgroupComparison:
    outcome: Variable
    grouping: Variable
    cells: list[GroupCell]
    test: ChiSquared


def compare(pairs: pd.DataFrame, grouping: Variable, outcome: Variable) -> SubgroupComparison:
    """% with the outcome in each group, and the chi-squared test of groups x (yes, no)."""
    counts = contingency(pairs, grouping, outcome)
    cells = []
    for group in grouping.category_codes:
        n = int(counts.loc[group].sum())
        yes = int(counts.loc[group, "yes"])
        cells.append(GroupCell(group, n, yes, percent(yes, n)))
    return SubgroupComparison(outcome, grouping, cells, chi_squared(counts.to_numpy()))


def mask_small(count: int, enabled: bool) -> str:
    """Publication-safe display: counts from 1 to 4 become "<5" (small cells can identify)."""
    if enabled and 0 < count < 5:
        return "<5"
    return str(count)
