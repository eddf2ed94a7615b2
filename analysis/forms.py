from django import forms
from django.utils.translation import gettext_lazy as _

from .queries import Filters
from .variables import pick


class FilterForm(forms.Form):
    complete_only = forms.BooleanField(label=_("Complete responses only"), required=False)
    start = forms.DateField(
        label=_("Started from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    include_tests = forms.BooleanField(label=_("Include test responses"), required=False)
    safe = forms.BooleanField(label=_("Publication-safe (counts under 5 shown as <5)"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date must not come before the start date."))
        return cleaned

    def filters(self) -> Filters:
        """The filters asked for, or none where the form is invalid (its errors are shown)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            complete_only=data["complete_only"],
            start=data["start"],
            end=data["end"],
            include_tests=data["include_tests"],
        )

    @property
    def safe_mode(self) -> bool:
        return self.is_valid() and self.cleaned_data["safe"]


class CrosstabForm(forms.Form):
    rows = forms.ChoiceField(
        label=_("Rows"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    cols = forms.ChoiceField(
        label=_("Columns"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )

    def __init__(self, *args, variables, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.code, pick(v.label, language)) for v in variables]
        self.fields["rows"].choices = choices
        self.fields["cols"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rows") and cleaned.get("rows") == cleaned.get("cols"):
            raise forms.ValidationError(_("Choose two different variables."))
        return cleaned


class ExportForm(forms.Form):
    complete_only = forms.BooleanField(label=_("Complete responses only"), required=False)
    start = forms.DateField(
        label=_("Started from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    include_tests = forms.BooleanField(
        label=_("Include test responses (an is_test column says which)"), required=False
    )
    labels = forms.ChoiceField(
        label=_("Answers as"),
        required=False,
        choices=[("", _("codes")), ("fr", _("French labels")), ("en", _("English labels"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("standard", _("CSV for R and pandas (UTF-8, comma)")),
            ("excel-fr", _("CSV for French Excel (semicolon)")),
            ("xlsx", _("Excel workbook (.xlsx)")),
            ("sav", _("SPSS (.sav)")),
            ("dta", _("Stata 14+ (.dta)")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["format"] = cleaned.get("format") or "standard"
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date must not come before the start date."))
        return cleaned

    def options(self):
        from .export import Options

        return Options(
            labels=self.cleaned_data["labels"] or None, excel_fr=self.cleaned_data["format"] == "excel-fr"
        )

    def language(self, default: str) -> str:
        """The language of the labels of SPSS, Stata, the scripts and the workbook's notes: the
        one asked for, else ``default`` (the dashboard's)."""
        return self.cleaned_data["labels"] or default[:2]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            complete_only=data["complete_only"],
            start=data["start"],
            end=data["end"],
            include_tests=data["include_tests"],
        )
