"""What keeps a respondent's request cheap (bench/load.py measures it): the hot reads and writes
in SQL written once, and a fresh page's form that builds nothing the fragment cache has."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from surveys.models import Response, Survey
from surveys.selectors import respondent_response, respondent_survey, response_answers, survey_layout
from surveys.services import page_save, response_start
from surveys.values import AnswerValue
from tests.conftest import partial_response

pytestmark = pytest.mark.django_db


def test_it_reads_the_response_with_its_survey_in_one_query(survey):
    _, token = response_start(survey=survey, language="fr")
    stamp = Survey.objects.get(pk=survey.pk).layout_stamp
    with CaptureQueriesContext(connection) as queries:
        response = respondent_response(survey.slug, token)
        assert response.survey.slug == survey.slug
        assert response.survey.layout_stamp == stamp
    assert len(queries.captured_queries) == 1


def test_it_leaves_the_surveys_stored_instrument_unread(survey):
    _, token = response_start(survey=survey, language="fr")
    deferred = respondent_response(survey.slug, token).survey.get_deferred_fields()
    assert deferred == {"analysis", "loaded_instrument"}


def test_it_gives_the_orms_values(survey):
    _, token = response_start(survey=survey, language="fr")
    response = respondent_response(survey.slug, token)
    assert response == Response.objects.get(pk=response.pk)
    assert response.started_at == Response.objects.get(pk=response.pk).started_at
    assert response.survey.closes_at == survey.closes_at


def test_it_finds_nothing_for_another_survey_or_token(survey):
    _, token = response_start(survey=survey, language="fr")
    assert respondent_response("another-survey", token) is None
    assert respondent_response(survey.slug, token + "x") is None


def test_it_finds_no_respondent_of_a_draft_survey_but_a_test_run(survey):
    _, real = response_start(survey=survey, language="fr")
    _, test = response_start(survey=survey, language="fr", is_test=True)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    assert respondent_response(survey.slug, real) is None
    assert respondent_response(survey.slug, test) is not None


def test_a_visitor_reads_the_survey_without_its_stored_instrument(survey):
    with CaptureQueriesContext(connection) as queries:
        read = respondent_survey(survey.slug)
    assert len(queries.captured_queries) == 1
    assert read == survey
    assert read.get_deferred_fields() == {"analysis", "loaded_instrument"}
    assert (read.title_fr, read.consent_en) == (survey.title_fr, survey.consent_en)
    assert read.opens_at == survey.opens_at


def test_a_visitor_finds_no_draft_survey_and_no_unknown_one(survey):
    assert respondent_survey("another-survey") is None
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    assert respondent_survey(survey.slug) is None


def test_it_locks_the_response_for_a_submission(survey):
    _, token = response_start(survey=survey, language="fr")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        respondent_response(survey.slug, token, for_update=True)
    if connection.features.has_select_for_update:
        assert queries.captured_queries[-1]["sql"].endswith("FOR UPDATE OF r")
    else:  # SQLite: the transaction takes the write lock when it begins (IMMEDIATE)
        assert "FOR UPDATE" not in queries.captured_queries[-1]["sql"]


def test_it_reads_back_every_value_a_page_wrote(survey):
    response = partial_response(survey)
    values = {
        "Q20": AnswerValue(choices=("free_teleexpertise", "other"), other_text=" Omnidoc "),
        "Q19": AnswerValue(choice="yes"),
    }
    page_save(response=response, page_position=4, values=values, language="fr", advance=False)
    answers = response_answers(response, survey_layout(survey))
    assert answers["Q19"].choice == "yes"
    assert answers["Q20"].choices == ("free_teleexpertise", "other")
    assert answers["Q20"].other_text == "Omnidoc"


def test_it_replaces_the_ticked_options_when_a_page_is_saved_again(survey):
    response = partial_response(survey)
    first = {"Q19": AnswerValue(choice="yes"), "Q20": AnswerValue(choices=("free_teleexpertise",))}
    page_save(response=response, page_position=4, values=first, language="fr", advance=False)
    again = {"Q19": AnswerValue(choice="yes"), "Q20": AnswerValue(choices=("other",), other_text="x")}
    page_save(response=response, page_position=4, values=again, language="en", advance=False)
    assert response_answers(response)["Q20"].choices == ("other",)
    assert Response.objects.get(pk=response.pk).language == "en"


def test_a_fresh_page_from_the_fragment_cache_builds_no_field(survey, investigator):
    respondent = Client()
    respondent.cookies["lang"] = "en"  # the investigator's language
    respondent.post(f"/s/{survey.slug}/", {"consent": "yes"})
    respondent.get(f"/s/{survey.slug}/page/1/")  # its questions rendered, then kept
    # A test run's page is another page around the same questions: rendered, the questions not.
    investigator.post(f"/s/{survey.slug}/preview/")
    again = investigator.get(f"/s/{survey.slug}/page/1/")
    assert again.status_code == 200
    assert "1. Gender" in again.content.decode()
    assert again.context["form"]._fields is None


def test_a_submitted_page_still_checks_its_fields(started):
    reply = started.submit(1, {"Q1": "not-a-choice"})
    assert reply.status_code == 200
    assert reply.context["form"].errors["Q1"]
