"""The database turned into the analyses' inputs, aggregated in SQL.

The only module of ``analysis`` that touches the ORM. Every function runs a fixed number of
queries, whatever the number of responses, and returns counts, never answer rows (free texts
excepted, and those are capped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pandas as pd
from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from surveys.conditions import Combination
from surveys.models import Answer, Question, Response, Survey
from surveys.selectors import ANSWER_COLUMNS, Layout
from surveys.values import AnswerValue, StoredRow

from .variables import QuestionInfo

TEXT_LIMIT = 200


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


@dataclass(frozen=True)
class Filters:
    complete_only: bool = False
    start: dt.date | None = None  # responses started on or after this day
    end: dt.date | None = None  # ... and on or before this one
    include_tests: bool = False  # count the pilot runs of the staff preview as data
    # How many test responses the survey has, set by ``resolve``; None until then, and the test
    # responses are then excluded the safe way, with a join. Not a filter: not compared.
    test_responses: int | None = field(default=None, compare=False)

    @property
    def excludes_tests(self) -> bool:
        """Whether the queries need an ``is_test = false`` condition: not when the survey has
        no test response, so that no query joins the responses for nothing."""
        return not self.include_tests and self.test_responses != 0

    def as_dict(self) -> dict:
        """The filters asked for, JSON-ready (dates as ISO text)."""
        return {
            "complete_only": self.complete_only,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "include_tests": self.include_tests,
        }

    def _bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[from, until) in the site's time zone: whole days, as the investigator reads them.
        Days before 1900 or after 9000 are taken as those (no response is that old or that far
        off): the first and last days a calendar can hold would overflow in time zone sums."""
        zone = timezone.get_current_timezone()
        start = min(max(self.start, EARLIEST), LATEST) if self.start else None
        end = min(max(self.end, EARLIEST), LATEST) if self.end else None
        since = dt.datetime.combine(start, dt.time.min, tzinfo=zone) if start else None
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone) if end else None
        return since, until

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        since, until = self._bounds()
        if self.excludes_tests:
            condition &= Q(**{f"{prefix}is_test": False})
        if self.complete_only:
            condition &= Q(**{f"{prefix}status": Response.Status.COMPLETE})
        if since:
            condition &= Q(**{f"{prefix}started_at__gte": since})
        if until:
            condition &= Q(**{f"{prefix}started_at__lt": until})
        return condition

    def sql(self, alias: str) -> tuple[str, list]:
        """The same conditions as SQL on the response table ``alias``, with their parameters."""
        clauses, params = [], []
        since, until = self._bounds()
        if self.excludes_tests:
            clauses.append(f"{alias}.is_test = %s")
            params.append(False)
        if self.complete_only:
            clauses.append(f"{alias}.status = %s")
            params.append(Response.Status.COMPLETE.value)
        if since:
            clauses.append(f"{alias}.started_at >= %s")
            params.append(since)
        if until:
            clauses.append(f"{alias}.started_at < %s")
            params.append(until)
        return "".join(f" AND {c}" for c in clauses), params


def resolve(survey: Survey, filters: Filters) -> Filters:
    """``filters`` knowing how many test responses ``survey`` has: one query, read from the
    partial index ``response_test_idx``, once per report or export."""
    return replace(filters, test_responses=Response.objects.filter(survey=survey, is_test=True).count())


def question_infos(layout: Layout) -> dict[str, QuestionInfo]:
    positions = {p.id: p.position for p in layout.pages}
    return {
        q.code: QuestionInfo(
            code=q.code,
            kind=q.kind,
            text=_label(q.text_fr, q.text_en),
            choices=tuple((c.code, _label(c.label_fr, c.label_en)) for c in q.choices.all()),
            scale_min=q.scale_min,
            scale_max=q.scale_max,
            scale_min_label=_anchor(q.scale_min_label_fr, q.scale_min_label_en),
            scale_max_label=_anchor(q.scale_max_label_fr, q.scale_max_label_en),
            number_min=_exact(q.number_min),
            number_max=_exact(q.number_max),
            decimals=q.decimals or 0,
            unit=_label(q.unit_fr, q.unit_en) if q.unit_fr else {},
            date_min=q.date_min,
            date_max=q.date_max,
            statements=tuple((s.code, _label(s.text_fr, s.text_en)) for s in q.statements.all()),
            has_other=any(c.is_other for c in q.choices.all()),
            page=positions[q.page_id],
        )
        for q in layout.questions
    }


def _anchor(fr: str, en: str) -> dict:
    """A scale's anchor in both languages; {} when the question has none."""
    return _label(fr, en) if fr else {}


def _label(fr: str, en: str) -> dict:
    return {"fr": fr, "en": en or fr}


def _exact(value) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


def _responses(survey: Survey, filters: Filters):
    responses = Response.objects.filter(Q(survey=survey) & filters.q())
    if not filters.include_tests:
        # On the response table itself, so free even when the survey had no test response when
        # the filters were resolved: a pilot run started since (during a streamed export) stays out.
        responses = responses.filter(is_test=False)
    return responses


def _answers(survey: Survey, filters: Filters, question_ids=None):
    """Answers of the survey; joined to their responses only when a filter needs them."""
    if question_ids is None:
        question_ids = Question.objects.filter(survey=survey).values("id")
    return Answer.objects.filter(Q(question_id__in=question_ids) & filters.q("response__"))


def participants_per_day(survey: Survey, filters: Filters) -> pd.DataFrame:
    """Participants (at least one answer) and complete responses by the day they started, in
    one query: columns ``day``, ``participants``, ``complete``."""
    has_answer = Exists(Answer.objects.filter(response=OuterRef("pk")))
    rows = (
        _responses(survey, filters)
        .filter(has_answer)
        .annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(participants=Count("pk"), complete=Count("pk", filter=Q(status=Response.Status.COMPLETE)))
        .order_by("day")
    )
    return pd.DataFrame(list(rows), columns=["day", "participants", "complete"])


# The answer fields a kind keeps its values in (``Kind.value_fields``), as the answer table's columns.
VALUE_COLUMNS = {"row": "row", "choice": "choice_id", "score": "score", "number": "number", "date": "date"}


def value_counts(survey: Survey, layout: Layout, filters: Filters, codes=None) -> pd.DataFrame:
    """How many answered each question (or those of ``codes``) with each value, each kind
    counting the fields it keeps its values in (``Kind.value_fields``): one query, one more
    when a multiple choice is among them (its options) and one more when a grid is (who
    answered it).

    Columns: ``question`` (code), ``row`` (a grid's statement, else ""), ``value`` (a choice code,
    a score, a number (Decimal) or a day; ``None`` for the row counting the respondents of a
    question whose values are counted apart: a multiple choice's, a grid's, a text's) and ``n``.
    """
    wanted = layout.questions if codes is None else [layout.by_code[c] for c in codes]
    fields_of = {q.id: q.kind_module.value_fields(q) for q in wanted}
    fields = set().union(*fields_of.values()) if fields_of else set()
    grouped = [column for name, column in VALUE_COLUMNS.items() if name in fields]
    choice_codes = layout.choice_by_id
    code_of = layout.code_of_question
    answers = _answers(survey, filters, list(fields_of))
    rows = []
    for row in answers.values("question_id", *grouped).annotate(n=Count("id")):
        mine = fields_of[row["question_id"]]
        value = None
        for name in mine:
            raw = row.get(VALUE_COLUMNS.get(name, ""))
            if name != "row" and raw is not None:
                value = choice_codes[raw].code if name == "choice" else raw
        statement = row["row"] if "row" in mine else ""
        rows.append((code_of[row["question_id"]], statement, value, row["n"]))
    ticking = [qid for qid, mine in fields_of.items() if "ticked" in mine]
    if ticking:
        ticks = answers.filter(question_id__in=ticking, choices__isnull=False)
        for row in ticks.values("question_id", "choices").annotate(n=Count("id")):
            rows.append((code_of[row["question_id"]], "", choice_codes[row["choices"]].code, row["n"]))
    per_row = [qid for qid, mine in fields_of.items() if "row" in mine]
    if per_row:  # who answered at least one statement
        respondents = answers.filter(question_id__in=per_row).values("question_id")
        for row in respondents.annotate(n=Count("response_id", distinct=True)):
            rows.append((code_of[row["question_id"]], "", None, row["n"]))
    questions, statements, values, counts = zip(*rows, strict=True) if rows else ((), (), (), ())
    # Values as given, whatever they are (not 9.0 for a score when every value is a number).
    return pd.DataFrame(
        {
            "question": pd.Series(questions, dtype=object),
            "row": pd.Series(statements, dtype=object),
            "value": pd.Series(values, dtype=object),
            "n": pd.Series(counts, dtype="int64"),
        }
    )


def texts(survey: Survey, filters: Filters, question_id: int, field: str, limit: int = TEXT_LIMIT):
    """(how many non-empty, the most recent ``limit``) of a text, other-text or comment field."""
    answers = _answers(survey, filters, [question_id]).exclude(**{field: ""})
    latest = list(answers.order_by("-id").values_list(field, flat=True)[:limit])
    return answers.count(), latest


def pair_counts(survey: Survey, layout: Layout, filters: Filters, row_questions, questions) -> pd.DataFrame:
    """Counts of (answer to a row question, answer to one of ``questions``) over the same
    responses, for every row question at once, in one query (a self-join of the answers).

    Columns: ``row_question``, ``row_value``, ``question``, ``col_value``, ``n``.
    """
    by_code = layout.by_code
    choice_codes = {c.id: c.code for q in layout.questions for c in q.choices.all()}
    codes = {q.id: q.code for q in layout.questions}
    row_ids = [by_code[c].id for c in row_questions]
    col_ids = [by_code[c].id for c in questions]
    where, params = filters.sql("r")
    # The questions are the survey's: the responses are joined only when a filter needs them.
    join = "JOIN surveys_response r ON r.id = o.response_id " if where else ""
    # Only placeholders and clauses of our own are formatted in; values go as parameters.
    sql = (
        "SELECT g.question_id, g.choice_id, o.question_id, o.choice_id, o.score, COUNT(*) "
        "FROM surveys_answer o "
        "JOIN surveys_answer g ON g.response_id = o.response_id "
        f"{join}"
        f"WHERE o.question_id IN ({_marks(col_ids)}) AND g.question_id IN ({_marks(row_ids)}) "
        f"AND g.choice_id IS NOT NULL{where} "
        "GROUP BY g.question_id, g.choice_id, o.question_id, o.choice_id, o.score"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*col_ids, *row_ids, *params])
        rows = cursor.fetchall()
    data = [
        (codes[g_q], choice_codes[g_c], codes[o_q], choice_codes[o_c] if o_c else str(score), n)
        for g_q, g_c, o_q, o_c, score, n in rows
    ]
    return pd.DataFrame(data, columns=["row_question", "row_value", "question", "col_value", "n"])


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def funnel_groups(survey: Survey, layout: Layout, filters: Filters) -> list[tuple[int, dict, int]]:
    """Responses grouped by (furthest page submitted, answers to the questions that conditions
    depend on), in one query: (furthest page, {question code: AnswerValue}, count).

    A handful of groups, whatever the number of responses (a condition on a number or a date
    makes one group per value given); ``participation.funnel_from_groups`` then applies the
    skip logic to each group.
    """
    named = set().union(*(rule.condition.questions() for rule in layout.rules if rule.condition))
    controlling = [q for q in layout.questions if q.code in named]
    tested = _tested_choices(layout)
    joins, columns, params = [], [], []
    for index, question in enumerate(controlling):
        a = f"a{index}"
        joins.append(f"LEFT JOIN surveys_answer {a} ON {a}.response_id = r.id AND {a}.question_id = %s")
        params.append(question.id)
        columns += [f"{a}.id IS NOT NULL", f"{a}.choice_id", f"{a}.score", f"{a}.number", f"{a}.date"]
        for choice in tested.get(question.code, ()):
            columns.append(  # an integer id of our own
                f"EXISTS (SELECT 1 FROM surveys_answer_choices c WHERE c.answer_id = {a}.id "
                f"AND c.choice_id = {int(choice.id)})"
            )
    where, filter_params = filters.sql("r")
    select = ", ".join(["r.furthest_page", *columns])
    group_by = ", ".join(str(i + 1) for i in range(1 + len(columns)))
    sql = (
        f"SELECT {select}, COUNT(*) FROM surveys_response r {' '.join(joins)} "
        f"WHERE r.survey_id = %s{where} GROUP BY {group_by}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, survey.id, *filter_params])
        rows = cursor.fetchall()
    groups = []
    for row in rows:
        furthest, values, n = row[0], list(row[1:-1]), row[-1]
        answers = {}
        for question in controlling:
            answered, choice_id, score, number, date = (values.pop(0) for _ in range(5))
            picked = [c.code for c in tested.get(question.code, ()) if values.pop(0)]
            if not answered:
                continue
            answers[question.code] = AnswerValue(
                choice=layout.choice_by_id[choice_id].code if choice_id else None,
                # What was ticked among the choices conditions test ("" for none of them).
                choices=tuple(picked) or (("",) if tested.get(question.code) else ()),
                score=score,
                number=None if number is None else Decimal(str(number)),
                date=_day(date),
                text="-",  # answered, whatever the kind: nothing tests a text's value
            )
        groups.append((furthest, answers, n))
    return groups


def _day(value):
    """A date column as SQLite (text) or PostgreSQL (a date) gives it."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _tested_choices(layout: Layout) -> dict[str, list]:
    """Per multiple-choice question, the choices that conditions test, in a fixed order."""
    tested: dict[str, set[str]] = {}

    def walk(condition):
        if isinstance(condition, Combination):
            for item in condition.items:
                walk(item)
        elif condition.operator in ("contains", "not_contains"):
            tested.setdefault(condition.question, set()).add(condition.value)

    for rule in layout.rules:
        if rule.condition:
            walk(rule.condition)
    return {
        code: [c for c in layout.by_code[code].choices.all() if c.code in codes]
        for code, codes in tested.items()
    }


EXPORT_CHUNK = 2000


def export_rows(survey: Survey, layout: Layout, filters: Filters, chunk: int = EXPORT_CHUNK):
    """Every participant's answers, ``chunk`` responses at a time in id order (keyset
    pagination): three queries per chunk, memory bounded by the chunk, whatever the total.
    Each answer is read by its kind (``Kind.from_stored``), as ``surveys.selectors`` reads them."""
    from .export import ResponseRow, duration_minutes

    reader = _StoredReader(layout)
    columns = _stored_columns(layout)
    pages = max((p.position for p in layout.pages), default=0)
    zone = timezone.get_current_timezone()
    participants = _responses(survey, filters).filter(Exists(Answer.objects.filter(response=OuterRef("pk"))))
    last = None
    size = min(chunk, 250)  # a small first chunk: the first rows leave at once
    while True:
        page = participants.order_by("id")
        if last is not None:
            page = page.filter(id__gt=last)
        responses = list(
            page.values_list(
                "id",
                "status",
                "language",
                "started_at",
                "completed_at",
                "is_test",
                "furthest_page",
                "last_saved_at",
            )[:size]
        )
        size = chunk
        if not responses:
            return
        ids = [r[0] for r in responses]
        # Response ids come back as text, not as UUID objects: building ~30 UUIDs per
        # participant was most of the export's time. PostgreSQL writes them with hyphens,
        # SQLite as 32 hex digits: both spellings point to the same response.
        stored: dict = {rid: [] for rid in ids}
        key = {str(rid): rid for rid in ids} | {rid.hex: rid for rid in ids}
        # The chunk's answers as a range of the (response, question) index; answers of responses
        # in that range that the filters leave out are skipped below.
        in_chunk = Q(response_id__lte=ids[-1], question_id__in=list(layout.code_of_question))
        if last is not None:
            in_chunk &= Q(response_id__gt=last)
        rows = (
            Answer.objects.filter(in_chunk)
            .annotate(rid=Cast("response_id", output_field=CharField()))
            .values_list("rid", "id", *columns)
        )
        for row in rows:
            if row[0] in key:
                stored[key[row[0]]].append(row)
        links = Answer.choices.through.objects.filter(
            Q(answer__response_id__lte=ids[-1], answer__question_id__in=list(layout.code_of_question))
            & (Q(answer__response_id__gt=last) if last is not None else Q())
        ).values_list("answer_id", "choice_id")
        ticked: dict[int, list[int]] = {}
        for answer_id, choice_id in links:
            ticked.setdefault(answer_id, []).append(choice_id)
        for rid, status, language, started, completed, is_test, furthest, saved in responses:
            yield ResponseRow(
                id=str(rid),
                status=status,
                language=language,
                started_on=started.astimezone(zone).date(),
                completed_on=completed.astimezone(zone).date() if completed else None,
                answers=reader.answers(stored.pop(rid), ticked),
                is_test=is_test,
                # Complete: every page was done, those skip logic hid at the end included.
                last_page=pages if status == Response.Status.COMPLETE else furthest,
                duration_minutes=duration_minutes(started, completed or saved),
            )
        last = ids[-1]


def _stored_columns(layout: Layout) -> list:
    """``ANSWER_COLUMNS``, those that no kind of the survey keeps its values in (``Kind.
    value_fields``) read as empty: on SQLite a number or a date column costs a conversion per
    answer row, given or not, a third of the export's time."""
    fields = set().union(*(q.kind_module.value_fields(q) for q in layout.questions))
    none = Value(None, output_field=CharField())  # a field without a conversion
    empty = {
        "row": Value(""),
        "choice_id": none,
        "score": none,
        "number": none,
        "date": none,
        "text": Value(""),
    }
    kept = {VALUE_COLUMNS.get(name, name) for name in fields}
    return [column if column in kept or column not in empty else empty[column] for column in ANSWER_COLUMNS]


class _StoredReader:
    """One response's answer rows (the response's and the answer's ids, then ``ANSWER_COLUMNS``)
    turned into AnswerValues by each question's kind (``Kind.from_stored``), as ``surveys.
    selectors.stored_answers`` does, with what it looks up per row (kinds, codes, the order of
    the choices) looked up once per export: an export reads hundreds of thousands of answers.

    An answer is a value (frozen): the same stored rows give the same answer, so the answers
    without a text (choices, scores, numbers, days) are made once each and shared, a bounded
    number of them at a time.
    """

    SHARED = 10_000  # at most (a few MiB), then started again

    def __init__(self, layout: Layout) -> None:
        self.questions = {q.id: (q, q.kind_module) for q in layout.questions}
        self.codes = {q.id: q.code for q in layout.questions}
        # The questions kept in one answer row per statement (grids), read row by row.
        self.per_row = {q.id for q in layout.questions if "row" in q.kind_module.value_fields(q)}
        self.choices = {c.id: (c.position, c.code) for q in layout.questions for c in q.choices.all()}
        self.shared: dict[tuple, AnswerValue] = {}

    def answers(self, rows, ticked: dict[int, list[int]]) -> dict[str, AnswerValue]:
        answers, several = {}, {}
        shared, per_row, codes = self.shared, self.per_row, self.codes
        for row in rows:
            question_id = row[2]
            if question_id in per_row:
                several.setdefault(question_id, []).append(self._stored(row, ticked))
                continue
            options = ticked.get(row[1])
            key = row[2:] if options is None else row[2:] + tuple(sorted(options))
            value = shared.get(key)
            if value is None:
                value = self._read(question_id, [self._stored(row, ticked)], key)
            answers[codes[question_id]] = value
        for question_id, stored in several.items():
            answers[codes[question_id]] = self._read(question_id, stored)
        return answers

    @staticmethod
    def _stored(row, ticked) -> tuple:
        return (*row[3:], ticked.get(row[1]) or ())

    def _read(self, question_id: int, stored: list[tuple], key: tuple | None = None) -> AnswerValue:
        """The answer of ``stored`` (row, choice, score, number, date, text, other text,
        comment, ticked choices); kept for the next ones under ``key`` when it has no text."""
        question, kind = self.questions[question_id]
        choices = self.choices
        rows = [
            StoredRow(
                row,
                choices[choice_id][1] if choice_id is not None else None,
                score,
                number,
                date,
                text,
                other_text,
                comment,
                tuple(choices[i][1] for i in sorted(options, key=lambda i: choices[i][0])),
            )
            for row, choice_id, score, number, date, text, other_text, comment, options in stored
        ]
        value = kind.from_stored(question, rows)
        # The texts of the whole answer, on one of its rows (which one, for a grid, depends on
        # the order its statements were saved in).
        extra = next((r for r in rows if r.other_text or r.comment), None)
        if extra is not None:
            value = replace(value, other_text=extra.other_text, comment=extra.comment)
        elif key is not None and not rows[0].text:
            if len(self.shared) >= self.SHARED:
                self.shared.clear()
            self.shared[key] = value
        return value


def export_counts(survey: Survey, layout: Layout, filters: Filters, cols) -> dict[str, int]:
    """How many non-empty cells each export column (``cols``, analysis.export.Column) has, in
    two queries."""
    participants = _responses(survey, filters).filter(Exists(Answer.objects.filter(response=OuterRef("pk"))))
    fixed = participants.aggregate(
        n=Count("pk"),
        complete=Count("pk", filter=Q(status=Response.Status.COMPLETE)),
        saved=Count("last_saved_at"),
    )
    counts = {
        "response_id": fixed["n"],
        "status": fixed["n"],
        "language": fixed["n"],
        "started_on": fixed["n"],
        "completed_on": fixed["complete"],
        "duration_minutes": fixed["saved"],
        "last_page": fixed["n"],
        "is_test": fixed["n"],  # a column only when tests are included: 1 or 0 in every row
    }
    rows = (
        _answers(survey, filters, [q.id for q in layout.questions])
        .values("question_id", "row")
        .annotate(
            answered=Count("id"),
            other_text=Count("id", filter=~Q(other_text="")),
            comment=Count("id", filter=~Q(comment="")),
            text=Count("id", filter=~Q(text="")),
        )
    )
    # Per (question, answer row); a question's "other" and comment are counted over its rows.
    per_row: dict[tuple[str, str], dict] = {}
    extras: dict[tuple[str, str], int] = {}
    for row in rows:
        code = layout.code_of_question[row["question_id"]]
        per_row[(code, row["row"])] = row
        for part in ("other_text", "comment"):
            extras[(code, part)] = extras.get((code, part), 0) + row[part]
    for col in cols:
        if col.part == "value":
            # A cell is empty when the answer is missing, or, for a text, when it is "".
            found = per_row.get((col.question, col.row), {})
            counts[col.name] = found.get("text" if col.source == "text" else "answered", 0)
        elif col.part in ("other_text", "comment"):
            counts[col.name] = extras.get((col.question, col.part), 0)
    return counts
