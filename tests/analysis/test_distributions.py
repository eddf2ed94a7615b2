import numpy as np
import pandas as pd
import pytest

from analysis.distributions import free_text, multiple_choice, scale, single_choice


def test_a_single_choice_gives_counts_and_percentages_of_those_who_answered():
    summary = single_choice(["yes", "no"], pd.Series({"yes": 289, "no": 711}))
    assert summary.n == 1000
    assert [(r.code, r.count, r.percent) for r in summary.rows] == [("yes", 289, 28.9), ("no", 711, 71.1)]


def test_a_single_choice_lists_choices_nobody_chose_in_questionnaire_order():
    summary = single_choice(["a", "b", "c"], pd.Series({"c": 2}), other_texts=["x"])
    assert [(r.code, r.count) for r in summary.rows] == [("a", 0), ("b", 0), ("c", 2)]
    assert summary.other_texts == ["x"]


def test_multiple_choice_percentages_are_of_respondents_and_can_sum_past_100():
    summary = multiple_choice(["speed", "anytime"], pd.Series({"speed": 7, "anytime": 8}), respondents=8)
    assert [r.percent for r in summary.rows] == [87.5, 100.0]
    assert sum(r.percent for r in summary.rows) > 100


def test_a_scale_gives_the_statistics_r_gives():
    # x <- c(0, 5, 8, 10); mean(x) 5.75; sd(x) 4.349329; median(x) 6.5; quantile(x) 25% 3.75, 75% 8.5
    summary = scale(pd.Series({0: 1, 5: 1, 8: 1, 10: 1}))
    assert summary.n == 4
    assert summary.mean == pytest.approx(5.75)
    assert summary.sd == pytest.approx(4.349329, abs=1e-6)
    assert (summary.median, summary.q1, summary.q3) == (6.5, 3.75, 8.5)


def test_a_scale_gives_the_bins_of_the_paper_and_the_share_scoring_8_or_more():
    summary = scale(pd.Series({2: 1, 4: 1, 5: 2, 7: 1, 8: 3, 10: 2}))
    assert [(b.code, b.count, b.percent) for b in summary.bins] == [
        ("0-4", 2, 20.0),
        ("5-7", 3, 30.0),
        ("8-10", 5, 50.0),
    ]
    assert summary.share_8_plus == 50.0
    assert [r.count for r in summary.counts] == [0, 0, 1, 0, 1, 2, 0, 1, 3, 0, 2]


def test_an_unanswered_scale_has_no_statistics():
    summary = scale(pd.Series(dtype="int64"))
    assert (summary.n, summary.mean, summary.share_8_plus) == (0, None, None)
    assert [b.count for b in summary.bins] == [0, 0, 0]


def test_one_answer_has_no_standard_deviation():
    assert scale(pd.Series({9: 1})).sd is None


def test_free_text_drops_blank_texts():
    assert free_text(2, ["Merci", "  "]).texts == ["Merci"]


# --- numbers, dates and grids -----------------------------------------------------------------


def test_numbers_give_the_statistics_the_statistics_module_gives():
    import statistics
    from decimal import Decimal

    from analysis.distributions import numbers

    rng = np.random.default_rng(4)
    values = [Decimal(int(q)) / 4 for q in rng.integers(0, 401, 137)]  # quarters, many repeated
    counts = pd.Series(values).value_counts()
    summary = numbers(counts)
    q1, _median, q3 = statistics.quantiles([float(v) for v in values], n=4, method="inclusive")
    assert summary.n == 137
    assert summary.mean == pytest.approx(float(statistics.mean(values)))
    assert summary.sd == pytest.approx(float(statistics.stdev(values)))
    assert summary.median == pytest.approx(float(statistics.median(values)))
    assert (summary.q1, summary.q3) == (pytest.approx(q1), pytest.approx(q3))
    assert (summary.min, summary.max) == (min(values), max(values))
    assert sum(b.count for b in summary.bins) == 137
    # Sturges: log2(137) + 1 -> 9 bins wanted, of a round width (100 / 9 -> 20); edges exact.
    assert all(b.end - b.start == 20 for b in summary.bins)
    for b in summary.bins:
        inside = [v for v in values if b.start <= v < b.end or (b is summary.bins[-1] and v == b.end)]
        assert b.count == len(inside)


def test_whole_numbers_over_a_short_span_get_a_bar_per_value():
    from decimal import Decimal

    from analysis.distributions import numbers

    summary = numbers(pd.Series({Decimal(2): 3, Decimal(5): 1}), whole=True)
    assert [(b.label, b.count) for b in summary.bins] == [("2", 3), ("3", 0), ("4", 0), ("5", 1)]
    assert summary.median == 2.0 and summary.q3 == 2.75


def test_no_number_has_no_statistics():
    from analysis.distributions import numbers

    summary = numbers(pd.Series(dtype=object))
    assert (summary.n, summary.mean, summary.min, summary.bins) == (0, None, None, [])


def test_a_single_number_has_no_standard_deviation_and_one_bin():
    from decimal import Decimal

    from analysis.distributions import numbers

    summary = numbers(pd.Series({Decimal("-2.5"): 1}))
    assert (summary.n, summary.mean, summary.sd) == (1, -2.5, None)
    assert [(b.start, b.end, b.count) for b in summary.bins] == [(Decimal(-3), Decimal(-2), 1)]


def test_dates_give_the_first_last_and_lower_median_day_and_every_month():
    import datetime as dt
    import statistics

    from analysis.distributions import dates

    days = [dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2027, 2, 14), dt.date(2027, 2, 14)]
    summary = dates(pd.Series(days).value_counts())
    assert (summary.n, summary.first, summary.last) == (4, days[0], days[-1])
    assert summary.median == statistics.median_low(days) == dt.date(2026, 12, 1)
    assert [(m.code, m.count, m.percent) for m in summary.months] == [
        ("2026-11", 1, 25.0),
        ("2026-12", 1, 25.0),
        ("2027-01", 0, 0.0),
        ("2027-02", 2, 50.0),
    ]
    assert dates(pd.Series(dtype=object)).n == 0


def test_a_grid_summarizes_each_statement_among_those_who_answered_it():
    from analysis.distributions import grid

    summary = grid(["a", "b"], ["1", "2"], {"a": pd.Series({"1": 3, "2": 1})}, respondents=4)
    assert summary.n == 4
    a, b = summary.statements
    assert [(r.code, r.count, r.percent) for r in a.summary.rows] == [("1", 3, 75.0), ("2", 1, 25.0)]
    assert (b.code, b.summary.n, [r.count for r in b.summary.rows]) == ("b", 0, [0, 0])
    assert summary.as_data()["statements"]["a"]["choices"]["1"] == {"count": 3, "percent": 75.0}
