"""Pilot runs: an investigator answers the survey as a respondent would, as a test response."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from surveys.models import Answer, Response, Survey
from surveys.selectors import survey_participation
from tests.conftest import Respondent, partial_response
from tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db

PAGES = (1, 2, 3, 4, 5, 6)


@pytest.fixture
def investigator(client, django_user_model):
    user = django_user_model.objects.create_user("inv", password="pw", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def physician(django_user_model):
    """Signed in, but not an investigator."""
    user = django_user_model.objects.create_user("physician", password="pw")
    browser = Client()
    browser.force_login(user)
    return browser


def preview_url(survey) -> str:
    return reverse("surveys:preview", args=[survey.slug])


def set_status(survey, status: str):
    survey.status = status
    survey.save()
    return survey


def start_test_run(client, survey) -> Respondent:
    reply = client.post(preview_url(survey))
    assert reply.status_code == 302, reply.content.decode()[:2000]
    return Respondent(client, survey)


def complete(respondent: Respondent, pages=PAGES):
    reply = None
    for position in pages:
        reply = respondent.submit(position)
        assert reply.status_code == 302, (position, reply.content.decode()[:2000])
    return reply


def cookie_of(client, survey) -> str:
    return client.cookies[f"response-{survey.slug}"].value


def browser_holding(cookie: str, survey, browser: Client | None = None) -> Client:
    browser = browser or Client()
    browser.cookies[f"response-{survey.slug}"] = cookie
    return browser


# --- who may start a test run


def test_an_anonymous_visitor_is_sent_to_the_login_page_instead_of_starting_a_test_run(client, survey):
    reply = client.post(preview_url(survey))
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("admin:login"))
    assert not Response.objects.exists()


def test_a_signed_in_physician_cannot_start_a_test_run(physician, survey):
    reply = physician.post(preview_url(survey))
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("admin:login"))
    assert f"response-{survey.slug}" not in reply.cookies
    assert not Response.objects.exists()


def test_an_anonymous_visitor_cannot_read_the_preview_page(client, survey):
    reply = client.get(preview_url(survey))
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("admin:login"))


def test_the_preview_page_explains_and_starts_nothing(investigator, survey):
    reply = investigator.get(preview_url(survey))
    assert reply.status_code == 200
    assert reply.context["survey"] == survey and reply.context["resume"] is None
    assert f"<code>{survey.slug}</code>" in reply.content.decode()
    assert not Response.objects.exists()


def test_the_preview_of_an_unknown_survey_is_404(investigator, survey):
    assert investigator.get(reverse("surveys:preview", args=["no-such-survey"])).status_code == 404


def test_a_survey_without_pages_has_nothing_to_preview(investigator):
    empty = SurveyFactory(status=Survey.Status.DRAFT)
    reply = investigator.post(preview_url(empty))
    assert reply.status_code == 409
    assert not Response.objects.exists()


# --- a test run


def test_starting_a_test_run_opens_page_one_with_the_response_cookie(investigator, survey):
    reply = investigator.post(preview_url(survey))
    assert reply["Location"] == reverse("surveys:page", args=[survey.slug, 1])
    cookie = reply.cookies[f"response-{survey.slug}"]
    assert cookie["httponly"] and len(cookie.value) >= 40
    response = Response.objects.get()
    assert response.is_test and response.survey == survey


def test_an_investigator_completes_a_test_run_of_a_draft_survey(investigator, survey):
    set_status(survey, Survey.Status.DRAFT)
    reply = complete(start_test_run(investigator, survey))
    assert reply["Location"] == reverse("surveys:thanks", args=[survey.slug])
    response = Response.objects.get()
    assert (response.is_test, response.status) == (True, Response.Status.COMPLETE)
    assert response.completed_at is not None
    assert Answer.objects.filter(response=response).count() == 27


def test_a_test_run_of_a_closed_survey_is_served_and_completed(investigator, survey):
    set_status(survey, Survey.Status.CLOSED)
    run = start_test_run(investigator, survey)
    assert run.client.get(run.url("page", position=1)).status_code == 200
    complete(run)
    response = Response.objects.get()
    assert (response.is_test, response.status) == (True, Response.Status.COMPLETE)


def test_a_real_respondent_of_a_closed_survey_still_finds_it_closed(investigator, survey):
    set_status(survey, Survey.Status.CLOSED)
    start_test_run(investigator, survey)
    respondent = Respondent(Client(), survey)
    reply = respondent.consent()
    assert reply.status_code == 403
    assert reply.context["state"] == "closed"
    assert Response.objects.filter(is_test=False).count() == 0


@pytest.mark.parametrize("who", ["anonymous", "physician", "investigator"])
def test_the_start_page_of_a_draft_survey_is_404_for_everybody(who, survey, physician, django_user_model):
    set_status(survey, Survey.Status.DRAFT)
    browser = physician if who == "physician" else Client()
    if who == "investigator":
        browser.force_login(django_user_model.objects.create_user("inv", password="pw", is_staff=True))
        start_test_run(browser, survey)  # even while a test run of it is in progress
    url = reverse("surveys:start", args=[survey.slug])
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"consent": "on"}).status_code == 404
    assert Response.objects.filter(is_test=False).count() == 0


def test_the_pages_of_a_draft_survey_are_404_without_a_test_run(client, survey):
    set_status(survey, Survey.Status.DRAFT)
    assert client.get(reverse("surveys:page", args=[survey.slug, 1])).status_code == 404


def test_a_test_response_s_pages_show_the_test_run_note(investigator, survey):
    run = start_test_run(investigator, survey)
    reply = run.client.get(run.url("page", position=1))
    assert reply.context["test_run"] is True
    assert "test-run-note" in reply.content.decode()


def test_a_real_response_s_pages_show_no_test_run_note(started):
    reply = started.client.get(started.url("page", position=1))
    assert reply.status_code == 200
    assert not reply.context["test_run"]
    assert "test-run-note" not in reply.content.decode()


def test_the_thanks_page_of_a_test_run_shows_the_test_run_note(investigator, survey):
    reply = investigator.get(complete(start_test_run(investigator, survey))["Location"])
    assert reply.status_code == 200
    assert "test-run-note" in reply.content.decode()


def test_going_back_from_page_one_of_a_test_run_returns_to_the_preview_page(investigator, survey):
    set_status(survey, Survey.Status.DRAFT)
    run = start_test_run(investigator, survey)
    reply = run.submit(1, nav="back")
    assert reply.status_code == 302
    assert reply["Location"] == preview_url(survey)


def test_a_completed_test_run_leads_back_to_the_preview_page(investigator, survey):
    set_status(survey, Survey.Status.DRAFT)
    run = start_test_run(investigator, survey)
    complete(run)
    reply = run.client.get(run.url("page", position=1))
    assert reply.status_code == 302
    assert reply["Location"] == preview_url(survey)


def test_the_preview_page_offers_to_continue_a_test_run_in_progress(investigator, survey):
    run = start_test_run(investigator, survey)
    complete(run, pages=(1, 2))
    reply = investigator.get(preview_url(survey))
    assert reply.context["resume"] == 3
    assert f'href="{run.url("page", position=3)}"' in reply.content.decode()


def test_the_preview_page_offers_no_continuation_once_the_test_run_is_complete(investigator, survey):
    run = start_test_run(investigator, survey)
    complete(run)
    reply = investigator.get(preview_url(survey))
    assert reply.context["resume"] is None
    assert 'href="/s/' + survey.slug + "/page/" not in reply.content.decode()


def test_starting_another_test_run_leaves_the_first_one_and_opens_page_one(investigator, survey):
    run = start_test_run(investigator, survey)
    complete(run, pages=(1,))
    first = Response.objects.get()
    reply = investigator.post(preview_url(survey))
    assert reply["Location"] == run.url("page", position=1)
    assert Response.objects.filter(is_test=True).count() == 2
    assert Answer.objects.filter(response=first).count() == 8


# --- a test response's cookie in the wrong hands


def test_a_signed_out_browser_holding_a_test_run_s_cookie_is_sent_to_the_start_page(investigator, survey):
    run = start_test_run(investigator, survey)
    browser = browser_holding(cookie_of(investigator, survey), survey)
    reply = browser.get(run.url("page", position=1))
    assert reply.status_code == 302
    assert reply["Location"] == run.url("start")


def test_a_signed_out_browser_holding_a_test_run_s_cookie_cannot_save_answers(investigator, survey):
    start_test_run(investigator, survey)
    browser = browser_holding(cookie_of(investigator, survey), survey)
    reply = Respondent(browser, survey).submit(1)
    assert reply.status_code == 403
    assert not Answer.objects.exists()
    assert Response.objects.get().furthest_page == 0


def test_a_physician_holding_a_test_run_s_cookie_cannot_save_answers(investigator, survey, physician):
    start_test_run(investigator, survey)
    browser = browser_holding(cookie_of(investigator, survey), survey, physician)
    reply = Respondent(browser, survey).submit(1)
    assert reply.status_code == 403
    assert not Answer.objects.exists()


def test_a_signed_out_browser_holding_a_draft_s_test_run_cookie_gets_404(investigator, survey):
    set_status(survey, Survey.Status.DRAFT)
    start_test_run(investigator, survey)
    browser = browser_holding(cookie_of(investigator, survey), survey)
    respondent = Respondent(browser, survey)
    assert browser.get(respondent.url("page", position=1)).status_code == 404
    assert respondent.submit(1).status_code == 404
    assert not Answer.objects.exists()


def test_a_signed_out_browser_holding_a_test_run_s_cookie_starts_a_real_response_of_its_own(
    investigator, survey
):
    run = start_test_run(investigator, survey)
    complete(run, pages=(1,))
    test_run = Response.objects.get()
    respondent = Respondent(browser_holding(cookie_of(investigator, survey), survey), survey)
    reply = respondent.consent()
    assert reply["Location"] == respondent.url("page", position=1)
    real = Response.objects.get(is_test=False)
    assert real.pk != test_run.pk and not Answer.objects.filter(response=real).exists()
    assert Answer.objects.filter(response=test_run).count() == 8


# --- counting


@pytest.fixture
def real_partial_and_test_complete(investigator, survey):
    """One real participant who stopped after Q9, and one completed test run."""
    partial_response(survey)
    complete(start_test_run(investigator, survey))
    return survey


def test_participation_leaves_test_responses_out(real_partial_and_test_complete):
    participation = survey_participation(real_partial_and_test_complete)
    assert (participation.participants, participation.complete) == (1, 0)


def test_participation_counts_test_responses_when_asked_to(real_partial_and_test_complete):
    participation = survey_participation(real_partial_and_test_complete, include_tests=True)
    assert (participation.participants, participation.complete) == (2, 1)


def test_survey_status_leaves_test_responses_out(real_partial_and_test_complete):
    out = StringIO()
    call_command("survey_status", real_partial_and_test_complete.slug, stdout=out)
    assert out.getvalue().strip() == "1 participants, 0 complete (0.0 %)"


def test_survey_status_counts_test_responses_with_include_tests(real_partial_and_test_complete):
    out = StringIO()
    call_command("survey_status", real_partial_and_test_complete.slug, "--include-tests", stdout=out)
    assert out.getvalue().strip() == "2 participants, 1 complete (50.0 %) (test responses included)"


def test_a_survey_with_a_page_without_questions_has_nothing_to_preview(investigator):
    from tests.factories import PageFactory

    empty_page = PageFactory(survey=SurveyFactory(status=Survey.Status.DRAFT))
    reply = investigator.post(preview_url(empty_page.survey))
    assert reply.status_code == 409
    assert not Response.objects.exists()


def test_a_browser_holding_its_own_answers_cannot_start_a_test_run_over_them(investigator, survey):
    Respondent(investigator, survey).consent()
    Respondent(investigator, survey).submit(1)
    own = Response.objects.get()
    investigator.cookies["lang"] = "en"
    reply = investigator.post(preview_url(survey))
    assert reply.status_code == 409
    assert "private window" in reply.content.decode()
    assert list(Response.objects.all()) == [own] and not own.is_test
    assert cookie_of(investigator, survey)  # still the respondent's own
