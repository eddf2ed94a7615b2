"""The report as plain JSON-ready data: what ``manage.py analyze --json`` prints."""

from __future__ import annotations

import dataclasses

from . import report, results_section
from .distributions import rounded as _rounded


def question(result: report.QuestionResult) -> dict:
    """The kind, then the figures its kind gives (``Kind.summary_data``), then the comments."""
    info = result.info
    data: dict = {"kind": info.kind, **info.kind_module.summary_data(info, result.summary)}
    if result.comments is not None:
        data["comments"] = result.comments.texts
    return data


def subgroup_row(row: report.SubgroupRow) -> dict:
    comparisons = {}
    for c in row.comparisons:
        test = c.test
        comparisons[c.grouping.code] = {
            "groups": {
                g.group: {"n": g.n, "positive": g.positive, "percent": _rounded(g.percent)} for g in c.cells
            },
            "statistic": _rounded(test.statistic, 6),
            "df": test.df,
            "p_value": test.p_value,
            "significant": test.significant(),
            "yates": test.yates,
            "low_expected": test.low_expected,
            "fisher_p_value": test.fisher_p_value,
        }
    return {
        "outcome": row.outcome.code,
        "question": row.outcome.question,
        "label": row.outcome.label,
        "groupings": comparisons,
    }


def reference(comparison) -> dict:
    """The sample beside one reference of the plan (``representativeness.ReferenceComparison``)."""
    return {
        "reference": comparison.reference.code,
        "source": comparison.reference.source,
        "margins": [
            {
                "question": m.margin.question,
                "choices": list(m.margin.choices),
                "label": m.margin.label,
                "n": m.n,
                "count": m.count,
                "percent": _rounded(m.percent),
                "reference_percent": _rounded(m.reference_percent),
                "statistic": _rounded(m.statistic, 6),
                "df": m.df,
                "p_value": m.p_value,
                "low_expected": m.low_expected,
                "binomial_p_value": m.binomial_p_value,
            }
            for m in comparison.margins
        ],
    }


def full_report(ctx: report.Context, results: list[report.QuestionResult] | None = None) -> dict:
    """The whole report; ``results``: the questions' results, when already computed."""
    summary, steps = report.overview(ctx)
    if results is None:
        results = report.question_results(ctx)
    return {
        "survey": ctx.survey.slug,
        "instrument_version": ctx.survey.instrument_version,
        "filters": ctx.filters.as_dict(),
        "test_responses_left_out": ctx.tests_left_out,
        "started": summary.started,
        "participants": summary.participants,
        "complete": summary.complete,
        "completion_rate": _rounded(summary.completion_rate),
        "per_day": [{"date": day.isoformat(), "participants": n} for day, n in summary.per_day],
        "funnel": [dataclasses.asdict(s) for s in steps],
        "questions": {r.info.code: question(r) for r in results},
        "subgroups": [subgroup_row(row) for row in report.subgroup_table(ctx)],
        "representativeness": [
            reference(c) for c in results_section.references(ctx, {r.info.code: r for r in results})
        ],
    }
