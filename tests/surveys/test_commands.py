from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from surveys.models import Answer, Response
from tests.factories import QuestionFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def participant(survey, question, complete: bool) -> Response:
    extra = {"status": Response.Status.COMPLETE, "completed_at": "2022-07-01T10:00:00Z"} if complete else {}
    response = ResponseFactory(survey=survey, **extra)
    Answer.objects.create(response=response, question=question)
    return response


def test_survey_status_prints_participants_complete_and_rate():
    survey = SurveyFactory(slug="cme")
    question = QuestionFactory(page__survey=survey)
    for complete in (True, True, False):
        participant(survey, question, complete)
    ResponseFactory(survey=survey)  # consented but answered nothing
    out = StringIO()
    call_command("survey_status", "cme", stdout=out)
    assert out.getvalue().strip() == "3 participants, 2 complete (66.7 %)"


def test_survey_status_of_a_survey_without_participants():
    SurveyFactory(slug="empty")
    out = StringIO()
    call_command("survey_status", "empty", stdout=out)
    assert out.getvalue().strip() == "0 participants, 0 complete (n/a)"


def test_survey_status_names_the_known_surveys_when_the_slug_is_wrong():
    SurveyFactory(slug="cme")
    with pytest.raises(CommandError, match=r"No survey 'nope' \(known surveys: cme\)"):
        call_command("survey_status", "nope")


def test_the_demo_investigator_is_staff_and_can_sign_in(client):
    out = StringIO()
    call_command("ensure_demo_investigator", stdout=out)
    call_command("ensure_demo_investigator", stdout=out)
    assert "username 'investigator', password 'demo-investigator'" in out.getvalue()
    assert client.login(request=HttpRequest(), username="investigator", password="demo-investigator")
