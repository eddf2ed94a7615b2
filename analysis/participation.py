"""Who took part, who finished, when, and where people stopped (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from surveys.skip_logic import Rule, visible_codes

from .distributions import percent


@dataclass(frozen=True)
class Participation:
    started: int  # consented
    participants: int  # answered at least one question
    complete: int  # submitted the last page
    completion_rate: float | None  # complete / participants, as the paper reports it
    per_day: list[tuple[dt.date, int]]  # participants by the day they started


def participation(started: int, participants: int, complete: int, per_day: pd.Series) -> Participation:
    """``per_day``: participants indexed by the date they started."""
    days = [(day, int(count)) for day, count in per_day.sort_index().items() if count]
    return Participation(started, participants, complete, percent(complete, participants), days)


@dataclass(frozen=True)
class FunnelStep:
    page: int
    shown: int  # reached the page, and skip logic showed it to them
    answered: int  # submitted it
    dropped: int
    drop_rate: float | None


def funnel_from_groups(rules: list[Rule], groups) -> list[tuple[int, int, int]]:
    """(page, shown, answered) from responses grouped by (furthest page submitted, answers to
    the questions conditions depend on, count).

    Shown: skip logic shows the page, and every page before it that skip logic showed was
    submitted. Answered: shown and submitted. Someone for whom Q11-Q18 were hidden is therefore
    neither shown page 3 nor counted as stopping there.
    """
    pages = sorted({r.page for r in rules})
    shown, answered = dict.fromkeys(pages, 0), dict.fromkeys(pages, 0)
    for furthest, answers, n in groups:
        visible = visible_codes(rules, answers)
        reached = True
        for page in pages:
            if not any(r.page == page and r.code in visible for r in rules):
                continue
            if not reached:
                break
            shown[page] += n
            if furthest >= page:
                answered[page] += n
            reached = furthest >= page
    return [(page, shown[page], answered[page]) for page in pages]


def funnel(pages: list[tuple[int, int, int]]) -> list[FunnelStep]:
    """``pages``: (page position, shown, answered) for each page, in order."""
    return [
        FunnelStep(page, shown, answered, shown - answered, percent(shown - answered, shown))
        for page, shown, answered in pages
    ]
