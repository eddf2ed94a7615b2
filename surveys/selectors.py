"""Reads: a survey's layout, a response's answers, the participation figures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .models import Answer, Choice, Page, Question, Response, Survey
from .skip_logic import Condition, Navigator, Rule
from .values import AnswerValue


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Layout:
    """A survey's pages and questions (choices prefetched), loaded in three queries."""

    survey: Survey
    pages: list[Page]
    questions: list[Question]
    by_code: dict[str, Question] = field(init=False)
    rules: list[Rule] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {q.code: q for q in self.questions}
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


def survey_layout(survey: Survey) -> Layout:
    pages = list(survey.pages.order_by("position"))
    questions = list(
        survey.questions.select_related("condition_choice__question")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
        .order_by("position")
    )
    return Layout(survey=survey, pages=pages, questions=questions)


def response_answers(response: Response) -> dict[str, AnswerValue]:
    """The response's answers keyed by question code, in two queries."""
    answers = (
        Answer.objects.filter(response=response)
        .select_related("question", "choice")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
    )
    return {
        a.question.code: AnswerValue(
            choice=a.choice.code if a.choice_id else None,
            choices=tuple(c.code for c in a.choices.all()),
            score=a.score,
            text=a.text,
            other_text=a.other_text,
            comment=a.comment,
        )
        for a in answers
    }


def response_navigator(layout: Layout, response: Response, answers: dict[str, AnswerValue]) -> Navigator:
    return Navigator(
        layout.rules,
        chosen={code: a.chosen for code, a in answers.items()},
        answered=set(answers),
        furthest_page=response.furthest_page,
    )


def response_by_token(survey: Survey, token: str | None) -> Response | None:
    if not token or len(token) > 100:
        return None
    return Response.objects.filter(survey=survey, token_hash=token_hash(token)).first()


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


def survey_participation(survey: Survey) -> Participation:
    """Participants answered at least one question; complete ones submitted the last page."""
    counts = (
        Response.objects.filter(survey=survey)
        .filter(Exists(Answer.objects.filter(response=OuterRef("pk"))))
        .aggregate(
            participants=Count("pk"),
            complete=Count("pk", filter=Q(status=Response.Status.COMPLETE)),
        )
    )
    return Participation(participants=counts["participants"], complete=counts["complete"])
