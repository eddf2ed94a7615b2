"""The kinds of question: one module each, with everything about the kind (see ``base.Kind``).

To add a kind: write ``surveys/kinds/<kind>.py`` with a ``KIND`` (a ``Kind`` subclass filling in
its parts), list it below, add it to ``Question.Kind`` (and a migration when it needs columns of
its own), and give it a template under ``templates/surveys/fields/`` if crispy's default field
does not suit it. ``tests/surveys/test_kinds.py`` fails while a kind lacks a part.
"""

from __future__ import annotations

from ..conditions import Target
from . import date, dropdown, grid, multiple, note, number, scale, single, text
from .base import COMMENT, OTHER, Kind

KINDS: dict[str, Kind] = {
    module.KIND.name: module.KIND
    for module in (single, dropdown, multiple, scale, number, date, text, grid, note)
}


def kind(name: str) -> Kind:
    return KINDS[name]


def condition_target(code: str, kind_name: str, choice_codes) -> Target:
    """What a condition may ask of a question (a file's or a live one): its kind's operators."""
    the_kind = KINDS[kind_name]
    return Target(code, kind_name, the_kind.operators, tuple(choice_codes), the_kind.value_type)


__all__ = ["COMMENT", "KINDS", "OTHER", "Kind", "kind"]
