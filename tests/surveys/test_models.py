import uuid

import pytest
from django.db import IntegrityError, transaction

from surveys.models import Answer, Question, Response, Survey
from tests.factories import ChoiceFactory, QuestionFactory, ResponseFactory, ScaleQuestionFactory

pytestmark = pytest.mark.django_db


def test_it_gives_responses_random_uuids():
    first, second = ResponseFactory(), ResponseFactory()
    assert isinstance(first.pk, uuid.UUID) and first.pk.version == 4
    assert first.pk != second.pk


def test_it_stores_nothing_that_identifies_a_respondent():
    names = {f.name for f in Response._meta.get_fields()} | {f.name for f in Answer._meta.get_fields()}
    assert not {n for n in names if any(w in n for w in ("ip", "agent", "user", "email", "name"))}


def test_it_allows_one_answer_per_question_per_response():
    question, response = QuestionFactory(), ResponseFactory()
    Answer.objects.create(response=response, question=question)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=question)


@pytest.mark.parametrize("score", [-1, 11])
def test_the_database_keeps_a_score_inside_the_scale(score):
    question, response = ScaleQuestionFactory(), ResponseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=question, score=score)


def test_the_database_refuses_scale_bounds_on_a_choice_question():
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(kind=Question.Kind.SINGLE, scale_min=0, scale_max=10)


def test_question_codes_are_unique_within_a_survey():
    question = QuestionFactory(code="Q1")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(code="Q1", page=question.page)


def test_number_settings_belong_to_number_questions_only():
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(kind="text", number_min=0)


def test_a_number_question_keeps_its_bounds_in_order():
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(kind="number", decimals=0, number_min=10, number_max=5)


def test_date_bounds_belong_to_date_questions_only():
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(kind="single", date_min="2020-01-01")


def test_a_complete_response_has_a_completion_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseFactory(status=Response.Status.COMPLETE, completed_at=None)


def test_a_question_has_at_most_one_other_choice():
    choice = ChoiceFactory(is_other=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChoiceFactory(question=choice.question, is_other=True)


def test_it_picks_the_label_in_the_active_language():
    from django.utils import translation

    choice = ChoiceFactory(label_fr="Oui", label_en="Yes")
    with translation.override("en"):
        assert choice.label == "Yes"
    with translation.override("fr"):
        assert choice.label == "Oui"


def test_it_falls_back_to_french_when_the_english_text_is_missing():
    from django.utils import translation

    question = QuestionFactory(text_fr="Votre âge", text_en="")
    with translation.override("en"):
        assert question.text == "Votre âge"


def test_a_survey_in_draft_is_not_yet_open():
    assert Survey(status=Survey.Status.DRAFT).availability() == "not_yet_open"


def test_the_migrations_match_the_models():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
