"""How far the sample is from the population it was drawn from (pure: counts in, dataclasses out).

Each reference margin of the analysis plan is one proportion (46 % women among French
physicians). The sample's share, among the participants who answered the question, is set
beside it with Pearson's chi-squared goodness-of-fit test on the two counts (in the margin's
choices, not in them) against the shares (p, 1 - p): R's ``chisq.test(c(x, n - x), p = c(p, 1 - p))``,
which applies no continuity correction to a goodness-of-fit test (scipy's ``chisquare`` neither),
1 degree of freedom. It is the test of the paper's own method (chi-squared, R) and, with two
categories, the same as the score test of one proportion. Where an expected count is under 5 the
approximation is poor, and the exact binomial test (R's ``binom.test(x, n, p)``) is the one to
report, as Table 1 reports Fisher's: it is computed for every margin, shown where that happens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scipy.stats import binomtest, chisquare

from .distributions import percent
from .variables import Margin, Reference


@dataclass(frozen=True)
class MarginComparison:
    margin: Margin
    n: int  # participants who answered the question
    count: int  # of them, in the margin's choices
    statistic: float | None
    p_value: float | None
    low_expected: bool  # an expected count under 5: read the binomial test
    binomial_p_value: float | None  # exact, two-sided (R's binom.test)
    df: int = 1

    @property
    def percent(self) -> float | None:
        return percent(self.count, self.n)

    @property
    def reference_percent(self) -> float:
        return 100 * self.margin.share

    @property
    def testable(self) -> bool:
        return self.p_value is not None

    def significant(self, alpha: float = 0.05) -> bool:
        return self.p_value is not None and self.p_value < alpha


def compare(margin: Margin, counts: Mapping[str, int]) -> MarginComparison:
    """``counts``: how many participants chose each choice of the margin's question."""
    n = int(sum(counts.values()))
    x = int(sum(counts.get(code, 0) for code in margin.choices))
    if n == 0:
        return MarginComparison(margin, 0, 0, None, None, False, None)
    expected = [n * margin.share, n * (1 - margin.share)]
    result = chisquare([x, n - x], f_exp=expected)
    return MarginComparison(
        margin,
        n,
        x,
        statistic=float(result.statistic),
        p_value=float(result.pvalue),
        low_expected=min(expected) < 5,
        binomial_p_value=float(binomtest(x, n, margin.share).pvalue),
    )


@dataclass(frozen=True)
class ReferenceComparison:
    reference: Reference
    margins: list[MarginComparison]


def compare_reference(reference: Reference, counts: Mapping[str, Mapping[str, int]]) -> ReferenceComparison:
    """``counts``: per question code, how many chose each choice."""
    return ReferenceComparison(reference, [compare(m, counts.get(m.question, {})) for m in reference.margins])
