"""A 0-10 scale (Q11-Q18, Q23-Q25): a row of buttons with an anchor under each end; the score."""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from analysis import distributions
from analysis.export import CodebookEntry, Column
from analysis.variables import pick

from ..models import SCALE_CEILING, SCALE_FLOOR
from ..specs import ScaleSpec, Text
from ..values import AnswerValue
from .base import Kind, required_error, share_axis


class Scale(Kind):
    name = "scale"
    label = _("0-10 scale")
    analysis_role = "score"
    operators = ("eq", "ne", "gt", "ge", "lt", "le")
    value_type = "integer"
    file_keys = ("scale",)
    admin_fields = (
        "scale_min",
        "scale_max",
        "scale_min_label_fr",
        "scale_min_label_en",
        "scale_max_label_fr",
        "scale_max_label_en",
    )
    admin_defaults = {"scale_min": 0, "scale_max": 10}
    template = "surveys/fields/scale.html"

    def parse(self, p, node, code):
        raw = p.mapping(node.get("scale") or {}, "'scale'", node)
        low, high = raw.get("min", SCALE_FLOOR), raw.get("max", SCALE_CEILING)
        valid = all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high))
        if not valid or not SCALE_FLOOR <= low < high <= SCALE_CEILING:
            p.fail(raw or node, "scale bounds must be integers with 0 <= min < max <= 10", code)
        return {
            "scale": ScaleSpec(
                low,
                high,
                p.text(raw, "min_label", required=False, code=code),
                p.text(raw, "max_label", required=False, code=code),
            )
        }

    def to_data(self, q):
        scale: dict = {"min": q.scale.min, "max": q.scale.max}
        for key in ("min_label", "max_label"):
            text = getattr(q.scale, key)
            if not text.is_empty:
                scale[key] = {"fr": text.fr, "en": text.en} if text.en else {"fr": text.fr}
        return {"scale": scale}

    def structure(self, q):
        return {"scale bounds": f"{q.scale.min}-{q.scale.max}"}

    def wording(self, q):
        return {"minimum anchor": q.scale.min_label, "maximum anchor": q.scale.max_label}

    def model_values(self, q):
        return super().model_values(q) | {
            "scale_min": q.scale.min,
            "scale_max": q.scale.max,
            "scale_min_label_fr": q.scale.min_label.fr,
            "scale_min_label_en": q.scale.min_label.en,
            "scale_max_label_fr": q.scale.max_label.fr,
            "scale_max_label_en": q.scale.max_label.en,
        }

    def spec_values(self, question):
        return {
            "scale": ScaleSpec(
                question.scale_min,
                question.scale_max,
                Text(question.scale_min_label_fr, question.scale_min_label_en),
                Text(question.scale_max_label_fr, question.scale_max_label_en),
            )
        }

    def fields(self, question, label):
        field = forms.TypedChoiceField(
            choices=[(i, str(i)) for i in range(question.scale_min, question.scale_max + 1)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            label=label,
        )
        field.min_label, field.max_label = question.scale_min_label, question.scale_max_label
        return {question.code: required_error(field)}

    def layout(self, question):
        return [Field(question.code, template=self.template)]

    def cleaned_value(self, question, cleaned):
        return AnswerValue(score=cleaned.get(question.code))

    def initial(self, question, answer):
        return {question.code: answer.score}

    def stored_rows(self, question, value):
        return [{"row": "", "score": value.score}]

    def from_stored(self, question, rows):
        return AnswerValue(score=rows[0].score)

    # The analyses: a column of scores; mean, SD, median, quartiles, the 0-4 / 5-7 / 8-10 bins;
    # the scales of a page drawn together, a bar split into the bins per statement (the paper's
    # Figs. 2 and 5).

    def export_columns(self, info):
        return [Column(info.code, info.code, "value", source="score")]

    def export_cells(self, info, value, cells):
        return [cells.number(value.score)]

    def codebook(self, info):
        return [CodebookEntry(self.name, f"{info.scale_min}-{info.scale_max} (integer)", info.text)]

    def value_fields(self, info):
        return ("score",)

    def summarize(self, info, counted):
        return distributions.scale(counted.values, info.scale_min, info.scale_max)

    def chart_name(self, info):
        return f"scales-page-{info.page}"

    def chart(self, results, language, page_title):
        from analysis import charts

        bars = [
            charts.Shares(
                f"{r.info.code}. {pick(r.info.text, language)}",
                [b.percent or 0 for b in r.summary.bins],
                r.summary.n,
            )
            for r in results
        ]
        labels = [label for label, _start, _end in distributions.BINS]
        return charts.stacked_bins(page_title, bars, labels, share_axis([bar.n for bar in bars]))

    def summary_data(self, info, summary):
        return summary.as_data()

    def results_template(self, info):
        return "analysis/results/scale.html"


KIND = Scale()
