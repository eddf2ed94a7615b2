"""The instrument's rules for one page or question edited on its own (the admin), where the
loader checks a whole file: a display condition refers to earlier questions of the same survey,
with codes, operators and values they have (``conditions.parse``, as the loader does)."""

from __future__ import annotations

from django.db.models import Prefetch

from . import conditions
from .models import Choice, Page, Question
from .selectors import question_target


def condition_error(instance: Page | Question) -> str | None:
    """Why ``instance``'s condition cannot hold together, or None when it can (or is empty)."""
    if not instance.condition:
        return None
    questions = Question.objects.filter(survey_id=instance.survey_id).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position"))
    )
    if isinstance(instance, Question):
        earlier = questions.filter(position__lt=instance.position or 0)
    else:
        earlier = questions.filter(page__position__lt=instance.position or 0)
    targets = {q.code: question_target(q) for q in earlier}
    try:
        conditions.parse(instance.condition, targets.get)
    except conditions.ConditionError as exc:
        return str(exc)
    return None
