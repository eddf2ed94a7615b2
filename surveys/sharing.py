"""Sharing a survey: the link respondents get, its QR code for posters, and opening or closing it."""

from __future__ import annotations

import io

import segno
from django.utils.translation import gettext as _

from .instrument import InstrumentError, parse_data
from .instrument_data import spec_to_data
from .instrument_services import InstrumentConflict
from .models import Survey
from .selectors import survey_layout, survey_spec
from .validation import conditions_problem


def qr_code(url: str):
    """The QR code of ``url`` (error correction M: still read on a creased poster)."""
    return segno.make(url, error="m")


def qr_svg(url: str, *, title: str) -> str:
    """The code as an SVG element to put in a page, with its title for screen readers."""
    return qr_code(url).svg_inline(scale=6, title=title, dark="#1d2733")


def qr_file(url: str, kind: str) -> bytes:
    """The code as a file to print: ``svg`` (any size) or ``png`` (large: 12 px a module)."""
    out = io.BytesIO()
    qr_code(url).save(out, kind=kind, scale=12, border=4)
    return out.getvalue()


def opening_problem(survey: Survey) -> str | None:
    """Why the survey cannot open now (no page, a page without questions, an instrument that
    does not hold together), or None."""
    layout = survey_layout(survey)
    if not layout.pages:
        return _("It has no page yet.")
    empty = [p.position for p in layout.pages if not layout.questions_on(p)]
    if empty:
        return _("Page %(n)s has no question.") % {"n": empty[0]}
    broken = conditions_problem(survey.pk)
    if broken:
        return _("A condition no longer holds together: %(fault)s") % {"fault": broken}
    try:
        parse_data(spec_to_data(survey_spec(survey)))
    except InstrumentError as exc:
        return _("It is not a complete questionnaire yet: %(fault)s") % {"fault": exc}
    return None


def survey_status_set(*, survey: Survey, status: str) -> None:
    """Open, close or put back to draft; opening refuses an incomplete survey (InstrumentConflict,
    with the reason), and nothing changes then."""
    if status not in Survey.Status.values:
        raise ValueError(f"unknown status {status!r}")
    if status == Survey.Status.OPEN and (problem := opening_problem(survey)):
        raise InstrumentConflict(_("The survey cannot open: %(problem)s") % {"problem": problem})
    survey.status = status
    survey.save(update_fields=["status"])
