"""What every kind of question is made of: the parts a kind module provides (see __init__).

A kind answers, for its questions: what the instrument file may say and how it is checked
(``parse``, ``to_data``, ``structure``, ``wording``), how it is kept in the database
(``model_values``, ``spec_values``, ``stored_rows``, ``ticked``, ``from_stored``), its form
(``fields``, ``layout``, ``cleaned_value``, ``initial``, ``missing``), what conditions may ask of
it (``operators``, ``value_type``), and what the analyses do with it (``ANALYSIS_PARTS``): its
export columns and cells, its codebook lines, the values its statistics count, its statistics,
its chart, their JSON and the dashboard's partial that shows them. The rest of the code asks the
kind; no other module tests a kind's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import Cells, CodebookEntry, Column
from analysis.variables import pick

from ..specs import ChoiceSpec, QuestionSpec, Text
from ..values import AnswerValue, StoredRow

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from analysis.report import QuestionResult
    from analysis.variables import QuestionInfo

    from ..instrument import _Parser
    from ..models import Question

OTHER = "__other_text"
# A question answered in one box (text, number, date, list): label, hint, error above, the box.
ONE_BOX = "surveys/fields/input.html"
COMMENT = "__comment"
CODE_CHARS = "letters, digits and single '_'"
# What every kind provides for the analyses (analysis/): tests/analysis/test_kinds.py checks that
# each kind has its own of each.
ANALYSIS_PARTS = (
    "export_columns",
    "export_cells",
    "codebook",
    "value_fields",
    "summarize",
    "chart_name",
    "chart",
    "summary_data",
    "results_template",
)


class Kind:
    """The base of every kind: the parts all kinds share. A kind module subclasses it (or one of
    the families below) and fills in what is its own."""

    name: ClassVar[str]
    label: ClassVar[Any]
    answerable: ClassVar[bool] = True
    # What a condition on a question of this kind may ask (surveys/conditions.py), and the type
    # of the value it compares ("integer", "number", "date").
    operators: ClassVar[tuple[str, ...]] = ()
    value_type: ClassVar[str | None] = None
    # What the subgroup analyses may do with it: "category" (one choice per answer: a grouping,
    # or an outcome by choices) or "score" (an outcome by a threshold); None: neither.
    analysis_role: ClassVar[str | None] = None
    # The Question columns of its own settings, edited in the admin (empty for the others), and
    # the values they take when left empty there.
    admin_fields: ClassVar[tuple[str, ...]] = ()
    admin_defaults: ClassVar[dict] = {}
    # Whether its questions have choices, and statements (the admin shows those inlines).
    has_choices: ClassVar[bool] = False
    has_statements: ClassVar[bool] = False
    # The file keys of this kind besides those every question has.
    file_keys: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        return f"<kind {self.name}>"

    # -- 1. the instrument file -----------------------------------------------------------

    def parse(self, p: _Parser, node, code: str) -> dict:
        """The kind's own fields of the QuestionSpec, read from the file's ``node``."""
        return {}

    def to_data(self, q: QuestionSpec) -> dict:
        """The kind's own keys of the file, the inverse of ``parse``."""
        return {}

    def structure(self, q: QuestionSpec) -> dict[str, object]:
        """What answers depend on besides the code and the kind, by name ("choices"…)."""
        return {}

    def wording(self, q: QuestionSpec) -> dict[str, Text]:
        """The kind's own editable texts, by name ("minimum anchor"…)."""
        return {}

    # -- 2. the database ----------------------------------------------------------------

    def model_values(self, q: QuestionSpec) -> dict:
        """The Question columns of the kind's settings (every kind sets all of them, empty
        when not its own, so that changing a question's kind clears the others)."""
        return {
            "scale_min": None,
            "scale_max": None,
            "scale_min_label_fr": "",
            "scale_min_label_en": "",
            "scale_max_label_fr": "",
            "scale_max_label_en": "",
            "number_min": None,
            "number_max": None,
            "decimals": None,
            "unit_fr": "",
            "unit_en": "",
            "date_min": None,
            "date_max": None,
        }

    def spec_values(self, question: Question) -> dict:
        """The QuestionSpec fields of the kind, read from the live question."""
        return {}

    def stored_rows(self, question: Question, value: AnswerValue) -> list[dict]:
        """The Answer rows that keep ``value``: each a dict of ``row`` and the value columns."""
        raise NotImplementedError

    def ticked(self, question: Question, value: AnswerValue) -> tuple[str, ...]:
        """The choice codes kept as ticked options (a multiple choice's)."""
        return ()

    def from_stored(self, question, rows: list[StoredRow]) -> AnswerValue:
        """The answer that the stored ``rows`` of one question hold."""
        raise NotImplementedError

    # -- 3. the respondent's form ---------------------------------------------------------

    def fields(self, question: Question, label: str) -> dict[str, forms.Field]:
        """The form fields of the answer itself, by name (the question's code, or one per
        statement); "other" and comment boxes are added for every kind that has them."""
        raise NotImplementedError

    def layout(self, question: Question) -> list:
        """The crispy layout of those fields."""
        raise NotImplementedError

    def cleaned_value(self, question: Question, cleaned: dict) -> AnswerValue:
        """The answer given, from the form's cleaned data."""
        raise NotImplementedError

    def initial(self, question: Question, answer: AnswerValue) -> dict:
        """The form's initial data for a saved answer."""
        raise NotImplementedError

    def missing(self, question: Question, value: AnswerValue) -> list[str]:
        """The fields a required question still needs."""
        return [question.code] if value.is_empty else []

    def check(self, question: Question, value: AnswerValue) -> dict[str, str]:
        """Errors of an answer beyond its fields' own (field name -> message)."""
        return {}

    # -- 4. the analyses (analysis/): what a question is to a statistician ---------------------
    # ``info`` is what the analyses know of the question (analysis.variables.QuestionInfo).

    def export_columns(self, info: QuestionInfo) -> list[Column]:
        """The wide CSV's columns of the answer itself, side by side (the "other" and comment
        columns, which any kind may have, follow them: ``analysis.export.columns``)."""
        raise NotImplementedError

    def export_cells(self, info: QuestionInfo, value: AnswerValue, cells: Cells) -> list[str]:
        """The cells of one answer, one per ``export_columns``, written with ``cells``."""
        raise NotImplementedError

    def codebook(self, info: QuestionInfo) -> list[CodebookEntry]:
        """What the codebook says of each of ``export_columns``."""
        raise NotImplementedError

    def value_fields(self, info: QuestionInfo) -> tuple[str, ...]:
        """The answer fields that hold the kind's values, what ``from_stored`` reads and the
        statistics count (``analysis.queries``): "choice", "score", "number", "date", "ticked"
        (the options of a multiple choice), "text" (read as they are, not counted), after "row"
        when there is one answer row per statement; () for none."""
        raise NotImplementedError

    def summarize(self, info: QuestionInfo, counted: distributions.Counted) -> distributions.Summary | None:
        """The question's statistics (analysis/distributions.py) from what was counted of the
        ``value_fields`` of its answers."""
        raise NotImplementedError

    def chart_name(self, info: QuestionInfo) -> str | None:
        """The name (in URLs) of the chart that shows the question; the questions that share a
        name are drawn together, by the kind of the first. None: no chart."""
        raise NotImplementedError

    def chart(self, results: list[QuestionResult], language: str, page_title: str) -> Figure | None:
        """The figure of ``results``, those of the questions sharing a ``chart_name``."""
        raise NotImplementedError

    def summary_data(self, info: QuestionInfo, summary) -> dict:
        """The summary as JSON-ready data (``manage.py analyze --json``)."""
        raise NotImplementedError

    def results_template(self, info: QuestionInfo) -> str:
        """The partial of the dashboard's results page that shows the question's summary
        (templates/analysis/results/)."""
        raise NotImplementedError


def required_error(field: forms.Field) -> forms.Field:
    # Required-ness is decided by the form's clean(): it depends on skip logic and direction.
    field.required = False
    field.error_messages["required"] = _("Please answer this question.")
    return field


def choices_of(question) -> list:
    return list(question.choices.all())


CHOICE_KEYS = frozenset({"code", "fr", "en", "other", "exclusive"})


def parse_choices(p: _Parser, node, code: str, *, other: bool, exclusive: bool) -> tuple[ChoiceSpec, ...]:
    raw = node.get("choices")
    if not isinstance(raw, list) or len(raw) < 2:
        p.fail(node, "a choice question needs a list of at least two 'choices'", code)
    result, codes = [], set()
    for item in raw:
        item = p.mapping(item, "a choice", node)
        extra = sorted(str(key) for key in set(item) - CHOICE_KEYS)
        if extra:  # e.g. an unquoted "en: Ear, nose and throat" read by YAML as two keys
            p.fail(item, f"a choice holds code, fr, en, other and exclusive; not '{extra[0]}'", code)
        choice_code = p.string(item, "code", code=code)
        p.check_code(item, choice_code, "choice code", code)
        if choice_code in codes:
            p.fail(item, f"choice code '{choice_code}' is used twice", code)
        codes.add(choice_code)
        is_other = p.flag(item, "other", False, code)
        is_exclusive = p.flag(item, "exclusive", False, code)
        if is_other and not other:
            p.fail(item, "this kind of question has no 'other, please specify' choice", code)
        if is_exclusive and not exclusive:
            p.fail(item, "only a multiple choice has 'exclusive' choices", code)
        if is_other and is_exclusive:
            p.fail(item, "an 'other' choice cannot also be exclusive", code)
        label = Text(p.string(item, "fr", code=code), p.string(item, "en", False, code))
        result.append(ChoiceSpec(choice_code, label, is_other, is_exclusive))
    if sum(c.is_other for c in result) > 1:
        p.fail(node, "at most one choice can be the 'other, please specify' one", code)
    return tuple(result)


def choices_data(choices) -> list[dict]:
    return [
        {"code": c.code, "fr": c.label.fr, **({"en": c.label.en} if c.label.en else {})}
        | ({"other": True} if c.is_other else {})
        | ({"exclusive": True} if c.is_exclusive else {})
        for c in choices
    ]


def choice_specs(question) -> tuple[ChoiceSpec, ...]:
    return tuple(
        ChoiceSpec(c.code, Text(c.label_fr, c.label_en), c.is_other, c.is_exclusive)
        for c in choices_of(question)
    )


class ChoiceFamily(Kind):
    """Kinds whose answer is among the question's choices (single, dropdown, multiple)."""

    file_keys = ("choices",)
    has_choices = True
    has_other: ClassVar[bool] = True
    has_exclusive: ClassVar[bool] = False

    def parse(self, p, node, code):
        return {"choices": parse_choices(p, node, code, other=self.has_other, exclusive=self.has_exclusive)}

    def to_data(self, q):
        return {"choices": choices_data(q.choices)}

    def structure(self, q):
        return {
            "choices": [c.code for c in q.choices],
            "'other' choice": next((c.code for c in q.choices if c.is_other), None),
            "exclusive choices": [c.code for c in q.choices if c.is_exclusive],
        }

    def wording(self, q):
        return {f"choice {c.code}, label": c.label for c in q.choices}

    def spec_values(self, question):
        return {"choices": choice_specs(question)}

    def check(self, question, value):
        other = next((c for c in choices_of(question) if c.is_other), None)
        if other and other.code in value.chosen and not value.other_text.strip():
            return {
                question.code + OTHER: _("Please specify your answer “%(label)s”.") % {"label": other.label}
            }
        return {}


def has_other(question) -> bool:
    return any(c.is_other for c in choices_of(question))


# -- shared by the kinds' analysis parts ---------------------------------------------------------


def chart_title(info: QuestionInfo, language: str) -> str:
    """A chart's title: "Q3. Your specialty"."""
    return f"{info.code}. {pick(info.text, language)}"


def with_suffix(text: dict, suffix: dict) -> dict:
    """The question's text with what a column of several is of: "Forces — Rapidité"."""
    return {language: f"{pick(text, language)} — {pick(suffix, language)}" for language in ("fr", "en")}


def choice_values(info: QuestionInfo) -> str:
    """The codebook's values of a choice: "code = label | code = label" (French labels)."""
    return " | ".join(f"{code} = {pick(label, 'fr')}" for code, label in info.choices)


def share_axis(ns: list[int]) -> str:
    """The axis of a chart of shares with its number of respondents, "% of respondents (n = 95)";
    "n = 58–61" when the bars have different numbers (each bar's then ends its label)."""
    low, high = min(ns, default=0), max(ns, default=0)
    n = str(low) if low == high else f"{low}–{high}"
    return gettext("%(percent)s of respondents (n = %(n)s)") % {"percent": "%", "n": n}


def choice_chart(result: QuestionResult, language: str) -> Figure:
    """Horizontal bars, one per choice, of the % of respondents who chose it."""
    from analysis import charts

    info, summary = result.info, result.summary
    return charts.bar_chart(
        chart_title(info, language),
        [pick(info.choice_labels[r.code], language) for r in summary.rows],
        [r.percent or 0 for r in summary.rows],
        [r.count for r in summary.rows],
        share_axis([summary.n]),
        decimal="," if language == "fr" else ".",
    )
