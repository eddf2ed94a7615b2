"""Keep every process's cached survey layouts true: any change to a page, question or choice
renews its survey's ``layout_stamp`` (see ``selectors.survey_layout``)."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Choice, Page, Question, Statement, Survey
from .selectors import layout_forget

_batch = threading.local()


def layout_changed(survey_ids) -> None:
    """Renew the stamp of these surveys: every process rebuilds their layouts on next use."""
    ids = [i for i in survey_ids if i is not None]
    for survey_id in ids:
        layout_forget(survey_id)
    if ids:
        Survey.objects.filter(pk__in=ids).update(layout_stamp=uuid.uuid4())


@contextmanager
def layout_changes_batched():
    """Within this block, collect what changed and renew each survey's stamp once at the end
    (loading an instrument saves a hundred rows; one UPDATE is enough)."""
    if getattr(_batch, "pending", None) is not None:  # nested: the outermost block renews
        yield
        return
    _batch.pending = pending = {"surveys": set(), "questions": set()}
    try:
        yield
    finally:
        del _batch.pending
    surveys = pending["surveys"]
    if pending["questions"]:
        surveys |= set(
            Question.objects.filter(pk__in=pending["questions"]).values_list("survey_id", flat=True)
        )
    layout_changed(surveys)


@receiver([post_save, post_delete], sender=Page)
@receiver([post_save, post_delete], sender=Question)
def _page_or_question_changed(sender, instance, **kwargs) -> None:
    if (pending := getattr(_batch, "pending", None)) is not None:
        pending["surveys"].add(instance.survey_id)
    else:
        layout_changed([instance.survey_id])


@receiver([post_save, post_delete], sender=Choice)
@receiver([post_save, post_delete], sender=Statement)
def _choice_changed(sender, instance, **kwargs) -> None:
    if (pending := getattr(_batch, "pending", None)) is not None:
        pending["questions"].add(instance.question_id)
    else:
        layout_changed(Question.objects.filter(pk=instance.question_id).values_list("survey_id", flat=True))
