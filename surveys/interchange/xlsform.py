"""An instrument as an XLSForm (ODK, KoboToolbox) workbook, and back. Pure: no database.

``read(content)`` gives the instrument's data (docs/instrument-format.md) for ``parse_data``;
``write(data)`` gives the ``.xlsx`` bytes, which pyxform converts. What the workbook holds that the
platform cannot honour is refused with the sheet, the row and the reason; the conventions are in
docs/interchange.md.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
import yaml
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from surveys.instrument import InstrumentError, InstrumentSpec
from surveys.models import NUMBER_DECIMALS

from .common import (
    COMMENT_LABEL,
    COMMENT_SUFFIX,
    OTHER_LABEL,
    OTHER_SUFFIX,
    Locations,
    cell_text,
    has_text,
    language_code,
    make_text,
    number_value,
    parse_located,
    text_parts,
)
from .expressions import (
    Bool,
    Call,
    Cmp,
    Dot,
    ExpressionError,
    Group,
    Lit,
    Ref,
    Target,
    number_text,
    parse_xlsform,
    xlsform_condition,
    xlsform_relevant,
)

LANGUAGES = {"fr": "French (fr)", "en": "English (en)"}
MEDSURVEY = "medsurvey"  # the sheet (and the column prefix) for what XLSForm has no place for
# Decimals of a ``decimal`` question that does not say (column medsurvey::decimals): as many as
# the platform keeps.
DEFAULT_DECIMALS = NUMBER_DECIMALS

SURVEY_TEXT_COLUMNS = ("label", "hint", "medsurvey::unit")
SURVEY_COLUMNS = (
    "type",
    "name",
    "relevant",
    "required",
    "appearance",
    "constraint",
    "parameters",
    "medsurvey::decimals",
)
# Messages ODK shows when a rule is broken: the platform writes its own, in both languages.
IGNORED_COLUMNS = ("constraint_message", "required_message")
REFUSED_COLUMNS = {
    "calculation": "'calculation' is not supported: the platform computes nothing at answer time",
    "default": "default answers are not supported: every answer comes from the respondent",
    "choice_filter": "choices filtered by an earlier answer are not supported",
    "read_only": "read-only questions are not supported",
    "repeat_count": "'repeat' is not supported: each question is asked once",
    "trigger": "'trigger' is not supported: the platform computes nothing at answer time",
    "guidance_hint": "guidance hints are not supported (use the hint)",
}
MEDIA = "images, audio and video are not supported"
# Appearances that only change the look in ODK: the platform lays out its pages itself.
COSMETIC_APPEARANCES = {
    "horizontal",
    "horizontal-compact",
    "compact",
    "likert",
    "columns",
    "columns-pack",
    "columns-flex",
    "no-buttons",
    "quick",
    "multiline",
    "no-calendar",
    "vertical",
    "no-ticks",
}
DROPDOWN_APPEARANCES = {"minimal", "autocomplete"}
# Types the device fills in by itself: the platform records when a response starts and ends.
IGNORED_TYPES = {"start", "end", "today"}
IDENTIFYING_TYPES = {
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
}
PLAIN_TYPES = {"range", "integer", "decimal", "date", "text", "note"}
SELECT_RE = re.compile(
    r"^(select_one|select one|select_multiple|select multiple|select all that apply)\s+(\S+)(\s+or_other)?$",
    re.IGNORECASE,
)


def _where(sheet: str, row: int, name: str | None = None) -> str:
    return f"sheet {sheet}, row {row}" + (f" ({name})" if name else "")


def _fail(sheet: str, row: int, name: str | None, reason: str):
    raise InstrumentError(f"{_where(sheet, row, name)}: {reason}")


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Sheet:
    name: str
    headers: dict  # (base, language or None) -> the header as written
    rows: list  # (row number, {(base, language): text})


@dataclass
class _Row:
    number: int
    type: str
    list_name: str
    name: str
    label: tuple[str, str]
    hint: tuple[str, str]
    relevant: str
    required: bool
    appearance: set[str]
    constraint: str
    parameters: str
    unit: tuple[str, str]
    decimals: str
    grid_rows: list = field(default_factory=list)


def _load(content: bytes):
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InstrumentError(f"not an XLSForm workbook (.xlsx): {exc}") from exc


def _read_sheet(
    workbook, title: str, plain_language: str, translatable: tuple[str, ...], media: bool
) -> _Sheet | None:
    worksheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == title), None)
    if worksheet is None:
        return None
    rows = list(worksheet.iter_rows(values_only=True))
    if not rows:
        return _Sheet(title, {}, [])
    keys, headers = [], {}
    for header in rows[0]:
        text = cell_text(header)
        key = _column_key(title, text, plain_language, translatable, media)
        if key is not None and key[0]:
            if key in headers:
                _fail_header(title, f"columns '{headers[key]}' and '{text}' hold the same thing")
            headers[key] = text
        keys.append(key)
    parsed = []
    for number, values in enumerate(rows[1:], start=2):
        row = {}
        for key, value in zip(keys, values, strict=False):
            text = cell_text(value)
            if key is None or not text:
                continue
            if not key[0]:
                _fail(title, number, None, f"a value ({text!r}) in a column without a header")
            row[key] = text
        if row:
            parsed.append((number, row))
    return _Sheet(title, headers, parsed)


def _fail_header(sheet: str, reason: str):
    raise InstrumentError(f"sheet {sheet}, row 1: {reason}")


def _column_key(sheet: str, text: str, plain_language: str, translatable: tuple[str, ...], media: bool):
    """A header as (base, language): 'label::English (en)' -> ('label', 'en'); None to ignore."""
    if not text:
        return ("", None)
    if text.startswith("$"):  # KoboToolbox's own columns ($kuid, $autoname, $given_name...)
        return None
    parts = [part.strip() for part in text.split("::")]
    head = parts[0].lower()
    if head in (MEDSURVEY, "media") and len(parts) > 1:
        base, rest = f"{head}::{parts[1].lower()}", parts[2:]
    else:
        base, rest = head, parts[1:]
    if len(rest) > 1:
        _fail_header(sheet, f"column '{text}' is not an XLSForm column")
    if rest:
        language = language_code(rest[0])
        if language is None:
            _fail_header(
                sheet,
                f"column '{text}': the language '{rest[0]}' is neither French nor English; "
                "the platform speaks French and English only",
            )
        return (base, language)
    if base in translatable or (media and base in ("image", "audio", "video", "big-image")):
        return (base, plain_language)
    return (base, None)


def _unknown_columns(sheet: _Sheet, known: set, ignored: set, refused: dict, names: dict) -> None:
    """Refuse a value in a column the platform does not read (ignored ones aside)."""
    for number, row in sheet.rows:
        for key in row:
            base = key[0]
            if key in known or base in ignored:
                continue
            header = sheet.headers.get(key, base)
            if base in refused:
                reason = refused[base]
            elif base.startswith("media::") or base in ("image", "audio", "video", "big-image"):
                reason = MEDIA
            else:
                reason = f"column '{header}' is not supported"
            _fail(sheet.name, number, names.get(number), reason)


class _Reader:
    def __init__(self, content: bytes, *, slug: str | None, title: str | None, version: str | None) -> None:
        self.defaults = {"slug": slug, "title": title, "version": version}
        self.workbook = _load(content)
        names = {ws.title.strip().lower() for ws in self.workbook.worksheets}
        for refused in ("external_choices", "entities"):
            if refused in names:
                raise InstrumentError(f"sheet {refused}: {refused.replace('_', ' ')} are not supported")
        if "survey" not in names:
            raise InstrumentError("sheet survey: missing (an XLSForm has a 'survey' sheet)")
        self.settings = self._settings()
        plain = self.settings.get("default_language_code", "fr")
        self.survey = _read_sheet(self.workbook, "survey", plain, SURVEY_TEXT_COLUMNS + IGNORED_COLUMNS, True)
        self.choices_sheet = _read_sheet(self.workbook, "choices", plain, ("label",), True)
        self.medsurvey = _read_sheet(self.workbook, MEDSURVEY, plain, (), False)
        self.locations = Locations(lambda row, name: _where("survey", row, name))
        self.targets: dict[str, Target] = {}
        self.codes: set[str] = set()

    # -- settings, choices, metadata ---------------------------------------------------------

    def _settings(self) -> dict:
        sheet = _read_sheet(self.workbook, "settings", "fr", (), False)
        if sheet is None or not sheet.rows:
            return {}
        number, row = sheet.rows[0]
        known = {
            ("form_title", None),
            ("form_id", None),
            ("version", None),
            ("default_language", None),
            ("style", None),
        }
        _unknown_columns(sheet, known, {"instance_name"}, {}, {})
        if len(sheet.rows) > 1:
            _fail("settings", sheet.rows[1][0], None, "the settings sheet has one row of values")
        settings = {key[0]: value for key, value in row.items() if key in known}
        if "default_language" in settings:
            code = language_code(settings["default_language"])
            if code is None:
                _fail(
                    "settings",
                    number,
                    None,
                    f"default_language '{settings['default_language']}' is neither French nor English",
                )
            settings["default_language_code"] = code
        return settings

    def _lists(self) -> dict[str, list[dict]]:
        lists: dict[str, list[dict]] = {}
        sheet = self.choices_sheet
        if sheet is None:
            return lists
        known = {("list_name", None), ("list name", None), ("name", None), ("label", "fr"), ("label", "en")}
        _unknown_columns(sheet, known, set(), {}, {})
        for number, row in sheet.rows:
            list_name = row.get(("list_name", None)) or row.get(("list name", None)) or ""
            code = row.get(("name", None), "")
            if not list_name or not code:
                _fail("choices", number, code or None, "a choice needs a list_name and a name")
            fr, en = row.get(("label", "fr"), ""), row.get(("label", "en"), "")
            choices = lists.setdefault(list_name, [])
            if any(c["code"] == code for c in choices):
                _fail("choices", number, code, f"choice '{code}' is twice in list '{list_name}'")
            choices.append({"code": code, **make_text(fr, en), "_row": number})
        return lists

    def _metadata(self) -> dict:
        data: dict = {}
        sheet = self.medsurvey
        if sheet is None:
            return data
        # The texts are in columns named by their language alone: 'French (fr)', 'English (en)'.
        languages = {}
        for key, header in sheet.headers.items():
            code = language_code(header)
            if key[1] is None and code:
                languages[key] = code
            elif (
                key[1] is None and key[0] not in ("key", "value") and any(key in row for _, row in sheet.rows)
            ):
                _fail_header(
                    MEDSURVEY, f"column '{header}' is not supported (key, value, French (fr), English (en))"
                )
        texts = ("title", "introduction", "consent")
        plain = ("status", "opens_at", "closes_at", "ethics_approval", "contact", "analysis")
        for number, row in sheet.rows:
            key = row.get(("key", None), "")
            value = row.get(("value", None), "") or row.get(("value", "fr"), "")
            by_language = {"fr": "", "en": ""}
            for column, code in languages.items():
                by_language[code] = row.get(column, "")
            if key in texts:
                data[key] = make_text(by_language["fr"] or value, by_language["en"])
            elif key in plain:
                if by_language["fr"] or by_language["en"]:
                    _fail(
                        MEDSURVEY, number, key, f"'{key}' is not a text in two languages: put it in 'value'"
                    )
                if key == "analysis":
                    try:
                        plan = yaml.safe_load(value)
                    except yaml.YAMLError as exc:
                        _fail(MEDSURVEY, number, key, f"the analysis plan is not valid YAML ({exc})")
                    if plan is not None and not isinstance(plan, dict):
                        _fail(MEDSURVEY, number, key, "the analysis plan is a mapping (groupings, outcomes)")
                    if plan:
                        data[key] = plan
                elif value:
                    data[key] = value
            else:
                _fail(
                    MEDSURVEY,
                    number,
                    key or None,
                    f"unknown key '{key}' (expected one of {', '.join(texts + plain)})",
                )
        return data

    # -- the survey sheet --------------------------------------------------------------------

    def _row(self, number: int, row: dict) -> _Row | None:
        raw_type = " ".join(row.get(("type", None), "").split())
        name = row.get(("name", None), "")
        if not raw_type:
            _fail("survey", number, name or None, "a row without a type")
        lowered = raw_type.lower()
        list_name = ""
        select = SELECT_RE.match(raw_type)
        if lowered.replace("_", " ") in ("begin group", "end group"):
            kind = lowered.replace("_", " ")
        elif lowered.replace("_", " ") in ("begin repeat", "end repeat"):
            _fail("survey", number, name or None, "'repeat' is not supported: each question is asked once")
        elif select:
            if select.group(3):
                _fail(
                    "survey",
                    number,
                    name,
                    "'or_other' is not supported: write the 'other' choice and a text question "
                    f"'{name}_other' after it (see docs/interchange.md)",
                )
            kind = "select_one" if "one" in select.group(1).lower() else "select_multiple"
            list_name = select.group(2)
        elif lowered in PLAIN_TYPES:
            kind = lowered
        elif lowered in IGNORED_TYPES:
            return None
        elif lowered == "calculate":
            _fail(
                "survey",
                number,
                name,
                "'calculate' is not supported: the platform computes nothing at answer time",
            )
        elif lowered in IDENTIFYING_TYPES:
            _fail(
                "survey",
                number,
                name,
                f"'{lowered}' is not supported: the platform is anonymous, it records nothing "
                "about the respondent or the device",
            )
        elif lowered.startswith(("select_one_from_file", "select_multiple_from_file", "select_one_external")):
            _fail(
                "survey",
                number,
                name,
                "choices from a file are not supported: list them in the choices sheet",
            )
        else:
            _fail("survey", number, name or None, f"the type '{raw_type}' is not supported")
        if kind != "end group" and not name:
            _fail("survey", number, None, "a row without a name")
        required_text = row.get(("required", None), "").strip().lower()
        if required_text in ("yes", "true", "1", "true()", "y"):
            required = True
        elif required_text in ("", "no", "false", "0", "false()", "n"):
            required = False
        else:
            _fail(
                "survey",
                number,
                name,
                f"required '{required_text}' is not supported: a question is required (yes) or not (no)",
            )
        return _Row(
            number=number,
            type=kind,
            list_name=list_name,
            name=name,
            label=(row.get(("label", "fr"), ""), row.get(("label", "en"), "")),
            hint=(row.get(("hint", "fr"), ""), row.get(("hint", "en"), "")),
            relevant=row.get(("relevant", None), ""),
            required=required,
            appearance=set(row.get(("appearance", None), "").split()),
            constraint=row.get(("constraint", None), ""),
            parameters=row.get(("parameters", None), ""),
            unit=(row.get(("medsurvey::unit", "fr"), ""), row.get(("medsurvey::unit", "en"), "")),
            decimals=row.get(("medsurvey::decimals", None), ""),
        )

    def _structure(self) -> list[tuple[_Row | None, list]]:
        """The rows as pages (top-level groups) of entries (questions, grids)."""
        known = {("type", None), ("name", None), ("relevant", None), ("required", None), ("appearance", None)}
        known |= {("constraint", None), ("parameters", None), ("medsurvey::decimals", None)}
        known |= {(base, language) for base in SURVEY_TEXT_COLUMNS for language in ("fr", "en")}
        names = {number: row.get(("name", None)) for number, row in self.survey.rows}
        _unknown_columns(self.survey, known, set(IGNORED_COLUMNS), REFUSED_COLUMNS, names)
        pages: list[tuple[_Row | None, list]] = []
        loose: list[_Row] = []
        page: tuple[_Row, list] | None = None
        grid: _Row | None = None
        for number, values in self.survey.rows:
            row = self._row(number, values)
            if row is None:
                continue
            if row.type == "begin group":
                if page is None:
                    page = (row, [])
                elif grid is None:
                    if "table-list" not in row.appearance:
                        _fail(
                            "survey",
                            number,
                            row.name,
                            "a group inside a page is read only as a grid (appearance table-list)",
                        )
                    grid = row
                else:
                    _fail(
                        "survey", number, row.name, "groups nest two deep at most: a page, and a grid in it"
                    )
            elif row.type == "end group":
                if grid is not None:
                    page[1].append(grid)
                    grid = None
                elif page is not None:
                    pages.append(page)
                    page = None
                else:
                    _fail("survey", number, None, "'end group' without a 'begin group'")
            elif grid is not None:
                grid.grid_rows.append(row)
            elif page is not None:
                page[1].append(row)
            else:
                loose.append(row)
        if page is not None or grid is not None:
            opened = (grid or page[0]).number
            _fail("survey", opened, (grid or page[0]).name, "this 'begin group' has no 'end group'")
        if loose and pages:
            _fail(
                "survey",
                loose[0].number,
                loose[0].name,
                "a question outside the pages: when the form has groups, every question belongs to "
                "one (a top-level group with appearance field-list is a page)",
            )
        return pages or [(None, loose)]

    def _condition(self, row: _Row, text: str | None = None) -> dict | None:
        text = row.relevant if text is None else text
        if not text:
            return None
        try:
            return xlsform_condition(parse_xlsform(text), self.targets.get)
        except ExpressionError as exc:
            _fail("survey", row.number, row.name, f'relevant "{text}": {exc}')

    def _check_appearance(self, row: _Row, allowed: set[str]) -> None:
        unknown = row.appearance - allowed - COSMETIC_APPEARANCES
        if unknown:
            _fail(
                "survey",
                row.number,
                row.name,
                f"appearance '{' '.join(sorted(unknown))}' is not supported here",
            )

    def _refuse_unused(self, row: _Row, *, constraint=False, parameters=False, number=False) -> None:
        if row.constraint and not constraint:
            _fail("survey", row.number, row.name, f"a constraint on a {row.type} question is not supported")
        if row.parameters and not parameters:
            _fail("survey", row.number, row.name, f"parameters on a {row.type} question are not supported")
        if (any(row.unit) or row.decimals) and not number:
            _fail(
                "survey",
                row.number,
                row.name,
                "medsurvey::unit and medsurvey::decimals are for integer and decimal questions",
            )

    def _choices(self, row: _Row) -> list[dict]:
        choices = self.lists.get(row.list_name)
        if choices is None:
            _fail("survey", row.number, row.name, f"the list '{row.list_name}' is not in the choices sheet")
        return [{k: v for k, v in choice.items() if k != "_row"} for choice in choices]

    def _question(self, row: _Row) -> dict:
        code = row.name
        if code in self.codes:
            _fail("survey", row.number, code, f"the name '{code}' is used twice")
        self.codes.add(code)
        self.locations.add(code, row.number)
        question: dict = {"code": code}
        condition = self._condition(row)
        if condition:
            question["show_if"] = condition
        question["text"] = make_text(*row.label)
        if any(row.hint):
            question["help"] = make_text(*row.hint)
        if row.type == "begin group":
            question.update(self._grid(row))
        elif row.type == "note":
            self._check_appearance(row, set())
            self._refuse_unused(row)
            if row.required:
                _fail("survey", row.number, row.name, "a note asks nothing: it cannot be required")
            question["kind"] = "note"
        else:
            if not row.required:
                question["required"] = False
            question.update(self._kind(row))
        self.targets[code] = Target(
            code, question["kind"], tuple(c["code"] for c in question.get("choices", ()))
        )
        return question

    def _kind(self, row: _Row) -> dict:
        if row.type == "select_one":
            self._check_appearance(row, DROPDOWN_APPEARANCES)
            self._refuse_unused(row)
            kind = "dropdown" if row.appearance & DROPDOWN_APPEARANCES else "single"
            return {"kind": kind, "choices": self._choices(row)}
        if row.type == "select_multiple":
            self._check_appearance(row, set())
            self._refuse_unused(row, constraint=True)
            choices = self._choices(row)
            for code in self._exclusive(row, {c["code"] for c in choices}):
                next(c for c in choices if c["code"] == code)["exclusive"] = True
            return {"kind": "multiple", "choices": choices}
        if row.type == "range":
            self._check_appearance(row, set())
            self._refuse_unused(row, parameters=True)
            return {"kind": "scale", "scale": self._scale(row)}
        if row.type in ("integer", "decimal"):
            self._check_appearance(row, set())
            self._refuse_unused(row, constraint=True, number=True)
            number = self._number(row)
            return {"kind": "number", "number": number} if number else {"kind": "number"}
        if row.type == "date":
            self._check_appearance(row, set())
            self._refuse_unused(row, constraint=True)
            bounds = self._bounds(row, date=True)
            return {"kind": "date", "date": bounds} if bounds else {"kind": "date"}
        self._check_appearance(row, set())
        self._refuse_unused(row)
        return {"kind": "text"}

    def _grid(self, group: _Row) -> dict:
        self._check_appearance(group, {"table-list"})
        self._refuse_unused(group)
        rows = group.grid_rows
        if len(rows) < 1:
            _fail("survey", group.number, group.name, "a grid (table-list group) needs its statements")
        statements = []
        for row in rows:
            if row.type != "select_one":
                _fail("survey", row.number, row.name, "a grid's rows are select_one questions of one list")
            if row.list_name != rows[0].list_name:
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    f"a grid's rows share one list of choices ('{rows[0].list_name}')",
                )
            if row.required != rows[0].required:
                _fail("survey", row.number, row.name, "a grid's rows are all required or none")
            if row.relevant:
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    "a row of a grid has no condition of its own (put it on the group)",
                )
            if any(row.hint):
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    "a row of a grid has no hint of its own (put it on the group)",
                )
            self._check_appearance(row, set())
            self._refuse_unused(row)
            code = row.name
            for prefix in (f"{group.name}__", f"{group.name}_"):
                if code.startswith(prefix) and len(code) > len(prefix):
                    code = code[len(prefix) :]
                    break
            if any(s["code"] == code for s in statements):
                _fail("survey", row.number, row.name, f"statement '{code}' is twice in the grid")
            statements.append({"code": code, **make_text(*row.label)})
        data = {"kind": "grid", "statements": statements, "choices": self._choices(rows[0])}
        if not rows[0].required:
            data["required"] = False
        return data

    def _constraint_items(self, row: _Row) -> list:
        try:
            node = parse_xlsform(row.constraint)
        except ExpressionError as exc:
            _fail("survey", row.number, row.name, f'constraint "{row.constraint}": {exc}')
        while isinstance(node, Group):
            node = node.inner
        return list(node.items) if isinstance(node, Bool) and node.op == "and" else [node]

    def _bounds(self, row: _Row, *, date: bool, integer: bool = False) -> dict:
        bounds: dict = {}
        if not row.constraint:
            return bounds
        how = ". >= date('2000-01-01') and . <= date('2027-12-31')" if date else ". >= 0 and . <= 60"
        for item in self._constraint_items(row):
            while isinstance(item, Group):
                item = item.inner
            value = None
            if isinstance(item, Cmp):
                left, op, right = item.left, item.op, item.right
                if isinstance(right, Dot) and not isinstance(left, Dot):
                    left, right = right, left
                    op = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}.get(op, op)
                if isinstance(left, Dot):
                    value = self._bound_value(right, date)
            if value is None or op not in (">=", "<=", ">", "<") or (op in (">", "<") and not integer):
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    f'constraint "{row.constraint}" is not supported: only bounds are ({how})',
                )
            if op in (">", "<"):
                value = value + 1 if op == ">" else value - 1
            key = "min" if op in (">=", ">") else "max"
            if key in bounds:
                _fail("survey", row.number, row.name, f'constraint "{row.constraint}" sets the {key} twice')
            bounds[key] = value
        return bounds

    @staticmethod
    def _bound_value(node, date: bool):
        if date:
            if isinstance(node, Call) and node.name == "date" and len(node.args) == 1:
                inner = node.args[0]
                if isinstance(inner, Lit) and inner.quoted and re.match(r"^\d{4}-\d{2}-\d{2}$", inner.value):
                    return inner.value
            return None
        if isinstance(node, Lit) and not node.quoted:
            return node.value
        return None

    def _number(self, row: _Row) -> dict:
        number: dict = self._bounds(row, date=False, integer=row.type == "integer")
        if row.type == "integer":
            if row.decimals and row.decimals != "0":
                _fail("survey", row.number, row.name, "an integer question has no decimals")
        else:
            decimals = row.decimals or str(DEFAULT_DECIMALS)
            if not decimals.isdigit() or int(decimals) < 1:
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    f"medsurvey::decimals '{decimals}' is not a number of decimals (1, 2...)",
                )
            number["decimals"] = int(decimals)
        if any(row.unit):
            number["unit"] = make_text(*row.unit)
        return number

    def _scale(self, row: _Row) -> dict:
        parameters = {"start": "1", "end": "10", "step": "1"}  # pyxform's defaults
        for pair in re.split(r"[\s,;]+", row.parameters.strip()):
            if not pair:
                continue
            key, _, value = pair.partition("=")
            parameters[key.strip().lower()] = value.strip()
        unknown = set(parameters) - {"start", "end", "step", "tick_labelset"}
        if unknown:
            _fail("survey", row.number, row.name, f"range parameter '{sorted(unknown)[0]}' is not supported")
        try:
            low, high, step = (number_value(parameters[k]) for k in ("start", "end", "step"))
        except ValueError:
            _fail("survey", row.number, row.name, f"range parameters '{row.parameters}' are not numbers")
        if step != 1 or not all(isinstance(v, int) for v in (low, high)) or not 0 <= low < high <= 10:
            _fail(
                "survey",
                row.number,
                row.name,
                f"a range from {low} to {high} by {step} cannot be a scale: the platform's scales go "
                "from 0 to 10 at most, by 1",
            )
        scale: dict = {"min": low, "max": high}
        labelset = parameters.get("tick_labelset")
        if labelset:
            # pyxform lowercases parameters: the list is named in lower case
            ticks = next((v for k, v in self.lists.items() if k.lower() == labelset.lower()), None)
            if ticks is None:
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    f"the tick_labelset '{labelset}' is not in the choices sheet",
                )
            for tick in ticks:
                try:
                    value = number_value(tick["code"])
                except ValueError:
                    value = None
                if value not in (low, high):
                    _fail(
                        "choices",
                        tick["_row"],
                        tick["code"],
                        "a scale is labelled at its two ends only: "
                        "a tick label here has no place on the platform",
                    )
                scale["min_label" if value == low else "max_label"] = make_text(
                    tick["fr"], tick.get("en", "")
                )
        return scale

    def _exclusive(self, row: _Row, codes: set[str]) -> list[str]:
        """``not(selected(., 'none') and count-selected(.) > 1)``: 'none' goes alone."""
        if not row.constraint:
            return []
        found = []
        for item in self._constraint_items(row):
            code = None
            if isinstance(item, Call) and item.name == "not" and len(item.args) == 1:
                inner = item.args[0]
                while isinstance(inner, Group):
                    inner = inner.inner
                if isinstance(inner, Bool) and inner.op == "and" and len(inner.items) == 2:
                    selected = [i for i in inner.items if isinstance(i, Call) and i.name == "selected"]
                    counted = [
                        i
                        for i in inner.items
                        if isinstance(i, Cmp)
                        and i.op == ">"
                        and isinstance(i.left, Call)
                        and i.left.name == "count-selected"
                        and i.left.args == (Dot(),)
                        and i.right == Lit(1, False)
                    ]
                    if len(selected) == 1 and len(counted) == 1:
                        args = selected[0].args
                        if len(args) == 2 and args[0] == Dot() and isinstance(args[1], Lit):
                            code = str(args[1].value)
            if code is None:
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    f'constraint "{row.constraint}" is not supported: a select_multiple only takes '
                    "not(selected(., 'none') and count-selected(.) > 1) (a choice that goes alone)",
                )
            if code not in codes:
                _fail(
                    "survey",
                    row.number,
                    row.name,
                    f"the constraint names a choice '{code}' that is not in the list",
                )
            found.append(code)
        return found

    def _follower(self, question: dict, row: _Row, entry) -> bool:
        """The explicit 'other' text or comment question right after a question; True if read."""
        if not isinstance(entry, _Row) or entry.type != "text" or entry.grid_rows:
            return False
        code = question["code"]
        if entry.name == code + OTHER_SUFFIX and question.get("kind") in ("single", "dropdown", "multiple"):
            choice = self._other_choice(question, entry)
            choice["other"] = True
            return True
        if entry.name == code + COMMENT_SUFFIX:
            if entry.relevant and " ".join(entry.relevant.split()) != " ".join(row.relevant.split()):
                _fail(
                    "survey",
                    entry.number,
                    entry.name,
                    f"the comment of {code} is shown with its question: "
                    "its relevant is empty or the question's",
                )
            if entry.required:
                _fail("survey", entry.number, entry.name, "a comment is optional (required: no)")
            question["comment"] = True
            return True
        return False

    def _other_choice(self, question: dict, entry: _Row) -> dict:
        code = question["code"]
        wanted = f"selected(${{{code}}}, '<choice>')"
        try:
            node = parse_xlsform(entry.relevant) if entry.relevant else None
        except ExpressionError:
            node = None
        while isinstance(node, Group):
            node = node.inner
        choice_code = None
        if isinstance(node, Call) and node.name == "selected" and len(node.args) == 2:
            ref, literal = node.args
            if ref == Ref(code) and isinstance(literal, Lit):
                choice_code = str(literal.value)
        elif (
            isinstance(node, Cmp)
            and node.op == "="
            and node.left == Ref(code)
            and isinstance(node.right, Lit)
        ):
            choice_code = str(node.right.value)
        choice = next((c for c in question["choices"] if c["code"] == choice_code), None)
        if choice is None:
            _fail(
                "survey",
                entry.number,
                entry.name,
                f"{entry.name} is the 'other' text of {code}: its relevant is {wanted}, a choice of {code}",
            )
        if any(c.get("other") for c in question["choices"]):
            _fail("survey", entry.number, entry.name, f"{code} already has an 'other' text")
        return choice

    def read(self) -> dict:
        self.lists = self._lists()
        metadata = self._metadata()
        settings = self.settings
        data: dict = {}
        slug = settings.get("form_id") or self.defaults["slug"]
        if not slug:
            raise InstrumentError("sheet settings: form_id (the survey's slug) is missing")
        data["slug"] = slug
        version = settings.get("version") or self.defaults["version"]
        if not version:
            raise InstrumentError("sheet settings: version is missing")
        data["version"] = version
        if "status" in metadata:
            data["status"] = metadata.pop("status")
        form_title = settings.get("form_title", "")
        if "title" in metadata:
            title = metadata.pop("title")
            if form_title and form_title != title["fr"]:
                raise InstrumentError(
                    f"sheet settings: form_title '{form_title}' is not the French title of sheet {MEDSURVEY} "
                    f"('{title['fr']}'): say it once"
                )
            data["title"] = title
        elif form_title or self.defaults["title"]:
            data["title"] = make_text(form_title or self.defaults["title"], "")
        else:
            raise InstrumentError("sheet settings: form_title is missing")
        analysis = metadata.pop("analysis", None)
        data.update(metadata)
        pages = []
        for group, entries in self._structure():
            page: dict = {}
            if group is None:
                page["title"] = data["title"]
            else:
                self._check_appearance(group, {"field-list"})
                self._refuse_unused(group)
                if not group.label[0]:
                    _fail(
                        "survey",
                        group.number,
                        group.name,
                        "a page (top-level group) needs a label: its title",
                    )
                page["title"] = make_text(*group.label)
                if any(group.hint):
                    page["lead_in"] = make_text(*group.hint)
                condition = self._condition(group)
                if condition:
                    page["show_if"] = condition
            questions = []
            position = 0
            while position < len(entries):
                entry = entries[position]
                question = self._question(entry)
                position += 1
                while position < len(entries) and self._follower(question, entry, entries[position]):
                    position += 1
                questions.append(question)
            if not questions:
                where = group.number if group else 2
                _fail("survey", where, group.name if group else None, "a page without questions")
            page["questions"] = questions
            pages.append(page)
        data["pages"] = pages
        if analysis:
            data["analysis"] = analysis
        return data


def read(
    content: bytes, *, slug: str | None = None, title: str | None = None, version: str | None = None
) -> dict:
    """The instrument's data held by an XLSForm workbook (for ``parse_data``).

    ``slug``, ``title`` and ``version`` are used only where the workbook has no form_id,
    form_title or version. Raises InstrumentError naming the sheet, the row and the reason.
    """
    return _Reader(content, slug=slug, title=title, version=version).read()


def parse(content: bytes, **defaults) -> InstrumentSpec:
    """``read`` then ``parse_data``, a refusal of the parser naming the question's row."""
    reader = _Reader(content, **{"slug": None, "title": None, "version": None, **defaults})
    data = reader.read()
    return parse_located(data, reader.locations, "XLSForm")


# ---------------------------------------------------------------------------------------------
# Writing


class _Writer:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.survey: list[dict] = []
        self.choices: list[tuple[str, str, str, str]] = []
        self.list_names: set[str] = set()
        self.names = {q["code"] for page in data["pages"] for q in page["questions"]}

    def fail(self, code: str | None, reason: str):
        raise InstrumentError(f"question {code}: {reason}" if code else reason)

    def unique(self, wanted: str, taken: set[str]) -> str:
        name, n = wanted, 1
        while name in taken:
            n += 1
            name = f"{wanted}_{n}"
        taken.add(name)
        return name

    def add_list(self, wanted: str, choices: list[tuple[str, object]]) -> str:
        name = self.unique(wanted, self.list_names)
        for code, label in choices:
            fr, en = text_parts(label)
            self.choices.append((name, str(code), fr, en))
        return name

    def relevant(self, code: str | None, condition) -> str:
        if not condition:
            return ""
        try:
            return xlsform_relevant(condition)
        except ExpressionError as exc:
            self.fail(code, f"its condition cannot be written: {exc}")

    def row(self, **values) -> None:
        self.survey.append(values)

    def question(self, q: dict) -> None:
        code, kind = q["code"], q["kind"]
        for suffix in (OTHER_SUFFIX, COMMENT_SUFFIX):
            if code + suffix in self.names:
                self.fail(code, f"the question {code}{suffix} takes the name of {code}'s {suffix[1:]} text")
        relevant = self.relevant(code, q.get("show_if"))
        common = {"name": code, "label": q.get("text"), "hint": q.get("help"), "relevant": relevant}
        required = "yes" if q.get("required", True) else "no"
        choices = q.get("choices") or []
        if kind in ("single", "dropdown", "multiple"):
            list_name = self.add_list(code, [(c["code"], c) for c in choices])
            row = {
                "type": f"{'select_multiple' if kind == 'multiple' else 'select_one'} {list_name}",
                **common,
            }
            row["required"] = required
            if kind == "dropdown":
                row["appearance"] = "minimal"
            exclusive = [c["code"] for c in choices if c.get("exclusive")]
            if exclusive:
                row["constraint"] = " and ".join(
                    f"not(selected(., '{c}') and count-selected(.) > 1)" for c in exclusive
                )
            self.row(**row)
        elif kind == "scale":
            scale = q.get("scale") or {}
            low, high = scale.get("min", 0), scale.get("max", 10)
            parameters = f"start={low} end={high} step=1"
            ticks = [(low, scale["min_label"])] if has_text(scale.get("min_label")) else []
            ticks += [(high, scale["max_label"])] if has_text(scale.get("max_label")) else []
            if ticks:
                parameters += f" tick_labelset={self.add_list(f'{code.lower()}_anchors', ticks)}"
            self.row(type="range", parameters=parameters, required=required, **common)
        elif kind == "number":
            number = q.get("number") or {}
            decimals = int(number.get("decimals") or 0)
            bounds = [f". >= {number_text(number['min'])}"] if number.get("min") is not None else []
            bounds += [f". <= {number_text(number['max'])}"] if number.get("max") is not None else []
            self.row(
                type="decimal" if decimals else "integer",
                required=required,
                constraint=" and ".join(bounds),
                unit=number.get("unit"),
                decimals=str(decimals) if decimals else "",
                **common,
            )
        elif kind == "date":
            date = q.get("date") or {}
            bounds = [f". >= date('{_day(date['min'])}')"] if date.get("min") else []
            bounds += [f". <= date('{_day(date['max'])}')"] if date.get("max") else []
            self.row(type="date", required=required, constraint=" and ".join(bounds), **common)
        elif kind == "text":
            self.row(type="text", required=required, **common)
        elif kind == "note":
            self.row(type="note", **common)
        elif kind == "grid":
            list_name = self.add_list(code, [(c["code"], c) for c in choices])
            self.row(type="begin group", appearance="table-list", **common)
            for statement in q.get("statements") or []:
                self.row(
                    type=f"select_one {list_name}",
                    name=f"{code}__{statement['code']}",
                    label=statement,
                    required=required,
                )
            self.row(type="end group")
        else:
            self.fail(code, f"the kind '{kind}' has no XLSForm equivalent")
        other = next((c for c in choices if c.get("other")), None)
        if other is not None:
            self.row(
                type="text",
                name=code + OTHER_SUFFIX,
                label=OTHER_LABEL,
                required="yes",
                relevant=f"selected(${{{code}}}, '{other['code']}')",
            )
        if q.get("comment"):
            self.row(
                type="text", name=code + COMMENT_SUFFIX, label=COMMENT_LABEL, required="no", relevant=relevant
            )

    def workbook(self) -> bytes:
        data = self.data
        page_names = set(self.names)
        for number, page in enumerate(data["pages"], start=1):
            self.row(
                type="begin group",
                name=self.unique(f"page_{number}", page_names),
                label=page.get("title"),
                hint=page.get("lead_in"),
                relevant=self.relevant(None, page.get("show_if")),
                appearance="field-list",
            )
            for question in page["questions"]:
                self.question(question)
            self.row(type="end group")
        book = openpyxl.Workbook()
        survey = book.active
        survey.title = "survey"
        columns = ["type", "name", "label::French (fr)", "label::English (en)", "hint::French (fr)"]
        columns += ["hint::English (en)", "required", "relevant", "appearance", "constraint", "parameters"]
        if any(has_text(r.get("unit")) for r in self.survey):
            columns += ["medsurvey::unit::French (fr)", "medsurvey::unit::English (en)"]
        if any(r.get("decimals") for r in self.survey):
            columns.append("medsurvey::decimals")
        _append(survey, columns, header=True)
        for row in self.survey:
            values = {}
            for key in ("label", "hint", "unit"):
                fr, en = text_parts(row.get(key))
                column = f"medsurvey::{key}" if key == "unit" else key
                values[f"{column}::French (fr)"], values[f"{column}::English (en)"] = fr, en
            for key in ("type", "name", "required", "relevant", "appearance", "constraint", "parameters"):
                values[key] = row.get(key) or ""
            values["medsurvey::decimals"] = row.get("decimals") or ""
            _append(survey, [values.get(c, "") for c in columns])
        choices = book.create_sheet("choices")
        _append(choices, ["list_name", "name", "label::French (fr)", "label::English (en)"], header=True)
        for row in self.choices:
            _append(choices, list(row))
        title_fr, title_en = text_parts(data.get("title"))
        settings = book.create_sheet("settings")
        _append(settings, ["form_title", "form_id", "version", "default_language", "style"], header=True)
        _append(settings, [title_fr, data["slug"], str(data["version"]), LANGUAGES["fr"], "pages"])
        meta = book.create_sheet(MEDSURVEY)
        _append(meta, ["key", "value", LANGUAGES["fr"], LANGUAGES["en"]], header=True)
        _append(meta, ["title", "", title_fr, title_en])
        for key in ("introduction", "consent"):
            if has_text(data.get(key)):
                _append(meta, [key, "", *text_parts(data[key])])
        for key in ("status", "opens_at", "closes_at", "ethics_approval", "contact"):
            if data.get(key):
                value = data[key]
                _append(meta, [key, value.isoformat() if hasattr(value, "isoformat") else str(value), "", ""])
        if data.get("analysis"):
            plan = yaml.safe_dump(data["analysis"], allow_unicode=True, sort_keys=False, width=100)
            _append(meta, ["analysis", plan, "", ""])
        for sheet, widths in (
            (survey, [22, 24, 50, 50, 30, 30]),
            (choices, [20, 24, 40, 40]),
            (meta, [16, 60, 60, 60]),
        ):
            sheet.freeze_panes = "A2"
            for letter, width in zip("ABCDEF", widths, strict=False):
                sheet.column_dimensions[letter].width = width
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _day(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _append(sheet, values: list, header: bool = False) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":  # a text that starts with '=' stays a text
            cell.data_type = "s"
        if header:
            cell.font = Font(bold=True)


def write(data: dict) -> bytes:
    """The instrument's data (``spec_to_data``) as an XLSForm workbook (.xlsx bytes)."""
    return _Writer(data).workbook()
