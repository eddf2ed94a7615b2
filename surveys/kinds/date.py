"""A date, to the day (the last CME course followed), within optional bounds. The browser's date
picker where there is one; typed as 25/11/2026 or 2026-11-25 where there is not."""

from __future__ import annotations

import datetime as dt

from crispy_forms.layout import Field
from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import CodebookEntry, Column

from ..specs import DateSpec
from ..values import AnswerValue
from .base import ONE_BOX, Kind, chart_title, required_error

INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"]


class DateKind(Kind):
    name = "date"
    label = _("Date")
    operators = ("eq", "ne", "gt", "ge", "lt", "le")
    value_type = "date"
    file_keys = ("date",)
    admin_fields = ("date_min", "date_max")

    def _bound(self, p, raw, key, code):
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            p.fail(raw, f"'{key}' must be a day (YYYY-MM-DD), without a time", code)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            p.fail(raw, f"'{key}' must be a date (YYYY-MM-DD)", code)

    def parse(self, p, node, code):
        raw = p.mapping(node.get("date") or {}, "'date'", node)
        if set(raw) - {"min", "max"}:
            p.fail(raw, "'date' holds min and max only", code)
        low, high = self._bound(p, raw, "min", code), self._bound(p, raw, "max", code)
        if low and high and low >= high:
            p.fail(raw, "'min' must come before 'max'", code)
        return {"date": DateSpec(low, high)}

    def to_data(self, q):
        data = {key: getattr(q.date, key).isoformat() for key in ("min", "max") if getattr(q.date, key)}
        return {"date": data} if data else {}

    def structure(self, q):
        return {"date bounds": f"{q.date.min or ''}..{q.date.max or ''}"}

    def model_values(self, q):
        return super().model_values(q) | {"date_min": q.date.min, "date_max": q.date.max}

    def spec_values(self, question):
        return {"date": DateSpec(question.date_min, question.date_max)}

    def fields(self, question, label):
        attrs = {"type": "date"}
        if question.date_min:
            attrs["min"] = question.date_min.isoformat()
        if question.date_max:
            attrs["max"] = question.date_max.isoformat()
        field = forms.DateField(
            label=label,
            input_formats=INPUT_FORMATS,
            widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
        )
        field.error_messages["invalid"] = _("Please give a date, for example 25/11/2026.")
        field.bounds = (question.date_min, question.date_max)
        field.box_class = "form-control date-input"
        return {question.code: required_error(field)}

    def layout(self, question):
        return [Field(question.code, template=ONE_BOX)]

    def cleaned_value(self, question, cleaned):
        return AnswerValue(date=cleaned.get(question.code))

    def initial(self, question, answer):
        return {question.code: answer.date}

    def check(self, question, value):
        day, low, high = value.date, question.date_min, question.date_max
        if day is None:
            return {}
        if low and day < low:
            return {
                question.code: gettext("Please give a date on or after %(day)s.") % {"day": date_format(low)}
            }
        if high and day > high:
            return {
                question.code: gettext("Please give a date on or before %(day)s.")
                % {"day": date_format(high)}
            }
        return {}

    def stored_rows(self, question, value):
        return [{"row": "", "date": value.date}]

    def from_stored(self, question, rows):
        return AnswerValue(date=rows[0].date)

    # The analyses: a column of days (ISO, 2026-11-25); n, the first, last and median day, the
    # answers of each month, drawn as a bar per month.

    def export_columns(self, info):
        return [Column(info.code, info.code, "value", source="date")]

    def export_cells(self, info, value, cells):
        return [cells.day(value.date)]

    def codebook(self, info):
        low, high = info.date_min, info.date_max
        values = "YYYY-MM-DD"
        if low and high:
            values += f", from {low.isoformat()} to {high.isoformat()}"
        elif low:
            values += f", from {low.isoformat()}"
        elif high:
            values += f", until {high.isoformat()}"
        return [CodebookEntry(self.name, values, info.text)]

    def value_fields(self, info):
        return ("date",)

    def summarize(self, info, counted):
        return distributions.dates(counted.values)

    def chart_name(self, info):
        return f"question-{info.code}"

    def chart(self, results, language, page_title):
        from analysis import charts

        (result,) = results
        months = result.summary.months
        return charts.columns(
            chart_title(result.info, language),
            [m.code for m in months],
            [m.count for m in months],
            gettext("participants"),
        )

    def summary_data(self, info, summary):
        return summary.as_data()

    def results_template(self, info):
        return "analysis/results/date.html"


KIND = DateKind()
