"""The database turned into the analyses' inputs, aggregated in SQL.

The only module of ``analysis`` that touches the ORM. Every function runs a fixed number of
queries, whatever the number of responses, and returns counts, never answer rows (free texts
excepted, and those are capped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

import pandas as pd
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from surveys.models import Answer, Question, Response, Survey
from surveys.selectors import Layout

from .variables import QuestionInfo

TEXT_LIMIT = 200


@dataclass(frozen=True)
class Filters:
    complete_only: bool = False
    start: dt.date | None = None  # responses started on or after this day
    end: dt.date | None = None  # ... and on or before this one

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        if self.complete_only:
            condition &= Q(**{f"{prefix}status": Response.Status.COMPLETE})
        if self.start:
            condition &= Q(**{f"{prefix}started_at__date__gte": self.start})
        if self.end:
            condition &= Q(**{f"{prefix}started_at__date__lte": self.end})
        return condition


def question_infos(layout: Layout) -> dict[str, QuestionInfo]:
    return {
        q.code: QuestionInfo(
            code=q.code,
            kind=q.kind,
            text={"fr": q.text_fr, "en": q.text_en or q.text_fr},
            choices=tuple(
                (c.code, {"fr": c.label_fr, "en": c.label_en or c.label_fr}) for c in q.choices.all()
            ),
            scale_min=q.scale_min,
            scale_max=q.scale_max,
        )
        for q in layout.questions
    }


def _responses(survey: Survey, filters: Filters):
    return Response.objects.filter(Q(survey=survey) & filters.q())


def _answers(survey: Survey, filters: Filters):
    return Answer.objects.filter(Q(response__survey=survey) & filters.q("response__"))


def participation_counts(survey: Survey, filters: Filters) -> dict:
    """started, participants (at least one answer) and complete, in one query."""
    has_answer = Exists(Answer.objects.filter(response=OuterRef("pk")))
    return _responses(survey, filters).aggregate(
        started=Count("pk"),
        participants=Count("pk", filter=has_answer),
        complete=Count("pk", filter=has_answer & Q(status=Response.Status.COMPLETE)),
    )


def participants_per_day(survey: Survey, filters: Filters) -> pd.Series:
    has_answer = Exists(Answer.objects.filter(response=OuterRef("pk")))
    rows = (
        _responses(survey, filters)
        .filter(has_answer)
        .annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return pd.Series({row["day"]: row["n"] for row in rows}, dtype="int64")


def value_counts(survey: Survey, layout: Layout, filters: Filters, codes=None) -> pd.DataFrame:
    """How many answered each question (or those of ``codes``) with each value, in two queries.

    Columns: ``question`` (code), ``value`` (choice code, or the score as digits; ``None`` for the
    row counting a multiple-choice or text question's respondents) and ``n``.
    """
    choice_codes = {c.id: c.code for q in layout.questions for c in q.choices.all()}
    question_codes = {q.id: q.code for q in layout.questions}
    rows = []
    answers = _answers(survey, filters)
    if codes is not None:
        answers = answers.filter(question_id__in=[layout.by_code[c].id for c in codes])
    for row in answers.values("question_id", "choice_id", "score").annotate(n=Count("id")):
        value = choice_codes.get(row["choice_id"]) if row["choice_id"] else None
        if row["score"] is not None:
            value = str(row["score"])
        rows.append((question_codes[row["question_id"]], value, row["n"]))
    multiple = answers.filter(question__kind=Question.Kind.MULTIPLE, choices__isnull=False)
    for row in multiple.values("question_id", "choices").annotate(n=Count("id")):
        rows.append((question_codes[row["question_id"]], choice_codes[row["choices"]], row["n"]))
    return pd.DataFrame(rows, columns=["question", "value", "n"])


def texts(survey: Survey, filters: Filters, question_id: int, field: str, limit: int = TEXT_LIMIT):
    """(how many non-empty, the most recent ``limit``) of a text, other-text or comment field."""
    answers = _answers(survey, filters).filter(question_id=question_id).exclude(**{field: ""})
    latest = list(answers.order_by("-response__last_saved_at", "-id").values_list(field, flat=True)[:limit])
    return answers.count() if len(latest) == limit else len(latest), latest


def pair_counts(
    survey: Survey, layout: Layout, filters: Filters, row_question: str, questions
) -> pd.DataFrame:
    """Counts of (answer to ``row_question``, answer to each of ``questions``) over the same
    responses, in one query: columns ``row_value``, ``question``, ``col_value``, ``n``."""
    choice_codes = {c.id: c.code for q in layout.questions for c in q.choices.all()}
    by_code = layout.by_code
    row_choice = Answer.objects.filter(
        response=OuterRef("response"), question_id=by_code[row_question].id
    ).values("choice_id")[:1]
    rows = (
        _answers(survey, filters)
        .filter(question_id__in=[by_code[c].id for c in questions])
        .annotate(row_choice=row_choice)
        .filter(row_choice__isnull=False)
        .values("row_choice", "question_id", "choice_id", "score")
        .annotate(n=Count("id"))
    )
    codes = {q.id: q.code for q in layout.questions}
    data = [
        (
            choice_codes[row["row_choice"]],
            codes[row["question_id"]],
            choice_codes[row["choice_id"]] if row["choice_id"] else str(row["score"]),
            row["n"],
        )
        for row in rows
    ]
    return pd.DataFrame(data, columns=["row_value", "question", "col_value", "n"])


def funnel_counts(survey: Survey, layout: Layout, filters: Filters) -> list[tuple[int, int, int]]:
    """(page, shown, answered) for each page, in one query.

    A respondent was shown page p if skip logic shows it to them and they submitted every page
    before it that skip logic showed them; they answered it if they submitted it. Visibility is
    the instrument's conditions written as SQL (EXISTS on the answers), so someone for whom
    Q11-Q18 were hidden is neither shown nor counted as dropping out there.
    """
    page_visible = {page.position: _page_visible(layout, page) for page in layout.pages}
    aggregates = {}
    for position, visible in page_visible.items():
        earlier = [~page_visible[q] | Q(furthest_page__gte=q) for q in page_visible if q < position]
        aggregates[f"shown_{position}"] = Count("pk", filter=reduce(and_, earlier, visible))
        aggregates[f"answered_{position}"] = Count("pk", filter=visible & Q(furthest_page__gte=position))
    counts = _responses(survey, filters).aggregate(**aggregates)
    return [(p, counts[f"shown_{p}"], counts[f"answered_{p}"]) for p in page_visible]


def _page_visible(layout: Layout, page) -> Q:
    return reduce(or_, (_question_visible(layout, q.code) for q in layout.questions_on(page)))


def _question_visible(layout: Layout, code: str) -> Q:
    question = layout.by_code[code]
    if not question.condition_choice_id:
        return Q(pk__isnull=False)
    choice = question.condition_choice
    controlling = choice.question
    answered = Exists(Answer.objects.filter(response=OuterRef("pk"), question_id=controlling.id))
    if controlling.kind == Question.Kind.MULTIPLE:
        chose = Answer.objects.filter(response=OuterRef("pk"), question_id=controlling.id, choices=choice.id)
    else:
        chose = Answer.objects.filter(
            response=OuterRef("pk"), question_id=controlling.id, choice_id=choice.id
        )
    holds = Q(Exists(chose)) if question.condition_operator == "is" else Q(answered) & ~Q(Exists(chose))
    return _question_visible(layout, controlling.code) & holds
