"""A page every respondent first sees alike (a fresh questionnaire page, a new visitor's start
page) is rendered once per process and served to each with its own CSRF token."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from surveys import forms
from surveys.models import Survey
from surveys.shared_pages import TOKEN_SLOT

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_cache():
    caches["template_fragments"].clear()


def html(reply) -> str:
    assert reply.status_code == 200
    return reply.content.decode()


def token(page: str) -> str:
    return TOKEN.search(page).group(1)


def test_a_fresh_page_is_served_again_without_being_rendered(started, monkeypatch):
    first = started.client.get(started.url("page", position=1))
    built = []
    monkeypatch.setattr(forms, "question_fields", lambda *a: built.append(a))
    again = started.client.get(started.url("page", position=1))
    assert again.templates == []  # no template rendered
    assert built == []
    assert html(again).replace(token(html(again)), "") == html(first).replace(token(html(first)), "")
    assert "1. Vous êtes" in html(again)


def test_each_reply_carries_its_own_token_and_never_the_placeholder(started):
    pages = [html(started.client.get(started.url("page", position=1))) for _ in range(3)]
    tokens = {token(page) for page in pages}
    assert len(tokens) == 3  # masked anew for each reply, as Django does
    assert not any(TOKEN_SLOT in page for page in pages)


def test_a_token_from_a_shared_page_is_accepted_by_the_submission(survey):
    browser = Client(enforce_csrf_checks=True)
    start = html(browser.get(f"/s/{survey.slug}/"))
    assert "csrftoken" in browser.cookies  # a new browser is given the cookie with the page
    consent = browser.post(f"/s/{survey.slug}/", {"consent": "yes", "csrfmiddlewaretoken": token(start)})
    assert consent.status_code == 302
    browser.get(consent["Location"])  # rendered, then kept
    page = html(browser.get(consent["Location"]))
    from tests.conftest import FULL_ANSWERS

    reply = browser.post(
        consent["Location"], {**FULL_ANSWERS[1], "nav": "next", "csrfmiddlewaretoken": token(page)}
    )
    assert reply.status_code == 302
    assert reply["Location"].endswith("/page/2/")


def test_a_new_visitor_gets_a_fresh_csrf_cookie_with_a_shared_start_page(survey):
    Client().get(f"/s/{survey.slug}/")  # kept
    browser = Client()
    reply = browser.get(f"/s/{survey.slug}/")
    assert reply.templates == []
    assert browser.cookies["csrftoken"].value
    assert reply["Vary"] and "Cookie" in reply["Vary"]


def test_an_edited_survey_title_shows_at_once_on_a_page(started, survey):
    html(started.client.get(started.url("page", position=1)))
    Survey.objects.filter(pk=survey.pk).update(title_fr="Formation continue 2023")
    assert "Formation continue 2023" in html(started.client.get(started.url("page", position=1)))


def test_an_edited_introduction_shows_at_once_on_the_start_page(respondent, survey):
    html(respondent.client.get(respondent.url("start")))
    Survey.objects.filter(pk=survey.pk).update(introduction_fr="Une nouvelle présentation.")
    assert "Une nouvelle présentation." in html(Client().get(respondent.url("start")))


def test_the_start_pages_language_switch_comes_back_to_the_address_asked(respondent):
    plain = html(Client().get(respondent.url("start")))
    reply = Client().get(respondent.url("start") + "?from=newsletter")
    with_query = html(reply)
    assert reply.templates  # rendered: no cache entry per query string
    assert f'name="next" value="{respondent.url("start")}?from=newsletter"' in with_query
    assert f'name="next" value="{respondent.url("start")}"' in plain


def test_each_page_tells_its_own_place_in_the_questionnaire(started):
    first = html(started.client.get(started.url("page", position=1)))
    started.submit(1)
    second = html(started.client.get(started.url("page", position=2)))
    assert "Page 1 " in first and "Page 2 " in second
    assert 'value="back"' not in first
    assert 'value="back"' in second


def test_a_test_run_is_not_served_a_respondents_page(investigator, survey):
    respondent = Client()
    respondent.post(f"/s/{survey.slug}/", {"consent": "yes"})
    assert "test-run-note" not in html(respondent.get(f"/s/{survey.slug}/page/1/"))
    investigator.post(f"/s/{survey.slug}/preview/")
    assert "test-run-note" in html(investigator.get(f"/s/{survey.slug}/page/1/"))
