"""The instrument's rules for one page or question edited on its own (the admin), where the
loader checks a whole file: a display condition refers to earlier questions of the same survey,
with codes, operators and values they have (``conditions.parse``, as the loader does)."""

from __future__ import annotations

from django.db.models import Prefetch

from . import conditions
from .models import Choice, Page, Question
from .selectors import question_target


def earlier_questions(instance: Page | Question) -> list[Question]:
    """The questions a condition of ``instance`` may name, in order, choices read: for a page,
    those of earlier pages; for a question, those before it (all of them for a new one, which
    goes at the end)."""
    questions = (
        Question.objects.filter(survey_id=instance.survey_id)
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
        .order_by("position")
    )
    if isinstance(instance, Page):
        return list(questions.filter(page__position__lt=instance.position or 0))
    if instance.pk is None:
        return list(questions)
    return list(questions.filter(position__lt=instance.position))


def condition_error(instance: Page | Question) -> str | None:
    """Why ``instance``'s condition cannot hold together, or None when it can (or is empty)."""
    if not instance.condition:
        return None
    targets = {q.code: question_target(q) for q in earlier_questions(instance)}
    try:
        conditions.parse(instance.condition, targets.get)
    except conditions.ConditionError as exc:
        return str(exc)
    return None


def conditions_problem(survey_id: int) -> str | None:
    """The first condition of the survey that no longer holds together (a choice renamed or
    deleted, a question moved after one that depends on it, a kind changed), or None."""
    questions = list(
        Question.objects.filter(survey_id=survey_id)
        .select_related("page")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
        .order_by("page__position", "position")
    )
    pages = Page.objects.filter(survey_id=survey_id).order_by("position")
    targets: dict = {}
    for page in pages:
        if page.condition:
            try:
                conditions.parse(page.condition, targets.get)
            except conditions.ConditionError as exc:
                return f"page {page.position}: {exc}"
        for question in (q for q in questions if q.page_id == page.pk):
            if question.condition:
                try:
                    conditions.parse(question.condition, targets.get)
                except conditions.ConditionError as exc:
                    return f"{question.code}: {exc}"
            targets[question.code] = question_target(question)
    return None
