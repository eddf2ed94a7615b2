from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from surveys.models import Answer, Response
from surveys.seeding import seed_responses
from surveys.selectors import response_answers, survey_participation

pytestmark = pytest.mark.django_db


def test_it_adds_participants_about_a_third_of_whom_stop_part_way(survey):
    complete = seed_responses(survey, 60, seed=3)
    participation = survey_participation(survey)
    assert participation.participants == 60
    assert participation.complete == complete
    assert 0.5 < complete / 60 < 0.85


def test_it_follows_the_skip_logic(survey):
    seed_responses(survey, 40, seed=4)
    for response in Response.objects.all():
        answers = response_answers(response)
        if answers.get("Q9") and answers["Q9"].choice == "never":
            assert "Q11" not in answers
        if answers.get("Q19") and answers["Q19"].choice == "no":
            assert "Q20" not in answers


def test_the_same_seed_gives_the_same_answers(survey):
    seed_responses(survey, 5, seed=7)
    first = sorted(Answer.objects.values_list("question__code", "choice__code", "score"), key=str)
    Response.objects.all().delete()
    seed_responses(survey, 5, seed=7)
    assert sorted(Answer.objects.values_list("question__code", "choice__code", "score"), key=str) == first


def test_the_command_reports_what_it_added(survey):
    out = StringIO()
    call_command("seed_responses", survey.slug, "--n", "3", "--seed", "1", stdout=out)
    assert "Added 3 participants" in out.getvalue()
    assert "Survey now: 3 participants" in out.getvalue()


def test_the_command_refuses_an_unknown_survey(db):
    with pytest.raises(CommandError, match="No survey 'nope'"):
        call_command("seed_responses", "nope")
