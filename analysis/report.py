"""The results section of a study, computed live: wires ``queries`` (the database) to the pure
functions. The dashboard and ``manage.py analyze`` both read it from here."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surveys.models import Survey
from surveys.selectors import Layout, survey_layout

from . import distributions, participation, queries, subgroups
from .queries import Filters
from .variables import AnalysisPlan, QuestionInfo, Variable, analysis_plan


@dataclass
class Context:
    """A survey with its layout, question infos and analysis plan: loaded once per request."""

    survey: Survey
    layout: Layout
    questions: dict[str, QuestionInfo]
    plan: AnalysisPlan
    filters: Filters  # resolved against the survey: they know how many test responses it has

    @classmethod
    def load(cls, survey: Survey, filters: Filters | None = None) -> Context:
        layout = survey_layout(survey)
        infos = queries.question_infos(layout)
        resolved = queries.resolve(survey, filters or Filters())
        return cls(survey, layout, infos, analysis_plan(survey.analysis or {}, infos), resolved)

    @property
    def tests_left_out(self) -> int:
        """How many test responses (pilot runs) the figures leave out: all of them, unless asked for."""
        return 0 if self.filters.include_tests else self.filters.test_responses


def overview(ctx: Context) -> tuple[participation.Participation, list[participation.FunnelStep]]:
    days = queries.participants_per_day(ctx.survey, ctx.filters)
    groups = queries.funnel_groups(ctx.survey, ctx.layout, ctx.filters)
    summary = participation.participation(
        started=sum(n for _furthest, _chosen, n in groups),
        participants=int(days["participants"].sum()),
        complete=int(days["complete"].sum()),
        per_day=days.set_index("day")["participants"],
    )
    steps = participation.funnel(participation.funnel_from_groups(ctx.layout.rules, groups))
    return summary, steps


@dataclass(frozen=True)
class QuestionResult:
    info: QuestionInfo
    summary: distributions.Summary  # the one its kind gives (Kind.summarize)
    comments: distributions.TextSummary | None = None


def question_results(ctx: Context, codes: list[str] | None = None) -> list[QuestionResult]:
    """Every question's distribution (or those of ``codes``), in questionnaire order: what was
    counted of its answers, summarized by its kind. Notes, which ask nothing, have none."""
    counts = queries.value_counts(ctx.survey, ctx.layout, ctx.filters, codes)
    by_question = {code: rows for code, rows in counts.groupby("question")} if len(counts) else {}
    results = []
    for question in ctx.layout.questions:
        if codes is not None and question.code not in codes:
            continue
        info = ctx.questions[question.code]
        kind = info.kind_module
        if not kind.answerable:
            continue
        summary = kind.summarize(info, _counted(ctx, question, info, by_question.get(question.code)))
        comments = None
        if question.has_comment:
            comments = distributions.free_text(
                *queries.texts(ctx.survey, ctx.filters, question.id, "comment")
            )
        results.append(QuestionResult(info, summary, comments))
    return results


def _counted(ctx: Context, question, info: QuestionInfo, rows: pd.DataFrame | None) -> distributions.Counted:
    """What was counted of one question's answers (``rows``: its lines of value_counts), with
    the texts its kind reads as they are and the latest "other, please specify"."""
    if rows is None:
        rows = pd.DataFrame(columns=["question", "row", "value", "n"])
    given = rows[rows["value"].notna()]
    whole = given[given["row"] == ""]
    per_statement = {
        statement: mine.groupby("value")["n"].sum()
        for statement, mine in given[given["row"] != ""].groupby("row")
    }
    texts = None
    if "text" in info.kind_module.value_fields(info):
        texts = distributions.free_text(*queries.texts(ctx.survey, ctx.filters, question.id, "text"))
    other = queries.texts(ctx.survey, ctx.filters, question.id, "other_text")[1] if info.has_other else []
    return distributions.Counted(
        values=whole.groupby("value")["n"].sum(),
        respondents=int(rows[rows["value"].isna()]["n"].sum()),
        rows=per_statement,
        other_texts=other,
        texts=texts,
    )


@dataclass(frozen=True)
class SubgroupRow:
    outcome: Variable
    comparisons: list[subgroups.SubgroupComparison]  # one per grouping, in the plan's order


def subgroup_table(ctx: Context) -> list[SubgroupRow]:
    """The paper's Table 1, from one query whatever the number of groupings and outcomes."""
    if not ctx.plan.groupings or not ctx.plan.outcomes:
        return []
    pairs = queries.pair_counts(
        ctx.survey,
        ctx.layout,
        ctx.filters,
        sorted({g.question for g in ctx.plan.groupings}),
        sorted({o.question for o in ctx.plan.outcomes}),
    )
    rows = []
    for outcome in ctx.plan.outcomes:
        comparisons = []
        for grouping in ctx.plan.groupings:
            mine = pairs[
                (pairs["row_question"] == grouping.question) & (pairs["question"] == outcome.question)
            ]
            comparisons.append(subgroups.compare(mine, grouping, outcome))
        rows.append(SubgroupRow(outcome, comparisons))
    return rows


def crosstab_variables(ctx: Context) -> list[Variable]:
    """What the cross-tabulation tool offers: groupings, outcomes, and the questions whose
    answer is one category (single choices, dropdowns)."""
    categories = [
        ctx.plan.variable(info.code, ctx.questions)
        for info in ctx.questions.values()
        if info.kind_module.analysis_role == "category"
    ]
    return ctx.plan.groupings + ctx.plan.outcomes + categories


def crosstab(ctx: Context, row_code: str, col_code: str) -> subgroups.Crosstab | None:
    rows = ctx.plan.variable(row_code, ctx.questions)
    cols = ctx.plan.variable(col_code, ctx.questions)
    if rows is None or cols is None:
        return None
    pairs = queries.pair_counts(ctx.survey, ctx.layout, ctx.filters, [rows.question], [cols.question])
    return subgroups.crosstab(pairs, rows, cols)
