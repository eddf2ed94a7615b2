"""The analysis plan's admin page: the plan as forms, checked as the instrument file's loader
checks it, saved as the loader writes it; refusals change nothing; no malformed POST is a 500."""

import copy
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from surveys.models import Page, Survey


class _FormReader(HTMLParser):
    """What a browser would send back from the page's POST form, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select: dict | None = None

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("type") != "submit":
            if a.get("type") != "checkbox" or "checked" in a:
                self.add(a["name"], a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self.select = {"name": a["name"], "multiple": "multiple" in a, "first": None, "chosen": False}
        elif tag == "option" and self.select is not None:
            if self.select["first"] is None:
                self.select["first"] = a["value"]
            if "selected" in a:
                self.add(self.select["name"], a["value"])
                self.select["chosen"] = True

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            if not self.select["multiple"] and not self.select["chosen"]:
                self.add(self.select["name"], self.select["first"] or "")
            self.select = None
        elif tag == "form":
            self.in_form = False


def form_data(reply) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(reply.content.decode())
    return reader.data


def url(survey) -> str:
    return reverse("admin:surveys_survey_analysis_plan", args=[survey.pk])


@pytest.fixture
def page(investigator, survey):
    """The plan's page as the investigator opened it, and the POST data it would send back."""
    reply = investigator.get(url(survey))
    assert reply.status_code == 200
    return reply, form_data(reply)


def saved(survey) -> dict:
    return Survey.objects.get(pk=survey.pk).analysis


def refused(investigator, survey, data, *messages_shown, status=200):
    """Posts ``data``, expects a refusal showing each message, and nothing saved."""
    before = copy.deepcopy(saved(survey))
    reply = investigator.post(url(survey), data)
    assert reply.status_code == status, reply.content.decode()[:2000]
    content = reply.content.decode()
    for message in messages_shown:
        assert message in content
    assert saved(survey) == before
    return reply


# -- showing the plan -----------------------------------------------------------------------


def test_the_page_shows_the_papers_plan_in_the_form(page, survey):
    reply, data = page
    editor = reply.context["editor"]
    # The 3 groupings and 2 outcomes, then an empty one of each to add.
    assert [f.initial.get("code") for f in editor.groupings] == ["specialty", "underserved", "age", None]
    assert [f.initial.get("code") for f in editor.outcomes] == ["sought_opinion", "score_8_plus", None]
    assert data["groupings-0-question"] == ["Q3"]
    assert data["groupings-0-groups-0-choices"] == ["Q3:general_practice"]
    assert data["groupings-0-groups-1-otherwise"] == ["on"]
    assert data["groupings-2-groups-2-choices"] == ["Q2:41_50", "Q2:51_60", "Q2:over_60"]
    assert data["groupings-2-groups-2-label_en"] == ["Over 40"]
    assert data["outcomes-0-positive"] == ["not_choices"]
    assert data["outcomes-0-choices"] == ["Q9:never"]
    assert data["outcomes-1-questions"] == [f"Q{n}" for n in (*range(11, 19), 23, 24, 25)]
    assert data["outcomes-1-min_score"] == ["8"]
    content = reply.content.decode()
    # The menus offer only questions of the right kinds, and choices grouped by question.
    assert '<option value="Q21"' not in content  # a multiple choice: neither grouping nor outcome
    assert '<optgroup label="Q3. Specialty">' in content
    # The plan in words, with the questions' and choices' wording.
    assert "Over 40: 41 to 50, 51 to 60, Over 60" in content
    assert "Other specialties: every other choice" in content
    assert "Positive when the answer is none of: Never." in content
    assert "Positive when the score is 8 or more." in content


def test_a_survey_without_a_plan_offers_an_empty_grouping_and_outcome(investigator, survey):
    Survey.objects.filter(pk=survey.pk).update(analysis={})
    reply = investigator.get(url(survey))
    assert reply.status_code == 200
    assert len(reply.context["editor"].groupings.forms) == 1
    assert len(reply.context["editor"].outcomes.forms) == 1
    assert "No analysis plan yet." in reply.content.decode()


@pytest.mark.parametrize(
    "stored",
    [
        ["not", "a", "mapping"],
        {"groupings": "not a list", "outcomes": [1, None]},
        {"groupings": [{"code": 3, "label": 4, "question": ["Q3"], "groups": [{"choices": "x"}, 5]}]},
        {"outcomes": [{"code": "x", "questions": "Q9", "positive": {"choices": 3, "min_score": 2}}]},
    ],
)
def test_a_plan_stored_as_malformed_data_is_shown_without_error(investigator, survey, stored):
    Survey.objects.filter(pk=survey.pk).update(analysis=stored)
    reply = investigator.get(url(survey))
    assert reply.status_code == 200
    assert "The saved plan does not pass the check" in reply.content.decode()


def test_a_plan_using_a_question_no_longer_there_says_so(investigator, survey):
    plan = copy.deepcopy(survey.analysis)
    plan["groupings"][0]["question"] = "Q99"
    Survey.objects.filter(pk=survey.pk).update(analysis=plan)
    content = investigator.get(url(survey)).content.decode()
    assert "The saved plan does not pass the check: the analysis refers to &#x27;Q99&#x27;" in content


# -- saving ---------------------------------------------------------------------------------


def test_saving_the_plan_unchanged_keeps_it_identical(investigator, survey, page):
    before = copy.deepcopy(saved(survey))
    reply = investigator.post(url(survey), page[1])
    assert reply.status_code == 302
    assert reply["Location"] == reverse("admin:surveys_survey_change", args=[survey.pk])
    assert [str(m) for m in get_messages(reply.wsgi_request)] == ["The analysis plan was saved."]
    assert saved(survey) == before


def test_adding_a_grouping_saves_it_as_the_loader_writes_it(investigator, survey, page):
    data = page[1]
    data |= {
        "groupings-3-code": ["gender"],
        "groupings-3-label_fr": ["Sexe"],
        "groupings-3-label_en": [""],  # the French label then
        "groupings-3-question": ["Q1"],
        "groupings-3-groups-0-code": ["female"],
        "groupings-3-groups-0-label_fr": ["Femmes"],
        "groupings-3-groups-0-label_en": ["Women"],
        "groupings-3-groups-0-choices": ["Q1:female"],
        "groupings-3-groups-1-code": ["male"],
        "groupings-3-groups-1-label_fr": ["Hommes"],
        "groupings-3-groups-1-label_en": ["Men"],
        "groupings-3-groups-1-choices": ["Q1:male"],
    }
    before = copy.deepcopy(saved(survey))
    reply = investigator.post(url(survey), data)
    assert reply.status_code == 302
    after = saved(survey)
    assert after["groupings"][:3] == before["groupings"]
    assert after["outcomes"] == before["outcomes"]
    assert after["groupings"][3] == {
        "code": "gender",
        "label": {"fr": "Sexe", "en": "Sexe"},
        "question": "Q1",
        "groups": [
            {
                "code": "female",
                "label": {"fr": "Femmes", "en": "Women"},
                "choices": ["female"],
                "otherwise": False,
            },
            {"code": "male", "label": {"fr": "Hommes", "en": "Men"}, "choices": ["male"], "otherwise": False},
        ],
    }


def test_adding_an_outcome_on_choices_and_continuing_to_edit(investigator, survey, page):
    data = page[1]
    data |= {
        "outcomes-2-code": ["daily_users"],
        "outcomes-2-label_fr": ["Connexion quotidienne"],
        "outcomes-2-label_en": ["Logs on daily"],
        "outcomes-2-questions": ["Q7"],
        "outcomes-2-positive": ["choices"],
        # Posted out of order: saved in the question's order.
        "outcomes-2-choices": ["Q7:several_weekly", "Q7:daily"],
        "_continue": ["1"],
    }
    reply = investigator.post(url(survey), data)
    assert reply.status_code == 302
    assert reply["Location"] == url(survey)
    assert saved(survey)["outcomes"][2] == {
        "code": "daily_users",
        "label": {"fr": "Connexion quotidienne", "en": "Logs on daily"},
        "question": "Q7",
        "positive": {"choices": ["daily", "several_weekly"]},
    }


def test_a_group_and_an_item_can_be_deleted(investigator, survey, page):
    data = page[1]
    data["groupings-2-groups-1-DELETE"] = ["on"]  # age: 30 to 40
    data["outcomes-1-DELETE"] = ["on"]
    assert investigator.post(url(survey), data).status_code == 302
    plan = saved(survey)
    assert [g["code"] for g in plan["groupings"][2]["groups"]] == ["under_30", "over_40"]
    assert [o["code"] for o in plan["outcomes"]] == ["sought_opinion"]


def test_the_plan_can_be_emptied(investigator, survey, page):
    data = page[1]
    for n in range(3):
        data[f"groupings-{n}-DELETE"] = ["on"]
    for n in range(2):
        data[f"outcomes-{n}-DELETE"] = ["on"]
    assert investigator.post(url(survey), data).status_code == 302
    # The reference margins, which this page does not edit, stay.
    assert saved(survey) == {"groupings": [], "outcomes": [], "references": survey.analysis["references"]}


def test_saving_the_plan_keeps_the_reference_margins(investigator, survey, page):
    assert investigator.post(url(survey), page[1]).status_code == 302
    assert saved(survey)["references"] == survey.analysis["references"]


def test_one_question_given_as_a_list_stays_a_list(investigator, survey):
    plan = copy.deepcopy(survey.analysis)
    plan["outcomes"][1]["questions"] = ["Q11"]
    Survey.objects.filter(pk=survey.pk).update(analysis=plan)
    data = form_data(investigator.get(url(survey)))
    assert investigator.post(url(survey), data).status_code == 302
    assert saved(survey) == plan


# -- refusals: nothing changes --------------------------------------------------------------


def test_a_choice_of_another_question_is_refused(investigator, survey, page):
    data = page[1]
    data["groupings-0-groups-0-choices"] = ["Q1:female"]
    refused(investigator, survey, data, "“Female” is a choice of Q1, not of Q3.", "Nothing was saved")


def test_an_outcome_choice_of_a_question_it_does_not_use_is_refused(investigator, survey, page):
    data = page[1]
    data["outcomes-0-choices"] = ["Q8:lt_1y"]
    refused(investigator, survey, data, "which this outcome does not use")


def test_a_group_without_choices_or_otherwise_is_refused_as_the_loader_says(investigator, survey, page):
    data = page[1]
    del data["groupings-1-groups-0-choices"]
    reply = refused(
        investigator, survey, data, "a group needs &#x27;choices&#x27; or &#x27;otherwise: true&#x27;"
    )
    assert reply.context["editor"].groupings.forms[1].non_field_errors()


def test_a_choice_in_two_groups_is_refused(investigator, survey, page):
    data = page[1]
    data["groupings-2-groups-0-choices"] = ["Q2:under_30", "Q2:30_40"]
    refused(investigator, survey, data, "choice &#x27;30_40&#x27; is in two groups of &#x27;age&#x27;")


def test_a_grouping_with_one_group_is_refused(investigator, survey, page):
    data = page[1]
    data["groupings-1-groups-1-DELETE"] = ["on"]
    refused(investigator, survey, data, "needs a list of at least two &#x27;groups&#x27;")


def test_a_duplicate_code_is_refused_next_to_it(investigator, survey, page):
    data = page[1]
    data["outcomes-0-code"] = ["specialty"]
    reply = refused(investigator, survey, data, "analysis code &#x27;specialty&#x27; is used twice")
    assert reply.context["editor"].outcomes.forms[0].errors["code"]


def test_two_groups_with_one_code_are_refused(investigator, survey, page):
    data = page[1]
    data["groupings-2-groups-1-code"] = ["under_30"]
    refused(investigator, survey, data, "Two groups have this code.")


@pytest.mark.parametrize("score", ["11", "0", "-3"])
def test_a_min_score_outside_the_scale_is_refused_next_to_it(investigator, survey, page, score):
    data = page[1]
    data["outcomes-1-min_score"] = [score]
    reply = refused(investigator, survey, data, "min_score must be a score inside Q11&#x27;s scale")
    assert reply.context["editor"].outcomes.forms[1].errors["min_score"]


def test_a_score_outcome_on_a_choice_question_is_refused(investigator, survey, page):
    data = page[1]
    data["outcomes-1-questions"] = ["Q9"]
    reply = refused(investigator, survey, data, "Q9 is a single question; expected scale")
    assert reply.context["editor"].outcomes.forms[1].errors["questions"]


@pytest.mark.parametrize(
    "change",
    [
        {"outcomes-0-positive": ["min_score"], "outcomes-0-min_score": [""]},
        {"outcomes-0-choices": []},
        {"groupings-0-code": [""]},
        {"groupings-0-groups-0-label_fr": [""]},
        {"outcomes-0-questions": []},
    ],
)
def test_a_missing_value_is_refused(investigator, survey, page, change):
    data = page[1] | change
    refused(investigator, survey, data, "Nothing was saved")


def test_an_empty_new_grouping_with_groups_is_refused(investigator, survey, page):
    data = page[1] | {"groupings-3-groups-0-code": ["a"]}
    reply = refused(investigator, survey, data, "Nothing was saved")
    assert reply.context["editor"].groupings.forms[3].errors["question"]


def test_a_plan_cannot_be_checked_against_an_incomplete_questionnaire(investigator, survey, page):
    Page.objects.create(survey=survey, position=99, title_fr="Vide")
    message = "The questionnaire is not complete yet, so no plan can be checked: a page needs"
    assert message in investigator.get(url(survey)).content.decode()
    refused(investigator, survey, page[1], message)


# -- malformed POSTs: 400 or a form error, never 500 ----------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"groupings-TOTAL_FORMS": None},
        {"outcomes-INITIAL_FORMS": None},
        {"groupings-0-groups-TOTAL_FORMS": None},
        {"groupings-TOTAL_FORMS": ["abc"]},
        {"outcomes-TOTAL_FORMS": ["-1"]},
        {"groupings-1-groups-INITIAL_FORMS": ["-5"]},
        {"groupings-TOTAL_FORMS": ["100000"]},  # groupings whose groups were not sent
    ],
)
def test_false_form_counts_are_a_bad_request(investigator, survey, page, change):
    data = dict(page[1])
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    reply = refused(investigator, survey, data, "The form came back incomplete", status=400)
    assert reply.context["editor"].groupings.forms[0].initial["code"] == "specialty"  # the saved plan again


def test_an_empty_post_is_a_bad_request(investigator, survey):
    refused(investigator, survey, {}, status=400)


@pytest.mark.parametrize(
    "change",
    [
        {"groupings-0-question": ["Q99"]},
        {"groupings-0-question": ["Q21"]},  # a multiple choice
        {"groupings-0-groups-0-choices": ["Q3:no_such_choice"]},
        {"groupings-0-groups-0-choices": ["nonsense"]},
        {"outcomes-0-questions": ["Q27"]},  # a text
        {"outcomes-0-positive": ["max_score"]},
        {"outcomes-1-min_score": ["eight"]},
        {"outcomes-1-min_score": ["9" * 40]},
        {"groupings-0-code": ["x" * 500]},
        {"groupings-0-label_fr": ["a\x00b"]},
        {"outcomes-TOTAL_FORMS": ["100000"]},
        {"groupings-0-groups-TOTAL_FORMS": ["100000"]},
    ],
)
def test_malformed_values_are_form_errors(investigator, survey, page, change):
    refused(investigator, survey, page[1] | change, "Nothing was saved")


def test_more_forms_than_sent_is_no_error(investigator, survey, page):
    """A count larger than the rows sent: the missing rows are empty, the plan stays."""
    data = page[1] | {"groupings-TOTAL_FORMS": ["9"], "outcomes-TOTAL_FORMS": ["9"]}
    before = copy.deepcopy(saved(survey))
    assert investigator.post(url(survey), data).status_code in (200, 302, 400)
    assert saved(survey) == before


# -- who may change it ----------------------------------------------------------------------


@pytest.fixture
def reader(client, django_user_model):
    """A staff member who may view surveys, not change them."""
    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_survey"))
    client.force_login(user)
    client.cookies["lang"] = "en"
    return client


def test_without_the_right_to_change_the_plan_is_shown_in_words(reader, survey):
    reply = reader.get(url(survey))
    assert reply.status_code == 200
    content = reply.content.decode()
    assert '<form method="post"' not in content
    assert "The plan in words" in content
    assert "<strong>Specialty</strong> (specialty), by the answer to Q3 “Specialty”" in content
    assert "one row per question (Q11, Q12, Q13" in content


def test_without_the_right_to_change_a_post_is_forbidden(reader, survey):
    before = copy.deepcopy(saved(survey))
    assert reader.post(url(survey), {"groupings-TOTAL_FORMS": "0"}).status_code == 403
    assert saved(survey) == before
