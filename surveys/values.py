"""One question's answer as plain values: what a form gives and what a response holds.

Which field a kind fills is the kind's business (surveys/kinds/): a single choice or a dropdown
its ``choice``, a multiple choice its ``choices``, a scale its ``score``, a number its
``number``, a date its ``date``, a text its ``text``, a grid its ``rows``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class AnswerValue:
    choice: str | None = None  # single choice: the choice code
    choices: tuple[str, ...] = ()  # multiple choice: the codes chosen, in questionnaire order
    score: int | None = None
    number: Decimal | None = None
    date: dt.date | None = None
    text: str = ""
    # A grid: statement code -> choice code, for the statements answered.
    rows: dict[str, str] = field(default_factory=dict)
    other_text: str = ""
    comment: str = ""

    @property
    def chosen(self) -> tuple[str, ...]:
        """The choice codes chosen, whatever the kind."""
        return (self.choice,) if self.choice else self.choices

    @property
    def comparable(self) -> Decimal | dt.date | None:
        """The score, number or date, for a condition that compares it with a value."""
        if self.score is not None:
            return Decimal(self.score)
        if self.number is not None:
            return self.number
        return self.date

    @property
    def is_empty(self) -> bool:
        return not (
            self.choice
            or self.choices
            or self.score is not None
            or self.number is not None
            or self.date is not None
            or self.text.strip()
            or self.rows
        )


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One stored answer row as read back, codes instead of ids: a question's answer is one row
    (a grid's, one per statement, ``row`` naming it)."""

    row: str = ""
    choice: str | None = None
    score: int | None = None
    number: Decimal | None = None
    date: dt.date | None = None
    text: str = ""
    other_text: str = ""
    comment: str = ""
    ticked: tuple[str, ...] = ()  # a multiple choice's options, in questionnaire order
