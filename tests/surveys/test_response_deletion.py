"""Deleting responses: test responses freely, real ones only once their number is confirmed."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from surveys.models import Answer, Response
from surveys.services import (
    DeletionNotConfirmed,
    page_save,
    pilot_responses_delete,
    response_start,
    responses_delete,
)
from surveys.values import AnswerValue
from tests.conftest import partial_response
from tests.factories import ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:surveys_response_changelist"


def pilot_response(survey, answers: int = 2) -> Response:
    """An investigator's test run that answered Q9 (and Q10 with ``answers=2``)."""
    response, _ = response_start(survey=survey, language="fr", is_test=True)
    values = {"Q9": AnswerValue(choice="rarely")}
    if answers == 2:
        values["Q10"] = AnswerValue(choice="rarely")
    page_save(response=response, page_position=2, values=values, language="fr", advance=False)
    return response


def surviving() -> set:
    return set(Response.objects.values_list("pk", flat=True))


def run_action(client, action: str, responses, **data):
    payload = {"action": action, "_selected_action": [str(r.pk) for r in responses], **data}
    return client.post(reverse(CHANGELIST), payload)


def messages_of(reply) -> list[str]:
    return [str(m) for m in reply.context["messages"]]


# --- the command


def test_the_command_deletes_only_the_test_responses_and_their_answers(survey):
    real = partial_response(survey)
    pilot_response(survey)
    pilot_response(survey)
    call_command("delete_test_responses", survey.slug, stdout=StringIO())
    assert surviving() == {real.pk}
    assert list(Answer.objects.values_list("response_id", flat=True)) == [real.pk]


def test_the_command_says_how_many_test_responses_it_deleted(survey):
    partial_response(survey)
    pilot_response(survey)
    pilot_response(survey)
    out = StringIO()
    call_command("delete_test_responses", survey.slug, stdout=out)
    assert out.getvalue().strip() == (
        f"Deleted 2 test response(s) of '{survey.slug}'; real responses are untouched."
    )


def test_the_command_leaves_the_test_responses_of_other_surveys(survey):
    other = ResponseFactory(survey=SurveyFactory(slug="other"), is_test=True)
    pilot_response(survey)
    out = StringIO()
    call_command("delete_test_responses", survey.slug, stdout=out)
    assert out.getvalue().startswith("Deleted 1 test response(s)")
    assert surviving() == {other.pk}


def test_the_command_names_the_known_surveys_when_the_slug_is_wrong(survey):
    pilot_response(survey)
    with pytest.raises(CommandError, match=rf"No survey 'nope' \(known surveys: {survey.slug}\)"):
        call_command("delete_test_responses", "nope")
    assert Response.objects.count() == 1


# --- the services


def test_pilot_responses_delete_returns_how_many_test_responses_went(survey):
    real = partial_response(survey)
    pilot_response(survey)
    assert pilot_responses_delete(survey=survey) == 1
    assert surviving() == {real.pk}


def test_responses_delete_refuses_real_responses_without_their_number(survey):
    real = partial_response(survey)
    pilot = pilot_response(survey)
    with pytest.raises(DeletionNotConfirmed) as refused:
        responses_delete(response_ids=[real.pk, pilot.pk], confirmed_real=0)
    assert refused.value.real == 1
    assert surviving() == {real.pk, pilot.pk}
    assert Answer.objects.count() == 3


def test_responses_delete_refuses_a_wrong_number_of_real_responses(survey):
    reals = [partial_response(survey), partial_response(survey)]
    with pytest.raises(DeletionNotConfirmed) as refused:
        responses_delete(response_ids=[r.pk for r in reals], confirmed_real=1)
    assert refused.value.real == 2
    assert Response.objects.count() == 2


def test_responses_delete_deletes_real_and_test_responses_with_the_right_number(survey):
    real = partial_response(survey)
    pilot = pilot_response(survey)
    kept = partial_response(survey)
    assert responses_delete(response_ids=[real.pk, pilot.pk], confirmed_real=1) == (1, 1)
    assert surviving() == {kept.pk}
    assert list(Answer.objects.values_list("response_id", flat=True)) == [kept.pk]


def test_responses_delete_deletes_test_responses_without_confirmation(survey):
    pilots = [pilot_response(survey), pilot_response(survey)]
    assert responses_delete(response_ids=[p.pk for p in pilots], confirmed_real=0) == (0, 2)
    assert not Response.objects.exists() and not Answer.objects.exists()


# --- the admin: deleting the test responses of a selection


def test_the_test_responses_action_deletes_the_selected_test_responses_and_keeps_real_ones(
    investigator, survey
):
    real = partial_response(survey)
    pilot = pilot_response(survey)
    unselected = pilot_response(survey)
    reply = run_action(investigator, "delete_test_responses", [real, pilot])
    assert reply.status_code == 302
    assert surviving() == {real.pk, unselected.pk}


def test_the_test_responses_action_says_what_it_deleted_and_what_it_kept(investigator, survey):
    selection = [partial_response(survey), pilot_response(survey), pilot_response(survey)]
    reply = run_action(investigator, "delete_test_responses", selection)
    assert messages_of(investigator.get(reply["Location"])) == [
        "Deleted 2 test response(s). 1 real response(s) in the selection were kept."
    ]


# --- the admin: deleting responses, real ones included


def test_the_delete_action_first_states_the_numbers_and_deletes_nothing(investigator, survey):
    selection = [partial_response(survey), pilot_response(survey, answers=2)]
    reply = run_action(investigator, "delete_responses", selection)
    assert reply.status_code == 200
    assert (reply.context["real"], reply.context["test"], reply.context["answers"]) == (1, 1, 3)
    page = " ".join(reply.content.decode().split())
    stated = (
        "The selection holds <strong>1 real response</strong> and 1 test response, with 3 answers in all."
    )
    assert stated in page
    assert 'name="confirm_real"' in page
    assert Response.objects.count() == 2


def test_the_delete_action_deletes_nothing_on_a_wrong_number(investigator, survey):
    selection = [partial_response(survey), partial_response(survey), pilot_response(survey)]
    reply = run_action(investigator, "delete_responses", selection, apply="1", confirm_real="1")
    assert reply.status_code == 200
    assert reply.context["form"].errors["confirm_real"] == [
        "Type 2, the number of real responses selected, to delete them."
    ]
    assert Response.objects.count() == 3 and Answer.objects.count() == 4


def test_the_delete_action_deletes_nothing_without_a_number(investigator, survey):
    selection = [partial_response(survey), pilot_response(survey)]
    reply = run_action(investigator, "delete_responses", selection, apply="1", confirm_real="")
    assert reply.status_code == 200
    assert "confirm_real" in reply.context["form"].errors
    assert Response.objects.count() == 2


def test_the_delete_action_deletes_the_selection_with_the_right_number(investigator, survey):
    selection = [partial_response(survey), partial_response(survey), pilot_response(survey)]
    kept = partial_response(survey)
    reply = run_action(investigator, "delete_responses", selection, apply="1", confirm_real="2")
    assert reply.status_code == 302
    assert surviving() == {kept.pk}
    assert list(Answer.objects.values_list("response_id", flat=True)) == [kept.pk]
    assert messages_of(investigator.get(reply["Location"])) == ["Deleted 2 real and 1 test response(s)."]


def test_the_delete_action_deletes_test_responses_alone_with_zero(investigator, survey):
    selection = [pilot_response(survey), pilot_response(survey)]
    reply = run_action(investigator, "delete_responses", selection)
    assert 'type="hidden" name="confirm_real" value="0"' in reply.content.decode()
    reply = run_action(investigator, "delete_responses", selection, apply="1", confirm_real="0")
    assert reply.status_code == 302
    assert not Response.objects.exists()


# --- outsiders


@pytest.mark.parametrize("action", ["delete_test_responses", "delete_responses"])
def test_an_anonymous_visitor_cannot_run_the_deletion_actions(action, client, survey):
    selection = [partial_response(survey), pilot_response(survey)]
    reply = run_action(client, action, selection, apply="1", confirm_real="1")
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("admin:login"))
    assert Response.objects.count() == 2


@pytest.mark.parametrize("action", ["delete_test_responses", "delete_responses"])
def test_a_signed_in_physician_cannot_run_the_deletion_actions(action, survey, django_user_model):
    browser = Client()
    browser.force_login(django_user_model.objects.create_user("physician", password="pw"))
    selection = [partial_response(survey), pilot_response(survey)]
    reply = run_action(browser, action, selection, apply="1", confirm_real="1")
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("admin:login"))
    assert Response.objects.count() == 2


@pytest.mark.parametrize("action", ["delete_test_responses", "delete_responses"])
def test_a_staff_member_who_may_only_view_responses_cannot_delete_them(action, survey, django_user_model):
    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_response"))
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse(CHANGELIST)).status_code == 200
    selection = [partial_response(survey), pilot_response(survey)]
    run_action(browser, action, selection, apply="1", confirm_real="1")
    assert Response.objects.count() == 2
