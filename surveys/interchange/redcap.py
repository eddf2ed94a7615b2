"""An instrument as a REDCap data dictionary (CSV), and back. Pure: no database.

``read(content)`` gives the instrument's data (docs/instrument-format.md) for ``parse_data``;
``write(data)`` gives the CSV bytes, the 18 columns REDCap writes, in order. A data dictionary is
monolingual and knows nothing of the survey around its fields: French goes in REDCap's own
columns, English and what REDCap has no column for in ``@MEDSURVEY-...`` action tags of the Field
Annotation, and the survey's slug, title and version come from the caller (the file name). What
the dictionary holds that the platform cannot honour is refused with the row and the reason; the
conventions are in docs/interchange.md.
"""

from __future__ import annotations

import csv
import io
import json
import re

from surveys.instrument import InstrumentError, InstrumentSpec
from surveys.models import NUMBER_DECIMALS

from .common import (
    COMMENT_LABEL,
    COMMENT_SUFFIX,
    OTHER_LABEL,
    OTHER_SUFFIX,
    Locations,
    has_text,
    make_text,
    number_value,
    parse_located,
    text_parts,
)
from .expressions import (
    ExpressionError,
    Target,
    number_text,
    parse_redcap,
    redcap_condition,
    redcap_logic,
)

COLUMNS = (
    ("name", "Variable / Field Name", "field_name"),
    ("form", "Form Name", "form_name"),
    ("section", "Section Header", "section_header"),
    ("type", "Field Type", "field_type"),
    ("label", "Field Label", "field_label"),
    ("choices", "Choices, Calculations, OR Slider Labels", "select_choices_or_calculations"),
    ("note", "Field Note", "field_note"),
    (
        "validation",
        "Text Validation Type OR Show Slider Number",
        "text_validation_type_or_show_slider_number",
    ),
    ("min", "Text Validation Min", "text_validation_min"),
    ("max", "Text Validation Max", "text_validation_max"),
    ("identifier", "Identifier?", "identifier"),
    ("branching", "Branching Logic (Show field only if...)", "branching_logic"),
    ("required", "Required Field?", "required_field"),
    ("alignment", "Custom Alignment", "custom_alignment"),
    ("number", "Question Number (surveys only)", "question_number"),
    ("matrix", "Matrix Group Name", "matrix_group_name"),
    ("ranking", "Matrix Ranking?", "matrix_ranking"),
    ("annotation", "Field Annotation", "field_annotation"),
)
HEADERS = {header.lower(): key for key, header, _ in COLUMNS} | {api: key for key, _, api in COLUMNS}
TAG = "@MEDSURVEY-"
TAG_RE = re.compile(r"@MEDSURVEY-([A-Z][A-Z-]*)=")
NONE_OF_THE_ABOVE_RE = re.compile(r"@NONEOFTHEABOVE\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|(\S+))")
KNOWN_TAGS = {
    "CODE",
    "EN",
    "EN-NOTE",
    "EN-CHOICES",
    "EN-SLIDER",
    "UNIT",
    "EN-UNIT",
    "EN-SECTION",
    "LEAD-IN",
    "EN-LEAD-IN",
    "PAGE-IF",
    "GRID",
    "EN-GRID",
    "GRID-NOTE",
    "EN-GRID-NOTE",
}
PAGE_TAGS = {"EN-SECTION", "LEAD-IN", "EN-LEAD-IN", "PAGE-IF"}
# The tags a field of each kind may carry (page tags aside): any other is a mistake, refused.
KIND_TAGS = {
    "single": {"CODE", "EN", "EN-NOTE", "EN-CHOICES"},
    "dropdown": {"CODE", "EN", "EN-NOTE", "EN-CHOICES"},
    "multiple": {"CODE", "EN", "EN-NOTE", "EN-CHOICES"},
    "scale": {"CODE", "EN", "EN-NOTE", "EN-SLIDER"},
    "number": {"CODE", "EN", "EN-NOTE", "UNIT", "EN-UNIT"},
    "date": {"CODE", "EN", "EN-NOTE"},
    "text": {"CODE", "EN", "EN-NOTE"},
    "note": {"CODE", "EN", "EN-NOTE"},
    "grid": {"CODE", "EN", "EN-CHOICES", "GRID", "EN-GRID", "GRID-NOTE", "EN-GRID-NOTE"},
}
YES_NO = {
    "yesno": [("1", "Oui", "Yes"), ("0", "Non", "No")],
    "truefalse": [("1", "Vrai", "True"), ("0", "Faux", "False")],
}
REFUSED_TYPES = {
    "calc": "'calc' is not supported: the platform computes nothing at answer time",
    "sql": "'sql' is not supported: the platform queries nothing at answer time",
    "file": "'file' is not supported: the platform takes no uploads",
}
NUMBER_VALIDATION = re.compile(r"^number(?:_(\d)dp)?(?:_comma_decimal)?$")
DATE_VALIDATIONS = ("date_ymd", "date_dmy", "date_mdy")
RECORD_ID = "record_id"


def _where(row: int, name: str | None = None) -> str:
    return f"row {row}" + (f" ({name})" if name else "")


def _fail(row: int, name: str | None, reason: str):
    raise InstrumentError(f"{_where(row, name)}: {reason}")


# ---------------------------------------------------------------------------------------------
# Action tags


def tags_of(annotation: str) -> dict[str, str]:
    """The ``@MEDSURVEY-KEY="..."`` tags of a Field Annotation (values are JSON strings)."""
    tags, decoder, position = {}, json.JSONDecoder(), 0
    while match := TAG_RE.search(annotation, position):
        key = match.group(1)
        try:
            value, position = decoder.raw_decode(annotation, match.end())
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, str):
            raise ValueError(f'{TAG}{key} needs a value in double quotes: {TAG}{key}="..."')
        if key not in KNOWN_TAGS:
            raise ValueError(f"unknown tag {TAG}{key}")
        tags[key] = value
    return tags


def _tag(key: str, value: str) -> str:
    return f"{TAG}{key}={json.dumps(value, ensure_ascii=False)}"


def _choices_text(choices: list[tuple[str, str]]) -> str:
    for code, label in choices:
        if "|" in label or "|" in code or "," in code:
            raise InstrumentError(f"choice '{code}': a REDCap choice holds no '|' (and its code no ',')")
    return " | ".join(f"{code}, {label}" for code, label in choices)


def _parse_choices(text: str) -> list[tuple[str, str]]:
    choices = []
    for item in text.split("|"):
        item = item.strip()
        if not item:
            continue
        code, comma, label = item.partition(",")
        if not comma:
            raise ValueError(f"the choice '{item}' is not 'code, label'")
        choices.append((code.strip(), label.strip()))
    return choices


# ---------------------------------------------------------------------------------------------
# Reading


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="strict")  # Excel's CSV on Windows


def _records(content: bytes) -> list[tuple[int, dict]]:
    try:
        text = _decode(content)
    except UnicodeDecodeError as exc:
        raise InstrumentError(f"not a text file (UTF-8 or Windows-1252): {exc}") from exc
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InstrumentError("row 1: the data dictionary is empty")
    keys = []
    for header in rows[0]:
        key = HEADERS.get(" ".join(header.split()).lower())
        if key is None and header.strip():
            raise InstrumentError(f"row 1: column '{header}' is not a column of a REDCap data dictionary")
        keys.append(key)
    for key in ("name", "form", "type", "label"):
        if key not in keys:
            header = next(h for k, h, _ in COLUMNS if k == key)
            raise InstrumentError(f"row 1: the column '{header}' is missing")
    records = []
    for number, values in enumerate(rows[1:], start=2):
        record = {key: value.strip() for key, value in zip(keys, values, strict=False) if key}
        if any(record.values()):
            records.append((number, record))
    return records


class _Reader:
    def __init__(self, content: bytes, *, slug, title, version) -> None:
        self.records = _records(content)
        self.defaults = {"slug": slug, "title": title, "version": version}
        self.locations = Locations(_where)
        self.targets: dict[str, Target] = {}  # by REDCap variable name
        self.codes: dict[str, str] = {}  # variable name -> the platform's code

    def tags(self, number: int, record: dict) -> dict[str, str]:
        try:
            return tags_of(record.get("annotation", ""))
        except ValueError as exc:
            _fail(number, record["name"], f"Field Annotation: {exc}")

    def logic(self, number: int, record: dict, page_logic: str) -> str:
        """The field's own branching logic: the page's condition, written on every field of the
        page (REDCap has no page logic), taken off."""
        logic = " ".join(record.get("branching", "").split())
        if not page_logic:
            return logic
        if logic == page_logic:
            return ""
        prefix = f"({page_logic}) and ("
        if logic.startswith(prefix) and logic.endswith(")"):
            return logic[len(prefix) : -1]
        _fail(
            number,
            record["name"],
            f"the page's condition ({TAG}PAGE-IF) must begin the branching logic of each of its fields: "
            f"'{page_logic}' or '({page_logic}) and (...)'",
        )

    def condition(self, number: int, name: str, logic: str) -> dict | None:
        if not logic:
            return None
        try:
            return redcap_condition(parse_redcap(logic), self.targets.get)
        except ExpressionError as exc:
            _fail(number, name, f'branching logic "{logic}": {exc}')

    @staticmethod
    def check_flags(number: int, record: dict) -> None:
        name = record["name"]
        if record.get("identifier", "").lower() in ("y", "yes", "1"):
            _fail(number, name, "an identifier field is not supported: the platform is anonymous")
        if record.get("ranking", "").lower() in ("y", "yes", "1"):
            _fail(number, name, "matrix ranking is not supported")

    def check_common(
        self, number: int, record: dict, *, choices=False, validation=False, bounds=False
    ) -> None:
        name = record["name"]
        self.check_flags(number, record)
        if record.get("choices") and not choices:
            _fail(number, name, f"choices on a {record['type']} field are not supported")
        if record.get("validation") and not validation:
            _fail(
                number,
                name,
                f"validation '{record['validation']}' on a {record['type']} field is not supported",
            )
        if (record.get("min") or record.get("max")) and not bounds:
            _fail(number, name, f"bounds on a {record['type']} field are not supported")

    @staticmethod
    def check_tags(number: int, record: dict, tags: dict, kind: str, first: bool = True) -> None:
        allowed = KIND_TAGS[kind] | PAGE_TAGS
        if kind == "grid" and not first:
            allowed = {"CODE", "EN"}
        unused = sorted(set(tags) - allowed)
        if unused:
            _fail(number, record["name"], f"{TAG}{unused[0]} has no meaning on this field ({kind})")

    def required(self, number: int, record: dict) -> bool:
        value = record.get("required", "").lower()
        if value in ("y", "yes", "1"):
            return True
        if value in ("", "n", "no", "0"):
            return False
        _fail(number, record["name"], f"Required Field? '{value}' is not y or empty")

    def code(self, number: int, record: dict, tags: dict) -> str:
        name = record["name"]
        code = tags.get("CODE", name)
        if code.lower() != name.lower():
            _fail(number, name, f"{TAG}CODE '{code}' is not the variable name in other letters' case")
        if name in self.codes:
            _fail(number, name, f"the variable '{name}' is used twice")
        self.codes[name] = code
        self.locations.add(code, number)
        return code

    def choices(self, number: int, record: dict, tags: dict) -> list[dict]:
        field_type = record["type"]
        if field_type in YES_NO:
            return [{"code": c, "fr": fr, "en": en} for c, fr, en in YES_NO[field_type]]
        try:
            french = _parse_choices(record.get("choices", ""))
            english = dict(_parse_choices(tags.get("EN-CHOICES", "")))
        except ValueError as exc:
            _fail(number, record["name"], str(exc))
        unknown = set(english) - {code for code, _ in french}
        if unknown:
            _fail(
                number,
                record["name"],
                f"{TAG}EN-CHOICES names a choice '{sorted(unknown)[0]}' that is not there",
            )
        return [{"code": code, **make_text(label, english.get(code, ""))} for code, label in french]

    def bound(self, number: int, record: dict, key: str, date: bool):
        value = record.get(key, "")
        if not value:
            return None
        if date:
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
                _fail(number, record["name"], f"the bound '{value}' is not a date (YYYY-MM-DD)")
            return value
        try:
            return number_value(value)
        except ValueError:
            _fail(number, record["name"], f"the bound '{value}' is not a number")

    def kind(self, number: int, record: dict, tags: dict) -> dict:
        field_type, name = record["type"], record["name"]
        self.check_flags(number, record)
        validation = record.get("validation", "")
        if field_type in ("radio", "dropdown", "yesno", "truefalse"):
            self.check_common(number, record, choices=field_type in ("radio", "dropdown"))
            kind = "dropdown" if field_type == "dropdown" else "single"
            return {"kind": kind, "choices": self.choices(number, record, tags)}
        if field_type == "checkbox":
            self.check_common(number, record, choices=True)
            choices = self.choices(number, record, tags)
            match = NONE_OF_THE_ABOVE_RE.search(record.get("annotation", ""))
            if match:
                for code in (match.group(1) or match.group(2) or match.group(3) or "").split(","):
                    choice = next((c for c in choices if c["code"] == code.strip()), None)
                    if choice is None:
                        _fail(
                            number, name, f"@NONEOFTHEABOVE names a choice '{code.strip()}' that is not there"
                        )
                    choice["exclusive"] = True
            return {"kind": "multiple", "choices": choices}
        if field_type == "slider":
            self.check_common(number, record, choices=True, validation=validation == "number", bounds=True)
            return {"kind": "scale", "scale": self.slider(number, record, tags)}
        if field_type == "notes":
            self.check_common(number, record)
            return {"kind": "text"}
        if field_type == "descriptive":
            self.check_common(number, record)
            return {"kind": "note"}
        if field_type == "text":
            numeric = NUMBER_VALIDATION.match(validation)
            if validation == "integer" or numeric:
                self.check_common(number, record, validation=True, bounds=True)
                spec: dict = {}
                for key in ("min", "max"):
                    value = self.bound(number, record, key, date=False)
                    if value is not None:
                        spec[key] = value
                decimals = 0 if validation == "integer" else int(numeric.group(1) or NUMBER_DECIMALS)
                if decimals:
                    spec["decimals"] = decimals
                if tags.get("UNIT") or tags.get("EN-UNIT"):
                    spec["unit"] = make_text(tags.get("UNIT", ""), tags.get("EN-UNIT", ""))
                return {"kind": "number", "number": spec} if spec else {"kind": "number"}
            if validation in DATE_VALIDATIONS:
                self.check_common(number, record, validation=True, bounds=True)
                spec = {}
                for key in ("min", "max"):
                    value = self.bound(number, record, key, date=True)
                    if value is not None:
                        spec[key] = value
                return {"kind": "date", "date": spec} if spec else {"kind": "date"}
            if validation:
                _fail(
                    number,
                    name,
                    f"the validation '{validation}' is not supported: the platform cannot check it",
                )
            self.check_common(number, record)
            return {"kind": "text"}
        if field_type in REFUSED_TYPES:
            _fail(number, name, REFUSED_TYPES[field_type])
        _fail(number, name, f"the field type '{field_type}' is not supported")

    def slider(self, number: int, record: dict, tags: dict) -> dict:
        name = record["name"]
        low, high = self.bound(number, record, "min", False), self.bound(number, record, "max", False)
        low, high = 0 if low is None else low, 100 if high is None else high
        if not all(isinstance(v, int) for v in (low, high)) or not 0 <= low < high <= 10:
            _fail(
                number,
                name,
                f"a slider from {low} to {high} cannot be a scale: the platform's scales go from 0 to 10 "
                "at most (set Text Validation Min and Max)",
            )
        scale: dict = {"min": low, "max": high}
        sides = {}
        for language, text in (("fr", record.get("choices", "")), ("en", tags.get("EN-SLIDER", ""))):
            labels = [label.strip() for label in text.split("|")] if text.strip() else []
            if len(labels) == 3 and labels[1]:
                _fail(
                    number,
                    name,
                    f"the middle label '{labels[1]}' has no place: a scale is labelled at its ends",
                )
            if len(labels) > 3:
                _fail(number, name, "a slider has three labels at most (left | middle | right)")
            sides[language] = (labels[0] if labels else "", labels[-1] if len(labels) > 1 else "")
        for side, key in ((0, "min_label"), (1, "max_label")):
            fr, en = sides["fr"][side], sides["en"][side]
            if fr or en:
                scale[key] = make_text(fr, en)
        return scale

    def follower(
        self, question: dict, variable: str, logic: str, number: int, record: dict, page_logic: str
    ) -> bool:
        """The explicit 'other' text or comment field right after a question; True if read."""
        name = record["name"]
        if record["type"] not in ("text", "notes") or record.get("validation") or record.get("matrix"):
            return False
        if name not in (variable + OTHER_SUFFIX, variable + COMMENT_SUFFIX):
            return False
        own = self.logic(number, record, page_logic)
        if name == variable + OTHER_SUFFIX and question["kind"] in ("single", "dropdown", "multiple"):
            choices = {c["code"]: c for c in question["choices"]}
            match = re.match(
                r"^\[" + re.escape(variable) + r"(?:\(([^)]+)\))?\]\s*=\s*['\"]?([^'\"]*)['\"]?$", own
            )
            code = None
            if match and question["kind"] == "multiple" and match.group(1) and match.group(2) == "1":
                code = match.group(1)
            elif match and question["kind"] != "multiple" and not match.group(1):
                code = match.group(2)
            if code not in choices:
                how = (
                    f"[{variable}(code)] = '1'"
                    if question["kind"] == "multiple"
                    else f"[{variable}] = 'code'"
                )
                _fail(number, name, f"{name} is the 'other' text of {variable}: its branching logic is {how}")
            if any(c.get("other") for c in question["choices"]):
                _fail(number, name, f"{variable} already has an 'other' text")
            choices[code]["other"] = True
            return True
        if name == variable + COMMENT_SUFFIX:
            if own and own != logic:
                _fail(
                    number,
                    name,
                    f"the comment of {variable} is shown with it: its branching logic is empty or the same",
                )
            if self.required(number, record):
                _fail(number, name, "a comment is optional (Required Field? empty)")
            question["comment"] = True
            return True
        return False

    def read(self) -> dict:
        records = self.records
        if not records:
            raise InstrumentError("row 2: the data dictionary has no fields")
        number, first = records[0]
        if first["type"] != "text" or first.get("validation"):
            _fail(number, first["name"], "the first field is the record identifier: a text field")
        pending_title = first.get("section", "")
        data: dict = {}
        slug = self.defaults["slug"]
        version = self.defaults["version"]
        if not slug or not version:
            raise InstrumentError("a data dictionary holds no slug or version: give them (the file name)")
        data["slug"], data["version"] = slug, version
        data["title"] = make_text(self.defaults["title"] or first["form"], "")
        pages: list[dict] = []
        page: dict | None = None
        page_logic = ""
        form = first["form"]
        position = 1
        while position < len(records):
            number, record = records[position]
            tags = self.tags(number, record)
            if page is None or record.get("section") or record["form"] != form:
                title = record.get("section") or (pending_title if page is None else "") or record["form"]
                page = {"title": make_text(title, tags.get("EN-SECTION", ""))}
                if tags.get("LEAD-IN") or tags.get("EN-LEAD-IN"):
                    page["lead_in"] = make_text(tags.get("LEAD-IN", ""), tags.get("EN-LEAD-IN", ""))
                page_logic = " ".join(tags.get("PAGE-IF", "").split())
                condition = self.condition(number, record["name"], page_logic)
                if condition:
                    page["show_if"] = condition
                page["questions"] = []
                pages.append(page)
                form = record["form"]
            elif any(k in tags for k in ("EN-SECTION", "LEAD-IN", "EN-LEAD-IN", "PAGE-IF")):
                _fail(
                    number,
                    record["name"],
                    "page tags belong on the first field of a page (its Section Header)",
                )
            matrix = record.get("matrix", "")
            if matrix:
                end = position
                while end < len(records) and records[end][1].get("matrix") == matrix:
                    end += 1
                question, logic = self.grid(records[position:end], page_logic)
                variable = matrix
                position = end
            else:
                question, logic = self.question(number, record, tags, page_logic)
                variable = record["name"]
                position += 1
            while position < len(records):
                follower_number, follower = records[position]
                if follower.get("section") or follower["form"] != form:
                    break
                if not self.follower(question, variable, logic, follower_number, follower, page_logic):
                    break
                position += 1
            self.targets[variable] = Target(
                question["code"], question["kind"], tuple(c["code"] for c in question.get("choices", ()))
            )
            page["questions"].append(question)
        if not pages:
            raise InstrumentError("row 3: the data dictionary has no question after its record identifier")
        data["pages"] = pages
        return data

    def question(self, number: int, record: dict, tags: dict, page_logic: str) -> tuple[dict, str]:
        code = self.code(number, record, tags)
        logic = self.logic(number, record, page_logic)
        question: dict = {"code": code}
        condition = self.condition(number, record["name"], logic)
        if condition:
            question["show_if"] = condition
        question["text"] = make_text(record.get("label", ""), tags.get("EN", ""))
        if record.get("note") or tags.get("EN-NOTE"):
            question["help"] = make_text(record.get("note", ""), tags.get("EN-NOTE", ""))
        question.update(self.kind(number, record, tags))
        self.check_tags(number, record, tags, question["kind"])
        if question["kind"] != "note" and not self.required(number, record):
            question["required"] = False
        if question["kind"] == "note" and self.required(number, record):
            _fail(number, record["name"], "a descriptive field asks nothing: it is not required")
        return question, logic

    def grid(self, rows: list[tuple[int, dict]], page_logic: str) -> tuple[dict, str]:
        number, first = rows[0]
        first_tags = self.tags(number, first)
        matrix = first["matrix"]
        statements, logic, required, choices = [], None, None, None
        grid_code = matrix
        for row_number, record in rows:
            tags = self.tags(row_number, record)
            self.check_tags(row_number, record, tags, "grid", first=record is first)
            if record is not first and record.get("section"):
                _fail(row_number, record["name"], "a section header inside a matrix would cut it in two")
            if record["type"] != "radio":
                _fail(row_number, record["name"], "a matrix is read as a grid: its fields are radio buttons")
            if record.get("note") or tags.get("EN-NOTE"):
                _fail(
                    row_number,
                    record["name"],
                    "a row of a matrix has no note of its own (use @MEDSURVEY-GRID-NOTE)",
                )
            self.check_common(row_number, record, choices=True)
            row_choices = self.choices(row_number, record, tags if record is first else first_tags)
            row_logic = self.logic(row_number, record, page_logic)
            row_required = self.required(row_number, record)
            if choices is None:
                choices, logic, required = row_choices, row_logic, row_required
            elif [(c["code"], c["fr"]) for c in row_choices] != [(c["code"], c["fr"]) for c in choices]:
                _fail(row_number, record["name"], "the rows of a matrix share one set of choices")
            elif row_logic != logic:
                _fail(row_number, record["name"], "the rows of a matrix share one branching logic")
            elif row_required != required:
                _fail(row_number, record["name"], "the rows of a matrix are all required or none")
            variable = tags.get("CODE", record["name"])
            if variable.lower() != record["name"].lower():
                _fail(
                    row_number,
                    record["name"],
                    f"{TAG}CODE '{variable}' is not the variable name in other letters' case",
                )
            if record is first and "__" in variable and variable.split("__")[0].lower() == matrix.lower():
                grid_code = variable.split("__")[0]
            statement = variable
            for prefix in (f"{grid_code}__", f"{grid_code}_"):
                if statement.lower().startswith(prefix.lower()) and len(statement) > len(prefix):
                    statement = statement[len(prefix) :]
                    break
            if any(s["code"] == statement for s in statements):
                _fail(row_number, record["name"], f"statement '{statement}' is twice in the matrix")
            if record["name"] in self.codes:
                _fail(row_number, record["name"], f"the variable '{record['name']}' is used twice")
            self.codes[record["name"]] = variable
            statements.append({"code": statement, **make_text(record.get("label", ""), tags.get("EN", ""))})
        text = first_tags.get("GRID") or first.get("section")
        if not text:
            _fail(number, first["name"], f'a matrix needs its question: {TAG}GRID="..." or a section header')
        if grid_code in self.codes.values():
            _fail(number, first["name"], f"the matrix name '{grid_code}' is a variable's too")
        self.locations.add(grid_code, number)
        question: dict = {"code": grid_code}
        condition = self.condition(number, first["name"], logic)
        if condition:
            question["show_if"] = condition
        question["text"] = make_text(text, first_tags.get("EN-GRID", ""))
        if first_tags.get("GRID-NOTE") or first_tags.get("EN-GRID-NOTE"):
            question["help"] = make_text(first_tags.get("GRID-NOTE", ""), first_tags.get("EN-GRID-NOTE", ""))
        if not required:
            question["required"] = False
        question.update({"kind": "grid", "statements": statements, "choices": choices})
        return question, logic


def read(
    content: bytes, *, slug: str | None = None, title: str | None = None, version: str | None = None
) -> dict:
    """The instrument's data held by a REDCap data dictionary (for ``parse_data``).

    A dictionary has no place for the survey around its fields: ``slug`` and ``version`` are
    required (``read_instrument_file`` gives the file's stem and "1"), ``title`` defaults to the
    first form's name; status, dates, introduction, consent and the analysis plan stay unset.
    """
    return _Reader(content, slug=slug, title=title, version=version).read()


def parse(content: bytes, **defaults) -> InstrumentSpec:
    """``read`` then ``parse_data``, a refusal of the parser naming the question's row."""
    reader = _Reader(content, **{"slug": None, "title": None, "version": None, **defaults})
    data = reader.read()
    return parse_located(data, reader.locations, "data dictionary")


# ---------------------------------------------------------------------------------------------
# Writing


def _form_name(slug: str) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", slug.lower()).strip("_")
    return name if name[:1].isalpha() else f"survey_{name}"


class _Writer:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.form = _form_name(data["slug"])
        self.rows: list[dict] = []
        self.variables: dict[str, str] = {}  # the platform's code -> REDCap variable
        taken: dict[str, str] = {RECORD_ID: RECORD_ID}
        for page in data["pages"]:
            for q in page["questions"]:
                codes = [q["code"]]
                if q["kind"] == "grid":
                    codes += [f"{q['code']}__{s['code']}" for s in q.get("statements") or []]
                for code in codes:
                    variable = code.lower()
                    if not variable[:1].isalpha():
                        raise InstrumentError(f"question {code}: a REDCap variable name starts with a letter")
                    if variable in taken:
                        raise InstrumentError(
                            f"question {code}: its REDCap name '{variable}' is {taken[variable]}'s too"
                        )
                    taken[variable] = code
                    self.variables[code] = variable
        self.taken = taken

    def name(self, code: str) -> str:
        return self.variables.get(code, code.lower())

    def logic(self, code: str | None, condition) -> str:
        if not condition:
            return ""
        try:
            return redcap_logic(condition, self.name)
        except ExpressionError as exc:
            raise InstrumentError(f"question {code}: its condition cannot be written: {exc}") from exc

    @staticmethod
    def joined(page_logic: str, own: str) -> str:
        if page_logic and own:
            return f"({page_logic}) and ({own})"
        return page_logic or own

    def add(self, **values) -> dict:
        row = {key: "" for key, _, _ in COLUMNS} | {"form": self.form} | values
        self.rows.append(row)
        return row

    def question(self, q: dict, page_logic: str) -> list[dict]:
        code, kind = q["code"], q["kind"]
        variable = self.name(code)
        for suffix in (OTHER_SUFFIX, COMMENT_SUFFIX):
            if variable + suffix in self.taken:
                raise InstrumentError(
                    f"question {code}: {variable}{suffix} is the name of its {suffix[1:]} field"
                )
        own = self.logic(code, q.get("show_if"))
        logic = self.joined(page_logic, own)
        required = "y" if q.get("required", True) and kind != "note" else ""
        text_fr, text_en = text_parts(q.get("text"))
        help_fr, help_en = text_parts(q.get("help"))
        tags = [_tag("CODE", code)] if code != variable else []
        choices = q.get("choices") or []
        if kind == "grid":
            rows = []
            for n, statement in enumerate(q.get("statements") or []):
                statement_code = f"{code}__{statement['code']}"
                row_tags = (
                    [_tag("CODE", statement_code)] if statement_code != self.name(statement_code) else []
                )
                fr, en = text_parts(statement)
                row_tags += [_tag("EN", en)] if en else []
                if n == 0:
                    row_tags += [_tag("GRID", text_fr)] + ([_tag("EN-GRID", text_en)] if text_en else [])
                    row_tags += [_tag("GRID-NOTE", help_fr)] if help_fr else []
                    row_tags += [_tag("EN-GRID-NOTE", help_en)] if help_en else []
                    row_tags += self.english_choices(choices)
                rows.append(
                    self.add(
                        name=self.name(statement_code),
                        type="radio",
                        label=fr,
                        choices=self.choices(code, choices),
                        branching=logic,
                        required=required,
                        matrix=variable,
                        annotation=" ".join(row_tags),
                    )
                )
            created = rows
        else:
            row = self.add(name=variable, label=text_fr, note=help_fr, branching=logic, required=required)
            tags += [_tag("EN", text_en)] if text_en else []
            tags += [_tag("EN-NOTE", help_en)] if help_en else []
            if kind in ("single", "dropdown", "multiple"):
                row["type"] = {"single": "radio", "dropdown": "dropdown", "multiple": "checkbox"}[kind]
                row["choices"] = self.choices(code, choices)
                tags += self.english_choices(choices)
                exclusive = [c["code"] for c in choices if c.get("exclusive")]
                if exclusive:
                    tags.append(f"@NONEOFTHEABOVE='{', '.join(exclusive)}'")
            elif kind == "scale":
                scale = q.get("scale") or {}
                row["type"], row["validation"] = "slider", "number"
                row["min"], row["max"] = str(scale.get("min", 0)), str(scale.get("max", 10))
                low, high = text_parts(scale.get("min_label")), text_parts(scale.get("max_label"))
                if low[0] or high[0]:
                    row["choices"] = f"{low[0]} | | {high[0]}"
                if low[1] or high[1]:
                    tags.append(_tag("EN-SLIDER", f"{low[1]} | | {high[1]}"))
            elif kind == "number":
                number = q.get("number") or {}
                decimals = int(number.get("decimals") or 0)
                row["type"] = "text"
                row["validation"] = (
                    "integer" if not decimals else f"number_{decimals}dp" if decimals <= 4 else "number"
                )
                for key in ("min", "max"):
                    if number.get(key) is not None:
                        row[key] = number_text(number[key])
                unit_fr, unit_en = text_parts(number.get("unit"))
                tags += [_tag("UNIT", unit_fr)] if unit_fr else []
                tags += [_tag("EN-UNIT", unit_en)] if unit_en else []
            elif kind == "date":
                date = q.get("date") or {}
                row["type"], row["validation"] = "text", "date_ymd"
                for key in ("min", "max"):
                    if date.get(key):
                        value = date[key]
                        row[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
            elif kind == "text":
                row["type"] = "notes"
            elif kind == "note":
                row["type"] = "descriptive"
            else:
                raise InstrumentError(f"question {code}: the kind '{kind}' has no REDCap equivalent")
            row["annotation"] = " ".join(tags)
            created = [row]
        other = next((c for c in choices if c.get("other")), None)
        if other is not None:
            test = (
                f"[{variable}({other['code']})] = '1'"
                if kind == "multiple"
                else f"[{variable}] = '{other['code']}'"
            )
            created.append(
                self.add(
                    name=variable + OTHER_SUFFIX,
                    type="text",
                    label=OTHER_LABEL["fr"],
                    branching=self.joined(page_logic, test),
                    required="y",
                    annotation=_tag("EN", OTHER_LABEL["en"]),
                )
            )
        if q.get("comment"):
            created.append(
                self.add(
                    name=variable + COMMENT_SUFFIX,
                    type="notes",
                    label=COMMENT_LABEL["fr"],
                    branching=logic,
                    annotation=_tag("EN", COMMENT_LABEL["en"]),
                )
            )
        return created

    def choices(self, code: str, choices: list[dict]) -> str:
        try:
            return _choices_text([(str(c["code"]), text_parts(c)[0]) for c in choices])
        except InstrumentError as exc:
            raise InstrumentError(f"question {code}: {exc}") from exc

    @staticmethod
    def english_choices(choices: list[dict]) -> list[str]:
        english = [(str(c["code"]), text_parts(c)[1]) for c in choices]
        if not any(label for _, label in english):
            return []
        return [_tag("EN-CHOICES", _choices_text(english))]

    def write(self) -> bytes:
        self.add(name=RECORD_ID, type="text", label="Record ID")
        for page in self.data["pages"]:
            page_logic = self.logic(None, page.get("show_if"))
            first_rows = None
            for q in page["questions"]:
                created = self.question(q, page_logic)
                first_rows = first_rows or created
            first = first_rows[0]
            title_fr, title_en = text_parts(page.get("title"))
            lead_fr, lead_en = text_parts(page.get("lead_in"))
            first["section"] = title_fr
            page_tags = [_tag("EN-SECTION", title_en)] if title_en else []
            page_tags += [_tag("LEAD-IN", lead_fr)] if lead_fr else []
            page_tags += [_tag("EN-LEAD-IN", lead_en)] if lead_en else []
            page_tags += [_tag("PAGE-IF", page_logic)] if page_logic else []
            first["annotation"] = " ".join([first["annotation"], *page_tags]).strip()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([header for _, header, _ in COLUMNS])
        for row in self.rows:
            writer.writerow([row[key] for key, _, _ in COLUMNS])
        return buffer.getvalue().encode("utf-8-sig")


def write(data: dict) -> bytes:
    """The instrument's data (``spec_to_data``) as a REDCap data dictionary (CSV bytes, UTF-8)."""
    if not has_text(data.get("title")):
        raise InstrumentError("the instrument has no title")
    return _Writer(data).write()
