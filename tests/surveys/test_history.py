"""The instrument's history: every change to a survey, its pages, questions and choices, with who
made it (an investigator in the admin, or a command) and the old and new values."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from surveys.history import FieldChange
from surveys.instrument import parse_instrument
from surveys.models import Choice, Page, Question, Survey
from surveys.services import instrument_load
from tests.conftest import Respondent
from tests.surveys.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

Q12_FR = "Les réponses m'ont aidé(e) à prendre une décision pour la prise en charge de mon patient."
NEW_Q12_FR = "Les réponses de mes confrères m'ont aidé(e) à décider de la prise en charge."


def history_url(survey) -> str:
    return reverse("admin:surveys_survey_instrument_history", args=[survey.pk])


def history_rows() -> int:
    return sum(model.history.count() for model in (Survey, Page, Question, Choice))


def change_q12_in_the_admin(client, survey, text_fr: str) -> None:
    url = reverse("admin:surveys_question_change", args=[survey.questions.get(code="Q12").pk])
    data = change_form_data(client.get(url))
    assert data["text_fr"] == Q12_FR
    data["text_fr"] = text_fr
    reply = client.post(url, data)
    assert reply.status_code == 302, reply.context["adminform"].form.errors if reply.context else reply
    assert survey.questions.get(code="Q12").text_fr == text_fr


def history_row(reply, what: str) -> str:
    """The newest row of the history table that names ``what``, as HTML."""
    rows = re.findall(r"<tr>(.*?)</tr>", reply.content.decode(), flags=re.DOTALL)
    return next(row for row in rows if what in row)


def load_with_q12(instrument_source: str, text_fr: str):
    assert instrument_source.count(Q12_FR) == 1
    return instrument_load(spec=parse_instrument(instrument_source.replace(Q12_FR, text_fr)))


# --- changes in the admin


def test_a_wording_change_in_the_admin_is_listed_with_the_investigator_and_both_texts(investigator, survey):
    change_q12_in_the_admin(investigator, survey, NEW_Q12_FR)
    newest = investigator.get(history_url(survey)).context["entries"][0]
    assert (newest.who, newest.kind, newest.what) == ("inv", "~", "question Q12")
    assert newest.changes == (FieldChange("text (French)", Q12_FR, NEW_Q12_FR),)


def test_the_history_page_shows_the_investigator_and_the_old_and_new_text(investigator, survey):
    change_q12_in_the_admin(investigator, survey, NEW_Q12_FR)
    row = history_row(investigator.get(history_url(survey)), "changed: question Q12")
    assert "<td>inv</td>" in row
    assert f"<del>{escape(Q12_FR)}</del> → <ins>{escape(NEW_Q12_FR)}</ins>" in row


# --- changes by a command


def test_a_change_made_by_loading_the_instrument_is_recorded_without_a_user(survey, instrument_source):
    assert load_with_q12(instrument_source, NEW_Q12_FR).changed
    record = Question.history.filter(code="Q12").latest("history_date")
    assert (record.history_type, record.history_user, record.text_fr) == ("~", None, NEW_Q12_FR)
    assert record.prev_record.text_fr == Q12_FR


def test_the_history_page_says_a_command_made_the_loaded_change(investigator, survey, instrument_source):
    load_with_q12(instrument_source, NEW_Q12_FR)
    reply = investigator.get(history_url(survey))
    newest = reply.context["entries"][0]
    assert (newest.who, newest.what) == ("", "question Q12")
    assert newest.changes == (FieldChange("text (French)", Q12_FR, NEW_Q12_FR),)
    assert "<td>a command</td>" in history_row(reply, "changed: question Q12")


def test_loading_an_unchanged_instrument_records_nothing(survey, instrument_source):
    before = history_rows()
    assert instrument_load(spec=parse_instrument(instrument_source)).changed == 0
    assert history_rows() == before


# --- what is not the instrument's history


def test_a_respondent_s_answers_create_no_history_record(survey, client):
    before = history_rows()
    respondent = Respondent(client, survey)
    respondent.consent()
    for position in (1, 2, 3):
        assert respondent.submit(position).status_code == 302
    assert survey.responses.get().answers.count() > 0
    assert history_rows() == before


def test_a_completed_test_run_creates_no_history_record(investigator, survey):
    before = history_rows()
    investigator.post(reverse("surveys:preview", args=[survey.slug]))
    run = Respondent(investigator, survey)
    for position in (1, 2, 3, 4, 5, 6):
        assert run.submit(position).status_code == 302
    assert survey.responses.get().is_complete
    assert history_rows() == before


def test_the_history_page_lists_only_its_own_survey(investigator, survey, instrument_source):
    other_source = instrument_source.replace("slug: cme-social-network-2022", "slug: other-survey", 1)
    other = instrument_load(spec=parse_instrument(other_source)).survey
    assert other.pk != survey.pk
    instrument_load(spec=parse_instrument(other_source.replace(Q12_FR, NEW_Q12_FR)))
    entries = investigator.get(history_url(survey)).context["entries"]
    assert entries and all(entry.kind == "+" for entry in entries)


# --- who may read it


def test_the_survey_page_links_to_its_instrument_history(investigator, survey):
    page = investigator.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert f'href="{history_url(survey)}"' in page


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, survey):
    reply = client.get(history_url(survey))
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("admin:login"))


def test_a_signed_in_physician_is_sent_to_the_login_page(survey, django_user_model):
    browser = Client()
    browser.force_login(django_user_model.objects.create_user("physician", password="pw"))
    reply = browser.get(history_url(survey))
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("admin:login"))


def test_a_staff_member_who_may_not_view_surveys_is_not_shown_the_history(survey, django_user_model):
    browser = Client()
    browser.force_login(django_user_model.objects.create_user("staff", password="pw", is_staff=True))
    reply = browser.get(history_url(survey))
    assert reply.status_code == 302
    assert reply["Location"] == reverse("admin:surveys_survey_changelist")
