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
