"""The structure of a survey with answers is frozen whatever the path: here, a script using the
models or the services (the admin and the loader have their own tests)."""

import pytest
from django.db import transaction
from django.utils import translation

from surveys.models import Choice, Page, Question
from surveys.services import pilot_responses_delete
from surveys.structure import FROZEN_FIELDS, StructureFrozen, frozen_reason
from tests.conftest import partial_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def answered(survey):
    partial_response(survey)
    return survey


def other_page(question):
    return Page.objects.exclude(pk=question.page_id).filter(survey=question.survey).first()


QUESTION_CHANGES = {
    "code": lambda q: setattr(q, "code", "Q99"),
    "kind": lambda q: setattr(q, "kind", Question.Kind.MULTIPLE),
    "page": lambda q: setattr(q, "page", other_page(q)),
    "position": lambda q: setattr(q, "position", 99),
    "has_comment": lambda q: setattr(q, "has_comment", not q.has_comment),
    "condition": lambda q: setattr(q, "condition", {"question": "Q6", "is": "no"}),
}


def test_every_frozen_question_field_has_a_change_tried_here():
    # Bounds and decimals of other kinds: tried in tests/surveys/test_kinds.py.
    others = {"number_min", "number_max", "decimals", "date_min", "date_max"}
    tried = set(QUESTION_CHANGES) | {"scale_min", "scale_max", "survey"} | others
    assert tried == set(FROZEN_FIELDS[Question])


@pytest.mark.parametrize("field", sorted(QUESTION_CHANGES))
def test_a_frozen_question_field_cannot_change_once_the_survey_has_answers(answered, field):
    question = answered.questions.get(code="Q11")
    before = Question.objects.filter(pk=question.pk).values().get()
    QUESTION_CHANGES[field](question)
    with pytest.raises(StructureFrozen) as refused:
        question.save()
    assert field in refused.value.error_dict
    assert Question.objects.filter(pk=question.pk).values().get() == before


def test_a_scale_keeps_its_bounds_once_the_survey_has_answers(answered):
    question = answered.questions.get(code="Q12")
    question.scale_max = 5
    with pytest.raises(StructureFrozen, match="1 response with answers"):
        question.save()
    question.refresh_from_db()
    assert question.scale_max == 10


def test_a_condition_keeps_its_operator_once_the_survey_has_answers(answered):
    question = answered.questions.get(code="Q11")
    question.condition = {"question": "Q9", "is": "never"}
    with pytest.raises(StructureFrozen):
        question.save()
    assert answered.questions.get(code="Q11").condition == {"question": "Q9", "is_not": "never"}


def test_a_question_stays_in_its_survey(answered):
    from tests.factories import SurveyFactory

    question = answered.questions.get(code="Q27")
    question.survey = SurveyFactory()
    with pytest.raises(StructureFrozen):
        question.save()


def test_wording_stays_editable_once_the_survey_has_answers(answered):
    question = answered.questions.get(code="Q12")
    question.text_fr = "Nouvelle formulation"
    question.help_en = "A hint"
    question.scale_max_label_fr = "Tout à fait"
    question.save()
    question.refresh_from_db()
    assert (question.text_fr, question.help_en, question.scale_max_label_fr) == (
        "Nouvelle formulation",
        "A hint",
        "Tout à fait",
    )


def test_a_choice_can_be_relabelled_and_reordered_but_not_recoded(answered):
    choice = Choice.objects.get(question__survey=answered, question__code="Q3", code="psychiatry")
    choice.label_en = "Psychiatry (adults)"
    choice.position = 1
    choice.save()
    choice.code = "adult_psychiatry"
    with pytest.raises(StructureFrozen):
        choice.save()
    assert Choice.objects.get(pk=choice.pk).code == "psychiatry"


def test_the_other_option_cannot_move_once_the_survey_has_answers(answered):
    choice = Choice.objects.get(question__survey=answered, question__code="Q3", code="psychiatry")
    choice.is_other = True
    with pytest.raises(StructureFrozen):
        choice.save()


def test_nothing_can_be_added_once_the_survey_has_answers(answered):
    q3 = answered.questions.get(code="Q3")
    with pytest.raises(StructureFrozen, match="Nothing can be added"):
        Choice.objects.create(question=q3, code="new_one", position=50, label_fr="Nouveau")
    with pytest.raises(StructureFrozen):
        Page.objects.create(survey=answered, position=7, title_fr="Page 7")
    assert not Choice.objects.filter(code="new_one").exists()
    assert answered.pages.count() == 6


@pytest.mark.parametrize("model", ["page", "question", "choice"])
def test_nothing_can_be_deleted_once_the_survey_has_answers(answered, model):
    rows = {
        "page": lambda: answered.pages.get(position=6),
        "question": lambda: answered.questions.get(code="Q27"),
        "choice": lambda: Choice.objects.get(
            question__survey=answered, question__code="Q3", code="psychiatry"
        ),
    }
    row = rows[model]()
    # Django deletes in a transaction: the refusal rolls back its own work, not the test's.
    with pytest.raises(StructureFrozen, match="cannot be deleted"), transaction.atomic():
        row.delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_the_survey_keeps_its_slug_once_it_has_answers(answered):
    answered.slug = "another-slug"
    with pytest.raises(StructureFrozen):
        answered.save()


def test_a_survey_without_answers_can_change_its_structure(survey):
    partial = survey.responses.create(token_hash="x" * 64)  # consented, answered nothing
    question = survey.questions.get(code="Q12")
    question.scale_max = 5
    question.save()
    survey.pages.get(position=6).delete()
    assert survey.questions.get(code="Q12").scale_max == 5
    assert not survey.questions.filter(code="Q27").exists()
    assert frozen_reason(survey.pk) is None
    assert partial.pk


def test_test_answers_freeze_the_structure_too_and_say_how_to_unfreeze_it(survey):
    partial_response(survey, is_test=True)
    reason = frozen_reason(survey.pk)
    assert "1 test response with answers" in reason
    assert "deleting them unfreezes the structure" in reason
    assert pilot_responses_delete(survey=survey) == 1
    assert frozen_reason(survey.pk) is None


def test_the_reason_counts_real_and_test_responses(survey):
    partial_response(survey)
    partial_response(survey)
    partial_response(survey, is_test=True)
    reason = frozen_reason(survey.pk)
    assert "2 responses with answers and 1 test response with answers" in reason
    assert "unfreezes" not in reason


def test_the_reason_is_in_the_investigators_language(answered):
    with translation.override("fr"):
        assert "réponse" in frozen_reason(answered.pk)


def test_a_question_cannot_move_from_a_draft_into_a_survey_with_answers(answered):
    from tests.factories import QuestionFactory

    draft_question = QuestionFactory(code="Q28")
    draft_question.survey = answered
    draft_question.page = answered.pages.get(position=6)
    draft_question.position = 28
    with pytest.raises(StructureFrozen):
        draft_question.save()
    assert not answered.questions.filter(code="Q28").exists()


def test_a_choice_cannot_move_into_a_question_of_a_survey_with_answers(answered):
    from tests.factories import ChoiceFactory

    choice = ChoiceFactory(code="elsewhere")
    choice.question = answered.questions.get(code="Q3")
    with pytest.raises(StructureFrozen):
        choice.save()
    assert not answered.questions.get(code="Q3").choices.filter(code="elsewhere").exists()
