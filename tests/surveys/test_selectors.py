"""Reads: the layout a process keeps in memory, and a response's answers in one query."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.instrument import parse_instrument
from surveys.models import Choice, Page, Question, Survey
from surveys.selectors import response_answers, survey_layout
from surveys.services import instrument_load, page_save
from surveys.values import AnswerValue
from tests.conftest import partial_response

pytestmark = pytest.mark.django_db


def fresh(survey) -> Survey:
    """The survey as the next request reads it."""
    return Survey.objects.get(pk=survey.pk)


def test_it_reads_the_layout_once_per_process(survey):
    survey_layout(fresh(survey))
    with CaptureQueriesContext(connection) as ctx:
        layout = survey_layout(fresh(survey))
    assert len(ctx.captured_queries) == 1  # the survey row only
    assert len(layout.questions) == 27


def test_it_shows_a_question_edited_since(survey):
    survey_layout(fresh(survey))
    question = Question.objects.get(survey=survey, code="Q1")
    question.text_fr = "Quel est votre genre ?"
    question.save()
    assert survey_layout(fresh(survey)).by_code["Q1"].text_fr == "Quel est votre genre ?"


def test_it_shows_a_choice_edited_since(survey):
    survey_layout(fresh(survey))
    choice = Choice.objects.get(question__survey=survey, question__code="Q1", code="female")
    choice.label_fr = "Femme (cis ou trans)"
    choice.save()
    labels = [c.label_fr for c in survey_layout(fresh(survey)).by_code["Q1"].choices.all()]
    assert "Femme (cis ou trans)" in labels


def test_it_shows_a_page_title_edited_since(survey):
    survey_layout(fresh(survey))
    page = Page.objects.get(survey=survey, position=1)
    page.title_fr = "Qui êtes-vous ?"
    page.save()
    assert survey_layout(fresh(survey)).pages[0].title_fr == "Qui êtes-vous ?"


def test_another_process_sees_the_change_through_the_stamp(survey):
    """Another process's memory is not ours to clear: the renewed stamp is what it sees."""
    before = fresh(survey).layout_stamp
    Choice.objects.filter(question__survey=survey, code="female").get().save()
    assert fresh(survey).layout_stamp != before


def test_reloading_changed_wording_renews_the_stamp_once(survey, instrument_source):
    before = fresh(survey).layout_stamp
    with CaptureQueriesContext(connection) as ctx:
        instrument_load(spec=parse_instrument(instrument_source.replace("Vous êtes", "Vous êtes :", 1)))
    renewals = [
        q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "surveys_survey" SET "layout_stamp"')
    ]
    assert len(renewals) == 1
    assert fresh(survey).layout_stamp != before


def test_reloading_an_unchanged_file_keeps_the_stamp(survey, instrument_source):
    before = fresh(survey).layout_stamp
    instrument_load(spec=parse_instrument(instrument_source))
    assert fresh(survey).layout_stamp == before


def test_two_surveys_keep_two_layouts(survey, instrument_source):
    spec = dataclasses.replace(parse_instrument(instrument_source), slug="second-wave")
    second = instrument_load(spec=spec).survey
    first_layout, second_layout = survey_layout(fresh(survey)), survey_layout(fresh(second))
    assert first_layout.survey_id == survey.pk
    assert second_layout.survey_id == second.pk
    assert first_layout.by_code["Q1"].pk != second_layout.by_code["Q1"].pk


def test_it_reads_a_response_in_one_query(survey):
    response = partial_response(survey)
    page_save(
        response=response,
        page_position=4,
        values={"Q19": AnswerValue(choice="no"), "Q21": AnswerValue(choices=("available_anytime",))},
        language="fr",
        advance=False,
    )
    layout = survey_layout(fresh(survey))
    with CaptureQueriesContext(connection) as ctx:
        answers = response_answers(response, layout)
    assert len(ctx.captured_queries) == 1
    assert answers["Q9"].choice == "rarely"
    assert answers["Q19"].choice == "no"
    assert answers["Q21"].choices == ("available_anytime",)


def test_it_gives_ticked_choices_in_the_questionnaires_order(survey):
    response = partial_response(survey)
    layout = survey_layout(fresh(survey))
    codes = [c.code for c in layout.by_code["Q21"].choices.all()]
    page_save(
        response=response,
        page_position=4,
        values={"Q19": AnswerValue(choice="no"), "Q21": AnswerValue(choices=(codes[2], codes[0]))},
        language="fr",
        advance=False,
    )
    assert response_answers(response, layout)["Q21"].choices == (codes[0], codes[2])
