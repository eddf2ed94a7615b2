"""A page's questions, as everyone first sees them, are rendered once per layout and language;
a page holding answers or errors is rendered each time."""

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key

from surveys.models import Question, Survey

pytestmark = pytest.mark.django_db


def fragment_key(survey, language: str, vary: str) -> str:
    survey = Survey.objects.get(pk=survey.pk)
    return make_template_fragment_key("survey-page-form", [survey.pk, survey.layout_stamp, language, vary])


def page(respondent, position: int) -> str:
    reply = respondent.client.get(respondent.url("page", position=position))
    assert reply.status_code == 200
    return reply.content.decode()


def test_a_fresh_page_is_kept_once_rendered(started):
    html = page(started, 1)
    kept = caches["template_fragments"].get(
        fragment_key(started.survey, "fr", "strict:Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8:{}")
    )
    assert kept is not None
    assert kept in html
    assert "Vous êtes" in kept


def test_a_page_shows_its_saved_answers_after_being_seen_fresh(started):
    assert "checked" not in page(started, 1)
    started.submit(1)
    again = page(started, 1)
    assert 'value="female" id="id_Q1_0" checked' in again


def test_a_page_with_errors_is_not_taken_from_the_cache(started):
    page(started, 1)
    reply = started.submit(1, {"Q1": "female"})
    html = reply.content.decode()
    assert reply.status_code == 200
    assert "is-invalid" in html
    assert 'value="female" id="id_Q1_0" checked' in html


def test_an_edited_question_shows_at_once(started, survey):
    page(started, 1)
    question = Question.objects.get(survey=survey, code="Q1")
    question.text_fr = "Votre genre"
    question.save()
    html = page(started, 1)
    assert "1. Votre genre" in html
    assert "1. Vous êtes" not in html


def test_each_language_has_its_own_rendering(started):
    assert "1. Vous êtes" in page(started, 1)
    started.switch_language("en")
    english = page(started, 1)
    assert "1. Gender" in english
    assert "1. Vous êtes" not in english
