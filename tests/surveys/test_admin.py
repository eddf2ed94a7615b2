import json

import pytest
from django.http import HttpRequest
from django.urls import reverse

from surveys.models import Response
from tests.conftest import partial_response

pytestmark = pytest.mark.django_db


def test_the_survey_page_lists_pages_and_questions_in_order(investigator, survey):
    page = investigator.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert page.index('value="Q1"') < page.index('value="Q2"') < page.index('value="Q27"')
    assert "Votre profil et votre utilisation du groupe" in page
    assert "Your profile and your use of the group" in page


def test_a_question_page_lists_its_choices_in_both_languages(investigator, survey):
    q6 = survey.questions.get(code="Q6")
    page = investigator.get(reverse("admin:surveys_question_change", args=[q6.pk])).content.decode()
    assert 'value="Oui"' in page and 'value="Yes"' in page


def test_an_investigator_can_change_wording_in_the_admin(investigator, survey):
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    reply = investigator.get(url)
    form = reply.context["adminform"].form
    data = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in form.initial.items() if v is not None}
    data.update(title_en="New English title", opens_at_0="", opens_at_1="", closes_at_0="", closes_at_1="")
    for formset in reply.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        prefix = formset.formset.prefix
        data.update({f"{prefix}-{k}": v for k, v in management.initial.items()})
        for index, inline_form in enumerate(formset.formset.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if value is not None and value is not False:
                    data[f"{prefix}-{index}-{name}"] = getattr(value, "pk", value)
    assert investigator.post(url, data).status_code == 302
    survey.refresh_from_db()
    assert survey.title_en == "New English title"


def test_responses_are_read_only(investigator, survey):
    response = partial_response(survey, q9="rarely")
    url = reverse("admin:surveys_response_change", args=[response.pk])
    page = investigator.get(url).content.decode()
    assert "rarely" in page
    assert 'name="_save"' not in page
    assert investigator.post(url, {"language": "en"}).status_code == 403
    assert Response.objects.get().language == "fr"
    assert "token_hash" not in page


def test_the_admin_is_for_staff_only(client, django_user_model):
    django_user_model.objects.create_user("physician", password="pw")
    client.login(request=HttpRequest(), username="physician", password="pw")
    reply = client.get(reverse("admin:surveys_survey_changelist"))
    assert reply.status_code == 302 and "/admin/login/" in reply["Location"]


def test_every_admin_page_links_to_the_dashboard_and_the_survey_list_to_its_results(investigator, survey):
    index = investigator.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("analysis:index")}" class="dashboard-link">' in index
    listing = investigator.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert f'<a href="{reverse("analysis:overview", args=[survey.slug])}">' in listing


def test_the_dashboard_links_back_to_the_admin(investigator, survey):
    page = investigator.get(reverse("analysis:overview", args=[survey.slug])).content.decode()
    assert f'href="{reverse("admin:index")}"' in page
