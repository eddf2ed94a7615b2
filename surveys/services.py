"""Writes: starting a response, saving a page, completing (loading an instrument:
``instrument_services``, re-exported here)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .instrument_services import InstrumentConflict, LoadResult, instrument_load  # noqa: F401
from .models import Answer, Page, Response, Survey
from .selectors import Layout, database, response_answers, survey_layout, token_hash
from .skip_logic import Navigator, visible_codes
from .values import AnswerValue


class DeletionNotConfirmed(Exception):
    """Real responses would be deleted without the confirmation of how many."""

    def __init__(self, real: int) -> None:
        super().__init__(f"{real} real response(s) selected: confirm their number to delete them")
        self.real = real


class ResponseClosed(Exception):
    """The response is complete (or its survey no longer open): nothing more can be saved."""


class PageIncomplete(Exception):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"required questions without an answer: {', '.join(codes)}")
        self.codes = codes


# ---------------------------------------------------------------------------------------------
# Responses


def response_start(
    *, survey: Survey, language: str, now: dt.datetime | None = None, is_test: bool = False
) -> tuple[Response, str]:
    """A new anonymous response and the token its browser keeps (only its hash is stored);
    ``is_test`` for an investigator's pilot run, which no analysis counts unless asked to."""
    token = secrets.token_urlsafe(32)
    response = Response.objects.create(
        survey=survey,
        token_hash=token_hash(token),
        language=language[:2],
        started_at=now or timezone.now(),
        is_test=is_test,
    )
    return response, token


def pilot_responses_delete(*, survey: Survey) -> int:
    """Delete the survey's test responses and their answers; return how many responses went."""
    with transaction.atomic():
        responses = Response.objects.filter(survey=survey, is_test=True)
        count = responses.count()
        responses.delete()
    return count


def responses_delete(*, response_ids, confirmed_real: int) -> tuple[int, int]:
    """Delete these responses; (real, test) counts deleted.

    Real responses are data: they go only when ``confirmed_real`` is exactly how many of them
    are selected, so that nothing is deleted on a guess or a stale page.
    """
    with transaction.atomic():
        responses = Response.objects.select_for_update().filter(pk__in=list(response_ids))
        real = responses.filter(is_test=False).count()
        test = responses.filter(is_test=True).count()
        if real and confirmed_real != real:
            raise DeletionNotConfirmed(real)
        responses.delete()
    return real, test


@dataclass(frozen=True)
class SaveResult:
    response: Response
    next_page: int | None  # None when the response is now complete


@dataclass(frozen=True)
class PageOutcome:
    """What submitting a page's answers does: decided once, by ``page_outcome``."""

    answers: dict[str, AnswerValue]  # every answer kept once the page is saved
    visible: set[str]  # the questions shown given those answers
    to_write: dict[str, AnswerValue]  # this page's answers to save
    stale: set[str]  # questions whose saved answers go (left blank, or now hidden)
    missing: dict[str, list[str]]  # required questions shown and not answered: their fields


def page_outcome(
    layout: Layout, page: Page, saved: dict[str, AnswerValue], given: dict[str, AnswerValue], *, advance: bool
) -> PageOutcome:
    """The one place that decides, for a page submitted with ``given`` over the ``saved``
    answers, what is shown, kept, removed and still missing (pure: no query).

    Questions hidden by skip logic lose their answers, on this page and on any other (going back
    and changing Q9 to ``never`` removes Q11-Q18). With ``advance`` every required question
    shown on the page must have an answer; without it (the back button) none must.
    """
    on_page = layout.questions_on(page)
    here = {q.code for q in on_page}
    answers = {code: a for code, a in saved.items() if code not in here}
    answers |= {code: a for code, a in given.items() if code in here and not a.is_empty}
    visible = visible_codes(layout.rules, answers)
    to_write = {q.code: answers[q.code] for q in on_page if q.code in visible and q.code in answers}
    answers = {code: a for code, a in answers.items() if code in visible}
    # Only what is saved can go: a question left blank that had no answer costs no query.
    stale = {c for c in saved if (c in here and c not in to_write) or c not in visible}
    missing = {}
    if advance:
        for q in on_page:
            if q.required and q.code in visible and q.kind_module.answerable:
                fields = q.kind_module.missing(q, to_write.get(q.code, AnswerValue()))
                if fields:
                    missing[q.code] = fields
    return PageOutcome(answers, visible, to_write, stale, missing)


def page_save(
    *,
    response: Response,
    page_position: int,
    values: dict[str, AnswerValue] | None = None,
    language: str,
    advance: bool = True,
    layout: Layout | None = None,
    saved: dict[str, AnswerValue] | None = None,
    outcome: PageOutcome | None = None,
    now: dt.datetime | None = None,
) -> SaveResult:
    """Save one page's answers (``values``, by question code) in one transaction.

    See ``page_outcome`` for what is kept and what goes. With ``advance`` the page counts as
    submitted: every required question shown on it must have an answer (else PageIncomplete),
    and submitting the last page completes the response. Without it (the back button) what was
    given is kept as it is.

    ``saved`` and ``outcome`` are for a caller that read the response with ``for_update`` and
    then its answers, in the transaction it is still in, and decided the page's outcome over
    them (the page view, through its form). Otherwise page_save locks the response, reads its
    answers and decides the outcome itself.
    """
    if saved is not None and not transaction.get_connection().in_atomic_block:
        raise ValueError("saved answers hold only inside the transaction that locked the response")
    if outcome is not None and saved is None:
        raise ValueError("an outcome holds only for the saved answers it was decided over")
    # Inside the page view's transaction, no savepoint of its own (two round trips fewer):
    # should the save fail, that whole transaction, which only read, rolls back.
    with transaction.atomic(savepoint=saved is None):
        return _page_save(
            response, page_position, values or {}, language, advance, layout, saved, outcome, now
        )


def _page_save(response, page_position, values, language, advance, layout, saved, outcome, now) -> SaveResult:
    if saved is None:
        # The row lock serialises two submissions of the same response (double click, two tabs).
        response = Response.objects.select_for_update().get(pk=response.pk)
    layout = layout or survey_layout(response.survey)
    if saved is None:
        saved = response_answers(response, layout)
    if response.is_complete:
        raise ResponseClosed("this response is already complete")
    page = layout.page(page_position)
    if page is None:
        raise ValueError(f"page {page_position} does not exist")
    if outcome is None:
        outcome = page_outcome(layout, page, saved, values, advance=advance)
    if advance and outcome.missing:
        raise PageIncomplete(list(outcome.missing))
    _write_answers(response, layout, outcome.to_write, saved)
    stale_ids = [layout.by_code[code].id for code in outcome.stale]
    if stale_ids:
        Answer.objects.filter(response=response, question_id__in=stale_ids).delete()

    response.last_saved_at = now or timezone.now()
    response.language = language[:2]
    next_page = None
    if advance:
        response.furthest_page = max(response.furthest_page, page_position)
        navigator = Navigator(layout.rules, outcome.answers, response.furthest_page, visible=outcome.visible)
        next_page = navigator.next_page(page_position)
        if next_page is None:
            response.status = Response.Status.COMPLETE
            response.completed_at = response.last_saved_at
    _response_update(response, ("last_saved_at", "language", "furthest_page", "status", "completed_at"))
    return SaveResult(response=response, next_page=next_page)


def _response_update(response: Response, names: tuple[str, ...]) -> None:
    """``response.save(update_fields=names)`` in one plain UPDATE (Response has no signal
    receivers; Model.save built and compiled its query on every submission)."""
    fields = [Response._meta.get_field(name) for name in names]
    assignments = ", ".join(f'"{f.column}" = %s' for f in fields)
    db = database()
    values = [f.get_db_prep_save(getattr(response, f.attname), db) for f in fields]
    values.append(Response._meta.pk.get_db_prep_value(response.pk, db))
    with db.cursor() as cursor:
        # Identifiers only come from the model; the values are parameters.
        cursor.execute(f'UPDATE {Response._meta.db_table} SET {assignments} WHERE "id" = %s', values)  # noqa: S608


# The answer columns a page's save writes, and those an answer given again overwrites.
_ANSWER_WRITTEN = (
    "response",
    "question",
    "row",
    "choice",
    "score",
    "number",
    "date",
    "text",
    "other_text",
    "comment",
)
_ANSWER_UPDATED = ("choice", "score", "number", "date", "text", "other_text", "comment")


def _write_answers(
    response: Response, layout: Layout, values: dict[str, AnswerValue], saved: dict[str, AnswerValue]
) -> None:
    """Upsert the answers in a fixed number of queries, however many questions the page has.

    Written in SQL (one INSERT ... ON CONFLICT DO UPDATE that returns the rows' ids, then the
    ticked options): through the ORM, building the Answer instances and compiling the queries
    took more time than everything else a submission does."""
    if not values:
        return
    fields = [Answer._meta.get_field(name) for name in _ANSWER_WRITTEN]
    # Each column's default, and how its values are prepared for the database (None stays None).
    columns_prep = [(f.name, f.get_default(), f.get_db_prep_save) for f in fields]
    db = database()
    rows, shrunk = [], []
    for code, given in values.items():
        question = layout.by_code[code]
        kind = question.kind_module
        choices = {c.code: c for c in question.choices.all()}
        unknown = [c for c in (*given.chosen, *given.rows.values()) if c not in choices]
        if unknown:
            raise ValueError(f"{code}: unknown choice code(s) {unknown}")
        other_chosen = any(choices[c].is_other for c in given.chosen)
        extras = {
            "other_text": given.other_text.strip() if other_chosen else "",
            "comment": given.comment.strip() if question.has_comment else "",
        }
        for index, stored in enumerate(kind.stored_rows(question, given)):
            choice = stored.pop("choice", None)
            row = {
                "response": response.pk,
                "question": question.id,
                "choice": choices[choice].id if choice else None,
            }
            row |= stored | (extras if index == 0 else {})
            rows.append(
                [
                    None if (value := row.get(name, default)) is None else prepare(value, db)
                    for name, default, prepare in columns_prep
                ]
            )
        before = saved.get(code)
        if before is not None and set(before.rows) - set(given.rows):
            shrunk.append(question)  # a grid with statements answered before and no longer
    columns = ", ".join(f'"{f.column}"' for f in fields)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    updated = ", ".join(
        f'"{c}" = EXCLUDED."{c}"' for c in (Answer._meta.get_field(n).column for n in _ANSWER_UPDATED)
    )
    with connection.cursor() as cursor:
        # Identifiers only come from the model; the values are parameters.
        cursor.execute(
            f"INSERT INTO {Answer._meta.db_table} ({columns}) VALUES {placeholders} "  # noqa: S608
            f'ON CONFLICT ("response_id", "question_id", "row") DO UPDATE SET {updated} '
            'RETURNING "question_id", "id"',
            [value for row in rows for value in row],
        )
        answer_ids = dict(cursor.fetchall())  # the ticking kinds have one row per question
    for question in shrunk:
        Answer.objects.filter(response=response, question=question).exclude(
            row__in=list(values[question.code].rows)
        ).delete()
    questions = [layout.by_code[code] for code in values]
    ticking = [q for q in questions if q.kind_module.ticked(q, values[q.code])]
    if not ticking:
        return
    links = []
    for question in ticking:
        choice_ids = {c.code: c.id for c in question.choices.all()}
        links += [
            (answer_ids[question.id], choice_ids[code])
            for code in question.kind_module.ticked(question, values[question.code])
        ]
    through = Answer.choices.through._meta.db_table
    ids = [answer_ids[q.id] for q in ticking]
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM {through} WHERE "answer_id" IN ({", ".join(["%s"] * len(ids))})',  # noqa: S608
            ids,
        )
        cursor.execute(
            f'INSERT INTO {through} ("answer_id", "choice_id") '  # noqa: S608
            f"VALUES {', '.join(['(%s, %s)'] * len(links))}",
            [value for link in links for value in link],
        )
