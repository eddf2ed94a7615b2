"""The kinds of question: each one module with every part, and the new kinds and conditions
through the respondent's pages, the database and back to the instrument file."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from surveys import kinds
from surveys.instrument import InstrumentError, parse_data
from surveys.instrument_data import spec_to_data
from surveys.kinds.base import Kind
from surveys.models import Answer, Question, Response, Statement
from surveys.selectors import response_answers, survey_spec
from surveys.services import PageIncomplete, instrument_load, page_save, response_start
from surveys.structure import StructureFrozen
from surveys.values import AnswerValue

# What each kind must say for itself (the file's keys, its structure and wording have defaults:
# nothing of its own).
SURVEY_PARTS = (
    "fields",
    "layout",
    "cleaned_value",
    "initial",
    "stored_rows",
    "from_stored",
)

NEEDS = {
    "slug": "cme-needs",
    "version": "2027.1",
    "status": "open",
    "title": {"fr": "Besoins de formation", "en": "Training needs"},
    "pages": [
        {
            "title": {"fr": "Vous", "en": "You"},
            "questions": [
                {
                    "code": "intro",
                    "kind": "note",
                    "text": {"fr": "Quelques questions sur vous.", "en": "A few questions about you."},
                },
                {
                    "code": "specialty",
                    "kind": "dropdown",
                    "text": {"fr": "Votre spécialité", "en": "Your specialty"},
                    "choices": [
                        {"code": "gp", "fr": "Médecine générale", "en": "General practice"},
                        {"code": "cardio", "fr": "Cardiologie", "en": "Cardiology"},
                        {"code": "other", "fr": "Autre", "en": "Other", "other": True},
                    ],
                },
                {
                    "code": "years",
                    "kind": "number",
                    "text": {"fr": "Années d'exercice", "en": "Years in practice"},
                    "number": {"min": 0, "max": 60, "unit": {"fr": "ans", "en": "years"}},
                },
                {
                    "code": "hours",
                    "kind": "number",
                    "required": False,
                    "text": {"fr": "Heures de formation par mois", "en": "Hours of training a month"},
                    "number": {"min": 0, "max": 200, "decimals": 1},
                },
                {
                    "code": "formats",
                    "kind": "multiple",
                    "text": {"fr": "Formats suivis", "en": "Formats followed"},
                    "choices": [
                        {"code": "webinar", "fr": "Webinaires", "en": "Webinars"},
                        {"code": "congress", "fr": "Congrès", "en": "Congresses"},
                        {"code": "none", "fr": "Aucun", "en": "None", "exclusive": True},
                    ],
                },
            ],
        },
        {
            "title": {"fr": "Votre dernière formation", "en": "Your last course"},
            "show_if": {
                "any": [{"question": "formats", "contains": "congress"}, {"question": "years", "ge": 30}]
            },
            "questions": [
                {
                    "code": "last",
                    "kind": "date",
                    "text": {"fr": "Date de la dernière formation", "en": "Date of the last course"},
                    "date": {"min": "2000-01-01", "max": "2027-12-31"},
                },
                {
                    "code": "opinion",
                    "kind": "grid",
                    "text": {"fr": "Votre avis", "en": "Your opinion"},
                    "statements": [
                        {"code": "useful", "fr": "Utile", "en": "Useful"},
                        {"code": "long", "fr": "Trop longue", "en": "Too long"},
                    ],
                    "choices": [
                        {"code": "1", "fr": "Pas d'accord", "en": "Disagree"},
                        {"code": "2", "fr": "Neutre", "en": "Neutral"},
                        {"code": "3", "fr": "D'accord", "en": "Agree"},
                    ],
                },
                {
                    "code": "why",
                    "kind": "text",
                    "required": False,
                    "show_if": {
                        "all": [
                            {"question": "specialty", "in": ["gp", "other"]},
                            {"question": "last", "lt": "2020-01-01"},
                        ]
                    },
                    "text": {"fr": "Pourquoi si longtemps ?", "en": "Why so long ago?"},
                },
            ],
        },
    ],
}

PAGE_1 = {"specialty": "gp", "years": "12", "hours": "2,5", "formats": ["congress"]}
PAGE_2 = {"last": "15/03/2019", "opinion__useful": "3", "opinion__long": "1"}


def test_every_kind_has_every_part_of_its_own():
    for name, kind in kinds.KINDS.items():
        assert kind.name == name
        parts = SURVEY_PARTS + tuple(getattr(kinds.base, "ANALYSIS_PARTS", ()))
        for part in parts:
            implemented = getattr(type(kind), part)
            assert implemented is not getattr(Kind, part), f"{name} lacks {part}"


def test_every_kind_is_a_kind_of_the_model_and_back():
    assert set(kinds.KINDS) == set(Question.Kind.values)


def test_the_file_reads_back_as_it_was_written():
    assert spec_to_data(parse_data(NEEDS)) == NEEDS


@pytest.fixture
def needs(db):
    return instrument_load(spec=parse_data(NEEDS)).survey


def test_the_live_survey_is_the_instrument_it_was_loaded_from(needs):
    assert spec_to_data(survey_spec(needs)) == NEEDS


def consented(client, survey):
    client.post(reverse("surveys:start", args=[survey.slug]), {"consent": "on"})
    return Response.objects.get(survey=survey)


def submit(client, survey, position, data, nav="next"):
    return client.post(reverse("surveys:page", args=[survey.slug, position]), {**data, "nav": nav})


def test_a_respondent_answers_every_kind_and_the_answers_are_kept_exactly(client, needs):
    response = consented(client, needs)
    assert submit(client, needs, 1, PAGE_1).status_code == 302
    reply = submit(client, needs, 2, {**PAGE_2, "why": "Pas le temps"})
    assert reply["Location"] == reverse("surveys:thanks", args=[needs.slug])
    answers = response_answers(response)
    assert answers["specialty"].choice == "gp"
    assert answers["years"].number == Decimal(12)
    assert answers["hours"].number == Decimal("2.5")
    assert answers["last"].date == dt.date(2019, 3, 15)
    assert answers["opinion"].rows == {"useful": "3", "long": "1"}
    assert answers["why"].text == "Pas le temps"
    assert "intro" not in answers
    assert Answer.objects.filter(response=response, question__code="opinion").count() == 2


def test_a_page_shows_a_note_a_dropdown_and_a_number_with_its_unit(client, needs):
    consented(client, needs)
    html = client.get(reverse("surveys:page", args=[needs.slug, 1])).content.decode()
    assert "<p>Quelques questions sur vous.</p>" in html
    assert "1. Votre spécialité" in html  # a note is not numbered
    assert '<select name="specialty"' in html
    assert 'inputmode="numeric"' in html and "ans" in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("years", "2.5", "Please type a whole number."),
        ("years", "61", "60"),
        ("years", "douze", "Please type a number."),
        ("hours", "2.55", "1"),
    ],
)
def test_a_number_outside_its_bounds_or_precision_is_refused(client, needs, english, field, value, message):
    consented(client, needs)
    client.cookies["lang"] = "en"
    reply = submit(client, needs, 1, {**PAGE_1, field: value})
    assert reply.status_code == 200
    assert message in reply.context["form"].errors[field][0]


def test_a_date_outside_its_bounds_is_refused(client, needs):
    response = consented(client, needs)
    submit(client, needs, 1, PAGE_1)
    reply = submit(client, needs, 2, {**PAGE_2, "last": "2028-01-01"})
    assert reply.status_code == 200 and "last" in reply.context["form"].errors
    assert "last" not in response_answers(response)


def test_a_required_grid_names_each_statement_left_unanswered(client, needs):
    consented(client, needs)
    submit(client, needs, 1, PAGE_1)
    reply = submit(client, needs, 2, {"last": "2024-05-02", "opinion__useful": "2"})
    assert list(reply.context["form"].errors) == ["opinion__long"]


def test_an_exclusive_choice_cannot_be_ticked_with_another(client, needs):
    consented(client, needs)
    reply = submit(client, needs, 1, {**PAGE_1, "formats": ["none", "webinar"]})
    assert reply.status_code == 200 and "formats" in reply.context["form"].errors


def test_a_page_condition_skips_the_whole_page(client, needs):
    response = consented(client, needs)
    reply = submit(client, needs, 1, {**PAGE_1, "formats": ["webinar"], "years": "5"})
    assert reply["Location"] == reverse("surveys:thanks", args=[needs.slug])
    response.refresh_from_db()
    assert response.is_complete


def test_a_page_condition_holds_through_a_number_compared_with_a_value(client, needs):
    consented(client, needs)
    reply = submit(client, needs, 1, {**PAGE_1, "formats": ["webinar"], "years": "30"})
    assert reply["Location"] == reverse("surveys:page", args=[needs.slug, 2])


def test_an_all_of_condition_hides_the_question_when_one_part_fails(needs):
    response, _token = response_start(survey=needs, language="fr")
    page_save(
        response=response,
        page_position=1,
        values={
            "specialty": AnswerValue(choice="cardio"),
            "years": AnswerValue(number=Decimal(3)),
            "formats": AnswerValue(choices=("congress",)),
        },
        language="fr",
    )
    page_2 = {
        "last": AnswerValue(date=dt.date(2019, 1, 1)),
        "opinion": AnswerValue(rows={"useful": "1", "long": "1"}),
        "why": AnswerValue(text="posted anyway"),
    }
    page_save(response=response, page_position=2, values=page_2, language="fr")
    assert "why" not in response_answers(response)


def test_a_required_grid_statement_missing_is_refused_by_the_service_too(needs):
    response, _token = response_start(survey=needs, language="fr")
    values = {
        "specialty": AnswerValue(choice="gp"),
        "years": AnswerValue(number=Decimal(40)),
        "formats": AnswerValue(choices=("webinar",)),
    }
    page_save(response=response, page_position=1, values=values, language="fr")
    with pytest.raises(PageIncomplete) as refused:
        page_save(
            response=response,
            page_position=2,
            values={
                "last": AnswerValue(date=dt.date(2021, 1, 1)),
                "opinion": AnswerValue(rows={"useful": "2"}),
            },
            language="fr",
        )
    assert refused.value.codes == ["opinion"]


def test_a_grid_statement_answered_before_and_cleared_goes(needs):
    response, _token = response_start(survey=needs, language="fr")
    values = {
        "specialty": AnswerValue(choice="gp"),
        "years": AnswerValue(number=Decimal(40)),
        "formats": AnswerValue(choices=("webinar",)),
    }
    page_save(response=response, page_position=1, values=values, language="fr")
    both = {
        "last": AnswerValue(date=dt.date(2021, 1, 1)),
        "opinion": AnswerValue(rows={"useful": "2", "long": "3"}),
    }
    page_save(response=response, page_position=2, values=both, language="fr", advance=False)
    one = {"last": AnswerValue(date=dt.date(2021, 1, 1)), "opinion": AnswerValue(rows={"useful": "1"})}
    page_save(response=response, page_position=2, values=one, language="fr", advance=False)
    assert response_answers(response)["opinion"].rows == {"useful": "1"}


def test_the_browser_gets_a_condition_on_this_page_as_data(client, needs):
    consented(client, needs)
    submit(client, needs, 1, PAGE_1)
    html = client.get(reverse("surveys:page", args=[needs.slug, 2])).content.decode()
    marker = 'data-show-if="'
    start = html.index(marker) + len(marker)
    shown = json.loads(html[start : html.index('"', start)].replace("&quot;", '"'))
    # The page's condition and specialty (page 1) are decided already; the date is on this page.
    assert shown == {"question": "last", "lt": "2020-01-01"}


def test_a_statement_code_is_frozen_once_the_survey_has_answers(needs):
    response, _token = response_start(survey=needs, language="fr")
    page_save(
        response=response,
        page_position=1,
        values={"specialty": AnswerValue(choice="gp")},
        language="fr",
        advance=False,
    )
    statement = Statement.objects.get(question__survey=needs, code="long")
    statement.code = "lengthy"
    with pytest.raises(StructureFrozen):
        statement.save()
    statement.text_fr = "Bien trop longue"
    statement.code = "long"
    statement.save()  # wording stays editable


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"show_if": {"question": "years", "contains": "x"}},
            "may use eq, ne, gt, ge, lt, le, not 'contains'",
        ),
        ({"show_if": {"question": "years", "ge": "many"}}, "needs a number"),
        ({"show_if": {"question": "specialty", "is": "radio"}}, "specialty has no choice 'radio'"),
        (
            {"show_if": {"question": "specialty", "contains": "gp"}},
            "may use is, is_not, in, not_in, not 'contains'",
        ),
        ({"show_if": {"any": [{"question": "years", "ge": 3}]}}, "at least two conditions"),
        ({"show_if": {"question": "why", "is": "a"}}, "not an earlier question"),
        ({"number": {"min": 5, "max": 1}}, "'min' must be below 'max'"),
        ({"number": {"decimals": 9}}, "'decimals' must be a whole number from 0 to 6"),
        ({"kind": "date", "number": None, "date": {"min": "2020-13-01"}}, "'min' must be a date"),
        ({"scale": {"min": 0, "max": 10}}, "a number question has no 'scale'"),
    ],
)
def test_the_loader_refuses_a_malformed_kind_or_condition_with_its_line(change, message):
    data = json.loads(json.dumps(NEEDS))
    hours = data["pages"][0]["questions"][3]  # a number
    hours.update(change)
    if hours.get("number", "") is None:
        del hours["number"]
    with pytest.raises(InstrumentError, match="question hours") as refused:
        parse_data(data)
    assert message in str(refused.value)


def test_a_grid_comment_is_kept_whichever_statement_was_saved_first(needs):
    Question.objects.filter(survey=needs, code="opinion").update(has_comment=True)
    needs.refresh_from_db()
    from surveys.signals import layout_changed

    layout_changed([needs.pk])
    needs.refresh_from_db()
    response, _token = response_start(survey=needs, language="fr")
    values = {
        "specialty": AnswerValue(choice="gp"),
        "years": AnswerValue(number=Decimal(40)),
        "formats": AnswerValue(choices=("webinar",)),
    }
    page_save(response=response, page_position=1, values=values, language="fr")
    first = {
        "opinion": AnswerValue(rows={"long": "2"}, comment="Trop dense"),
        "last": AnswerValue(date=dt.date(2021, 1, 1)),
    }
    page_save(response=response, page_position=2, values=first, language="fr", advance=False)
    again = {
        "opinion": AnswerValue(rows={"useful": "1", "long": "2"}, comment="Trop dense"),
        "last": AnswerValue(date=dt.date(2021, 1, 1)),
    }
    page_save(response=response, page_position=2, values=again, language="fr", advance=False)
    assert response_answers(response)["opinion"].comment == "Trop dense"


def test_a_hidden_question_holding_a_wrong_value_does_not_block_the_page(client, needs):
    consented(client, needs)
    submit(client, needs, 1, PAGE_1)
    # "why" is hidden (the last course is recent): whatever its box holds is dropped, unchecked.
    reply = submit(client, needs, 2, {**PAGE_2, "last": "2024-05-02", "why": "x" * 6000})
    assert reply.status_code == 302


def test_a_required_grid_answered_in_part_keeps_its_page_unfinished(needs):
    response, _token = response_start(survey=needs, language="fr")
    values = {
        "specialty": AnswerValue(choice="gp"),
        "years": AnswerValue(number=Decimal(40)),
        "formats": AnswerValue(choices=("webinar",)),
    }
    page_save(response=response, page_position=1, values=values, language="fr")
    part = {"last": AnswerValue(date=dt.date(2021, 1, 1)), "opinion": AnswerValue(rows={"useful": "2"})}
    page_save(response=response, page_position=2, values=part, language="fr", advance=False)
    response.refresh_from_db()
    response.furthest_page = 2  # as if page 2 had been submitted before the grid was cut short
    from surveys.selectors import response_navigator, survey_layout

    layout = survey_layout(needs)
    assert response_navigator(layout, response, response_answers(response, layout)).resume_page == 2


def test_a_grid_without_statements_yet_shows_no_error_page(investigator, needs):
    grid = Question.objects.get(survey=needs, code="opinion")
    Statement.objects.filter(question=grid).delete()
    reply = investigator.get(reverse("surveys:page_look", args=[needs.slug, 2]))
    assert reply.status_code == 200
