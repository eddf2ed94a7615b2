"""Reads: a survey's layout, a response's answers, the participation figures."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field, replace

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from . import conditions
from .models import Answer, Choice, Page, Question, Response, Statement, Survey
from .skip_logic import Navigator, Rule
from .specs import InstrumentSpec, PageSpec, QuestionSpec, Text
from .values import AnswerValue, StoredRow

logger = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Layout:
    """A survey's pages and questions (choices prefetched): read-only once built, and shared by
    every request of a process (see ``survey_layout``)."""

    survey_id: int
    stamp: uuid.UUID
    pages: list[Page]
    questions: list[Question]
    by_code: dict[str, Question] = field(init=False)
    code_of_question: dict[int, str] = field(init=False)
    choice_by_id: dict[int, Choice] = field(init=False)
    rules: list[Rule] = field(init=False)
    rules_by_code: dict[str, Rule] = field(init=False)
    # The number shown before each question: notes are not counted.
    numbers: dict[str, int] = field(init=False)
    # Each question's and page's condition, read from its data once.
    conditions: dict[str, conditions.Condition | None] = field(init=False)
    page_conditions: dict[int, conditions.Condition | None] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {q.code: q for q in self.questions}
        self.code_of_question = {q.id: q.code for q in self.questions}
        self.choice_by_id = {c.id: c for q in self.questions for c in q.choices.all()}
        targets = {q.code: question_target(q) for q in self.questions}
        self.conditions = {q.code: _condition(q.condition, targets, q.code) for q in self.questions}
        self.page_conditions = {
            p.id: _condition(p.condition, targets, f"page {p.position}") for p in self.pages
        }
        page_positions = {p.id: p.position for p in self.pages}
        self.rules = [
            Rule(
                code=q.code,
                page=page_positions[q.page_id],
                required=q.required,
                condition=_both(self.page_conditions[q.page_id], self.conditions[q.code]),
                answerable=q.kind_module.answerable,
                parts=tuple(statement.code for statement in q.statements.all()),
            )
            for q in self.questions
        ]
        self.rules_by_code = {rule.code: rule for rule in self.rules}
        answerable = [q.code for q in self.questions if q.kind_module.answerable]
        self.numbers = {code: number for number, code in enumerate(answerable, start=1)}

    def page(self, position: int) -> Page | None:
        return next((p for p in self.pages if p.position == position), None)

    def questions_on(self, page: Page) -> list[Question]:
        return [q for q in self.questions if q.page_id == page.id]


def question_target(question: Question) -> conditions.Target:
    """What a condition may ask of the live ``question``."""
    from .kinds import condition_target

    return condition_target(question.code, question.kind, (c.code for c in question.choices.all()))


# A condition that no longer holds together never holds: what it guards is hidden.
NEVER = conditions.Combination("any", ())


def _condition(data, targets, where: str):
    """A stored condition; one broken since it was saved (a choice it names renamed, the survey
    still without answers) hides what it guards instead of failing every page: the share page
    and the opening check say what to fix (validation.conditions_problem)."""
    try:
        return conditions.from_data(data, targets)
    except conditions.ConditionError as exc:
        logger.warning("%s: a condition no longer holds together (%s): hidden", where, exc)
        return NEVER


def _both(page_condition, question_condition):
    if page_condition and question_condition:
        return conditions.Combination("all", (page_condition, question_condition))
    return page_condition or question_condition


# One entry per survey, replaced when the survey's layout_stamp changes: a respondent's page
# then reads no page, question or choice row. Assigning a dict item is atomic, so the threads
# of a worker may share it.
_layouts: dict[int, Layout] = {}


def survey_layout(survey: Survey) -> Layout:
    """The survey's layout: from this process's memory while its stamp is unchanged, else read
    in three queries."""
    layout = _layouts.get(survey.pk)
    if layout is None or layout.stamp != survey.layout_stamp:
        layout = _layout_read(survey)
        _layouts[survey.pk] = layout
    return layout


def layout_forget(survey_id: int) -> None:
    _layouts.pop(survey_id, None)


def _layout_read(survey: Survey) -> Layout:
    pages = list(survey.pages.order_by("position"))
    questions = list(
        survey.questions.prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position")),
            Prefetch("statements", queryset=Statement.objects.order_by("position")),
        ).order_by("position")
    )
    return Layout(survey_id=survey.pk, stamp=survey.layout_stamp, pages=pages, questions=questions)


def survey_spec(survey: Survey) -> InstrumentSpec:
    """The live instrument, as the spec a file describing it would give."""
    layout = survey_layout(survey)

    def text(obj, field: str) -> Text:
        return Text(getattr(obj, f"{field}_fr"), getattr(obj, f"{field}_en"))

    def question(q: Question) -> QuestionSpec:
        return QuestionSpec(
            code=q.code,
            kind=q.kind,
            text=text(q, "text"),
            help=text(q, "help"),
            required=q.required,
            has_comment=q.has_comment,
            condition=layout.conditions[q.code],
            **q.kind_module.spec_values(q),
        )

    return InstrumentSpec(
        slug=survey.slug,
        version=survey.instrument_version,
        status=survey.status,
        title=text(survey, "title"),
        introduction=text(survey, "introduction"),
        consent=text(survey, "consent"),
        ethics_approval=survey.ethics_approval,
        contact=survey.contact,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        pages=tuple(
            PageSpec(
                text(p, "title"),
                text(p, "lead_in"),
                tuple(question(q) for q in layout.questions_on(p)),
                layout.page_conditions[p.id],
            )
            for p in layout.pages
        ),
        analysis=survey.analysis or {},
    )


def survey_answer_counts(survey_id: int) -> tuple[int, int]:
    """(real, test) responses of the survey that hold at least one answer."""
    counts = (
        Response.objects.filter(survey_id=survey_id)
        .filter(Exists(Answer.objects.filter(response=OuterRef("pk"))))
        .aggregate(real=Count("pk", filter=Q(is_test=False)), test=Count("pk", filter=Q(is_test=True)))
    )
    return counts["real"], counts["test"]


ANSWER_COLUMNS = (
    "question_id",
    "row",
    "choice_id",
    "score",
    "number",
    "date",
    "text",
    "other_text",
    "comment",
)


def stored_answers(layout: Layout, rows, ticked) -> dict[str, AnswerValue]:
    """Answers keyed by question code, from answer rows (``ANSWER_COLUMNS``, ``answer_id``
    first) and ``ticked``: answer id -> ticked choice ids. Each kind reads its own rows."""
    by_question: dict[int, list[StoredRow]] = {}
    choice = layout.choice_by_id
    for answer_id, question_id, row, choice_id, score, number, date, text, other_text, comment in rows:
        options = ticked.get(answer_id, ())
        by_question.setdefault(question_id, []).append(
            StoredRow(
                row=row,
                choice=choice[choice_id].code if choice_id is not None else None,
                score=score,
                number=number,
                date=date,
                text=text,
                other_text=other_text,
                comment=comment,
                ticked=_in_order(choice, options) if options else (),
            )
        )
    answers = {}
    for question_id, stored in by_question.items():
        question = layout.by_code[layout.code_of_question[question_id]]
        value = question.kind_module.from_stored(question, stored)
        # Kept on one of the rows (a grid's, on the statement written first): whichever has it.
        if len(stored) == 1:
            other_text, comment = stored[0].other_text, stored[0].comment
        else:
            other_text = next((row.other_text for row in stored if row.other_text), "")
            comment = next((row.comment for row in stored if row.comment), "")
        if other_text or comment:
            value = replace(value, other_text=other_text, comment=comment)
        answers[question.code] = value
    return answers


def _in_order(choice: dict, ids) -> tuple[str, ...]:
    """The codes of the choices ``ids``, in the questionnaire's order."""
    return tuple(c.code for c in sorted((choice[i] for i in ids), key=lambda c: c.position))


def database():
    """The database connection itself, for the respondents' hot reads and writes: each use of
    ``django.db.connection``, a proxy, looks it up again (about 2 µs)."""
    return connections[DEFAULT_DB_ALIAS]


def response_answers(response: Response, layout: Layout | None = None) -> dict[str, AnswerValue]:
    """The response's answers keyed by question code, in one query (a multiple choice comes as
    one row per ticked choice), in the questionnaire's order of choices. Written in SQL, like
    ``respondent_response``: every page view and submission reads them."""
    layout = layout or survey_layout(response.survey)
    db = database()
    pk = Response._meta.pk.get_db_prep_value(response.pk, db)
    with db.cursor() as cursor:
        cursor.execute(_ANSWERS_SQL, [pk])
        rows = cursor.fetchall()
    answers: dict[int, tuple] = {}
    ticked: dict[int, list[int]] = {}
    for *row, ticked_id in rows:
        if row[0] not in answers:
            answers[row[0]] = tuple(_ANSWER.convert(row))
        if ticked_id is not None:
            ticked.setdefault(row[0], []).append(ticked_id)
    return stored_answers(layout, answers.values(), ticked)


def response_navigator(layout: Layout, response: Response, answers: dict[str, AnswerValue]) -> Navigator:
    return Navigator(layout.rules, answers, response.furthest_page)


class _Columns:
    """Model fields read by a hand-written query: their select list, and the converters that
    turn what the database driver returns into what the ORM would give (a UUID, an aware
    datetime on SQLite...), looked up once per process."""

    def __init__(self, model, alias: str, names) -> None:
        self.model, self.alias = model, alias
        self.fields = [model._meta.get_field(name) for name in names]
        self.attnames = [f.attname for f in self.fields]
        self.select = ", ".join(f'{alias}."{f.column}"' for f in self.fields)
        self._converters = None

    def convert(self, values) -> list:
        if self._converters is None:
            # Only the columns that have converters (on PostgreSQL, few: the driver's values are
            # mostly what the ORM would give).
            self._converters = [
                (index, col, converters)
                for index, f in enumerate(self.fields)
                if (
                    converters := connection.ops.get_db_converters(col := f.get_col(self.alias))
                    + f.get_db_converters(connection)
                )
            ]
        if len(values) != len(self.fields):
            raise ValueError(f"{len(values)} values for {len(self.fields)} columns")
        converted = list(values)
        if not self._converters:
            return converted
        db = database()
        for index, col, converters in self._converters:
            value = converted[index]
            for converter in converters:
                value = converter(value, col, db)
            converted[index] = value
        return converted

    def instance(self, values):
        """The model instance, the fields not read deferred (read on first use)."""
        return self.model.from_db(connection.alias, self.attnames, self.convert(values))


# What a respondent's page needs of the response and of its survey: not the survey's stored
# instrument nor its analysis plan (decoding their JSON was a twentieth of a page view).
_RESPONSE = _Columns(Response, "r", [f.name for f in Response._meta.concrete_fields])
_SURVEY = _Columns(
    Survey,
    "s",
    [f.name for f in Survey._meta.concrete_fields if f.name not in ("analysis", "loaded_instrument")],
)
# Identifiers only come from the models; the values are parameters.
_RESPONDENT_SQL = (
    f"SELECT {_RESPONSE.select}, {_SURVEY.select} "  # noqa: S608
    f"FROM {Response._meta.db_table} r JOIN {Survey._meta.db_table} s ON s.id = r.survey_id "
    "WHERE s.slug = %s AND r.token_hash = %s AND (r.is_test OR s.status <> %s)"
)

_ANSWER = _Columns(Answer, "a", ("id", *ANSWER_COLUMNS))
_ANSWERS_SQL = (
    f'SELECT {_ANSWER.select}, t."choice_id" FROM {Answer._meta.db_table} a '  # noqa: S608
    f'LEFT JOIN {Answer.choices.through._meta.db_table} t ON t."answer_id" = a."id" '
    'WHERE a."response_id" = %s'
)


def respondent_response(slug: str, token: str | None, *, for_update: bool = False) -> Response | None:
    """The response this browser's token holds in the survey ``slug`` (never a draft, unless the
    response is an investigator's test run), with its survey, in one query; with
    ``for_update``, the response row stays locked until the transaction ends.

    Written in SQL: the ORM built and compiled this query anew on every request, a fifth of
    a page view's time."""
    if not token or len(token) > 100:
        return None
    sql = _RESPONDENT_SQL
    if for_update and connection.features.has_select_for_update:  # SQLite locks the whole file
        sql += " FOR UPDATE OF r" if connection.features.has_select_for_update_of else " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, token_hash(token), Survey.Status.DRAFT.value])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_RESPONSE.fields)
    response = _RESPONSE.instance(row[:split])
    Response.survey.field.set_cached_value(response, _SURVEY.instance(row[split:]))
    return response


_SURVEY_SQL = (
    f"SELECT {_SURVEY.select} FROM {Survey._meta.db_table} s "  # noqa: S608
    "WHERE s.slug = %s AND s.status <> %s"
)


def respondent_survey(slug: str) -> Survey | None:
    """The survey ``slug`` as respondents may see it (never a draft), without its stored
    instrument and analysis plan, in SQL written once like ``respondent_response``: every
    visitor's first page reads it."""
    with connection.cursor() as cursor:
        cursor.execute(_SURVEY_SQL, [slug, Survey.Status.DRAFT.value])
        row = cursor.fetchone()
    return None if row is None else _SURVEY.instance(row)


def open_surveys() -> list[Survey]:
    return [
        s
        for s in Survey.objects.exclude(status=Survey.Status.DRAFT).order_by("slug")
        if s.availability() == "open"
    ]


@dataclass(frozen=True)
class Participation:
    participants: int
    complete: int

    @property
    def completion_rate(self) -> float | None:
        return 100 * self.complete / self.participants if self.participants else None


def survey_participation(survey: Survey, *, include_tests: bool = False) -> Participation:
    """Participants answered at least one question; complete ones submitted the last page.
    Test responses (pilot runs) count only with ``include_tests``."""
    responses = Response.objects.filter(survey=survey)
    if not include_tests:
        responses = responses.filter(is_test=False)
    counts = responses.filter(Exists(Answer.objects.filter(response=OuterRef("pk")))).aggregate(
        participants=Count("pk"),
        complete=Count("pk", filter=Q(status=Response.Status.COMPLETE)),
    )
    return Participation(participants=counts["participants"], complete=counts["complete"])
