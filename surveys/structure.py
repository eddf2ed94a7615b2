"""The one rule on changing a survey's structure: frozen once the survey has answers.

What answers depend on (codes, kinds, choices, scale bounds, conditions, comment boxes, pages
and the order of questions) cannot change once any response holds an answer: answers would
silently change meaning, or stop being counted. Wording, help texts, labels and anchors stay
editable.

Every path goes through here: the ``pre_save`` / ``pre_delete`` receivers below refuse any save
or delete that changes the structure (the admin, the loader, a script using the services or the
ORM); the admin's forms ask ``check_structure`` first, to show the refusal next to the field
instead of failing; the instrument loader compares whole instruments and asks ``frozen_reason``
for its message. Only bulk ``QuerySet.update()``, which sends no signal, goes around it.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Answer, Choice, Page, Question, Statement, Survey
from .selectors import survey_answer_counts

# The fields answers depend on, per model.
FROZEN_FIELDS: dict[type, tuple[str, ...]] = {
    Survey: ("slug",),
    Page: ("survey", "position", "condition"),
    Question: (
        "survey",
        "page",
        "code",
        "position",
        "kind",
        "has_comment",
        "scale_min",
        "scale_max",
        "number_min",
        "number_max",
        "decimals",
        "date_min",
        "date_max",
        "condition",
    ),
    Choice: ("question", "code", "is_other", "is_exclusive"),
    Statement: ("question", "code"),
}


class StructureFrozen(ValidationError):
    """A change to what existing answers depend on."""


_memo = threading.local()


@contextmanager
def answers_looked_up_once():
    """Within this block each survey's answers are looked for once, and each question's survey
    once (the loader saves a hundred rows of a survey it holds locked)."""
    if getattr(_memo, "frozen", None) is not None:
        yield
        return
    _memo.frozen, _memo.survey_of_question = {}, {}
    try:
        yield
    finally:
        _memo.frozen = _memo.survey_of_question = None


def is_frozen(survey_id: int | None) -> bool:
    if survey_id is None:
        return False
    memo = getattr(_memo, "frozen", None)
    if memo is not None and survey_id in memo:
        return memo[survey_id]
    frozen = Answer.objects.filter(question__survey_id=survey_id).exists()
    if memo is not None:
        memo[survey_id] = frozen
    return frozen


def frozen_reason(survey_id: int | None) -> str | None:
    """Why the survey's structure cannot change now, or None when it can."""
    if not is_frozen(survey_id):
        return None
    real, test = survey_answer_counts(survey_id)
    parts = []
    if real:
        parts.append(
            ngettext("%(n)d response with answers", "%(n)d responses with answers", real) % {"n": real}
        )
    if test:
        parts.append(
            ngettext("%(n)d test response with answers", "%(n)d test responses with answers", test)
            % {"n": test}
        )
    reason = _(
        "This survey already has %(counts)s: its structure (codes, kinds, choices, scale bounds, "
        "conditions, comment boxes, pages and the order of questions) can no longer change, or those "
        "answers would change meaning. Wording, help texts and labels stay editable. To change the "
        "structure, duplicate the survey as a new draft version (the survey list's action)."
    ) % {"counts": _(" and ").join(parts)}
    if test and not real:
        reason += " " + _("Only test responses hold answers: deleting them unfreezes the structure.")
    return reason


def _survey_of_question(question_id: int | None) -> int | None:
    if question_id is None:
        return None
    memo = getattr(_memo, "survey_of_question", None)
    if memo is not None and question_id in memo:
        return memo[question_id]
    survey_id = Question.objects.filter(pk=question_id).values_list("survey_id", flat=True).first()
    if memo is not None:
        memo[question_id] = survey_id
    return survey_id


def _survey_ids(instance, stored: dict | None = None) -> list[int]:
    """Every survey the change touches: the one the row is stored in and the one it would be
    in (moving a row from a draft into a survey with answers adds to that survey)."""
    if isinstance(instance, Survey):
        ids = [instance.pk]
    elif isinstance(instance, Choice | Statement):
        ids = [_survey_of_question(stored["question_id"]) if stored else None]
        ids.append(_survey_of_question(instance.question_id))
    else:
        ids = [stored["survey_id"] if stored else None, instance.survey_id]
        if isinstance(instance, Question) and instance.page_id is not None:
            ids.append(Page.objects.filter(pk=instance.page_id).values_list("survey_id", flat=True).first())
    return list(dict.fromkeys(i for i in ids if i is not None))


def _frozen_survey(instance, stored: dict | None = None) -> int | None:
    """The first survey the change touches whose structure is frozen, or None."""
    return next((i for i in _survey_ids(instance, stored) if is_frozen(i)), None)


def _stored(instance) -> dict | None:
    """The frozen fields' values as stored, or None for a row not saved yet."""
    if instance.pk is None:
        return None
    attnames = [type(instance)._meta.get_field(name).attname for name in FROZEN_FIELDS[type(instance)]]
    return type(instance).objects.filter(pk=instance.pk).values(*attnames).first()


def frozen_changes(instance) -> list[str]:
    """The frozen fields this unsaved state of ``instance`` would change (all of them for a new
    row), when its survey has answers; [] otherwise."""
    if isinstance(instance, Survey) and instance.pk is None:
        return []
    fields = FROZEN_FIELDS[type(instance)]
    stored = _stored(instance)
    if stored is None:
        changed = list(fields)
    else:
        changed = [
            n for n in fields if stored[type(instance)._meta.get_field(n).attname] != _value(instance, n)
        ]
    # Answers are looked for only when a frozen field changes: most saves change wording.
    if not changed or _frozen_survey(instance, stored) is None:
        return []
    return changed


def _value(instance, name: str):
    return getattr(instance, type(instance)._meta.get_field(name).attname)


def check_structure(instance) -> None:
    """Raise StructureFrozen, with one error per frozen field changed, naming why."""
    changed = frozen_changes(instance)
    if not changed:
        return
    stored = _stored(instance)
    reason = frozen_reason(_frozen_survey(instance, stored))
    if stored is None:
        raise StructureFrozen(_("Nothing can be added to it.") + " " + reason)
    raise StructureFrozen({name: reason for name in changed})


def check_deletion(instance) -> None:
    reason = frozen_reason(_frozen_survey(instance))
    if reason:
        raise StructureFrozen(_("%(object)s cannot be deleted.") % {"object": instance} + " " + reason)


@receiver(pre_save, sender=Survey)
@receiver(pre_save, sender=Page)
@receiver(pre_save, sender=Question)
@receiver(pre_save, sender=Choice)
@receiver(pre_save, sender=Statement)
def _refuse_frozen_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # loaddata writes what a dump held
        check_structure(instance)


@receiver(pre_delete, sender=Page)
@receiver(pre_delete, sender=Question)
@receiver(pre_delete, sender=Choice)
@receiver(pre_delete, sender=Statement)
def _refuse_frozen_delete(sender, instance, **kwargs) -> None:
    check_deletion(instance)
