"""The SQL aggregation against a dataset built through the services."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis import report
from analysis.queries import Filters
from tests.analysis.conftest import PILOT_DAY, participant

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


# --- test responses (pilot runs of the staff preview) ----------------------------------------

WITH_TESTS = Filters(include_tests=True)


def test_a_pilot_run_is_not_counted_in_the_overview(pilots):
    summary, _ = report.overview(report.Context.load(pilots))
    assert (summary.started, summary.participants, summary.complete) == (6, 5, 3)


def test_pilot_runs_are_counted_in_the_overview_when_asked_for(pilots):
    summary, _ = report.overview(report.Context.load(pilots, WITH_TESTS))
    assert (summary.started, summary.participants, summary.complete) == (8, 7, 4)


def test_a_pilot_run_is_not_counted_per_day(pilots):
    assert report.overview(report.Context.load(pilots))[0].per_day == [
        (dt.date(2022, 6, 1), 4),
        (dt.date(2022, 6, 2), 1),
    ]
    assert report.overview(report.Context.load(pilots, WITH_TESTS))[0].per_day[-1] == (PILOT_DAY, 2)


def test_a_pilot_run_is_not_in_the_funnel(pilots):
    def shown(filters):
        return [(s.shown, s.answered) for s in report.overview(report.Context.load(pilots, filters))[1]]

    assert shown(Filters()) == [(6, 5), (5, 5), (3, 2), (4, 3), (3, 3), (3, 3)]
    assert shown(WITH_TESTS) == [(8, 7), (7, 6), (4, 3), (5, 4), (4, 4), (4, 4)]


def test_a_pilot_run_is_not_in_the_distributions(pilots):
    results = results_by_code(report.Context.load(pilots))
    assert {r.code: r.count for r in results["Q3"].rows}["dermatology"] == 0
    assert (results["Q11"].n, results["Q11"].mean) == (2, 7.0)
    assert results["Q27"].texts == ["Merci", "Merci", "Merci"]


def test_pilot_runs_are_in_the_distributions_when_asked_for(pilots):
    results = results_by_code(report.Context.load(pilots, WITH_TESTS))
    assert {r.code: r.count for r in results["Q3"].rows}["dermatology"] == 2
    assert results["Q11"].n == 3
    assert "Essai" in results["Q27"].texts


def test_a_pilot_run_is_not_in_the_subgroup_table(pilots):
    def specialty_cells(filters):
        rows = {row.outcome.code: row for row in report.subgroup_table(report.Context.load(pilots, filters))}
        return [(c.group, c.positive, c.n) for c in rows["sought_opinion"].comparisons[0].cells]

    assert specialty_cells(Filters()) == [("general_practice", 2, 3), ("other_specialties", 1, 2)]
    assert specialty_cells(WITH_TESTS) == [("general_practice", 2, 3), ("other_specialties", 2, 3)]


def test_a_pilot_run_is_not_in_the_crosstab(pilots):
    assert report.crosstab(report.Context.load(pilots), "underserved", "Q9").n == 5
    assert report.crosstab(report.Context.load(pilots, WITH_TESTS), "underserved", "Q9").n == 6


def test_the_context_says_how_many_test_responses_are_left_out(pilots):
    assert report.Context.load(pilots).tests_left_out == 2
    assert report.Context.load(pilots, WITH_TESTS).tests_left_out == 0


def test_unresolved_filters_leave_test_responses_out(pilots):
    # Filters used without Context.load do not know the survey has none: they exclude them anyway.
    from analysis import queries

    days = queries.participants_per_day(pilots, Filters())
    assert PILOT_DAY not in set(days["day"])


def captured(survey, filters=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        context = report.Context.load(survey, filters)
        report.overview(context)
        report.question_results(context)
        report.subgroup_table(context)
        report.crosstab(context, "specialty", "Q5")
    return [q["sql"] for q in ctx.captured_queries]


def test_without_test_responses_no_query_joins_the_responses_for_is_test(dataset):
    captured(dataset)  # the survey's layout, now in this process's memory
    sqls = captured(dataset)
    reading = [sql for sql in sqls if "is_test" in sql]
    assert "COUNT" in reading[0].upper()  # the lookup
    # The queries on the answers never join the responses for it; those on the responses
    # themselves read it where it is, for nothing.
    assert not [sql for sql in reading if 'JOIN "surveys_response"' in sql]


def test_test_responses_add_conditions_not_queries(dataset):
    captured(dataset)
    without = captured(dataset)
    participant(dataset, is_test=True)
    captured(dataset)
    with_tests = captured(dataset)
    assert len(with_tests) == len(without)
    assert len([sql for sql in with_tests if "is_test" in sql]) > 1
