"""What the analyses know of a question (``QuestionInfo``, read by its kind), and the categorical
variables they compare: a question whose answer is one category (a single choice) as it is, or a
variable derived from one (the paper's groupings and outcomes), defined as data with the instrument.

Raw values are strings: a choice code, or a score written as digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

Label = dict  # {"fr": ..., "en": ...}


def pick(label: Label, language: str) -> str:
    return label.get(language[:2]) or label.get("fr") or ""


@dataclass(frozen=True)
class QuestionInfo:
    """What the analyses need to know of a question (built from the instrument): what its kind
    (``kind_module``, surveys/kinds/) reads to give its columns, codebook, statistics and chart.
    Settings that are not the kind's own stay empty."""

    code: str
    kind: str  # a name of surveys.kinds.KINDS
    text: Label
    choices: tuple[tuple[str, Label], ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: Label = field(default_factory=dict)  # a scale's anchors, empty when none
    scale_max_label: Label = field(default_factory=dict)
    number_min: Decimal | None = None
    number_max: Decimal | None = None
    decimals: int = 0  # a number's decimal places: 0 for a whole number
    unit: Label = field(default_factory=dict)
    date_min: dt.date | None = None
    date_max: dt.date | None = None
    statements: tuple[tuple[str, Label], ...] = ()  # a grid's, (code, text)
    has_other: bool = False  # one of the choices is "other, please specify"
    page: int = 0  # the position of its page

    @property
    def kind_module(self):
        """Everything about the question's kind (surveys/kinds/): the analyses ask it."""
        from surveys.kinds import kind

        return kind(self.kind)

    @property
    def choice_codes(self) -> list[str]:
        return [code for code, _ in self.choices]

    @cached_property
    def choice_labels(self) -> dict[str, Label]:
        return dict(self.choices)

    @property
    def statement_codes(self) -> list[str]:
        return [code for code, _ in self.statements]


@dataclass(frozen=True)
class Category:
    code: str
    label: Label


@dataclass(frozen=True)
class Variable:
    code: str
    label: Label
    question: str
    categories: tuple[Category, ...]
    mapping: dict  # raw value -> category code; values not in it are left out

    def categorize(self, raw: str) -> str | None:
        return self.mapping.get(raw)

    @property
    def category_codes(self) -> list[str]:
        return [c.code for c in self.categories]


def question_variable(q: QuestionInfo) -> Variable:
    """A question whose answer is one category (a single choice), its choices as categories."""
    categories = tuple(Category(code, label) for code, label in q.choices)
    return Variable(q.code, q.text, q.code, categories, {c.code: c.code for c in categories})


def grouping_variable(spec: dict, q: QuestionInfo) -> Variable:
    """``groups`` each list the choices they take; one may take ``otherwise`` (every choice the
    others do not), e.g. general practice vs every other specialty."""
    mapping: dict[str, str] = {}
    for group in spec["groups"]:
        for choice in group.get("choices", ()):
            mapping[choice] = group["code"]
    rest = [g for g in spec["groups"] if g.get("otherwise")]
    if rest:
        for code in q.choice_codes:
            mapping.setdefault(code, rest[0]["code"])
    categories = tuple(Category(g["code"], g["label"]) for g in spec["groups"])
    return Variable(spec["code"], spec["label"], q.code, categories, mapping)


YES_NO = (Category("yes", {"fr": "Oui", "en": "Yes"}), Category("no", {"fr": "Non", "en": "No"}))


def outcome_variables(spec: dict, questions: dict[str, QuestionInfo]) -> list[Variable]:
    """Binary outcomes: ``positive`` is ``choices`` / ``not_choices`` (a single-choice question)
    or ``min_score`` (a scale). With ``questions`` the outcome is repeated for each question."""
    positive = spec["positive"]
    codes = spec.get("questions") or [spec["question"]]
    variables = []
    for code in codes:
        q = questions[code]
        if "min_score" in positive:
            values = [str(s) for s in range(q.scale_min, q.scale_max + 1)]
            mapping = {v: "yes" if int(v) >= positive["min_score"] else "no" for v in values}
        elif "choices" in positive:
            mapping = {c: "yes" if c in positive["choices"] else "no" for c in q.choice_codes}
        else:
            mapping = {c: "no" if c in positive["not_choices"] else "yes" for c in q.choice_codes}
        many = len(codes) > 1
        label = {
            lang: (
                f"{code}. {pick(q.text, lang)} — {pick(spec['label'], lang)}"
                if many
                else pick(spec["label"], lang)
            )
            for lang in ("fr", "en")
        }
        variables.append(
            Variable(f"{spec['code']}__{code}" if many else spec["code"], label, code, YES_NO, mapping)
        )
    return variables


@dataclass(frozen=True)
class Margin:
    """A population's share in some choices of a single-choice question (e.g. 46 % women)."""

    question: str
    choices: tuple[str, ...]
    share: float  # a proportion, 0 < share < 1
    label: Label
    note: Label = field(default_factory=dict)  # how the comparison is made, where it needs saying


@dataclass(frozen=True)
class Reference:
    """National figures the sample is compared to, from one source (representativeness)."""

    code: str
    source: Label
    margins: tuple[Margin, ...]


def reference(spec: dict) -> Reference:
    margins = tuple(
        Margin(m["question"], tuple(m["choices"]), m["share"], m["label"], m.get("note") or {})
        for m in spec["margins"]
    )
    return Reference(spec["code"], spec["source"], margins)


@dataclass(frozen=True)
class AnalysisPlan:
    groupings: list[Variable]
    outcomes: list[Variable]
    references: list[Reference] = field(default_factory=list)

    def variable(self, code: str, questions: dict[str, QuestionInfo]) -> Variable | None:
        """A grouping, an outcome or a question whose answer is one category, by code."""
        for v in self.groupings + self.outcomes:
            if v.code == code:
                return v
        q = questions.get(code)
        return question_variable(q) if q and q.kind_module.analysis_role == "category" else None


def analysis_plan(spec: dict, questions: dict[str, QuestionInfo]) -> AnalysisPlan:
    groupings = [grouping_variable(g, questions[g["question"]]) for g in spec.get("groupings", ())]
    outcomes = [v for o in spec.get("outcomes", ()) for v in outcome_variables(o, questions)]
    references = [reference(r) for r in spec.get("references", ())]
    return AnalysisPlan(groupings, outcomes, references)
