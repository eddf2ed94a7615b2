"""A 0-10 scale (Q11-Q18, Q23-Q25): a row of buttons with an anchor under each end; the score."""

from __future__ import annotations

from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import SCALE_CEILING, SCALE_FLOOR
from ..specs import ScaleSpec, Text
from ..values import AnswerValue
from .base import Kind, required_error


class Scale(Kind):
    name = "scale"
    label = _("0-10 scale")
    analysis_role = "score"
    operators = ("eq", "ne", "gt", "ge", "lt", "le")
    value_type = "integer"
    file_keys = ("scale",)
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


KIND = Scale()
