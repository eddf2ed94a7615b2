"""Writes: starting a response, saving a page, completing (loading an instrument:
``instrument_services``, re-exported here)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .instrument_services import InstrumentConflict, LoadResult, instrument_load  # noqa: F401
from .models import Answer, Question, Response, Survey
from .selectors import Layout, response_answers, survey_layout, token_hash
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


def page_save(
    *,
    response: Response,
    page_position: int,
    values: dict[str, AnswerValue],
    language: str,
    advance: bool = True,
    layout: Layout | None = None,
    saved: dict[str, AnswerValue] | None = None,
    now: dt.datetime | None = None,
) -> SaveResult:
    """Save one page's answers in one transaction.

    Questions hidden by skip logic lose their answers, on this page and on any other (going back
    and changing Q9 to ``never`` removes Q11-Q18). With ``advance`` the page counts as submitted:
    every required question shown on it must have an answer, and submitting the last page
    completes the response. Without it (the back button) what was given is kept as it is.

    ``saved`` is for a caller that read the response with ``for_update`` and then its answers,
    in the transaction it is still in (the page view): they are what the save builds on.
    Otherwise page_save locks the response and reads its answers itself.
    """
    if saved is not None and not transaction.get_connection().in_atomic_block:
        raise ValueError("saved answers hold only inside the transaction that locked the response")
    # Inside the page view's transaction, no savepoint of its own (two round trips fewer):
    # should the save fail, that whole transaction, which only read, rolls back.
    with transaction.atomic(savepoint=saved is None):
        return _page_save(response, page_position, values, language, advance, layout, saved, now)


def _page_save(response, page_position, values, language, advance, layout, saved, now) -> SaveResult:
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
    on_page = layout.questions_on(page)

    chosen = {code: a.chosen for code, a in saved.items()}
    for question in on_page:
        given = values.get(question.code, AnswerValue())
        chosen.pop(question.code, None)
        if given.chosen:
            chosen[question.code] = given.chosen
    visible = visible_codes(layout.rules, chosen)

    to_write = {
        q.code: values[q.code]
        for q in on_page
        if q.code in visible and q.code in values and not values[q.code].is_empty
    }
    if advance:
        missing = [q.code for q in on_page if q.required and q.code in visible and q.code not in to_write]
        if missing:
            raise PageIncomplete(missing)
    _write_answers(response, layout, to_write)
    # Answers left blank on this page, and answers to questions skip logic now hides, go.
    stale = {q.code for q in on_page if q.code not in to_write}
    stale |= {code for code in saved if code not in visible}
    stale_ids = [layout.by_code[code].id for code in stale]
    Answer.objects.filter(response=response, question_id__in=stale_ids).delete()

    response.last_saved_at = now or timezone.now()
    response.language = language[:2]
    next_page = None
    if advance:
        response.furthest_page = max(response.furthest_page, page_position)
        answered = (set(saved) - stale) | set(to_write)
        navigator = Navigator(layout.rules, chosen, answered, response.furthest_page)
        next_page = navigator.next_page(page_position)
        if next_page is None:
            response.status = Response.Status.COMPLETE
            response.completed_at = response.last_saved_at
    response.save(update_fields=["last_saved_at", "language", "furthest_page", "status", "completed_at"])
    return SaveResult(response=response, next_page=next_page)


def _write_answers(response: Response, layout: Layout, values: dict[str, AnswerValue]) -> None:
    """Upsert the answers in a fixed number of queries, however many questions the page has."""
    if not values:
        return
    rows = []
    for code, given in values.items():
        question = layout.by_code[code]
        choices = {c.code: c for c in question.choices.all()}
        unknown = [c for c in given.chosen if c not in choices]
        if unknown:
            raise ValueError(f"{code}: unknown choice code(s) {unknown}")
        other_chosen = any(choices[c].is_other for c in given.chosen)
        rows.append(
            Answer(
                response=response,
                question=question,
                choice=choices[given.choice] if question.kind == Question.Kind.SINGLE else None,
                score=given.score if question.kind == Question.Kind.SCALE else None,
                text=given.text.strip() if question.kind == Question.Kind.TEXT else "",
                other_text=given.other_text.strip() if other_chosen else "",
                comment=given.comment.strip() if question.has_comment else "",
            )
        )
    Answer.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["response", "question"],
        update_fields=["choice", "score", "text", "other_text", "comment"],
    )
    multiple = [
        layout.by_code[code] for code in values if layout.by_code[code].kind == Question.Kind.MULTIPLE
    ]
    if not multiple:
        return
    # bulk_create does not return the ids of rows it updated on every backend: ask once.
    answer_ids = dict(
        Answer.objects.filter(response=response, question__in=multiple).values_list("question_id", "id")
    )
    through = Answer.choices.through
    through.objects.filter(answer_id__in=answer_ids.values()).delete()
    links = []
    for question in multiple:
        choice_ids = {c.code: c.id for c in question.choices.all()}
        links += [
            through(answer_id=answer_ids[question.id], choice_id=choice_ids[code])
            for code in values[question.code].choices
        ]
    through.objects.bulk_create(links)
