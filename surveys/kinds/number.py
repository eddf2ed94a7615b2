"""A number (years in practice, patients a week): whole or with decimals, within bounds, with an
optional unit shown after the box. Typed with a comma or a point, kept exactly (a decimal)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crispy_forms.layout import Field
from django import forms
from django.core.validators import DecimalValidator
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import CodebookEntry, Column
from analysis.variables import pick

from ..models import NUMBER_DECIMALS, NUMBER_DIGITS
from ..specs import NumberSpec, Text
from ..values import AnswerValue
from .base import ONE_BOX, Kind, chart_title, required_error

LARGEST = Decimal(10) ** (NUMBER_DIGITS - NUMBER_DECIMALS)


def exact(value: Decimal) -> str:
    """A number as text, exactly: 60, 2.5, -0.25 (never 6E+1 or 2.500000)."""
    return format(value.normalize(), "f")


def plain(value: Decimal | None):
    """A bound as the file writes it: 60, not 60.000000; 2.5, not 2.500000."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


class Number(Kind):
    name = "number"
    label = _("Number")
    operators = ("eq", "ne", "gt", "ge", "lt", "le")
    value_type = "number"
    file_keys = ("number",)
    admin_fields = ("number_min", "number_max", "decimals", "unit_fr", "unit_en")
    admin_defaults = {"decimals": 0}

    def _bound(self, p, raw, key, code, decimals):
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            p.fail(raw, f"'{key}' must be a number", code)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            p.fail(raw, f"'{key}' must be a number", code)
        if not number.is_finite() or abs(number) >= LARGEST:
            p.fail(raw, f"'{key}' must be a number below {LARGEST:,}", code)
        if number != number.quantize(Decimal(1).scaleb(-decimals)):
            p.fail(raw, f"'{key}' has more decimal places than 'decimals' ({decimals})", code)
        return number

    def parse(self, p, node, code):
        raw = p.mapping(node.get("number") or {}, "'number'", node)
        if set(raw) - {"min", "max", "decimals", "unit"}:
            p.fail(raw, "'number' holds min, max, decimals and unit only", code)
        decimals = raw.get("decimals", 0)
        if (
            isinstance(decimals, bool)
            or not isinstance(decimals, int)
            or not 0 <= decimals <= NUMBER_DECIMALS
        ):
            p.fail(raw, f"'decimals' must be a whole number from 0 to {NUMBER_DECIMALS}", code)
        low = self._bound(p, raw, "min", code, decimals)
        high = self._bound(p, raw, "max", code, decimals)
        if low is not None and high is not None and low >= high:
            p.fail(raw, "'min' must be below 'max'", code)
        return {"number": NumberSpec(low, high, decimals, p.text(raw, "unit", required=False, code=code))}

    def to_data(self, q):
        spec = q.number
        data: dict = {}
        for key in ("min", "max"):
            if getattr(spec, key) is not None:
                data[key] = plain(getattr(spec, key))
        if spec.decimals:
            data["decimals"] = spec.decimals
        if not spec.unit.is_empty:
            data["unit"] = {"fr": spec.unit.fr, "en": spec.unit.en} if spec.unit.en else {"fr": spec.unit.fr}
        return {"number": data} if data else {}

    def structure(self, q):
        spec = q.number
        return {"number bounds": f"{plain(spec.min)}..{plain(spec.max)}", "decimal places": spec.decimals}

    def wording(self, q):
        return {"unit": q.number.unit}

    def model_values(self, q):
        return super().model_values(q) | {
            "number_min": q.number.min,
            "number_max": q.number.max,
            "decimals": q.number.decimals,
            "unit_fr": q.number.unit.fr,
            "unit_en": q.number.unit.en,
        }

    def spec_values(self, question):
        def exact(value):
            return None if value is None else Decimal(value).normalize()

        return {
            "number": NumberSpec(
                exact(question.number_min),
                exact(question.number_max),
                question.decimals or 0,
                Text(question.unit_fr, question.unit_en),
            )
        }

    def fields(self, question, label):
        decimals = question.decimals or 0
        attrs = {"inputmode": "decimal" if decimals else "numeric", "autocomplete": "off"}
        field = forms.DecimalField(
            label=label,
            max_digits=NUMBER_DIGITS,
            decimal_places=decimals,
            # Normalized, so that an error says 100, not 100.000000.
            min_value=None if question.number_min is None else Decimal(exact(Decimal(question.number_min))),
            max_value=None if question.number_max is None else Decimal(exact(Decimal(question.number_max))),
            localize=True,  # "2,5" in French
            widget=forms.TextInput(attrs=attrs),
        )
        if not decimals:  # the precision is checked by the field's DecimalValidator
            for validator in field.validators:
                if isinstance(validator, DecimalValidator):
                    validator.messages = {
                        **validator.messages,
                        "max_decimal_places": _("Please type a whole number."),
                    }
        field.error_messages["invalid"] = _("Please type a number.")
        field.box_class, field.unit = "form-control number-input", question.unit
        return {question.code: required_error(field)}

    def layout(self, question):
        return [Field(question.code, template=ONE_BOX)]

    def cleaned_value(self, question, cleaned):
        return AnswerValue(number=cleaned.get(question.code))

    def initial(self, question, answer):
        return {question.code: answer.number}

    def stored_rows(self, question, value):
        return [{"row": "", "number": value.number}]

    def from_stored(self, question, rows):
        number = rows[0].number
        # Read back as stored (SQLite gives 12.000000): the exact value, as typed.
        return AnswerValue(number=None if number is None else Decimal(number).normalize())

    # The analyses: a column of numbers written exactly (2.5, or 2,5 for a French Excel); n,
    # mean, SD, median, quartiles, minimum, maximum and a histogram.

    def export_columns(self, info):
        return [Column(info.code, info.code, "value", source="number")]

    def export_cells(self, info, value, cells):
        return [cells.number(value.number)]

    def codebook(self, info):
        """E.g. "integer from 0 to 60; unit: ans | years", "number with up to 1 decimal place,
        at least 0"."""
        if info.decimals:
            places = "place" if info.decimals == 1 else "places"
            what = f"number with up to {info.decimals} decimal {places}"
        else:
            what = "integer"
        low, high = info.number_min, info.number_max
        if low is not None and high is not None:
            what += f" from {exact(low)} to {exact(high)}"
        elif low is not None:
            what += f", at least {exact(low)}"
        elif high is not None:
            what += f", at most {exact(high)}"
        units = " | ".join(dict.fromkeys(u for u in (info.unit.get("fr"), info.unit.get("en")) if u))
        return [CodebookEntry(self.name, f"{what}; unit: {units}" if units else what, info.text)]

    def value_fields(self, info):
        return ("number",)

    def summarize(self, info, counted):
        return distributions.numbers(counted.values, whole=not info.decimals)

    def chart_name(self, info):
        return f"question-{info.code}"

    def chart(self, results, language, page_title):
        from analysis import charts

        (result,) = results
        bins = result.summary.bins
        decimal = "," if language == "fr" else "."
        return charts.columns(
            chart_title(result.info, language),
            [b.label.replace(".", decimal) for b in bins],
            [b.count for b in bins],
            _t("participants"),
            x_label=pick(result.info.unit, language),
        )

    def summary_data(self, info, summary):
        return summary.as_data()

    def results_template(self, info):
        return "analysis/results/number.html"


KIND = Number()
