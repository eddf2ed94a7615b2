"""The kinds of question: one module each, with everything about the kind (see ``base.Kind``).

To add a kind: write ``surveys/kinds/<kind>.py`` with a ``KIND`` (a ``Kind`` subclass filling in
its parts), list it below, add it to ``Question.Kind`` (and a migration when it needs columns of
its own), and give it a template under ``templates/surveys/fields/`` if crispy's default field
does not suit it. ``tests/surveys/test_kinds.py`` fails while a kind lacks a part.
"""

from __future__ import annotations

from . import date, dropdown, grid, multiple, note, number, scale, single, text
from .base import COMMENT, OTHER, Kind

KINDS: dict[str, Kind] = {
    module.KIND.name: module.KIND
    for module in (single, dropdown, multiple, scale, number, date, text, grid, note)
}


def kind(name: str) -> Kind:
    return KINDS[name]


__all__ = ["COMMENT", "KINDS", "OTHER", "Kind", "kind"]
