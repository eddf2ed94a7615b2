"""An instrument as plain, immutable values (pure): what a file describes and the database holds.

``instrument.parse_data`` builds these from a file's data and ``instrument_data.spec_to_data``
writes them back; ``selectors.survey_spec`` builds them from the live survey.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .conditions import Condition


@dataclass(frozen=True)
class Text:
    fr: str
    en: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.fr or self.en)


@dataclass(frozen=True)
class ChoiceSpec:
    code: str
    label: Text
    is_other: bool = False
    is_exclusive: bool = False


@dataclass(frozen=True)
class StatementSpec:
    """A row of a grid."""

    code: str
    text: Text


@dataclass(frozen=True)
class ScaleSpec:
    min: int
    max: int
    min_label: Text
    max_label: Text


@dataclass(frozen=True)
class NumberSpec:
    min: Decimal | None = None
    max: Decimal | None = None
    decimals: int = 0  # 0: a whole number
    unit: Text = Text("")


@dataclass(frozen=True)
class DateSpec:
    min: dt.date | None = None
    max: dt.date | None = None


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    text: Text
    help: Text
    required: bool
    has_comment: bool
    choices: tuple[ChoiceSpec, ...] = ()
    scale: ScaleSpec | None = None
    condition: Condition | None = None
    number: NumberSpec | None = None
    date: DateSpec | None = None
    statements: tuple[StatementSpec, ...] = ()


@dataclass(frozen=True)
class PageSpec:
    title: Text
    lead_in: Text
    questions: tuple[QuestionSpec, ...]
    condition: Condition | None = None


@dataclass(frozen=True)
class InstrumentSpec:
    slug: str
    version: str
    status: str
    title: Text
    introduction: Text
    consent: Text
    ethics_approval: str
    contact: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    pages: tuple[PageSpec, ...] = field(default=())
    # Groupings and outcomes for the subgroup comparisons, as plain data (see README).
    analysis: dict = field(default_factory=dict)

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for page in self.pages for q in page.questions]
