"""Analysis scripts made for a survey, in R (base R only) and in Python (pandas and scipy), for
the statisticians to download beside its plain CSV export.

Each script reads the export (comma, UTF-8, an empty cell is missing and nothing else is: a free
text "NA" is an answer), leaves out test responses, labels every column in one language, builds
the analysis plan's groupings and outcomes as ``analysis.variables`` does, prints each question's
figures as the Results tab gives them, and reproduces every test of the Subgroups tab (the
paper's Table 1: ``report.subgroup_table``), which it also writes to ``subgroup-tests.csv`` next
to the data. ``tests/analysis/test_scripts.py`` runs both and compares every test with the
dashboard's.

What the survey says (its columns, labels and plan) is gathered once (``script_data``); the two
templates under templates/analysis/scripts/ hold the code, the literals are written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from surveys.models import Response

from . import export
from .variables import Variable, pick

SCALE_BINS = "0-4 / 5-7 / 8-10"  # distributions.BINS, as the scripts cut them
SUBGROUP_FILE = "subgroup-tests.csv"


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    values: tuple[str, ...]  # the raw values (choice codes, scores as digits) it takes


@dataclass(frozen=True)
class PlanVariable:
    """A grouping or an outcome of the plan, as the scripts build it."""

    column: str  # its column in the scripts' data: its code, unless an export column has that name
    code: str
    question: str
    label: str
    categories: tuple[Category, ...]
    note: str  # how the plan defines it, for a comment


@dataclass(frozen=True)
class Summary:
    """One question's figures, as the Results tab gives them."""

    how: str  # choices, ticks, scale, number, date, texts: the helper of the scripts that prints it
    code: str
    title: str
    columns: tuple[str, ...]
    options: tuple[str, ...] = ()  # a multiple choice's option labels, one per column


@dataclass
class ScriptData:
    title: str
    slug: str
    version: str
    language: str
    data_file: str
    integer_columns: list[str] = field(default_factory=list)
    decimal_columns: list[str] = field(default_factory=list)
    date_columns: list[str] = field(default_factory=list)
    text_columns: list[str] = field(default_factory=list)
    choice_labels: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # column, levels
    variable_labels: list[tuple[str, str]] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    groupings: list[PlanVariable] = field(default_factory=list)
    outcomes: list[PlanVariable] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """The script's first line: the title and version on one line, whatever they hold (a line
        break in a title would otherwise end the comment and run the rest as code)."""
        return one_line(f"{self.title} ({self.slug}, instrument version {self.version})")

    @property
    def heading_docstring(self) -> str:
        """``heading`` inside a Python docstring: backslashes and quotes escaped, so that no
        title can close it."""
        return self.heading.replace("\\", "\\\\").replace('"', '\\"')


# -- what the survey says ------------------------------------------------------------------------


def _unique(labels: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Levels' labels made unique (a factor or a Categorical would merge or refuse twins)."""
    seen = [label for _code, label in labels]
    return [(code, f"{label} ({code})" if seen.count(label) > 1 else label) for code, label in labels]


LANGUAGE_NAMES = {"fr": {"fr": "Français", "en": "French"}, "en": {"fr": "Anglais", "en": "English"}}


def _fixed_labels(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    with translation.override(language):
        status = [(value, str(label)) for value, label in Response.Status.choices]
        languages = [
            (code, pick(LANGUAGE_NAMES.get(code, {}), language) or str(name))
            for code, name in settings.LANGUAGES
        ]
    return [("status", status), ("language", languages)]


def _notes(spec: dict) -> dict[str, str]:
    """How the plan defines each grouping and outcome (by code), in the file's words."""
    notes = {}
    for grouping in spec.get("groupings", ()):
        rest = [g["code"] for g in grouping["groups"] if g.get("otherwise")]
        notes[grouping["code"]] = (
            f"{rest[0]}: every choice of {grouping['question']} no other group takes" if rest else ""
        )
    for outcome in spec.get("outcomes", ()):
        positive = outcome["positive"]
        if "min_score" in positive:
            text = f"yes: a score of {positive['min_score']} or more"
        elif "choices" in positive:
            text = "yes: " + ", ".join(positive["choices"])
        else:
            text = "yes: any answer but " + ", ".join(positive["not_choices"])
        codes = outcome.get("questions") or [outcome["question"]]
        for code in codes:
            notes[f"{outcome['code']}__{code}" if len(codes) > 1 else outcome["code"]] = text
    return notes


def _plan_variable(variable: Variable, taken: set[str], language: str, note: str) -> PlanVariable:
    column = variable.code if variable.code not in taken else f"{variable.code}__plan"
    taken.add(column)
    categories = tuple(
        Category(
            category.code,
            label,
            tuple(raw for raw, code in variable.mapping.items() if code == category.code),
        )
        for category, (_code, label) in zip(
            variable.categories,
            _unique([(c.code, pick(c.label, language)) for c in variable.categories]),
            strict=True,
        )
    )
    return PlanVariable(
        column, variable.code, variable.question, pick(variable.label, language), categories, note
    )


# What the scripts do with a question's columns, by the answer's field its kind writes to them
# (``export.Column.source``): how they read them, and the helper that prints their figures.
BY_SOURCE = {
    "choice": ("choice", "choices"),  # single choices, dropdowns, a grid's statements
    "ticked": ("integer", "ticks"),  # a multiple choice's options, summarized together
    "score": ("integer", "scores"),  # a 0-10 scale's
    "number": ("decimal", "number"),
    "date": ("date", "date"),
    "text": ("text", "texts"),
}
FIXED = {
    "response_id": "text",
    "status": "choice",
    "language": "choice",
    "started_on": "date",
    "completed_on": "date",
    "duration_minutes": "integer",
    "last_page": "integer",
}
# The variable labels of the texts any question may add (as the codebook says them).
EXTRA_TEXTS = {
    "other_text": {"fr": "« autre » précisé", "en": "'other' specified"},
    "comment": {"fr": "commentaire", "en": "comment"},
}


def script_data(ctx, language: str = "fr", data_file: str = "responses.csv") -> ScriptData:
    """What the scripts of ``ctx`` (a ``report.Context``) need, in ``language``: the export's
    columns by how they are read, their labels, each question's summary and the plan."""
    from .downloads import export_questions

    survey = ctx.survey
    title = pick({"fr": survey.title_fr, "en": survey.title_en}, language)
    data = ScriptData(title, survey.slug, survey.instrument_version, language, data_file)
    read_as = {"integer": data.integer_columns, "decimal": data.decimal_columns}
    read_as |= {"date": data.date_columns, "text": data.text_columns}
    for name in export.FIXED:
        read_as.get(FIXED[name], []).append(name)
    data.choice_labels += _fixed_labels(language)
    questions = export_questions(ctx)
    for q in questions:
        info = q.info
        title = f"{info.code}. {pick(info.text, language)}"
        own = info.kind_module.export_columns(info)
        for col, entry in zip(own, info.kind_module.codebook(info), strict=True):
            data.variable_labels.append((col.name, pick(entry.text, language)))
            reading, how = BY_SOURCE.get(col.source, ("text", None))  # a new kind's: as text
            if reading == "choice":
                levels = _unique([(code, pick(label, language)) for code, label in info.choices])
                data.choice_labels.append((col.name, levels))
            else:
                read_as[reading].append(col.name)
            if how and how != "ticks":
                data.summaries.append(Summary(how, info.code, title, (col.name,)))
        if own and own[0].source == "ticked":
            options = tuple(pick(info.choice_labels[col.key], language) for col in own)
            data.summaries.append(Summary("ticks", info.code, title, tuple(c.name for c in own), options))
        for part, suffix in EXTRA_TEXTS.items():
            if q.has_other if part == "other_text" else q.has_comment:
                data.text_columns.append(f"{info.code}__{part}")
                text = f"{pick(info.text, language)} — {pick(suffix, language)}"
                data.variable_labels.append((f"{info.code}__{part}", text))
    taken = {col.name for col in export.columns(questions, with_tests=True)}
    notes = _notes(survey.analysis or {})
    data.groupings = [_plan_variable(v, taken, language, notes.get(v.code, "")) for v in ctx.plan.groupings]
    data.outcomes = [_plan_variable(v, taken, language, notes.get(v.code, "")) for v in ctx.plan.outcomes]
    return data


# -- literals ------------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """``text`` with every run of white space, line breaks included, made one space."""
    return " ".join(text.split())


def _string(text: str) -> str:
    """A string literal that R and Python both read: JSON's escapes are a subset of theirs."""
    return json.dumps(text, ensure_ascii=False)


R_RESERVED = {
    "if", "else", "repeat", "while", "function", "for", "next", "break", "in",
    "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_",
}  # fmt: skip


def _r_name(name: str) -> str:
    """A name as R reads it in ``c(name = …)`` or ``x$name``: backquoted unless syntactic."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9._]*|\.[A-Za-z_.][A-Za-z0-9._]*", name) and name not in R_RESERVED:
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _range(values: tuple[str, ...]) -> tuple[int, int] | None:
    """(first, last) when ``values`` are the whole numbers from first to last, as digits."""
    if not values or not all(re.fullmatch(r"-?\d+", v) for v in values):
        return None
    numbers = sorted(int(v) for v in values)
    if numbers != list(range(numbers[0], numbers[-1] + 1)) or [str(n) for n in numbers] != list(values):
        return None
    return numbers[0], numbers[-1]


def _lines(
    items: list[str], indent: str, opening: str, closing: str, step: str, width: int = 100, lead: int = 20
) -> str:
    """``opening item, item closing`` on one line when it fits (after ``lead`` characters of
    its line), else one item per line (after ``indent`` and one ``step``); Python's lines end
    with a comma, R's cannot."""
    one = opening + ", ".join(items) + closing
    if len(indent) + lead + len(one) <= width:
        return one
    comma = "," if step == "    " else ""
    body = ",\n".join(f"{indent}{step}{item}" for item in items)
    return f"{opening}\n{body}{comma}\n{indent}{closing}"


def _fill(items: list[str], indent: str, opening: str, closing: str, step: str, width: int = 100) -> str:
    """As ``_lines``, but as many items on a line as fit: for lists of names."""
    one = opening + ", ".join(items) + closing
    if len(indent) + 20 + len(one) <= width:
        return one
    lines, line = [], ""
    for item in items:
        if line and len(indent + step + line + " " + item + ",") > width:
            lines.append(line)
            line = ""
        line = f"{line} {item}," if line else f"{item},"
    lines.append(line)
    body = "\n".join(indent + step + line for line in lines)
    if step != "    ":  # R: no comma after the last item
        body = body[:-1]
    return f"{opening}\n{body}\n{indent}{closing}"


# -- R -------------------------------------------------------------------------------------------


def _r_vector(items: list[str], indent: str = "") -> str:
    return _lines(items, indent, "c(", ")", "  ")


def _r_names(names: list[str], indent: str = "") -> str:
    return _fill([_string(name) for name in names], indent, "c(", ")", "  ")


def _r_named(pairs: list[tuple[str, str]], indent: str = "") -> str:
    return _r_vector([f"{_r_name(name)} = {_string(value)}" for name, value in pairs], indent)


def _r_values(values: tuple[str, ...], indent: str) -> str:
    span = _range(values)
    if span:
        return f"as.character({span[0]}:{span[1]})"
    return _r_vector([_string(v) for v in values], indent)


def _r_plan(variables: list[PlanVariable]) -> str:
    blocks = []
    for v in variables:
        categories = ",\n".join(
            f"      {_r_name(c.code)} = {_r_values(c.values, '      ')}" for c in v.categories
        )
        labels = _r_named([(c.code, c.label) for c in v.categories], "    ")
        note = f"  # {v.note}\n" if v.note else ""
        blocks.append(
            f"{note}  {_r_name(v.column)} = list(\n"
            f"    question = {_string(v.question)},\n"
            f"    label = {_string(v.label)},\n"
            f"    categories = list(\n{categories}\n    ),\n"
            f"    labels = {labels}\n"
            "  )"
        )
    return "list(\n" + ",\n".join(blocks) + "\n)"


def _r_summary(s: Summary) -> str:
    if s.how == "ticks":
        columns = _r_names(list(s.columns), "  ")
        options = _r_vector([_string(o) for o in s.options], "  ")
        return f"show_ticks(\n  {_string(s.title)},\n  {columns},\n  {options}\n)"
    return f"show_{s.how}({_string(s.columns[0])})"


def r_script(ctx, language: str = "fr", data_file: str = "responses.csv") -> str:
    """The R script (base R only) of ``ctx``'s survey, labelled in ``language``, reading
    ``data_file`` (the plain CSV export)."""
    data = script_data(ctx, language, data_file)
    choice_labels = ",\n".join(
        f"  {_r_name(column)} = {_r_named(levels, '  ')}" for column, levels in data.choice_labels
    )
    return render_to_string(
        "analysis/scripts/analysis.R-tpl",
        {
            "data": data,
            "language_name": LANGUAGE_NAMES.get(language, {}).get("en", language),
            "data_file": _string(data.data_file),
            "subgroup_file": _string(SUBGROUP_FILE),
            "integer_columns": _r_names(data.integer_columns),
            "decimal_columns": _r_names(data.decimal_columns),
            "date_columns": _r_names(data.date_columns),
            "text_columns": _r_names(data.text_columns),
            "choice_labels": "list(\n" + choice_labels + "\n)",
            "variable_labels": _r_named(data.variable_labels),
            "groupings": _r_plan(data.groupings),
            "outcomes": _r_plan(data.outcomes),
            "summaries": "\n".join(_r_summary(s) for s in data.summaries),
        },
    )


# -- pandas --------------------------------------------------------------------------------------


def _py_list(items: list[str], indent: str = "") -> str:
    return _lines(items, indent, "[", "]", "    ")


def _py_names(names: list[str], indent: str = "") -> str:
    return _fill([_string(name) for name in names], indent, "[", "]", "    ")


def _py_values(values: tuple[str, ...], indent: str) -> str:
    span = _range(values)
    if span:
        return f"[str(score) for score in range({span[0]}, {span[1] + 1})]"
    return _py_list([_string(v) for v in values], indent)


def _py_dict(pairs: list[tuple[str, str]], indent: str = "", lead: int = 20) -> str:
    return _lines([f"{_string(k)}: {v}" for k, v in pairs], indent, "{", "}", "    ", lead=lead)


def _py_plan(variables: list[PlanVariable]) -> str:
    blocks = []
    for v in variables:
        categories = _py_dict(
            [(c.code, _py_values(c.values, "            ")) for c in v.categories], "        ", lead=100
        )
        labels = _py_dict([(c.code, _string(c.label)) for c in v.categories], "        ")
        note = f"    # {v.note}\n" if v.note else ""
        blocks.append(
            f"{note}    {_string(v.column)}: {{\n"
            f'        "question": {_string(v.question)},\n'
            f'        "label": {_string(v.label)},\n'
            f'        "categories": {categories},\n'
            f'        "labels": {labels},\n'
            "    },\n"
        )
    return "{\n" + "".join(blocks) + "}"


def _py_summary(s: Summary) -> str:
    if s.how == "ticks":
        columns = _py_names(list(s.columns), "    ")
        options = _py_list([_string(o) for o in s.options], "    ")
        return f"show_ticks(\n    {_string(s.title)},\n    {columns},\n    {options},\n)"
    return f"show_{s.how}({_string(s.columns[0])})"


def pandas_script(ctx, language: str = "fr", data_file: str = "responses.csv") -> str:
    """The Python script (pandas and scipy) of ``ctx``'s survey, labelled in ``language``,
    reading ``data_file`` (the plain CSV export)."""
    data = script_data(ctx, language, data_file)
    choice_labels = "".join(
        f"    {_string(column)}: {_py_dict([(code, _string(label)) for code, label in levels], '    ')},\n"
        for column, levels in data.choice_labels
    )
    return render_to_string(
        "analysis/scripts/analysis.py-tpl",
        {
            "data": data,
            "language_name": LANGUAGE_NAMES.get(language, {}).get("en", language),
            "data_file": _string(data.data_file),
            "subgroup_file": _string(SUBGROUP_FILE),
            "integer_columns": _py_names(data.integer_columns),
            "decimal_columns": _py_names(data.decimal_columns),
            "date_columns": _py_names(data.date_columns),
            "text_columns": _py_names(data.text_columns),
            "choice_labels": "{\n" + choice_labels + "}",
            "variable_labels": _py_dict([(c, _string(label)) for c, label in data.variable_labels]),
            "groupings": _py_plan(data.groupings),
            "outcomes": _py_plan(data.outcomes),
            "summaries": "\n".join(_py_summary(s) for s in data.summaries),
        },
    )
