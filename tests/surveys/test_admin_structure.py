"""The admin and a survey with answers: frozen fields read-only with the reason, and refused on
submission when answers arrived after the page was opened; wording stays editable."""

import pytest
from django.urls import reverse

from surveys.models import Choice, Page, Question, Statement, Survey
from surveys.structure import FROZEN_FIELDS
from tests.conftest import partial_response
from tests.surveys.admin_forms import change_form_data, inline_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def instrument_rows(survey) -> tuple:
    """Every stored value of the survey's instrument (the layout stamp aside)."""
    questions = Question.objects.filter(survey=survey)
    return (
        list(Survey.objects.filter(pk=survey.pk).values("slug", "instrument_version", "title_fr")),
        list(Page.objects.filter(survey=survey).order_by("pk").values()),
        list(questions.order_by("pk").values()),
        list(Choice.objects.filter(question__in=questions).order_by("pk").values()),
    )


def survey_url(survey):
    return reverse("admin:surveys_survey_change", args=[survey.pk])


def question_url(survey, code):
    return reverse("admin:surveys_question_change", args=[survey.questions.get(code=code).pk])


# --- what a frozen survey's pages show ---------------------------------------------------------


def test_the_survey_page_says_why_its_structure_is_frozen(investigator, survey):
    partial_response(survey)
    page = investigator.get(survey_url(survey)).content.decode()
    assert "This survey already has 1 response with answers" in page
    assert "duplicate the survey as a new draft version" in page


def test_a_survey_without_answers_shows_no_such_warning(investigator, survey):
    page = investigator.get(survey_url(survey)).content.decode()
    assert "already has" not in page
    assert 'name="slug"' in page and 'name="questions-0-code"' in page


def test_the_survey_page_shows_frozen_fields_read_only_and_wording_editable(investigator, survey):
    partial_response(survey)
    page = investigator.get(survey_url(survey)).content.decode()
    for name in ("slug", "pages-0-position", "questions-0-code", "questions-0-kind", "questions-0-page"):
        assert f'name="{name}"' not in page, name
    assert 'name="questions-0-position"' not in page
    for name in ("title_fr", "pages-0-title_fr", "questions-0-text_fr"):
        assert f'name="{name}"' in page, name
    assert 'name="_move"' not in page  # nothing to reorder
    assert 'name="questions-0-DELETE"' not in page and 'name="pages-0-DELETE"' not in page


def test_the_question_page_shows_every_frozen_field_read_only(investigator, survey):
    partial_response(survey)
    page = investigator.get(question_url(survey, "Q12")).content.decode()
    for name in FROZEN_FIELDS[Question]:
        assert f'name="{name}"' not in page, name
    assert 'name="condition_1_question"' not in page  # the condition is shown in words
    assert "Shown when Q9" in page
    assert 'name="choices-0-code"' not in page
    for name in ("text_fr", "help_en", "scale_max_label_fr"):
        assert f'name="{name}"' in page, name
    q3 = investigator.get(question_url(survey, "Q3")).content.decode()
    assert 'name="choices-0-code"' not in q3 and 'name="choices-0-is_other"' not in q3
    assert 'name="choices-0-label_fr"' in q3 and 'name="choices-0-DELETE"' not in q3


def test_posting_frozen_fields_to_a_frozen_survey_changes_nothing_but_the_wording(investigator, survey):
    partial_response(survey)
    reply = investigator.get(survey_url(survey))
    data = change_form_data(reply)
    q1 = inline_index(reply, "questions", code="Q1")
    data.update({"slug": "hijacked", f"questions-{q1}-code": "Z1", f"questions-{q1}-kind": "text"})
    data[f"questions-{q1}-text_fr"] = "Votre genre"
    assert investigator.post(survey_url(survey), data).status_code == 302
    q = survey.questions.get(pk=reply.context["inline_admin_formsets"][1].formset.forms[q1].instance.pk)
    assert (q.code, q.kind, q.text_fr) == ("Q1", "single", "Votre genre")
    assert Survey.objects.get(pk=survey.pk).slug == survey.slug


def test_wording_can_be_fixed_on_a_frozen_question(investigator, survey):
    partial_response(survey)
    reply = investigator.get(question_url(survey, "Q3"))
    data = change_form_data(reply)
    data["text_fr"] = "Votre spécialité principale"
    data[f"choices-{inline_index(reply, 'choices', code='psychiatry')}-label_en"] = "Psychiatry (adults)"
    assert investigator.post(question_url(survey, "Q3"), data).status_code == 302
    q3 = survey.questions.get(code="Q3")
    assert q3.text_fr == "Votre spécialité principale"
    assert q3.choices.get(code="psychiatry").label_en == "Psychiatry (adults)"


# --- answers that arrive while the investigator's page is open ---------------------------------


def other_choice(survey, question, code):
    return Choice.objects.get(question__survey=survey, question__code=question, code=code).pk


def other_page(survey, position):
    return Page.objects.get(survey=survey, position=position).pk


# (page, what the investigator changes in the form they opened before the first answer)
SURVEY_CHANGES = {
    "slug": lambda s, r, d: d.update(slug="renamed"),
    "question code": lambda s, r, d: d.update(
        {f"questions-{inline_index(r, 'questions', code='Q27')}-code": "Q28"}
    ),
    "question kind": lambda s, r, d: d.update(
        {f"questions-{inline_index(r, 'questions', code='Q27')}-kind": "single"}
    ),
    "question page": lambda s, r, d: d.update(
        {f"questions-{inline_index(r, 'questions', code='Q27')}-page": other_page(s, 5)}
    ),
    "question deleted": lambda s, r, d: d.update(
        {f"questions-{inline_index(r, 'questions', code='Q27')}-DELETE": "on"}
    ),
    "page deleted": lambda s, r, d: d.update({f"pages-{inline_index(r, 'pages', position=6)}-DELETE": "on"}),
}

QUESTION_CHANGES = {
    "page": lambda s, r, d: d.update(page=other_page(s, 2)),
    "code": lambda s, r, d: d.update(code="Q99"),
    "kind": lambda s, r, d: d.update(kind="text", scale_min="", scale_max=""),
    "has_comment": lambda s, r, d: d.update(has_comment="on"),
    "scale_min": lambda s, r, d: d.update(scale_min=1),
    "scale_max": lambda s, r, d: d.update(scale_max=5),
    "condition": lambda s, r, d: d.update(
        condition_1_question="Q9", condition_1_operator="is", condition_1_choices=["Q9:rarely"]
    ),
}

CHOICE_CHANGES = {
    "choice code": lambda s, r, d: d.update(
        {f"choices-{inline_index(r, 'choices', code='psychiatry')}-code": "psy"}
    ),
    "choice other": lambda s, r, d: d.update(
        {f"choices-{inline_index(r, 'choices', code='psychiatry')}-is_other": "on"}
    ),
    "choice deleted": lambda s, r, d: d.update(
        {f"choices-{inline_index(r, 'choices', code='psychiatry')}-DELETE": "on"}
    ),
    "choice added": lambda s, r, d: d.update(
        {
            "choices-TOTAL_FORMS": int(d["choices-TOTAL_FORMS"]) + 1,
            f"choices-{d['choices-TOTAL_FORMS']}-code": "new_specialty",
            f"choices-{d['choices-TOTAL_FORMS']}-position": 30,
            f"choices-{d['choices-TOTAL_FORMS']}-label_fr": "Nouvelle",
        }
    ),
}


# Which frozen field each case above tries; an inline is bound to its parent, so a page's survey
# and a choice's question cannot even be chosen in the admin.
TRIED = {
    Survey: {"slug"},
    Page: {"condition"},
    Question: set(QUESTION_CHANGES),
    Choice: {"code", "is_other", "is_exclusive"},
    Statement: set(),
}
# Positions are moved with buttons (tried below), never typed. The study has no number, date or
# grid: their settings and a statement's code are tried in tests/surveys/test_kinds.py.
OTHER_KINDS = {"number_min", "number_max", "decimals", "date_min", "date_max"}
NOT_IN_THE_ADMIN = {
    Page: {"survey", "position"},
    # A question's survey is shown, not chosen, once it exists.
    Question: {"position", "survey", *OTHER_KINDS},
    Choice: {"question"},
    Statement: {"question", "code"},
}


def test_every_frozen_field_the_admin_shows_is_tried_through_it():
    for model, fields in FROZEN_FIELDS.items():
        assert set(fields) == TRIED[model] | NOT_IN_THE_ADMIN.get(model, set()), model


def refused_after_answers_arrive(investigator, survey, url, change) -> None:
    reply = investigator.get(url)  # opened while the survey had no answer
    data = change_form_data(reply)
    partial_response(survey)  # then a physician answers
    before = instrument_rows(survey)
    change(survey, reply, data)
    refused = investigator.post(url, data)
    assert refused.status_code == 200
    assert "This survey already has 1 response with answers" in refused.content.decode()
    assert instrument_rows(survey) == before


@pytest.mark.parametrize("change", sorted(SURVEY_CHANGES))
def test_a_structural_change_on_the_survey_page_is_refused_once_answers_arrive(investigator, survey, change):
    refused_after_answers_arrive(investigator, survey, survey_url(survey), SURVEY_CHANGES[change])


@pytest.mark.parametrize("change", sorted(QUESTION_CHANGES))
def test_a_structural_change_on_a_question_page_is_refused_once_answers_arrive(investigator, survey, change):
    refused_after_answers_arrive(investigator, survey, question_url(survey, "Q12"), QUESTION_CHANGES[change])


@pytest.mark.parametrize("change", sorted(CHOICE_CHANGES))
def test_a_change_to_the_choices_is_refused_once_answers_arrive(investigator, survey, change):
    refused_after_answers_arrive(investigator, survey, question_url(survey, "Q3"), CHOICE_CHANGES[change])


def test_the_same_structural_change_is_saved_while_the_survey_has_no_answer(investigator, survey):
    reply = investigator.get(question_url(survey, "Q12"))
    data = change_form_data(reply)
    data["scale_max"] = 5
    assert investigator.post(question_url(survey, "Q12"), data).status_code == 302
    assert survey.questions.get(code="Q12").scale_max == 5


# --- order: moved with buttons ------------------------------------------------------------------


def move(investigator, url, value):
    data = change_form_data(investigator.get(url))
    return investigator.post(url, {**data, "_move": value})


def test_two_questions_swap_places_with_a_button(investigator, survey):
    q2 = survey.questions.get(code="Q2")
    reply = move(investigator, survey_url(survey), f"question:{q2.pk}:up")
    assert reply.status_code == 302
    codes = list(
        survey.questions.filter(page__position=1).order_by("position").values_list("code", flat=True)
    )
    assert codes[:3] == ["Q2", "Q1", "Q3"]


def test_two_pages_swap_places_and_the_questions_follow_their_pages(investigator, survey):
    page_1 = survey.pages.get(position=1)
    assert move(investigator, survey_url(survey), f"page:{page_1.pk}:down").status_code == 302
    titles = list(survey.pages.order_by("position").values_list("title_en", flat=True))
    assert titles[:2] == ["Medical opinions sought on the group", "Your profile and your use of the group"]
    first = survey.questions.order_by("position").first()
    assert (first.code, first.page.position) == ("Q9", 1)


def test_a_choice_moves_down_on_its_question_page(investigator, survey):
    q1 = survey.questions.get(code="Q1")
    female = q1.choices.get(code="female")
    move(investigator, reverse("admin:surveys_question_change", args=[q1.pk]), f"choice:{female.pk}:down")
    assert list(q1.choices.order_by("position").values_list("code", flat=True)) == ["male", "female", "other"]


def test_a_row_of_another_survey_is_not_moved(investigator, survey):
    other = Survey.objects.create(slug="other", title_fr="Autre", instrument_version="1")
    page = Page.objects.create(survey=other, position=1, title_fr="P")
    reply = move(investigator, survey_url(survey), f"page:{page.pk}:down")
    assert reply.status_code == 302
    assert Page.objects.get(pk=page.pk).position == 1


def test_nothing_moves_once_the_survey_has_answers(investigator, survey):
    url = survey_url(survey)
    data = change_form_data(investigator.get(url))  # opened before the first answer
    partial_response(survey)
    q2 = survey.questions.get(code="Q2")
    reply = investigator.post(url, {**data, "_move": f"question:{q2.pk}:up"}, follow=True)
    assert "This survey already has 1 response with answers" in reply.content.decode()
    assert survey.questions.get(code="Q2").position == 2


# --- a new version ----------------------------------------------------------------------------


def duplicate(investigator, survey, **fields):
    changelist = reverse("admin:surveys_survey_changelist")
    payload = {"action": "duplicate_as_new_version", "_selected_action": [survey.pk], **fields}
    return investigator.post(changelist, payload)


def test_the_duplicate_action_proposes_a_new_slug_and_version(investigator, survey):
    page = duplicate(investigator, survey).content.decode()
    assert 'value="cme-social-network-2022-v2"' in page
    assert 'value="2022.1-2"' in page


def test_the_duplicate_action_makes_a_draft_with_the_same_instrument_and_no_answers(investigator, survey):
    partial_response(survey)
    reply = duplicate(investigator, survey, apply="1", slug="cme-2027", version="2027.1")
    copy = Survey.objects.get(slug="cme-2027")
    assert reply.status_code == 302 and reply["Location"] == survey_url(copy)
    assert (copy.status, copy.instrument_version, copy.responses.count()) == ("draft", "2027.1", 0)
    assert list(copy.questions.values_list("code", flat=True)) == list(
        survey.questions.values_list("code", flat=True)
    )
    assert copy.questions.get(code="Q11").condition == {"question": "Q9", "is_not": "never"}
    assert copy.analysis == survey.analysis
    assert survey.responses.count() == 1


def test_the_duplicate_can_change_its_structure(investigator, survey):
    partial_response(survey)
    duplicate(investigator, survey, apply="1", slug="cme-2027", version="2027.1")
    q12 = Question.objects.get(survey__slug="cme-2027", code="Q12")
    q12.scale_max = 5
    q12.save()
    assert Question.objects.get(pk=q12.pk).scale_max == 5


def test_the_duplicate_action_refuses_a_slug_in_use(investigator, survey):
    reply = duplicate(investigator, survey, apply="1", slug=survey.slug, version="2")
    assert reply.status_code == 200
    assert "already exists" in reply.content.decode()
    assert Survey.objects.count() == 1


def test_a_past_version_can_be_read_but_not_saved_back(investigator, survey):
    record = survey.history.first()
    url = reverse("admin:surveys_survey_simple_history", args=[survey.pk, record.pk])
    assert investigator.post(url, {"title_fr": "Ancien titre"}).status_code == 405
    assert Survey.objects.get(pk=survey.pk).title_fr == survey.title_fr


def test_a_staff_member_who_may_only_view_surveys_cannot_duplicate_them(survey, django_user_model):
    from django.contrib.auth.models import Permission
    from django.test import Client

    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_survey"))
    browser = Client()
    browser.force_login(user)
    duplicate(browser, survey, apply="1", slug="copy", version="2")
    assert not Survey.objects.filter(slug="copy").exists()


def test_the_analysis_plan_is_checked_against_the_questions(investigator, survey):
    import json

    url = survey_url(survey)
    data = change_form_data(investigator.get(url))
    plan = json.loads(data["analysis"])
    plan["outcomes"][0]["question"] = "Q99"
    data["analysis"] = json.dumps(plan)
    refused = investigator.post(url, data)
    assert refused.status_code == 200 and "Q99" in refused.content.decode()
    assert Survey.objects.get(pk=survey.pk).analysis == survey.analysis


def test_the_analysis_plan_is_saved_as_the_file_would_give_it(investigator, survey, tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command

    url = survey_url(survey)
    data = change_form_data(investigator.get(url))
    plan = json.loads(data["analysis"])
    del plan["groupings"][0]["groups"][1]["choices"]  # as typed: no empty list, no English label
    plan["groupings"][0]["label"] = {"fr": "Spécialité exercée"}
    data["analysis"] = json.dumps(plan)
    assert investigator.post(url, data).status_code == 302
    saved = Survey.objects.get(pk=survey.pk).analysis
    assert saved["groupings"][0]["label"] == {"fr": "Spécialité exercée", "en": "Spécialité exercée"}
    path = tmp_path / "live.yaml"
    call_command("export_instrument", survey.slug, "-o", str(path), stderr=StringIO())
    out = StringIO()
    call_command("load_instrument", str(path), stdout=out)
    assert Survey.objects.get(pk=survey.pk).analysis == saved


def test_a_page_condition_is_picked_from_menus_while_there_is_no_answer(investigator, survey):
    page_6 = survey.pages.get(position=6)
    url = reverse("admin:surveys_page_change", args=[page_6.pk])
    data = change_form_data(investigator.get(url))
    data.update(condition_1_question="Q1", condition_1_operator="is", condition_1_choices=["Q1:female"])
    assert investigator.post(url, data).status_code == 302
    assert Page.objects.get(pk=page_6.pk).condition == {"question": "Q1", "is": "female"}


def test_a_page_condition_change_is_refused_once_answers_arrive(investigator, survey):
    page_6 = survey.pages.get(position=6)
    url = reverse("admin:surveys_page_change", args=[page_6.pk])
    refused_after_answers_arrive(
        investigator,
        survey,
        url,
        lambda s, r, d: d.update(
            condition_1_question="Q1", condition_1_operator="is", condition_1_choices=["Q1:male"]
        ),
    )


def test_a_page_condition_may_only_name_questions_of_earlier_pages(investigator, survey):
    page_1 = survey.pages.get(position=1)
    form = investigator.get(reverse("admin:surveys_page_change", args=[page_1.pk])).context["adminform"].form
    assert [value for value, _label in form.fields["condition_1_question"].choices] == [""]


def test_an_exclusive_choice_is_refused_once_answers_arrive(investigator, survey):
    refused_after_answers_arrive(
        investigator,
        survey,
        question_url(survey, "Q26"),
        lambda s, r, d: d.update(
            {f"choices-{inline_index(r, 'choices', code='read_on_group')}-is_exclusive": "on"}
        ),
    )


def test_only_a_multiple_choice_offers_an_exclusive_choice(investigator, survey):
    assert "is_exclusive" not in investigator.get(question_url(survey, "Q3")).content.decode()
    assert "is_exclusive" in investigator.get(question_url(survey, "Q26")).content.decode()


def rendered_form_data(reply) -> dict:
    """What a browser sends back: the fields the page shows (not every field of the form)."""
    import re

    html = reply.content.decode()
    names = set(re.findall(r'name="([^"]+)"', html))
    return {name: value for name, value in change_form_data(reply).items() if name in names}


def test_wording_can_be_fixed_on_a_frozen_question_that_has_a_condition(investigator, survey):
    partial_response(survey)
    reply = investigator.get(question_url(survey, "Q12"))
    data = rendered_form_data(reply)
    data["text_fr"] = "Les réponses m'ont aidé(e) à décider"
    assert investigator.post(question_url(survey, "Q12"), data).status_code == 302
    q12 = survey.questions.get(code="Q12")
    assert q12.text_fr == "Les réponses m'ont aidé(e) à décider"
    assert q12.condition == {"question": "Q9", "is_not": "never"}


def test_wording_can_be_fixed_on_a_frozen_scale_that_is_not_0_to_10(investigator, survey):
    Question.objects.filter(survey=survey, code="Q12").update(scale_min=1, scale_max=5)
    partial_response(survey)
    reply = investigator.get(question_url(survey, "Q12"))
    data = rendered_form_data(reply)
    data["scale_max_label_en"] = "Very much"
    assert investigator.post(question_url(survey, "Q12"), data).status_code == 302
    q12 = survey.questions.get(code="Q12")
    assert (q12.scale_min, q12.scale_max, q12.scale_max_label_en) == (1, 5, "Very much")
