"""Pearson's chi-squared test as R's ``chisq.test`` computes it, with Fisher's exact test.

R (4.1) applies Yates' continuity correction to 2 x 2 tables only (``correct = TRUE`` is the
default), capped at |O - E| as R does; scipy's ``chi2_contingency`` does the same since 1.7, so
the statistic and p-value below are R's to the last digits (see tests/analysis/test_chi2.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2_contingency, fisher_exact


@dataclass(frozen=True)
class ChiSquared:
    statistic: float | None
    df: int
    p_value: float | None
    expected: list[list[float]]
    yates: bool  # Yates' continuity correction applied (2 x 2 tables)
    low_expected: bool  # some expected count < 5: R warns "Chi-squared approximation may be incorrect"
    fisher_p_value: float | None  # two-sided, for 2 x 2 tables

    @property
    def testable(self) -> bool:
        return self.p_value is not None

    def significant(self, alpha: float = 0.05) -> bool:
        return self.p_value is not None and self.p_value < alpha


def chi_squared(table) -> ChiSquared:
    """Test independence of the rows and columns of a contingency table of counts.

    Rows or columns that are entirely zero are dropped first (they carry no information, and R
    would return NaN); a table left with fewer than two rows or columns cannot be tested.
    """
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or (counts < 0).any():
        raise ValueError("a contingency table is a 2-D array of non-negative counts")
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    rows, cols = counts.shape if counts.size else (0, 0)
    if rows < 2 or cols < 2:
        return ChiSquared(None, 0, None, [], False, False, None)
    is_2x2 = (rows, cols) == (2, 2)
    result = chi2_contingency(counts, correction=is_2x2)
    expected = result.expected_freq
    return ChiSquared(
        statistic=float(result.statistic),
        df=int(result.dof),
        p_value=float(result.pvalue),
        expected=expected.tolist(),
        yates=is_2x2,
        low_expected=bool((expected < 5).any()),
        fisher_p_value=float(fisher_exact(counts).pvalue) if is_2x2 else None,
    )
