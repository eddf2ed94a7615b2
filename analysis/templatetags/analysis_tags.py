from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from analysis.subgroups import mask_small
from analysis.variables import pick

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """A percentage with the locale's decimal separator (68,2 % in French)."""
    if value is None or value != value:  # None or NaN: no percentage of nothing
        return "–"
    return f"{floatformat(value, digits)}\u00a0%"  # no line break between the number and %


@register.filter
def num(value, digits: int = 2) -> str:
    return "–" if value is None else floatformat(value, digits)


@register.filter
def pvalue(value) -> str:
    """As papers print them: < 0.001, else three decimals."""
    if value is None:
        return _("n/a")
    if value < 0.001:
        return f"< {floatformat(0.001, 3)}"
    return floatformat(value, 3)


@register.filter
def p_is(value) -> str:
    """A p-value with its sign, as a sentence reads it: "p < 0.001", "p = 0.012"."""
    if value is None:
        return "p " + _("n/a")
    if value < 0.001:
        return f"p < {floatformat(0.001, 3)}"
    return f"p = {floatformat(value, 3)}"


@register.simple_tag
def count(value, safe: bool) -> str:
    return mask_small(int(value), safe)


@register.simple_tag
def label(labels, language: str) -> str:
    return pick(labels, language)


@register.simple_tag
def loc(frame, row, col):
    return frame.loc[row, col]
