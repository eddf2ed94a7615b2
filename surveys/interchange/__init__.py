"""Instruments in and out of other tools' formats: XLSForm (ODK, KoboToolbox) and the REDCap data
dictionary. Pure: no database. See docs/interchange.md for the conventions and what is refused.

``read_instrument_file(path)`` reads a file by its suffix (.yaml/.yml/.json, .xlsx, .csv) into a
validated ``InstrumentSpec``; ``write_instrument_file(spec, path_or_format)`` writes one.
"""

from __future__ import annotations

from pathlib import Path

from surveys.instrument import InstrumentError, InstrumentSpec, parse_instrument
from surveys.instrument_data import spec_to_data, spec_to_yaml

from . import redcap, xlsform

FORMATS = ("yaml", "xlsform", "redcap")
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "yaml", ".xlsx": "xlsform", ".csv": "redcap"}


def format_of(path: Path | str) -> str | None:
    """The format a file's suffix names (None when it names none)."""
    return SUFFIXES.get(Path(path).suffix.lower())


def read_instrument(content: bytes, fmt: str, *, name: str = "instrument") -> InstrumentSpec:
    """``content`` in ``fmt`` as a validated spec; ``name`` (a file's stem) gives the slug, and for
    REDCap the defaults a data dictionary has no place for (see redcap.read)."""
    if fmt == "yaml":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InstrumentError(f"file: not UTF-8 text ({exc})") from exc
        return parse_instrument(text)
    if fmt == "xlsform":
        return xlsform.parse(content, slug=name, version="1")
    if fmt == "redcap":
        return redcap.parse(content, slug=name, version="1")
    raise InstrumentError(f"unknown format '{fmt}' (expected one of {', '.join(FORMATS)})")


def read_instrument_file(path: Path | str) -> InstrumentSpec:
    """The instrument a file holds, read by its suffix. Raises InstrumentError (and OSError when
    the file cannot be read)."""
    path = Path(path)
    fmt = format_of(path)
    if fmt is None:
        known = ", ".join(SUFFIXES)
        raise InstrumentError(f"file: unknown suffix '{path.suffix}' (expected one of {known})")
    return read_instrument(path.read_bytes(), fmt, name=path.stem)


def instrument_bytes(spec: InstrumentSpec, fmt: str, *, header: str = "") -> bytes:
    """The spec written in ``fmt`` (``header``: a comment at the top of a YAML file)."""
    if fmt == "yaml":
        return spec_to_yaml(spec, header=header).encode("utf-8")
    if fmt == "xlsform":
        return xlsform.write(spec_to_data(spec))
    if fmt == "redcap":
        return redcap.write(spec_to_data(spec))
    raise InstrumentError(f"unknown format '{fmt}' (expected one of {', '.join(FORMATS)})")


def write_instrument_file(spec: InstrumentSpec, path_or_format: Path | str) -> bytes:
    """Write the spec to a file (its format from the suffix) and return the bytes written; given a
    format name (yaml, xlsform, redcap) instead of a path, only return the bytes."""
    if isinstance(path_or_format, str) and path_or_format in FORMATS:
        return instrument_bytes(spec, path_or_format)
    path = Path(path_or_format)
    fmt = format_of(path)
    if fmt is None:
        raise InstrumentError(
            f"{path}: unknown suffix '{path.suffix}' (expected one of {', '.join(SUFFIXES)})"
        )
    content = instrument_bytes(spec, fmt)
    path.write_bytes(content)
    return content
