"""The SQL aggregation against a dataset built through the services."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis import report
from analysis.queries import Filters
from tests.analysis.conftest import participant

pytestmark = pytest.mark.django_db


def test_it_counts_consented_participants_and_complete(dataset):
    summary, _ = report.overview(report.Context.load(dataset))
    assert (summary.started, summary.participants, summary.complete) == (6, 5, 3)
    assert summary.completion_rate == 60.0
    assert summary.per_day == [(dt.date(2022, 6, 1), 4), (dt.date(2022, 6, 2), 1)]


def test_the_funnel_does_not_count_skipped_pages_as_drop_outs(dataset):
    _, steps = report.overview(report.Context.load(dataset))
    assert [(s.page, s.shown, s.answered) for s in steps] == [
        (1, 6, 5),
        (2, 5, 5),
        (3, 3, 2),  # B and D said "never": page 3 was never theirs
        (4, 4, 3),  # D reached page 4 straight from page 2 and stopped there
        (5, 3, 3),
        (6, 3, 3),
    ]


def results_by_code(ctx):
    return {r.info.code: r.summary for r in report.question_results(ctx)}


def test_it_counts_each_choice(dataset):
    q9 = results_by_code(report.Context.load(dataset))["Q9"]
    assert {r.code: r.count for r in q9.rows} == {"frequently": 1, "occasionally": 0, "rarely": 2, "never": 2}
    assert q9.n == 5


def test_it_counts_multiple_choices_against_respondents(dataset):
    q21 = results_by_code(report.Context.load(dataset))["Q21"]
    assert q21.n == 3
    assert {r.code: r.percent for r in q21.rows if r.count} == {
        "speed_of_responses": 100.0,
        "free_of_charge": 100.0,
    }


def test_it_summarises_scales(dataset):
    q11 = results_by_code(report.Context.load(dataset))["Q11"]
    assert (q11.n, q11.mean, q11.share_8_plus) == (2, 7.0, 50.0)


def test_it_collects_free_texts(dataset):
    q27 = results_by_code(report.Context.load(dataset))["Q27"]
    assert (q27.n, q27.texts) == (3, ["Merci", "Merci", "Merci"])


def test_it_filters_complete_responses_and_dates(dataset):
    complete = report.Context.load(dataset, Filters(complete_only=True))
    assert results_by_code(complete)["Q9"].n == 3
    second_day = report.Context.load(dataset, Filters(start=dt.date(2022, 6, 2), end=dt.date(2022, 6, 2)))
    assert report.overview(second_day)[0].participants == 1


def test_it_builds_the_subgroup_table(dataset):
    rows = {row.outcome.code: row for row in report.subgroup_table(report.Context.load(dataset))}
    specialty = rows["sought_opinion"].comparisons[0]
    assert specialty.grouping.code == "specialty"
    assert [(c.group, c.positive, c.n) for c in specialty.cells] == [
        ("general_practice", 2, 3),
        ("other_specialties", 1, 2),
    ]
    assert specialty.test.low_expected and specialty.test.fisher_p_value is not None
    q11 = rows["score_8_plus__Q11"].comparisons[0]
    assert [(c.positive, c.n) for c in q11.cells] == [(1, 1), (0, 1)]


def test_it_cross_tabulates_a_derived_variable_with_a_question(dataset):
    table = report.crosstab(report.Context.load(dataset), "underserved", "Q9")
    assert table.counts.loc["yes"].to_dict() == {"frequently": 0, "occasionally": 0, "rarely": 1, "never": 1}
    assert table.n == 5


def test_an_unknown_crosstab_variable_gives_nothing(dataset):
    assert report.crosstab(report.Context.load(dataset), "nope", "Q9") is None


def queries_for_everything(survey) -> int:
    with CaptureQueriesContext(connection) as ctx:
        context = report.Context.load(survey)
        report.overview(context)
        report.question_results(context)
        report.subgroup_table(context)
        report.crosstab(context, "specialty", "Q5")
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_responses(dataset):
    before = queries_for_everything(dataset)
    for _ in range(5):
        participant(dataset, q3="dermatology", q9="occasionally")
    assert queries_for_everything(dataset) == before
    assert before < 40
