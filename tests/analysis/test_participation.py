import datetime as dt

import pandas as pd

from analysis.participation import funnel, participation


def test_the_completion_rate_is_complete_over_participants_as_in_the_paper():
    summary = participation(1500, 1451, 989, pd.Series(dtype="int64"))
    assert round(summary.completion_rate, 1) == 68.2


def test_participants_per_day_are_in_date_order():
    per_day = pd.Series({dt.date(2022, 6, 2): 3, dt.date(2022, 6, 1): 5})
    assert participation(8, 8, 4, per_day).per_day == [(dt.date(2022, 6, 1), 5), (dt.date(2022, 6, 2), 3)]


def test_no_participants_means_no_completion_rate():
    assert participation(0, 0, 0, pd.Series(dtype="int64")).completion_rate is None


def test_the_funnel_counts_who_stopped_on_each_page():
    steps = funnel([(1, 100, 90), (2, 90, 60), (3, 0, 0)])
    assert [(s.page, s.dropped, s.drop_rate) for s in steps] == [
        (1, 10, 10.0),
        (2, 30, 100 / 3),
        (3, 0, None),
    ]
