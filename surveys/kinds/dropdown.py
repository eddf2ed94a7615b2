"""A single choice shown as a select, for long lists (a specialty among forty)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .single import Single


class Dropdown(Single):
    """A single choice to the analyses too: its column, statistics and chart are a single
    choice's (only its codebook's kind says "dropdown")."""

    name = "dropdown"
    label = _("Single choice in a list")

    def as_list(self, question) -> bool:
        return True  # whatever its length: the instrument asked for a list


KIND = Dropdown()
