"""The whole respondent flow through the test client."""

import re

import pytest
from django.test import Client

from surveys.models import Answer, Response
from surveys.selectors import response_answers
from tests.conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def the_response() -> Response:
    return Response.objects.get()


def complete(respondent, pages=(1, 2, 3, 4, 5, 6)):
    reply = None
    for position in pages:
        reply = respondent.submit(position)
        assert reply.status_code == 302, (position, reply.content.decode()[:2000])
    return reply


def test_the_start_page_shows_the_study_information_in_french(respondent):
    page = respondent.client.get(respondent.url("start")).content.decode()
    assert "Les réseaux sociaux dans la pratique médicale" in page
    assert "IORG0010678" in page
    assert "marion@bendayan.eu" in page
    assert "J’accepte de participer" in page
    assert 'lang="fr"' in page


def test_it_requires_consent_before_starting(respondent):
    reply = respondent.client.post(respondent.url("start"), {})
    assert reply.status_code == 200
    assert "Merci d’appuyer sur « J’accepte de participer »" in reply.content.decode()
    assert not Response.objects.exists()


def test_consenting_starts_an_anonymous_response_and_opens_page_one(respondent):
    reply = respondent.consent()
    assert reply.status_code == 302
    assert reply["Location"] == respondent.url("page", position=1)
    cookie = reply.cookies[f"response-{respondent.survey.slug}"]
    assert cookie["httponly"] and len(cookie.value) >= 40
    assert str(the_response().pk) not in cookie.value


def test_a_physician_completes_the_questionnaire_in_french(started):
    reply = complete(started)
    assert reply["Location"] == started.url("thanks")
    response = the_response()
    assert response.status == Response.Status.COMPLETE and response.completed_at
    assert response.language == "fr"
    answers = response_answers(response)
    assert len(answers) == 27
    assert answers["Q3"].choice == "general_practice"
    assert answers["Q9"].comment == "Surtout en pédiatrie"
    assert answers["Q13"].score == 10
    assert answers["Q20"].choices == ("free_teleexpertise", "other")
    assert answers["Q20"].other_text == "Omnidoc"
    assert answers["Q27"].text == "Merci pour ce groupe."
    assert "Merci" in started.client.get(reply["Location"]).content.decode()


def test_a_physician_completes_the_questionnaire_in_english(started):
    started.switch_language("en")
    page = started.client.get(started.url("page", position=1)).content.decode()
    assert "Gender" in page and "Female" in page and 'lang="en"' in page
    complete(started)
    response = the_response()
    assert (response.status, response.language) == (Response.Status.COMPLETE, "en")
    assert "Thank you" in started.client.get(started.url("thanks")).content.decode()


def test_each_page_is_saved_as_soon_as_it_is_submitted(started):
    started.submit(1)
    assert set(response_answers(the_response())) == set(FULL_ANSWERS[1])
    assert the_response().status == Response.Status.IN_PROGRESS


def test_a_respondent_resumes_where_they_stopped(started, survey):
    started.submit(1)
    started.submit(2)
    start_page = started.client.get(started.url("start")).content.decode()
    assert "Reprendre là où je m’étais arrêté" in start_page
    assert started.url("page", position=3) in start_page
    # The same browser returning cannot start a second response.
    reply = started.consent()
    assert reply["Location"] == started.url("page", position=3)
    assert Response.objects.count() == 1


def checked(page: str, name: str) -> list[str]:
    """The values of the inputs named ``name`` that are checked (or of the select's options
    selected)."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    values = [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if re.search(r"\bchecked\b", i)]
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select:
        values += re.findall(r'<option value="([^"]+)"[^>]*\bselected\b', select.group(1))
    return values


def test_a_page_shows_the_answers_saved_before(started):
    for position in (1, 2, 3, 4):
        started.submit(position)
    page = started.client.get(started.url("page", position=1)).content.decode()
    assert checked(page, "Q3") == ["general_practice"]
    assert checked(page, "Q8") == ["gt_3y"]
    page = started.client.get(started.url("page", position=3)).content.decode()
    assert checked(page, "Q13") == ["10"]
    page = started.client.get(started.url("page", position=4)).content.decode()
    assert checked(page, "Q21") == ["speed_of_responses", "available_anytime"]
    assert 'value="Omnidoc"' in page


def test_a_completed_browser_sees_already_completed_and_cannot_start_again(started):
    complete(started)
    page = started.client.get(started.url("start")).content.decode()
    assert "déjà répondu" in page
    started.consent()
    assert Response.objects.count() == 1


def test_a_post_to_a_completed_response_is_refused_and_changes_nothing(started):
    complete(started)
    reply = started.submit(1, {**FULL_ANSWERS[1], "Q1": "male"})
    assert reply.status_code == 409
    assert response_answers(the_response())["Q1"].choice == "female"


def test_never_at_q9_skips_the_statements_page(started):
    started.submit(1)
    reply = started.submit(2, {"Q9": "never", "Q10": "rarely"})
    assert reply["Location"] == started.url("page", position=4)
    assert started.client.get(started.url("page", position=3))["Location"] == started.url("page", position=4)


def test_going_back_and_changing_q9_to_never_removes_the_statements(started):
    for position in (1, 2, 3):
        started.submit(position)
    assert "Q11" in response_answers(the_response())
    started.submit(2, {"Q9": "never", "Q10": "rarely"})
    answers = response_answers(the_response())
    assert not {f"Q{n}" for n in range(11, 19)} & set(answers)
    assert answers["Q9"].choice == "never"


def test_changing_q9_from_never_brings_the_statements_back(started):
    started.submit(1)
    started.submit(2, {"Q9": "never", "Q10": "rarely"})
    started.submit(4)
    reply = started.submit(2, {"Q9": "rarely", "Q10": "rarely"})
    assert reply["Location"] == started.url("page", position=3)
    # Page 5 cannot be reached before the statements are answered.
    assert started.client.get(started.url("page", position=5))["Location"] == started.url("page", position=3)


def test_q20_is_dropped_when_q19_is_no(started):
    for position in (1, 2, 3):
        started.submit(position)
    started.submit(4, {**FULL_ANSWERS[4], "Q19": "no"})
    assert "Q20" not in response_answers(the_response())


def test_q20_is_required_when_q19_is_yes(started):
    for position in (1, 2, 3):
        started.submit(position)
    reply = started.submit(4, {"Q19": "yes", "Q21": ["free_of_charge"], "Q22": ["too_many_posts"]})
    assert reply.status_code == 200
    assert "Merci de répondre à cette question." in reply.content.decode()
    assert "Q19" not in response_answers(the_response())


def test_a_missing_required_answer_is_shown_next_to_the_question_and_keeps_what_was_typed(started):
    data = {**FULL_ANSWERS[1]}
    del data["Q5"]
    reply = started.submit(1, data)
    page = reply.content.decode()
    assert reply.status_code == 200
    assert 'id="error-summary"' in page and 'href="#div_id_Q5"' in page
    # French typography in the summary: a no-break space before the colon.
    line = '<a href="#div_id_Q5">5. Vous exercez en zone</a>\u00a0: Merci de répondre à cette question.'
    assert line in page
    assert checked(page, "Q3") == ["general_practice"]
    assert not Answer.objects.exists()


def test_required_errors_are_in_english_for_an_english_respondent(started):
    started.switch_language("en")
    reply = started.submit(1, {"Q1": "female"})
    assert "Please answer this question." in reply.content.decode()
    assert "</a>: Please answer this question." in reply.content.decode()  # no space before the colon


def test_other_requires_its_text(started):
    reply = started.submit(1, {**FULL_ANSWERS[1], "Q3": "other", "Q3__other_text": "  "})
    assert reply.status_code == 200
    assert "Merci de préciser" in reply.content.decode()


def test_the_back_button_keeps_answers_without_requiring_the_rest(started):
    started.submit(1)
    reply = started.submit(2, {"Q9": "rarely"}, nav="back")
    assert reply["Location"] == started.url("page", position=1)
    answers = response_answers(the_response())
    assert answers["Q9"].choice == "rarely" and "Q10" not in answers
    assert the_response().furthest_page == 1


def test_switching_language_keeps_the_answers(started):
    started.submit(1)
    started.switch_language("en", started.url("page", position=1))
    page = started.client.get(started.url("page", position=1)).content.decode()
    assert "General practice" in page
    assert response_answers(the_response())["Q3"].choice == "general_practice"


def test_the_language_switch_is_on_every_page(started):
    start = started.client.get(started.url("start")).content.decode()
    assert 'name="language" value="en"' in start
    page = started.client.get(started.url("page", position=1)).content.decode()
    assert 'form="survey-form" formnovalidate name="switch_language" value="en"' in page


def test_switching_language_on_a_page_keeps_what_was_ticked_without_requiring_the_rest(started):
    reply = started.client.post(
        started.url("page", position=1), {"Q1": "female", "Q3": "cardiology", "switch_language": "en"}
    )
    page = reply.content.decode()
    assert reply.status_code == 200 and 'lang="en"' in page
    assert checked(page, "Q1") == ["female"] and checked(page, "Q3") == ["cardiology"]
    assert "Please answer this question." not in page  # not submitted: nothing said missing
    assert reply.cookies["lang"].value == "en"
    answers = response_answers(Response.objects.get())
    assert (answers["Q1"].choice, answers["Q3"].choice) == ("female", "cardiology")


def test_switching_language_with_a_value_that_is_not_valid_shows_it_back_unsaved(started):
    reply = started.client.post(started.url("page", position=1), {"Q1": "nonsense", "switch_language": "en"})
    assert reply.status_code == 200 and "is not one of the available choices" not in reply.content.decode()
    assert not Answer.objects.exists()


def test_an_unknown_language_is_refused(started):
    reply = started.client.post(started.url("page", position=1), {"Q1": "female", "switch_language": "xx"})
    assert reply.status_code == 400


def test_french_is_the_default_whatever_the_browser_says(respondent):
    page = respondent.client.get(respondent.url("start"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert 'lang="fr"' in page


# --- Bad input: a 4xx or a form error, never a 500, never a lost answer --------------------


@pytest.mark.parametrize("value", ["martian", ""])
def test_an_unknown_or_empty_single_choice_is_a_form_error(started, value):
    started.submit(1)
    reply = started.submit(1, {**FULL_ANSWERS[1], "Q1": value})
    assert reply.status_code == 200
    assert 'id="error-summary"' in reply.content.decode()
    assert response_answers(the_response())["Q1"].choice == "female"


def test_an_unknown_multiple_choice_code_is_a_form_error(started):
    for position in (1, 2, 3):
        started.submit(position)
    reply = started.submit(4, {**FULL_ANSWERS[4], "Q21": ["speed_of_responses", "not_a_strength"]})
    assert reply.status_code == 200
    assert 'id="error-summary"' in reply.content.decode()
    assert "Q21" not in response_answers(the_response())


@pytest.mark.parametrize("score", ["11", "-1", "abc", "5.5"])
def test_a_score_outside_the_scale_is_a_form_error(started, score):
    started.submit(1)
    started.submit(2)
    reply = started.submit(3, {**FULL_ANSWERS[3], "Q11": score})
    assert reply.status_code == 200
    assert 'id="error-summary"' in reply.content.decode()
    assert "Q11" not in response_answers(the_response())
    assert "Q9" in response_answers(the_response())


def test_a_page_out_of_range_is_not_found(started):
    assert started.client.get(started.url("page", position=99)).status_code == 404
    assert started.client.post(started.url("page", position=0), {}).status_code == 404


def test_posting_a_page_ahead_is_refused_and_saves_nothing(started):
    reply = started.submit(5)
    assert reply.status_code == 400
    assert not Answer.objects.exists()


def test_getting_a_page_ahead_redirects_to_where_the_respondent_is(started):
    started.submit(1)
    assert started.client.get(started.url("page", position=5))["Location"] == started.url("page", position=2)


def test_a_forged_token_is_refused(survey):
    client = Client()
    client.cookies[f"response-{survey.slug}"] = "forged-token"
    from django.urls import reverse

    url = reverse("surveys:page", kwargs={"slug": survey.slug, "position": 1})
    assert client.post(url, FULL_ANSWERS[1]).status_code == 403
    assert client.get(url)["Location"] == reverse("surveys:start", kwargs={"slug": survey.slug})
    assert not Answer.objects.exists()


def test_a_post_without_a_csrf_token_is_refused_and_keeps_the_answers(survey):
    client = Client(enforce_csrf_checks=True)
    from tests.conftest import Respondent

    respondent = Respondent(client, survey)
    page = client.get(respondent.url("start")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    client.post(respondent.url("start"), {"consent": "on", "csrfmiddlewaretoken": token})
    client.post(respondent.url("page", position=1), {**FULL_ANSWERS[1], "csrfmiddlewaretoken": token})
    reply = client.post(respondent.url("page", position=2), FULL_ANSWERS[2])
    assert reply.status_code == 403
    assert "La page a expiré" in reply.content.decode()
    assert set(response_answers(Response.objects.get())) == set(FULL_ANSWERS[1])


def test_a_closed_survey_says_so_and_accepts_nothing(started, survey):
    started.submit(1)
    survey.status = survey.Status.CLOSED
    survey.save()
    assert "est clôturée" in started.client.get(started.url("start")).content.decode()
    assert started.submit(2).status_code == 403
    assert "Q9" not in response_answers(the_response())
    assert "Q1" in response_answers(the_response())


def test_a_survey_not_yet_open_says_when_it_opens(respondent, survey):
    from datetime import timedelta

    from django.utils import timezone

    survey.opens_at = timezone.now() + timedelta(days=3)
    survey.save()
    page = respondent.client.get(respondent.url("start")).content.decode()
    assert "pas encore ouverte" in page
    assert respondent.consent().status_code == 403
    assert not Response.objects.exists()


def test_a_draft_survey_is_not_found(respondent, survey):
    survey.status = survey.Status.DRAFT
    survey.save()
    assert respondent.client.get(respondent.url("start")).status_code == 404


def test_a_survey_turned_back_to_draft_takes_no_more_answers(started, survey):
    started.submit(1)
    survey.status = survey.Status.DRAFT
    survey.save()
    assert started.client.get(started.url("page", position=2)).status_code == 404
    assert started.submit(2).status_code == 404
    assert "Q9" not in response_answers(the_response())


def test_the_home_page_leads_to_the_only_open_survey(respondent):
    assert respondent.client.get("/")["Location"] == respondent.url("start")


def test_q26_i_do_not_use_them_cannot_come_with_another_answer(started):
    for position in (1, 2, 3, 4):
        started.submit(position)
    reply = started.submit(5, {**FULL_ANSWERS[5], "Q26": ["do_not_use", "share_with_patients"]})
    assert reply.status_code == 200
    assert "ne peut pas être coché avec une autre réponse" in reply.content.decode()
    assert "Q26" not in response_answers(Response.objects.get())


def test_the_error_summary_names_the_question_of_a_missing_please_specify(started):
    reply = started.submit(1, {**FULL_ANSWERS[1], "Q3": "other"})
    page = reply.content.decode()
    assert '<a href="#div_id_Q3__other_text">3. Votre spécialité — Précisez</a>' in page


def test_a_long_list_is_a_select_with_its_error_above_it(started):
    data = {**FULL_ANSWERS[1]}
    del data["Q3"]
    page = started.submit(1, data).content.decode()
    select = page.index('<select name="Q3"')
    error = page.index('id="id_Q3_error"')
    assert error < select
    assert 'aria-describedby="id_Q3_error"' in page


def test_every_page_names_its_icon_and_the_old_address_leads_to_it(respondent):
    page = respondent.client.get(respondent.url("start")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    reply = respondent.client.get("/favicon.ico")
    assert reply.status_code == 301 and reply["Location"] == "/static/favicon.svg"
