"""The report as plain JSON-ready data: what ``manage.py analyze --json`` prints."""

from __future__ import annotations

import dataclasses

from . import report
from .distributions import ChoiceSummary, ScaleSummary, TextSummary


def _rounded(value, digits: int = 4):
    return None if value is None else round(value, digits)


def _rows(rows) -> dict:
    return {r.code: {"count": r.count, "percent": _rounded(r.percent)} for r in rows}


def question(result: report.QuestionResult) -> dict:
    s = result.summary
    data: dict = {"kind": result.info.kind, "n": s.n}
    if isinstance(s, ChoiceSummary):
        data.update(choices=_rows(s.rows), other_texts=s.other_texts)
    elif isinstance(s, ScaleSummary):
        data.update(
            mean=_rounded(s.mean),
            sd=_rounded(s.sd),
            median=s.median,
            q1=s.q1,
            q3=s.q3,
            counts={r.code: r.count for r in s.counts},
            bins=_rows(s.bins),
            share_8_plus=_rounded(s.share_8_plus),
        )
    elif isinstance(s, TextSummary):
        data.update(texts=s.texts)
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


def full_report(ctx: report.Context) -> dict:
    summary, steps = report.overview(ctx)
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
        "questions": {r.info.code: question(r) for r in report.question_results(ctx)},
        "subgroups": [subgroup_row(row) for row in report.subgroup_table(ctx)],
    }
