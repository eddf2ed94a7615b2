"""The POST data an admin change page would send back unchanged, built from its GET reply."""

import json

from django import forms
from django.utils import timezone


def _put(data: dict, key: str, field, value) -> None:
    if isinstance(field, forms.SplitDateTimeField):
        local = timezone.localtime(value) if value else None
        data[f"{key}_0"] = local.strftime("%Y-%m-%d") if local else ""
        data[f"{key}_1"] = local.strftime("%H:%M:%S") if local else ""
    elif value is None or value is False:
        return
    elif isinstance(value, dict | list) and isinstance(field, forms.JSONField):
        data[key] = json.dumps(value)
    else:
        data[key] = getattr(value, "pk", value)


def change_form_data(reply) -> dict:
    form = reply.context["adminform"].form
    data: dict = {}
    if 'name="_structure_editable"' in reply.content.decode():
        data["_structure_editable"] = "1"
    for name, field in form.fields.items():
        _put(data, name, field, form.initial.get(name, field.initial))
    for inline in reply.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for index, inline_form in enumerate(formset.forms):
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                _put(data, f"{formset.prefix}-{index}-{name}", field, value)
    return data


def inline_index(reply, prefix: str, **match) -> int:
    """The index of the inline form of ``prefix`` whose instance has these attribute values."""
    for inline in reply.context["inline_admin_formsets"]:
        if inline.formset.prefix != prefix:
            continue
        for index, inline_form in enumerate(inline.formset.forms):
            if all(getattr(inline_form.instance, k) == v for k, v in match.items()):
                return index
    raise LookupError(f"no {prefix} form with {match}")
