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
    summary: distributions.ChoiceSummary | distributions.ScaleSummary | distributions.TextSummary
    comments: distributions.TextSummary | None = None


def question_results(ctx: Context, codes: list[str] | None = None) -> list[QuestionResult]:
    """Every question's distribution (or those of ``codes``), in questionnaire order."""
    counts = queries.value_counts(ctx.survey, ctx.layout, ctx.filters, codes)
    results = []
    for question in ctx.layout.questions:
        if codes is not None and question.code not in codes:
            continue
        info = ctx.questions[question.code]
        mine = counts[counts["question"] == question.code]
        values = mine[mine["value"].notna()].groupby("value")["n"].sum()
        respondents = int(mine[mine["value"].isna()]["n"].sum())
        other = None
        if any(c.is_other for c in question.choices.all()):
            other = queries.texts(ctx.survey, ctx.filters, question.id, "other_text")[1]
        if info.kind == "single":
            summary = distributions.single_choice(info.choice_codes, values, other or ())
        elif info.kind == "multiple":
            summary = distributions.multiple_choice(info.choice_codes, values, respondents, other or ())
        elif info.kind == "scale":
            scores = pd.Series({int(k): int(v) for k, v in values.items()}, dtype="int64")
            summary = distributions.scale(scores, info.scale_min, info.scale_max)
        else:
            summary = distributions.free_text(*queries.texts(ctx.survey, ctx.filters, question.id, "text"))
        comments = None
        if question.has_comment:
            comments = distributions.free_text(
                *queries.texts(ctx.survey, ctx.filters, question.id, "comment")
            )
        results.append(QuestionResult(info, summary, comments))
    return results


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
    """What the cross-tabulation tool offers: groupings, outcomes, single-choice questions."""
    singles = [ctx.plan.variable(q.code, ctx.questions) for q in ctx.layout.questions if q.kind == "single"]
    return ctx.plan.groupings + ctx.plan.outcomes + singles


def crosstab(ctx: Context, row_code: str, col_code: str) -> subgroups.Crosstab | None:
    rows = ctx.plan.variable(row_code, ctx.questions)
    cols = ctx.plan.variable(col_code, ctx.questions)
    if rows is None or cols is None:
        return None
    pairs = queries.pair_counts(ctx.survey, ctx.layout, ctx.filters, [rows.question], [cols.question])
    return subgroups.crosstab(pairs, rows, cols)
