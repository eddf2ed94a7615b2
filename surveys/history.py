"""Reads: the history of a survey's instrument, every change to the survey, its pages, questions
and choices, with who made it, when, and the old and new values (django-simple-history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Choice, Page, Question, Statement, Survey


@dataclass(frozen=True)
class FieldChange:
    field: str  # the field's verbose name
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str  # the investigator's username, or "" for a command (load_instrument, a script)
    kind: str  # "+" created, "~" changed, "-" deleted
    what: str  # "survey cme-…", "page 2", "question Q12", "choice Q3=other" (translated)
    changes: tuple[FieldChange, ...]
    reason: str = ""


def _label(record, question_codes: dict[int, str]) -> str:
    model = record.instance_type
    if model is Survey:
        return _("survey %(slug)s") % {"slug": record.slug}
    if model is Page:
        return _("page %(n)s") % {"n": record.position}
    if model is Question:
        return _("question %(code)s") % {"code": record.code}
    question = question_codes.get(record.question_id, "?")
    if model is Statement:
        return _("statement %(question)s__%(code)s") % {"question": question, "code": record.code}
    return _("choice %(question)s=%(code)s") % {"question": question, "code": record.code}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    text = " ".join(str(value).split())
    return text if len(text) <= 120 else text[:117] + "…"


def instrument_history(survey: Survey, limit: int = 500) -> list[HistoryEntry]:
    """The latest ``limit`` changes to the survey's instrument, newest first."""
    question_ids = Question.history.filter(survey_id=survey.pk).values("id")
    # Codes of the survey's questions, deleted ones included (a deleted choice names its question).
    question_codes = dict(Question.history.filter(survey_id=survey.pk).values_list("id", "code"))
    sources = [
        Survey.history.filter(id=survey.pk),
        Page.history.filter(survey_id=survey.pk),
        Question.history.filter(survey_id=survey.pk),
        Choice.history.filter(question_id__in=question_ids),
        Statement.history.filter(question_id__in=question_ids),
    ]
    records = []
    for queryset in sources:
        records += list(queryset.select_related("history_user").order_by("-history_date")[:limit])
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    # Each record's previous version of the same row, from what was read when it is there (a
    # query only for the oldest record read of a row).
    older: dict = {}
    for record in reversed(records):
        key = (record.instance_type, record.id)
        record.previous_read = older.get(key)
        older[key] = record
    records = records[:limit]
    entries = []
    for record in records:
        changes: tuple[FieldChange, ...] = ()
        if record.history_type == "~":
            previous = record.previous_read or record.prev_record
            if previous is not None:
                delta = record.diff_against(previous)
                changes = tuple(
                    FieldChange(
                        str(record.instance_type._meta.get_field(change.field).verbose_name),
                        _shown(change.old),
                        _shown(change.new),
                    )
                    for change in delta.changes
                )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else "",
                kind=record.history_type,
                what=_label(record, question_codes),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    return entries
