"""Building and changing a survey in the admin without a server error, a typed id or a typed
position: the question editor, its condition menus, the order buttons and the workspace."""

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from surveys.instrument_services import investigators_group
from surveys.models import Page, Question, Survey
from surveys.selectors import survey_layout
from tests.surveys.admin_forms import change_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def draft(db):
    """A draft survey with two pages, as an investigator starts one."""
    survey = Survey.objects.create(slug="needs-2027", instrument_version="2027.1", title_fr="Besoins 2027")
    Page.objects.create(survey=survey, position=1, title_fr="Vous")
    Page.objects.create(survey=survey, position=2, title_fr="Votre formation")
    return survey


def add_question(client, survey, page_position, **fields):
    page = survey.pages.get(position=page_position)
    data = {
        "survey": survey.pk,
        "page": page.pk,
        "kind": "single",
        "code": "",
        "required": "on",
        "text_fr": "",
        "text_en": "",
        "help_fr": "",
        "help_en": "",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "statements-TOTAL_FORMS": "0",
        "statements-INITIAL_FORMS": "0",
        "_continue": "1",
    }
    data.update(fields)
    return client.post(reverse("admin:surveys_question_add"), data)


def question_url(question):
    return reverse("admin:surveys_question_change", args=[question.pk])


def test_a_new_question_gets_a_code_from_its_wording_and_goes_at_the_end(investigator, draft):
    reply = add_question(investigator, draft, 1, text_fr="Avez-vous suivi une formation en 2026 ?")
    assert reply.status_code == 302
    second = add_question(investigator, draft, 1, text_fr="Avez-vous suivi une formation en 2026 ?")
    assert second.status_code == 302
    codes = list(draft.questions.order_by("position").values_list("code", "position"))
    assert codes == [
        ("avez_vous_suivi_une_formation", 1),
        ("avez_vous_suivi_une_formation_2", 2),
    ]


def test_a_page_of_another_survey_is_refused_with_a_sentence(investigator, draft):
    other = Survey.objects.create(slug="other", instrument_version="1", title_fr="Autre")
    foreign = Page.objects.create(survey=other, position=1, title_fr="Ailleurs")
    reply = add_question(investigator, draft, 1, text_fr="Question", page=foreign.pk)
    assert reply.status_code == 200
    assert not Question.objects.exists()
    assert reply.context["adminform"].form.errors["page"] == [
        "This page belongs to another survey: choose one of this survey's pages."
    ]


def test_a_scale_saved_without_bounds_goes_from_0_to_10(investigator, draft):
    add_question(investigator, draft, 1, kind="scale", text_fr="Votre intérêt")
    question = draft.questions.get()
    assert (question.scale_min, question.scale_max) == (0, 10)


def test_the_editor_shows_the_fields_of_the_question_kind_only(investigator, draft):
    add_question(investigator, draft, 1, kind="number", code="years", text_fr="Années d'exercice")
    page = investigator.get(question_url(draft.questions.get())).content.decode()
    assert 'name="number_min"' in page and 'name="unit_fr"' in page
    assert 'name="scale_min"' not in page and 'name="date_min"' not in page
    assert 'name="choices-TOTAL_FORMS"' not in page


def test_changing_the_kind_clears_the_settings_of_the_former_one(investigator, draft):
    add_question(investigator, draft, 1, kind="scale", code="interest", text_fr="Votre intérêt")
    question = draft.questions.get()
    data = change_form_data(investigator.get(question_url(question)))
    data["kind"] = "text"
    reply = investigator.post(question_url(question), data)
    assert reply.status_code == 302
    question.refresh_from_db()
    assert (question.kind, question.scale_min, question.scale_max) == ("text", None, None)


@pytest.fixture
def branching(investigator, draft):
    """Q1 yes/no on page 1, a text on page 2 to be shown when Q1 is yes."""
    add_question(
        investigator,
        draft,
        1,
        code="cme_2026",
        text_fr="Formation en 2026 ?",
        **{
            "choices-TOTAL_FORMS": "2",
            "choices-0-code": "yes",
            "choices-0-label_fr": "Oui",
            "choices-1-code": "no",
            "choices-1-label_fr": "Non",
        },
    )
    add_question(investigator, draft, 2, kind="text", code="topics", text_fr="Quels thèmes ?")
    return draft.questions.get(code="topics")


def test_a_condition_is_picked_from_menus_and_shown_back_in_words(investigator, draft, branching):
    data = change_form_data(investigator.get(question_url(branching)))
    data.update(
        condition_1_question="cme_2026", condition_1_operator="is", condition_1_choices=["cme_2026:yes"]
    )
    assert investigator.post(question_url(branching), data).status_code == 302
    branching.refresh_from_db()
    assert branching.condition == {"question": "cme_2026", "is": "yes"}
    page = investigator.get(question_url(branching)).content.decode()
    assert "Shown when cme_2026 (Formation en 2026 ?) is “Oui”." in page
    assert survey_layout(draft).conditions["topics"].to_data() == {"question": "cme_2026", "is": "yes"}


@pytest.mark.parametrize(
    ("menus", "field", "message"),
    [
        ({"condition_1_question": "cme_2026"}, "condition_1_question", "Choose a question and an operator"),
        (
            {"condition_1_question": "cme_2026", "condition_1_operator": "is"},
            "condition_1_choices",
            "Choose one or more choices of cme_2026",
        ),
        (
            {"condition_1_question": "cme_2026", "condition_1_operator": "ge", "condition_1_value": "3"},
            "condition_join",
            "may use is, is_not, in, not_in, not 'ge'",
        ),
        (
            {
                "condition_1_question": "cme_2026",
                "condition_1_operator": "is",
                "condition_1_choices": ["cme_2026:yes", "cme_2026:no"],
            },
            "condition_1_choices",
            "Choose one choice",
        ),
    ],
)
def test_a_condition_that_does_not_hold_is_refused_next_to_its_menu(
    investigator, draft, branching, menus, field, message
):
    data = change_form_data(investigator.get(question_url(branching)))
    data.update(menus)
    reply = investigator.post(question_url(branching), data)
    assert reply.status_code == 200
    assert message in " ".join(reply.context["adminform"].form.errors[field])
    branching.refresh_from_db()
    assert branching.condition is None


def test_only_earlier_questions_are_offered_to_a_condition(investigator, draft, branching):
    first = draft.questions.get(code="cme_2026")
    form = investigator.get(question_url(first)).context["adminform"].form
    assert [value for value, _label in form.fields["condition_1_question"].choices] == [""]


def test_a_malformed_move_is_refused_without_an_error_page(investigator, draft, branching):
    url = reverse("admin:surveys_survey_change", args=[draft.pk])
    data = change_form_data(investigator.get(url))
    for value in ("question:abc:up", "question:1", "nothing:1:up", f"question:{branching.pk}:sideways"):
        reply = investigator.post(url, {**data, "_move": value})
        assert reply.status_code == 302, value


def test_the_demo_investigator_sees_surveys_not_sign_in_records_users_or_groups(client):
    call_command("ensure_demo_investigator", stdout=None)
    client.login(request=HttpRequest(), username="investigator", password="demo-investigator")
    client.cookies["lang"] = "en"
    index = client.get(reverse("admin:index")).content.decode()
    assert "investigators’ workspace" in index
    assert reverse("admin:surveys_survey_changelist") in index
    assert "/admin/axes/" not in index and reverse("admin:auth_user_changelist") not in index


def test_the_investigators_group_is_kept_to_its_permissions():
    group = investigators_group()
    group.permissions.clear()
    assert investigators_group().permissions.filter(codename="change_question").exists()
    assert not investigators_group().permissions.filter(content_type__app_label="auth").exists()


def test_a_new_choice_question_takes_its_choices_on_the_same_page(investigator, draft, branching):
    question = draft.questions.get(code="cme_2026")
    assert list(question.choices.order_by("position").values_list("code", flat=True)) == ["yes", "no"]


def test_a_new_text_question_keeps_no_choice_typed_on_its_page(investigator, draft):
    add_question(
        investigator,
        draft,
        1,
        kind="text",
        code="why",
        text_fr="Pourquoi ?",
        **{"choices-TOTAL_FORMS": "1", "choices-0-code": "x", "choices-0-label_fr": "X"},
    )
    assert not draft.questions.get(code="why").choices.exists()


# --- a change that would break a condition -------------------------------------------------------


def test_a_renamed_choice_hides_what_its_condition_guards_and_says_so(investigator, survey, client):
    Survey.objects.filter(pk=survey.pk).update(status="draft")
    never = survey.questions.get(code="Q9").choices.get(code="never")
    never.code = "not_at_all"
    never.save()
    layout = survey_layout(Survey.objects.get(pk=survey.pk))
    assert "Q11" in {r.code for r in layout.rules}  # the layout still builds: no error page
    share = investigator.get(reverse("admin:surveys_survey_share", args=[survey.pk])).content.decode()
    assert "A condition no longer holds together: Q11: Q9 has no choice" in share


def test_a_question_cannot_move_above_the_question_it_depends_on(investigator, survey):
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    data = change_form_data(investigator.get(url))
    q20 = survey.questions.get(code="Q20")
    reply = investigator.post(url, {**data, "_move": f"question:{q20.pk}:up"}, follow=True)
    assert "Not moved: a condition would refer to a later question" in reply.content.decode()
    assert list(
        survey.questions.filter(code__in=["Q19", "Q20"]).order_by("position").values_list("code", flat=True)
    ) == [
        "Q19",
        "Q20",
    ]


def test_a_survey_that_cannot_open_is_not_opened_from_its_own_form_either(investigator, draft):
    url = reverse("admin:surveys_survey_change", args=[draft.pk])
    data = change_form_data(investigator.get(url))
    reply = investigator.post(url, {**data, "status": "open"})
    assert reply.status_code == 200
    assert "The survey cannot open: Page 1 has no question." in reply.content.decode()
    assert Survey.objects.get(pk=draft.pk).status == "draft"


def test_a_question_wording_is_escaped_in_a_condition_shown_in_words(investigator, draft):
    add_question(
        investigator,
        draft,
        1,
        code="a",
        text_fr="<b>bold</b>",
        **{
            "choices-TOTAL_FORMS": "2",
            "choices-0-code": "y",
            "choices-0-label_fr": "Y",
            "choices-1-code": "n",
            "choices-1-label_fr": "N",
        },
    )
    add_question(investigator, draft, 2, kind="text", code="b", text_fr="B")
    b = draft.questions.get(code="b")
    Question.objects.filter(pk=b.pk).update(condition={"question": "a", "is": "y"})
    page = investigator.get(question_url(b)).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page


def test_a_question_that_becomes_a_text_loses_its_choices(investigator, draft, branching):
    question = draft.questions.get(code="cme_2026")
    data = change_form_data(investigator.get(question_url(question)))
    data["kind"] = "text"
    assert investigator.post(question_url(question), data).status_code == 302
    assert not question.choices.exists()


def test_a_scale_beyond_10_is_refused_with_a_sentence_not_a_constraint_name(investigator, draft):
    add_question(investigator, draft, 1, kind="scale", code="interest", text_fr="Votre intérêt")
    question = draft.questions.get()
    data = change_form_data(investigator.get(question_url(question)))
    data["scale_max"] = "11"
    reply = investigator.post(question_url(question), data)
    assert reply.status_code == 200
    page = reply.content.decode()
    assert "A scale&#x27;s bounds go from 0 to 10" in page and "question_scale_bounds" not in page
    question.refresh_from_db()
    assert question.scale_max == 10


def test_the_editor_flags_texts_without_english(investigator, draft, branching):
    question = draft.questions.get(code="cme_2026")
    page = investigator.get(question_url(question)).content.decode()
    assert "No English yet for: text, choice yes, choice no." in page
