"""Integrity under concurrency: double clicks, two tabs, a failure in the middle of a save."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys import services
from surveys.models import Answer, Response
from surveys.selectors import response_answers
from surveys.services import page_save, response_start
from surveys.values import AnswerValue
from tests.conftest import FULL_ANSWERS


def at_once(calls):
    """Run the calls in threads released together; return their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def browser_with(survey, cookie_value) -> Client:
    client = Client()
    client.cookies[f"response-{survey.slug}"] = cookie_value
    return client


def post_page(client, survey, position, data):
    url = reverse("surveys:page", kwargs={"slug": survey.slug, "position": position})
    return client.post(url, {**data, "nav": "next"})


@pytest.mark.django_db(transaction=True)
def test_the_same_page_posted_twice_at_once_leaves_one_answer_per_question(survey):
    response, token = response_start(survey=survey, language="fr")
    tabs = [browser_with(survey, token) for _ in range(4)]
    replies = at_once([lambda c=c: post_page(c, survey, 1, FULL_ANSWERS[1]) for c in tabs])
    assert [r.status_code for r in replies] == [302] * 4, replies
    assert Answer.objects.filter(response=response).count() == 8
    assert response_answers(response)["Q3"].choice == "general_practice"


@pytest.mark.django_db(transaction=True)
def test_completing_twice_at_once_is_harmless(survey):
    response, token = response_start(survey=survey, language="fr")
    client = browser_with(survey, token)
    for position in range(1, 6):
        assert post_page(client, survey, position, FULL_ANSWERS[position]).status_code == 302
    tabs = [browser_with(survey, token) for _ in range(3)]
    replies = at_once([lambda c=c: post_page(c, survey, 6, FULL_ANSWERS[6]) for c in tabs])
    assert all(r.status_code in (302, 409) for r in replies), replies
    response.refresh_from_db()
    assert response.status == Response.Status.COMPLETE
    assert Answer.objects.filter(response=response).count() == 27


@pytest.mark.django_db
def test_a_failure_in_the_middle_of_a_save_leaves_the_previous_state(survey, monkeypatch):
    response, _ = response_start(survey=survey, language="fr")
    page_save(
        response=response,
        page_position=2,
        language="fr",
        values={"Q9": AnswerValue(choice="rarely"), "Q10": AnswerValue(choice="never")},
    )
    written = services._write_answers

    def write_then_fail(*args, **kwargs):
        written(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_write_answers", write_then_fail)
    with pytest.raises(RuntimeError):
        page_save(
            response=response,
            page_position=2,
            language="fr",
            values={"Q9": AnswerValue(choice="never"), "Q10": AnswerValue(choice="frequently")},
        )
    answers = response_answers(response)
    assert (answers["Q9"].choice, answers["Q10"].choice) == ("rarely", "never")
    response.refresh_from_db()
    assert response.furthest_page == 2
