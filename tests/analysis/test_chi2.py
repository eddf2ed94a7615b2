"""Reference values are R's own output (R 4.x, ``chisq.test`` and ``fisher.test`` defaults).

R was not installed where these tests were written (CRAN is out of reach); the values are the
outputs R prints for these calls in its documentation and in published transcripts, kept
beside the call that produced them.
"""

import pytest

from analysis.chi2 import chi_squared


def test_it_matches_r_on_a_2x3_table_without_correction():
    # M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))); chisq.test(M)   (?chisq.test)
    # X-squared = 30.070149095754672, df = 2, p-value = 2.9535891832117569e-07
    result = chi_squared([[762, 327, 468], [484, 239, 477]])
    assert result.statistic == pytest.approx(30.070149095754672, rel=1e-12)
    assert result.df == 2
    assert result.p_value == pytest.approx(2.9535891832117569e-07, rel=1e-9)
    assert not result.yates and result.fisher_p_value is None


def test_it_matches_the_expected_counts_of_r():
    # chisq.test(M)$expected[1, 1] = 703.6714 (sum row 1 = 1557, col 1 = 1246, n = 2757)
    result = chi_squared([[762, 327, 468], [484, 239, 477]])
    assert result.expected[0][0] == pytest.approx(1557 * 1246 / 2757)
    assert result.expected[0][0] == pytest.approx(703.6714, abs=1e-4)


def test_it_applies_yates_correction_to_a_2x2_table_as_r_does():
    # TB2 <- data.frame(Survival = c(8, 2), Dead = c(12, 18)); chisq.test(TB2)
    # Pearson's Chi-squared test with Yates' continuity correction
    # X-squared = 3.3333, df = 1, p-value = 0.06789
    result = chi_squared([[8, 12], [2, 18]])
    assert result.yates
    assert result.statistic == pytest.approx(3.3333, abs=5e-5)
    assert result.df == 1
    assert result.p_value == pytest.approx(0.06789, abs=5e-6)
    assert not result.low_expected  # the smallest expected count is exactly 5: R does not warn


def test_it_gives_fishers_exact_p_value_for_a_2x2_table():
    # fisher.test(TB2): p-value = 0.06483
    assert chi_squared([[8, 12], [2, 18]]).fisher_p_value == pytest.approx(0.06483, abs=5e-6)


def test_it_warns_like_r_when_an_expected_count_is_under_5():
    # table7_2 <- matrix(c(46, 18, 6, 8), nrow = 2); chisq.test(table7_2)
    # Warning: Chi-squared approximation may be incorrect
    # X-squared = 3.1448, df = 1, p-value = 0.07617
    result = chi_squared([[46, 6], [18, 8]])
    assert result.low_expected
    assert result.statistic == pytest.approx(3.1448, abs=5e-5)
    assert result.p_value == pytest.approx(0.07617, abs=5e-6)


def test_it_matches_r_on_another_small_2x2_table():
    # t <- matrix(c(2, 8, 23, 22), 2); chisq.test(t)
    # X-squared = 2.0625, df = 1, p-value = 0.151   (with the same warning)
    result = chi_squared([[2, 23], [8, 22]])
    assert result.statistic == pytest.approx(2.0625, abs=5e-5)
    assert result.p_value == pytest.approx(0.151, abs=5e-4)
    assert result.low_expected


def test_fisher_matches_r_on_the_tea_tasting_table():
    # TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2); fisher.test(TeaTasting)   (?fisher.test)
    # p-value = 0.4857
    assert chi_squared([[3, 1], [1, 3]]).fisher_p_value == pytest.approx(0.4857, abs=5e-5)


def test_a_hand_computed_yates_statistic():
    # [[10, 20], [20, 10]]: E = 15 everywhere, |O - E| = 5, (5 - 0.5)^2 / 15 * 4 = 5.4
    assert chi_squared([[10, 20], [20, 10]]).statistic == pytest.approx(5.4)


def test_it_drops_empty_rows_and_columns():
    assert chi_squared([[8, 12, 0], [2, 18, 0], [0, 0, 0]]).statistic == pytest.approx(3.3333, abs=5e-5)


def test_a_table_with_one_group_cannot_be_tested():
    result = chi_squared([[8, 12], [0, 0]])
    assert not result.testable and result.p_value is None and not result.significant()


def test_it_refuses_negative_counts():
    with pytest.raises(ValueError):
        chi_squared([[1, -1], [2, 3]])
