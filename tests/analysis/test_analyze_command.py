import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def analyze(*args) -> dict:
    out = StringIO()
    call_command("analyze", "cme-social-network-2022", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_participation(dataset):
    data = analyze()
    assert (data["participants"], data["complete"], data["completion_rate"]) == (5, 3, 60.0)
    assert [s["shown"] for s in data["funnel"]] == [6, 5, 3, 4, 3, 3]


def test_it_keys_questions_by_code(dataset):
    questions = analyze()["questions"]
    assert list(questions) == [f"Q{n}" for n in range(1, 28)]
    assert questions["Q9"]["choices"]["never"] == {"count": 2, "percent": 40.0}
    assert questions["Q11"]["bins"]["8-10"] == {"count": 1, "percent": 50.0}
    assert questions["Q27"]["texts"] == ["Merci", "Merci", "Merci"]


def test_it_prints_the_subgroup_table(dataset):
    sought = analyze()["subgroups"][0]
    assert sought["outcome"] == "sought_opinion"
    specialty = sought["groupings"]["specialty"]
    assert specialty["groups"]["general_practice"] == {"n": 3, "positive": 2, "percent": 66.6667}
    assert specialty["yates"] and specialty["low_expected"]


def test_it_filters_complete_responses(dataset):
    data = analyze("--complete-only")
    assert data["participants"] == 3 and data["filters"]["complete_only"] is True


def test_it_prints_a_readable_summary_without_json(dataset):
    out = StringIO()
    call_command("analyze", "cme-social-network-2022", stdout=out)
    assert out.getvalue().startswith("5 participants, 3 complete (60.0 %)")


def test_it_refuses_an_unknown_survey(db):
    with pytest.raises(CommandError, match="No survey 'nope'"):
        call_command("analyze", "nope", "--json")


def test_the_json_states_that_test_responses_are_left_out(dataset):
    data = analyze()
    assert data["filters"] == {"complete_only": False, "start": None, "end": None, "include_tests": False}
    assert data["test_responses_left_out"] == 0


def test_a_pilot_run_is_not_in_the_json(pilots):
    data = analyze()
    assert (data["started"], data["participants"], data["complete"]) == (6, 5, 3)
    assert data["questions"]["Q3"]["choices"]["dermatology"]["count"] == 0
    assert data["test_responses_left_out"] == 2


def test_pilot_runs_are_in_the_json_with_include_tests(pilots):
    data = analyze("--include-tests")
    assert (data["started"], data["participants"], data["complete"]) == (8, 7, 4)
    assert data["filters"]["include_tests"] is True and data["test_responses_left_out"] == 0
    assert data["per_day"][-1] == {"date": "2022-06-03", "participants": 2}


def test_the_summary_says_how_many_pilot_runs_are_left_out(pilots):
    out = StringIO()
    call_command("analyze", "cme-social-network-2022", stdout=out)
    assert out.getvalue().splitlines()[1] == "2 test responses left out (--include-tests)"


def test_it_prints_the_sample_beside_the_plans_reference_margins(dataset):
    from scipy.stats import chisquare

    (drees,) = analyze("--json")["representativeness"]
    margins = {m["question"]: m for m in drees["margins"]}
    women, gps = margins["Q1"], margins["Q3"]
    assert (women["n"], women["count"], women["reference_percent"]) == (5, 5, 46.0)
    assert (gps["n"], gps["count"], gps["percent"]) == (5, 3, 60.0)
    # R: chisq.test(c(3, 2), p = c(0.45, 0.55))
    assert gps["p_value"] == pytest.approx(chisquare([3, 2], f_exp=[2.25, 2.75]).pvalue)
    assert gps["low_expected"] is True and gps["binomial_p_value"] is not None
