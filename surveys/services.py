"""Writes: loading an instrument, starting a response, saving a page, completing."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .instrument import InstrumentSpec, QuestionSpec
from .models import Answer, Choice, Page, Question, Response, Survey
from .selectors import Layout, response_answers, survey_layout, token_hash
from .signals import layout_changes_batched
from .skip_logic import Condition, Navigator, visible_codes
from .values import AnswerValue


class InstrumentConflict(Exception):
    """The file changes what existing answers mean."""


class ResponseClosed(Exception):
    """The response is complete (or its survey no longer open): nothing more can be saved."""


class PageIncomplete(Exception):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"required questions without an answer: {', '.join(codes)}")
        self.codes = codes


# ---------------------------------------------------------------------------------------------
# The instrument


def _survey_structure(survey: Survey) -> tuple:
    layout = survey_layout(survey)
    return tuple(tuple(_question_structure(q) for q in layout.questions_on(page)) for page in layout.pages)


def _question_structure(q: Question) -> tuple:
    condition = None
    if q.condition_choice_id:
        cc = q.condition_choice
        condition = Condition(cc.question.code, q.condition_operator, cc.code)
    return (
        q.code,
        q.kind,
        tuple((c.code, c.is_other) for c in q.choices.all()),
        (q.scale_min, q.scale_max) if q.kind == Question.Kind.SCALE else None,
        condition,
    )


def _question_fields(spec: QuestionSpec) -> dict:
    scale = spec.scale
    return {
        "kind": spec.kind,
        "text_fr": spec.text.fr,
        "text_en": spec.text.en,
        "help_fr": spec.help.fr,
        "help_en": spec.help.en,
        "required": spec.required,
        "has_comment": spec.has_comment,
        "scale_min": scale.min if scale else None,
        "scale_max": scale.max if scale else None,
        "scale_min_label_fr": scale.min_label.fr if scale else "",
        "scale_min_label_en": scale.min_label.en if scale else "",
        "scale_max_label_fr": scale.max_label.fr if scale else "",
        "scale_max_label_en": scale.max_label.en if scale else "",
    }


def _differs(obj, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:  # compare ids: an unsaved object has no related row to fetch
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _assign(obj, values: dict) -> bool:
    """Set the values that differ and save them; report whether anything changed."""
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.full_clean()
        if obj.pk:
            obj.save(update_fields=changed)
        else:
            obj.save()
    return bool(changed)


@dataclass(frozen=True)
class LoadResult:
    survey: Survey
    created: bool
    changed: int  # rows created or updated; 0 means the file matched the database

    def summary(self) -> str:
        if self.created:
            return f"Created survey '{self.survey.slug}' (version {self.survey.instrument_version})."
        if not self.changed:
            return f"Survey '{self.survey.slug}' is already up to date: nothing changed."
        return f"Updated survey '{self.survey.slug}': {self.changed} row(s) changed."


def instrument_load(*, spec: InstrumentSpec) -> LoadResult:
    """Create or update the survey the file describes.

    Wording can always change. Once the survey has responses its structure (codes, kinds,
    choices, scale bounds, conditions, pages) cannot: that needs a new slug and version.
    """
    # The stamp is renewed once, inside the transaction: other processes see the new stamp
    # and the new questions together, or neither.
    with transaction.atomic(), layout_changes_batched():
        return _instrument_load(spec)


def _instrument_load(spec: InstrumentSpec) -> LoadResult:
    survey = Survey.objects.select_for_update().filter(slug=spec.slug).first()
    created = survey is None
    fields = {
        "instrument_version": spec.version,
        "title_fr": spec.title.fr,
        "title_en": spec.title.en,
        "introduction_fr": spec.introduction.fr,
        "introduction_en": spec.introduction.en,
        "consent_fr": spec.consent.fr,
        "consent_en": spec.consent.en,
        "ethics_approval": spec.ethics_approval,
        "contact": spec.contact,
        "analysis": spec.analysis,
    }
    changed = 0
    if created:
        survey = Survey(slug=spec.slug, status=spec.status, opens_at=spec.opens_at, closes_at=spec.closes_at)
        _assign(survey, fields)
    else:
        same_structure = _survey_structure(survey) == spec.structure()
        if not same_structure:
            answered = survey.responses.filter(answers__isnull=False).distinct().count()
            if answered:
                raise InstrumentConflict(
                    f"Survey '{survey.slug}' already has {answered} response(s) with answers; "
                    "the file changes its questions' codes, kinds, choices, pages or conditions, "
                    "which would change what those answers mean. Publish a new version instead: "
                    "give the file a new slug (and version) and load it as a new survey."
                )
            # No answers yet: rebuild the questionnaire from the file.
            survey.responses.all().delete()
            Question.objects.filter(survey=survey).update(condition_choice=None, condition_operator="")
            survey.questions.all().delete()
            survey.pages.all().delete()
            changed += 1
        changed += _assign(survey, fields)
    changed += _load_pages(survey, spec)
    return LoadResult(survey=survey, created=created, changed=changed)


def _load_pages(survey: Survey, spec: InstrumentSpec) -> int:
    """Create what is missing and update wording in place (matching pages by position,
    questions by code, choices by code): reloading an unchanged file writes nothing."""
    changed = 0
    pages = {p.position: p for p in survey.pages.all()}
    questions = {q.code: q for q in survey.questions.prefetch_related("choices")}
    position = 0
    for page_number, page_spec in enumerate(spec.pages, start=1):
        page = pages.get(page_number) or Page(survey=survey, position=page_number)
        changed += _assign(
            page,
            {
                "title_fr": page_spec.title.fr,
                "title_en": page_spec.title.en,
                "lead_in_fr": page_spec.lead_in.fr,
                "lead_in_en": page_spec.lead_in.en,
            },
        )
        for q_spec in page_spec.questions:
            position += 1
            question = questions.get(q_spec.code) or Question(survey=survey, code=q_spec.code)
            values = {**_question_fields(q_spec), "page": page, "position": position}
            if q_spec.condition:
                cond = q_spec.condition
                values["condition_choice"] = Choice.objects.get(
                    question__survey=survey, question__code=cond.question, code=cond.choice
                )
                values["condition_operator"] = cond.operator
            else:
                values["condition_choice"], values["condition_operator"] = None, ""
            changed += _assign(question, values)
            existing = {c.code: c for c in question.choices.all()} if question.pk else {}
            for choice_position, c_spec in enumerate(q_spec.choices, start=1):
                choice = existing.get(c_spec.code) or Choice(question=question, code=c_spec.code)
                changed += _assign(
                    choice,
                    {
                        "position": choice_position,
                        "label_fr": c_spec.label.fr,
                        "label_en": c_spec.label.en,
                        "is_other": c_spec.is_other,
                    },
                )
    return changed


# ---------------------------------------------------------------------------------------------
# Responses


def response_start(*, survey: Survey, language: str, now: dt.datetime | None = None) -> tuple[Response, str]:
    """A new anonymous response and the token its browser keeps (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    response = Response.objects.create(
        survey=survey, token_hash=token_hash(token), language=language[:2], started_at=now or timezone.now()
    )
    return response, token


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
