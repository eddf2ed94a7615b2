"""Reads: a survey's layout, a response's answers, the participation figures."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .instrument import ChoiceSpec, InstrumentSpec, PageSpec, QuestionSpec, ScaleSpec, Text
from .models import Answer, Choice, Page, Question, Response, Survey
from .skip_logic import Condition, Navigator, Rule
from .values import AnswerValue


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

    def __post_init__(self) -> None:
        self.by_code = {q.code: q for q in self.questions}
        self.code_of_question = {q.id: q.code for q in self.questions}
        self.choice_by_id = {c.id: c for q in self.questions for c in q.choices.all()}
        page_positions = {p.id: p.position for p in self.pages}
        self.rules = [
            Rule(
                code=q.code,
                page=page_positions[q.page_id],
                required=q.required,
                condition=(
                    Condition(q.condition_choice.question.code, q.condition_operator, q.condition_choice.code)
                    if q.condition_choice_id
                    else None
                ),
            )
            for q in self.questions
        ]

    def page(self, position: int) -> Page | None:
        return next((p for p in self.pages if p.position == position), None)

    def questions_on(self, page: Page) -> list[Question]:
        return [q for q in self.questions if q.page_id == page.id]


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
        survey.questions.select_related("condition_choice__question")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
        .order_by("position")
    )
    return Layout(survey_id=survey.pk, stamp=survey.layout_stamp, pages=pages, questions=questions)


def survey_spec(survey: Survey) -> InstrumentSpec:
    """The live instrument, as the spec a file describing it would give."""
    layout = survey_layout(survey)

    def text(obj, field: str) -> Text:
        return Text(getattr(obj, f"{field}_fr"), getattr(obj, f"{field}_en"))

    def question(q: Question) -> QuestionSpec:
        cc = q.condition_choice
        return QuestionSpec(
            code=q.code,
            kind=q.kind,
            text=text(q, "text"),
            help=text(q, "help"),
            required=q.required,
            has_comment=q.has_comment,
            choices=tuple(ChoiceSpec(c.code, text(c, "label"), c.is_other) for c in q.choices.all()),
            scale=(
                ScaleSpec(q.scale_min, q.scale_max, text(q, "scale_min_label"), text(q, "scale_max_label"))
                if q.kind == Question.Kind.SCALE
                else None
            ),
            condition=Condition(cc.question.code, q.condition_operator, cc.code) if cc else None,
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
            PageSpec(text(p, "title"), text(p, "lead_in"), tuple(question(q) for q in layout.questions_on(p)))
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


def response_answers(response: Response, layout: Layout | None = None) -> dict[str, AnswerValue]:
    """The response's answers keyed by question code, in one query (a multiple choice comes as
    one row per ticked choice), in the questionnaire's order of choices."""
    layout = layout or survey_layout(response.survey)
    rows = Answer.objects.filter(response=response).values_list(
        "question_id", "choice_id", "score", "text", "other_text", "comment", "choices"
    )
    fields: dict[int, tuple] = {}
    ticked: dict[int, list[Choice]] = {}
    for question_id, choice_id, score, text, other_text, comment, ticked_id in rows:
        fields[question_id] = (choice_id, score, text, other_text, comment)
        if ticked_id is not None:
            ticked.setdefault(question_id, []).append(layout.choice_by_id[ticked_id])
    answers = {}
    for question_id, (choice_id, score, text, other_text, comment) in fields.items():
        answers[layout.code_of_question[question_id]] = AnswerValue(
            choice=layout.choice_by_id[choice_id].code if choice_id is not None else None,
            choices=tuple(c.code for c in sorted(ticked.get(question_id, ()), key=lambda c: c.position)),
            score=score,
            text=text,
            other_text=other_text,
            comment=comment,
        )
    return answers


def response_navigator(layout: Layout, response: Response, answers: dict[str, AnswerValue]) -> Navigator:
    return Navigator(
        layout.rules,
        chosen={code: a.chosen for code, a in answers.items()},
        answered=set(answers),
        furthest_page=response.furthest_page,
    )


def respondent_response(slug: str, token: str | None, *, for_update: bool = False) -> Response | None:
    """The response this browser's token holds in the survey ``slug`` (never a draft, unless the
    response is an investigator's test run), with its survey, in one query; with
    ``for_update``, the response row stays locked until the transaction ends."""
    if not token or len(token) > 100:
        return None
    rows = Response.objects.select_related("survey").filter(
        Q(is_test=True) | ~Q(survey__status=Survey.Status.DRAFT)
    )
    if for_update:
        rows = rows.select_for_update(of=("self",))
    try:  # token_hash is unique: get() needs no ORDER BY, where first() would add one
        return rows.get(survey__slug=slug, token_hash=token_hash(token))
    except Response.DoesNotExist:
        return None


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
