"""What the XLSForm and REDCap readers and writers share: texts in two languages, the places a
refusal names, and the mapping of the instrument parser's messages onto those places. Pure."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from surveys.instrument import InstrumentError, InstrumentSpec, parse_data

# The texts the platform shows around a question, written into the other formats as the
# explicit "other, please specify" and comment questions those formats need.
OTHER_LABEL = {"fr": "Précisez", "en": "Please specify"}
COMMENT_LABEL = {"fr": "Commentaire (facultatif)", "en": "Comment (optional)"}
OTHER_SUFFIX = "_other"
COMMENT_SUFFIX = "_comment"


def text_parts(value) -> tuple[str, str]:
    """A text of the instrument's data (a string, French, or ``{fr, en}``) as (fr, en)."""
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value, ""
    if isinstance(value, dict):
        return str(value.get("fr") or ""), str(value.get("en") or "")
    return str(value), ""


def make_text(fr: str, en: str) -> dict:
    """A text as ``spec_to_data`` writes it: ``{fr}`` alone when there is no English."""
    return {"fr": fr, "en": en} if en else {"fr": fr}


def has_text(value) -> bool:
    fr, en = text_parts(value)
    return bool(fr or en)


def cell_text(value) -> str:
    """A spreadsheet cell as text: numbers typed in a cell ("1", "30") read as the code typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def number_value(text) -> int | float:
    """A number as the instrument's data holds it (an int when whole); ValueError if not one."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return int(value) if value == value.to_integral_value() else float(value)


_LANGUAGE_CODE = re.compile(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\s*\)\s*$")
_LANGUAGE_NAMES = {
    "fr": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "en": "en",
    "english": "en",
    "anglais": "en",
}


def language_code(name: str) -> str | None:
    """'French (fr)', 'Français (fr)', 'English (en)', 'fr', 'English' -> 'fr' / 'en'; None for any
    other language."""
    name = name.strip()
    match = _LANGUAGE_CODE.search(name)
    if match:
        code = match.group(1).lower()
        return code if code in ("fr", "en") else None
    return _LANGUAGE_NAMES.get(name.lower())


class Locations:
    """Where each question of a file was read, so that the instrument parser's refusals (which name
    the question) can name the sheet and the row."""

    def __init__(self, describe: Callable[[int, str | None], str]) -> None:
        self.rows: dict[str, int] = {}
        self.describe = describe

    def add(self, code: str, row: int) -> None:
        self.rows.setdefault(code, row)

    def where(self, row: int, name: str | None = None) -> str:
        return self.describe(row, name)


_PARSER_MESSAGE = re.compile(r"^(?:file|line \d+)(?:, question (?P<code>[^:,\s]+))?: (?P<reason>.*)$", re.S)


def parse_located(data: dict, locations: Locations, what: str) -> InstrumentSpec:
    """``parse_data``, its refusals naming the row of the question at fault."""
    try:
        return parse_data(data)
    except InstrumentError as exc:
        message = str(exc)
        match = _PARSER_MESSAGE.match(message)
        if match and match.group("code") in locations.rows:
            code = match.group("code")
            raise InstrumentError(
                f"{locations.where(locations.rows[code], code)}: {match.group('reason')}"
            ) from exc
        if match:
            raise InstrumentError(f"{what}: {match.group('reason')}") from exc
        raise InstrumentError(f"{what}: {message}") from exc
