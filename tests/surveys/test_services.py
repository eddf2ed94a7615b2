import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Answer, Response
from surveys.selectors import response_answers, survey_layout, survey_participation
from surveys.services import (
    PageIncomplete,
    ResponseClosed,
    page_save,
    response_start,
)
from surveys.values import AnswerValue

pytestmark = pytest.mark.django_db

PAGE_1 = {
    code: AnswerValue(choice=value)
    for code, value in {
        "Q1": "male",
        "Q2": "41_50",
        "Q3": "cardiology",
        "Q4": "hospital",
        "Q5": "urban",
        "Q6": "yes",
        "Q7": "weekly",
        "Q8": "lt_1y",
    }.items()
}
PAGE_2 = {"Q9": AnswerValue(choice="rarely"), "Q10": AnswerValue(choice="never")}
PAGE_3 = {f"Q{n}": AnswerValue(score=7) for n in range(11, 19)}


def save(response, position, values, advance=True):
    return page_save(response=response, page_position=position, values=values, language="fr", advance=advance)


@pytest.fixture
def response(survey):
    return response_start(survey=survey, language="fr")[0]


def test_it_starts_a_response_with_a_random_token_stored_hashed(survey):
    response, token = response_start(survey=survey, language="en")
    assert response.language == "en" and response.status == Response.Status.IN_PROGRESS
    assert token not in response.token_hash and len(response.token_hash) == 64


def test_it_saves_a_page_and_says_where_to_go(response):
    result = save(response, 1, PAGE_1)
    assert result.next_page == 2
    assert response_answers(response)["Q3"].choice == "cardiology"
    assert Response.objects.get().furthest_page == 1


def test_it_updates_answers_saved_before(response):
    save(response, 1, PAGE_1)
    save(response, 1, {**PAGE_1, "Q3": AnswerValue(choice="other", other_text="Médecine du sport")})
    answer = response_answers(response)["Q3"]
    assert (answer.choice, answer.other_text) == ("other", "Médecine du sport")
    assert Answer.objects.count() == 8


def test_it_drops_other_text_when_other_is_not_chosen(response):
    save(response, 1, {**PAGE_1, "Q3": AnswerValue(choice="cardiology", other_text="stale")})
    assert response_answers(response)["Q3"].other_text == ""


def test_it_refuses_to_move_on_without_required_answers(response):
    with pytest.raises(PageIncomplete) as error:
        save(response, 2, {"Q9": AnswerValue(choice="rarely")})
    assert error.value.codes == ["Q10"]
    assert not Answer.objects.exists()


def test_it_removes_answers_that_skip_logic_now_hides(response):
    save(response, 1, PAGE_1)
    save(response, 2, PAGE_2)
    save(response, 3, PAGE_3)
    save(response, 2, {**PAGE_2, "Q9": AnswerValue(choice="never")})
    assert sorted(response_answers(response), key=lambda c: int(c[1:])) == [f"Q{n}" for n in range(1, 11)]


def test_it_replaces_the_choices_of_a_multiple_choice_answer(response):
    values = {"Q19": AnswerValue(choice="no"), "Q22": AnswerValue(choices=("too_many_posts",))}
    save(
        response,
        4,
        {**values, "Q21": AnswerValue(choices=("speed_of_responses", "free_of_charge"))},
        advance=False,
    )
    save(response, 4, {**values, "Q21": AnswerValue(choices=("number_of_members",))}, advance=False)
    assert response_answers(response)["Q21"].choices == ("number_of_members",)


def test_it_completes_the_response_on_the_last_page(response):
    for position, values in ((1, PAGE_1), (2, {**PAGE_2, "Q9": AnswerValue(choice="never")})):
        save(response, position, values)
    save(
        response,
        4,
        {
            "Q19": AnswerValue(choice="no"),
            "Q21": AnswerValue(choices=("free_of_charge",)),
            "Q22": AnswerValue(choices=("too_many_posts",)),
        },
    )
    save(
        response,
        5,
        {
            **{f"Q{n}": AnswerValue(score=10) for n in (23, 24, 25)},
            "Q26": AnswerValue(choices=("do_not_use",)),
        },
    )
    result = save(response, 6, {})
    response.refresh_from_db()
    assert result.next_page is None
    assert response.status == Response.Status.COMPLETE and response.completed_at is not None


def test_it_refuses_to_change_a_complete_response(response):
    Response.objects.filter(pk=response.pk).update(status="complete", completed_at="2022-07-01T10:00:00Z")
    with pytest.raises(ResponseClosed):
        save(response, 1, PAGE_1)
    assert not Answer.objects.exists()


def test_saving_a_page_takes_the_same_number_of_queries_however_many_questions(response, survey):
    layout = survey_layout(survey)

    def queries(position, values):
        with CaptureQueriesContext(connection) as ctx:
            page_save(response=response, page_position=position, values=values, language="fr", layout=layout)
        return len(ctx.captured_queries)

    save(response, 1, PAGE_1)
    few = queries(2, PAGE_2)  # 2 questions
    many = queries(3, PAGE_3)  # 8 questions
    assert many == few <= 6


def test_participants_have_at_least_one_answer(survey, response):
    response_start(survey=survey, language="fr")  # consented, answered nothing: not a participant
    save(response, 1, PAGE_1)
    participation = survey_participation(survey)
    assert (participation.participants, participation.complete) == (1, 0)
    assert participation.completion_rate == 0


@pytest.mark.django_db(transaction=True)
def test_it_refuses_answers_read_outside_the_transaction_that_locked_the_response(survey):
    response, _ = response_start(survey=survey, language="fr")
    with pytest.raises(ValueError, match="locked the response"):
        page_save(response=response, page_position=1, values=PAGE_1, language="fr", saved={})
    assert not Answer.objects.exists()
