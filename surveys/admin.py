"""The instrument is edited here, in both languages; responses can be read, never changed.

Once a survey has answers its structure is frozen (``surveys.structure``): the frozen fields
are shown read-only with the reason, rows can no longer be added or deleted, and the forms check
the rule again on submission (answers may have arrived since the page was opened). Wording stays
editable; every change is kept in the instrument's history.
"""

import contextlib
from dataclasses import replace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
)
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_conditions import ROWS, ConditionBuilder, as_rows
from .history import instrument_history
from .instrument import InstrumentError, parse_data
from .instrument_data import spec_to_data
from .instrument_services import (
    InstrumentConflict,
    next_position,
    order_move,
    positions_renumber,
    suggested_code,
    survey_duplicate,
)
from .kinds import KINDS
from .models import Answer, Choice, Page, Question, Response, Statement, Survey
from .plan_forms import plan_view
from .selectors import survey_layout, survey_spec
from .services import DeletionNotConfirmed, responses_delete
from .sharing import opening_problem, qr_file, qr_svg, survey_status_set
from .structure import FROZEN_FIELDS, StructureFrozen, check_deletion, check_structure, frozen_reason
from .validation import condition_error, conditions_problem, earlier_questions

admin.site.site_header = _("medsurvey · investigators’ workspace")
admin.site.site_title = _("medsurvey")
admin.site.index_title = _("Surveys, responses and results")
# Three kinds of pages need no side menu: the survey editor has the whole width of the window.
admin.site.enable_nav_sidebar = False

# Sent back by a change form whose structure was editable when it was opened: should answers
# have arrived since, its frozen fields are validated (and refused) rather than silently ignored.
EDITABLE_MARK = "_structure_editable"


def _frozen(request, survey_id) -> str | None:
    """Why the survey's structure is frozen (asked once per request), or None when its fields
    are to be shown editable, or, on a form sent back editable, validated."""
    if survey_id is None or (request.method == "POST" and request.POST.get(EDITABLE_MARK)):
        return None
    reasons = request.__dict__.setdefault("_structure_frozen", {})
    if survey_id not in reasons:
        reasons[survey_id] = frozen_reason(survey_id)
    return reasons[survey_id]


class StructureCheckedForm(forms.ModelForm):
    """Refuses, as form errors, a change to a frozen field (nothing is saved). Texts keep the
    line breaks of an instrument file: a browser sends CR LF, which would otherwise read as an
    edit of every multi-paragraph text at the next load of the file."""

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if "condition" in self.fields and "condition" not in self.errors:
            problem = condition_error(self.instance)
            if problem:
                self.add_error("condition", problem)
        try:
            check_structure(self.instance)
        except StructureFrozen as exc:
            if not hasattr(exc, "error_dict"):
                self.add_error(None, exc.messages)
                return
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)


class StructureCheckedFormSet(BaseInlineFormSet):
    """Refuses the deletion of a page, question or choice of a frozen survey; puts a new row at
    the end."""

    def save_new(self, form, commit=True):
        setattr(form.instance, self.fk.name, self.instance)
        if not form.instance.position:
            form.instance.position = next_position(form.instance)
        if isinstance(form.instance, Question) and not form.instance.code:
            form.instance.code = suggested_code(self.instance, form.instance.text_fr)
        return super().save_new(form, commit)

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk:
                try:
                    check_deletion(form.instance)
                except StructureFrozen as exc:
                    raise forms.ValidationError(exc.messages) from exc


class FrozenStructureInline(admin.TabularInline):
    """An inline whose frozen fields turn read-only, and that neither adds nor deletes rows,
    once the parent's survey has answers. Rows are ordered with up and down buttons (the
    position is never typed); a new row goes at the end."""

    form = StructureCheckedForm
    formset = StructureCheckedFormSet
    extra = 0
    ordering = ["position"]
    frozen_now = False

    def survey_id_of(self, obj):
        return obj.pk if isinstance(obj, Survey) else getattr(obj, "survey_id", None)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:  # a row's boxes have no label of their own: name them for screen readers
            field.widget.attrs.setdefault("aria-label", str(db_field.verbose_name))
            if db_field.name == "code" and self.model is Question:
                field.required = False  # made from the wording when left empty (see save_new)
        return field

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        self.frozen_now = bool(obj is not None and _frozen(request, self.survey_id_of(obj)))
        if self.frozen_now:
            readonly += [f for f in FROZEN_FIELDS[self.model] if f in self.fields and f not in readonly]
        return [*readonly, "order"] if "order" in self.fields else readonly

    @admin.display(description=_("order"))
    def order(self, obj):
        if obj is None or obj.pk is None:
            return gettext("at the end")
        name = obj._meta.model_name
        if self.frozen_now:
            return obj.position
        return format_html(
            '<span class="order-controls">'
            '<button type="submit" name="_move" value="{}:{}:up" class="order-button" title="{}" '
            'aria-label="{}">↑</button><button type="submit" name="_move" value="{}:{}:down" '
            'class="order-button" title="{}" aria-label="{}">↓</button></span>',
            name,
            obj.pk,
            gettext("Move up (saves the page)"),
            gettext("Move %(item)s up") % {"item": obj},
            name,
            obj.pk,
            gettext("Move down (saves the page)"),
            gettext("Move %(item)s down") % {"item": obj},
        )

    def has_add_permission(self, request, obj=None):
        frozen = obj is not None and _frozen(request, self.survey_id_of(obj))
        return not frozen and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        frozen = obj is not None and _frozen(request, self.survey_id_of(obj))
        return not frozen and super().has_delete_permission(request, obj)


class OptionalJSONField(forms.JSONField):
    """A JSON box that shows nothing, not "null", when there is nothing."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class PageInline(FrozenStructureInline):
    model = Page
    show_change_link = True  # its condition is picked on the page's own page
    fields = ["order", "title_fr", "title_en", "lead_in_fr", "lead_in_en", "shown_when"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "shown_when"]

    @admin.display(description=_("shown"))
    def shown_when(self, obj):
        if obj is None or obj.pk is None or not obj.condition:
            return gettext("always")
        # From the survey's layout, kept in memory: no query per row.
        layout = survey_layout(obj.survey)
        earlier = [q for p in layout.pages if p.position < obj.position for q in layout.questions_on(p)]
        return ConditionBuilder.describe(obj.condition, earlier)

    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})},
        models.JSONField: {
            "form_class": OptionalJSONField,
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 28}),
        },
    }


class QuestionInline(FrozenStructureInline):
    model = Question
    show_change_link = True  # choices and conditions are edited on the question's own page
    fields = ["order", "code", "page", "kind", "text_fr", "required"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "page" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = Page.objects.filter(survey_id=request.resolver_match.kwargs["object_id"])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FrozenStructureAdmin(SimpleHistoryAdmin):
    """A change page that shows why the structure is frozen and keeps its fields read-only."""

    form = StructureCheckedForm
    change_form_template = "admin/surveys/structure_change_form.html"

    def survey_id_of(self, obj):
        return obj.pk if isinstance(obj, Survey) else obj.survey_id

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and _frozen(request, self.survey_id_of(obj)):
            readonly += [f for f in FROZEN_FIELDS[self.model] if f not in readonly]
        return readonly

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version can be read, never saved back: reverting is disabled, and the form
        would otherwise save for anyone allowed to view."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    # What each change page may move: the rows of its inlines.
    movable: dict[str, type] = {}

    def response_change(self, request, obj):
        move = request.POST.get("_move")
        if move:
            self._move(request, obj, move)
            return redirect(request.path)
        return super().response_change(request, obj)

    def _move(self, request, obj, move: str) -> None:
        try:
            name, pk, direction = move.split(":")
            model = self.movable[name]
            item = model.objects.get(pk=int(pk))
        except (ValueError, KeyError, ObjectDoesNotExist):
            messages.error(request, gettext("Nothing was moved: that row is not on this page."))
            return
        parent = item.survey_id if name in ("page", "question") else item.question_id
        if parent != obj.pk or direction not in ("up", "down"):
            messages.error(request, gettext("Nothing was moved: that row is not on this page."))
            return
        try:
            order_move(item, direction)
        except StructureFrozen as exc:
            messages.error(request, " ".join(exc.messages))
        except InstrumentConflict as exc:
            messages.error(request, str(exc))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        reason = _frozen(request, self.survey_id_of(obj)) if obj is not None else None
        if request.method == "GET" and reason:
            messages.warning(request, reason)
        extra_context = {
            **(extra_context or {}),
            "structure_frozen": bool(reason),
            "editable_mark": EDITABLE_MARK,
        }
        return super().change_view(request, object_id, form_url, extra_context)


class SurveyForm(StructureCheckedForm):
    def clean_status(self):
        status = self.cleaned_data["status"]
        opening = status == Survey.Status.OPEN and self.instance.pk and self.instance.status != status
        if opening and (problem := opening_problem(self.instance)):
            raise forms.ValidationError(gettext("The survey cannot open: %(problem)s") % {"problem": problem})
        return status

    def clean_analysis(self):
        """The analysis plan checked against the survey's questions and written as the file's
        parser writes it, so that an export of the live survey loads back unchanged."""
        plan = self.cleaned_data["analysis"]
        if self.instance.pk is None:
            return plan
        live = survey_spec(self.instance)
        try:
            return parse_data(spec_to_data(replace(live, analysis=plan or {}))).analysis
        except InstrumentError as exc:
            try:  # an instrument still incomplete cannot check a plan: keep it as typed
                parse_data(spec_to_data(replace(live, analysis={})))
            except InstrumentError:
                return plan
            raise forms.ValidationError(str(exc)) from exc


@admin.register(Survey)
class SurveyAdmin(FrozenStructureAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    form = SurveyForm
    list_display = ["slug", "title_fr", "instrument_version", "status", "opens_at", "closes_at", "dashboard"]
    list_filter = ["status"]
    search_fields = ["slug", "title_fr", "title_en"]
    inlines = [PageInline, QuestionInline]

    @admin.display(description=_("dashboard"))
    def dashboard(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("analysis:overview", args=[obj.slug]), gettext("Results")
        )

    movable = {"page": Page, "question": Question}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _renumber(form.instance)
        _warn_broken_conditions(request, form.instance.pk)

    readonly_fields = ["links"]
    actions = ["duplicate_as_new_version"]
    fieldsets = [
        (None, {"fields": ["links", "slug", "instrument_version", "status", "opens_at", "closes_at"]}),
        (_("French"), {"fields": ["title_fr", "introduction_fr", "consent_fr"]}),
        (_("English"), {"fields": ["title_en", "introduction_en", "consent_en"]}),
        (_("Study information"), {"fields": ["ethics_approval", "contact"]}),
        (_("Analysis plan"), {"fields": ["analysis"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("links"))
    def links(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · '
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:surveys_survey_share", args=[obj.pk]),
            gettext("Share, open and try"),
            reverse("admin:surveys_survey_analysis_plan", args=[obj.pk]),
            gettext("Analysis plan"),
            reverse("surveys:preview", args=[obj.slug]),
            gettext("Try it (test run)"),
            reverse("analysis:overview", args=[obj.slug]),
            gettext("Dashboard"),
            reverse("admin:surveys_survey_instrument_history", args=[obj.pk]),
            gettext("Instrument history"),
        )

    def get_urls(self):
        history = self.admin_site.admin_view(self.instrument_history_view)
        plan = self.admin_site.admin_view(self.analysis_plan_view)
        return [
            path("<int:object_id>/instrument-history/", history, name="surveys_survey_instrument_history"),
            path("<int:object_id>/analysis-plan/", plan, name="surveys_survey_analysis_plan"),
            path(
                "<int:object_id>/share/",
                self.admin_site.admin_view(self.share_view),
                name="surveys_survey_share",
            ),
            path(
                "<int:object_id>/qr.<str:kind>",
                self.admin_site.admin_view(self.qr_view),
                name="surveys_survey_qr",
            ),
            *super().get_urls(),
        ]

    def share_view(self, request, object_id):
        """The respondents' link with its QR code, opening and closing, and each page as a phone
        and a desktop show it."""
        survey = self.get_object(request, str(object_id))
        if survey is None or not self.has_view_permission(request, survey):
            return redirect("admin:surveys_survey_changelist")
        can_change = self.has_change_permission(request, survey)
        if request.method == "POST":
            if not can_change:
                return HttpResponseForbidden()
            try:
                survey_status_set(survey=survey, status=request.POST.get("status", ""))
            except ValueError:
                return HttpResponseBadRequest(gettext("Unknown status."))
            except InstrumentConflict as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    gettext("The survey is now: %(status)s.") % {"status": survey.get_status_display()},
                )
            return redirect("admin:surveys_survey_share", survey.pk)
        link = request.build_absolute_uri(reverse("surveys:start", args=[survey.slug]))
        layout = survey_layout(survey)
        look = request.GET.get("look", "")
        look = int(look) if look.isdigit() and layout.page(int(look)) else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": survey,
            "title": gettext("Share, open and try %(slug)s") % {"slug": survey.slug},
            "link": link,
            "qr": qr_svg(link, title=gettext("QR code of the link for respondents")),
            "problem": opening_problem(survey),
            "availability": survey.availability(),
            "can_change": can_change,
            "pages": layout.pages,
            "look": look,
            "look_as": "phone" if request.GET.get("as") == "phone" else "desktop",
        }
        return TemplateResponse(request, "admin/surveys/survey/share.html", context)

    def qr_view(self, request, object_id, kind):
        survey = self.get_object(request, str(object_id))
        if survey is None or not self.has_view_permission(request, survey):
            return redirect("admin:surveys_survey_changelist")
        if kind not in ("svg", "png"):
            return HttpResponseNotFound()
        link = request.build_absolute_uri(reverse("surveys:start", args=[survey.slug]))
        reply = HttpResponse(
            qr_file(link, kind), content_type="image/svg+xml" if kind == "svg" else "image/png"
        )
        reply["Content-Disposition"] = f'attachment; filename="{survey.slug}-qr.{kind}"'
        return reply

    def analysis_plan_view(self, request, object_id):
        """The analysis plan (groupings and outcomes of the subgroup comparisons) as a form."""
        survey = self.get_object(request, str(object_id))
        if survey is None or not self.has_view_permission(request, survey):
            return redirect("admin:surveys_survey_changelist")
        return plan_view(
            request, survey, self.admin_site, can_change=self.has_change_permission(request, survey)
        )

    def instrument_history_view(self, request, object_id):
        survey = self.get_object(request, str(object_id))
        if survey is None or not self.has_view_permission(request, survey):
            return redirect("admin:surveys_survey_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": survey,
            "title": gettext("History of the instrument of %(slug)s") % {"slug": survey.slug},
            "entries": instrument_history(survey),
        }
        return TemplateResponse(request, "admin/surveys/survey/instrument_history.html", context)

    @admin.action(description=_("Duplicate as a new draft version"), permissions=["add"])
    def duplicate_as_new_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose exactly one survey to duplicate."), messages.ERROR)
            return None
        survey = queryset.get()
        form = DuplicateForm(
            request.POST if "apply" in request.POST else None,
            initial={"slug": _free_slug(f"{survey.slug}-v2"), "version": f"{survey.instrument_version}-2"},
        )
        if form.is_valid():
            try:
                copy = survey_duplicate(survey=survey, **form.cleaned_data)
            except InstrumentConflict as exc:
                form.add_error("slug", str(exc))
            else:
                self.message_user(
                    request,
                    gettext(
                        "Created the draft survey %(slug)s (version %(version)s): the same instrument, "
                        "no response. Change its structure, then open it."
                    )
                    % {"slug": copy.slug, "version": copy.instrument_version},
                    messages.SUCCESS,
                )
                return redirect("admin:surveys_survey_change", copy.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Duplicate %(slug)s as a new draft version") % {"slug": survey.slug},
            "survey": survey,
            "form": form,
            "action": "duplicate_as_new_version",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/surveys/survey/duplicate.html", context)


def _free_slug(slug: str) -> str:
    candidate, n = slug, 2
    while Survey.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{slug.rsplit('-v', 1)[0]}-v{n}"
    return candidate


class DuplicateForm(forms.Form):
    slug = forms.SlugField(label=_("new slug"), max_length=80)
    version = forms.CharField(label=_("new instrument version"), max_length=40)


class ChoiceInline(FrozenStructureInline):
    model = Choice
    fields = ["order", "code", "label_fr", "label_en", "is_other", "is_exclusive"]

    def get_fields(self, request, obj=None):
        kind = KINDS.get(obj.kind) if obj is not None else None
        fields = list(super().get_fields(request, obj))
        if kind is not None and not getattr(kind, "has_exclusive", False):
            fields.remove("is_exclusive")  # a multiple choice's "none of these" only
        if kind is not None and not getattr(kind, "has_other", False):
            fields.remove("is_other")
        return fields


class StatementInline(FrozenStructureInline):
    model = Statement
    fields = ["order", "code", "text_fr", "text_en"]


def _frozen_for_form(form) -> bool:
    """Whether the form's survey has answers and the form was shown that way (its structure,
    conditions included, read-only). A form sent back editable is read whole, and refused."""
    from .structure import is_frozen

    if form.data.get(EDITABLE_MARK):
        return False
    return is_frozen(form.instance.survey_id)


class ConditionMenus(StructureCheckedForm):
    """A form whose display condition is picked from menus (admin_conditions)."""

    # Declared here so that the admin may list them; their choices come from the survey.
    condition_join = forms.ChoiceField(required=False)
    for _n in range(1, ROWS + 1):
        locals()[f"condition_{_n}_question"] = forms.ChoiceField(required=False)
        locals()[f"condition_{_n}_operator"] = forms.ChoiceField(required=False)
        locals()[f"condition_{_n}_choices"] = forms.MultipleChoiceField(required=False)
        locals()[f"condition_{_n}_value"] = forms.CharField(required=False)
    del _n

    def read_condition(self, cleaned) -> None:
        # Only when the menus were on the page: a frozen survey shows the condition in words,
        # and the declared menu fields, not sent, would read as "no condition".
        if self.builder.active and "condition_join" in self.data and not self.condition_frozen:
            try:
                self.cleaned_condition = self.builder.data(cleaned)
            except forms.ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    self.add_error(field, errors)

    @staticmethod
    def builder_fields(obj) -> list | None:
        """The condition's menus, a row per comparison; None when they cannot show it."""
        if as_rows(obj.condition) is None:
            return None
        rows = [
            tuple(f"condition_{n}_{part}" for part in ("question", "operator", "choices", "value"))
            for n in range(1, ROWS + 1)
        ]
        return ["condition_join", *rows]

    def _post_clean(self):
        if hasattr(self, "cleaned_condition"):
            self.instance.condition = self.cleaned_condition
        super()._post_clean()


class PageForm(ConditionMenus):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.condition_frozen = bool(self.instance.pk) and _frozen_for_form(self)
        self.builder = ConditionBuilder(self, earlier_questions(self.instance))

    def clean(self):
        cleaned = super().clean()
        self.read_condition(cleaned)
        return cleaned


def condition_fieldset(request, obj) -> tuple:
    """The condition's fieldset: in words once the structure is frozen, as menus, or as data
    when the menus cannot show it."""
    if _frozen(request, obj.survey_id):
        fields = ["condition_shown"]
    else:
        fields = ConditionMenus.builder_fields(obj) or ["condition"]
    # Folded while there is none: the question's choices come right after its texts.
    classes = [] if obj.condition else ["collapse"]
    return (_("Display condition"), {"fields": fields, "classes": classes})


def condition_in_words(obj) -> str:
    if not obj.condition:
        return gettext("Always (no condition).")
    return ConditionBuilder.describe(obj.condition, earlier_questions(obj))


@admin.register(Page)
class PageAdmin(FrozenStructureAdmin):
    """A page on its own: its texts and its condition (the survey's page lists them all)."""

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-condition.js"]

    form = PageForm
    readonly_fields = ["survey", "condition_shown"]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["survey"]}),
            (_("French"), {"fields": ["title_fr", "lead_in_fr"], "classes": ["language-fr"]}),
            (_("English"), {"fields": ["title_en", "lead_in_en"], "classes": ["language-en"]}),
            condition_fieldset(request, obj),
        ]

    def has_add_permission(self, request):
        return False  # a page is added on its survey's page

    def get_model_perms(self, request):
        return {}  # reached from its survey, not from the index

    @admin.display(description=_("shown"))
    def condition_shown(self, obj):
        return condition_in_words(obj)

    def response_post_save_change(self, request, obj):
        return redirect("admin:surveys_survey_change", obj.survey_id)


class QuestionForm(ConditionMenus):
    """One question: its kind's fields only, its condition picked from menus (admin_conditions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        survey_id = self.instance.survey_id or self.initial.get("survey")
        self.condition_frozen = bool(self.instance.pk) and _frozen_for_form(self)
        # A frozen survey shows the condition in words: no menus to fill.
        earlier = [] if self.condition_frozen or not survey_id else earlier_questions(self.instance)
        self.builder = ConditionBuilder(self, earlier)
        if "page" in self.fields and survey_id:
            self.fields["page"].queryset = Page.objects.filter(survey_id=survey_id).order_by("position")
        if "code" in self.fields and not self.instance.pk:
            self.fields["code"].required = False
            self.fields["code"].help_text = _(
                "Left empty: made from the French wording. The name of the question's variable in "
                "exports and analyses: letters, digits and _; it cannot change once there are answers."
            )
        if "position" in self.fields:
            self.fields["position"].required = False

    def clean(self):
        cleaned = super().clean()
        survey = cleaned.get("survey") or (self.instance.survey if self.instance.survey_id else None)
        page = cleaned.get("page")
        if survey and page and page.survey_id != survey.pk:
            self.add_error(
                "page", _("This page belongs to another survey: choose one of this survey's pages.")
            )
        self.read_condition(cleaned)
        kind = cleaned.get("kind") or self.instance.kind
        if kind in KINDS:
            the_kind = KINDS[kind]
            if not self.condition_frozen:  # a frozen survey's kinds and settings stay as they are
                for name in OWN_SETTINGS:  # another kind's settings are cleared, not refused
                    if name not in the_kind.admin_fields:
                        cleaned[name] = None if name in NULLABLE_SETTINGS else ""
                for name, value in the_kind.admin_defaults.items():
                    shown = name in self.fields
                    empty = cleaned.get(name) in (None, "") if shown else getattr(self.instance, name) is None
                    if empty:
                        cleaned[name] = value
        if not cleaned.get("code") and not self.instance.pk and survey:
            cleaned["code"] = suggested_code(survey, cleaned.get("text_fr") or "")
        if not self.instance.pk and not self.instance.position and survey:
            self.instance.position = next_position(Question(survey=survey))  # at the end
        return cleaned

    def _post_clean(self):
        for name in OWN_SETTINGS:  # cleared above: the model's columns, even when not on the form
            if name in self.cleaned_data and name not in self.fields:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


OWN_SETTINGS = (
    "scale_min",
    "scale_max",
    "scale_min_label_fr",
    "scale_min_label_en",
    "scale_max_label_fr",
    "scale_max_label_en",
    "number_min",
    "number_max",
    "decimals",
    "unit_fr",
    "unit_en",
    "date_min",
    "date_max",
)
NULLABLE_SETTINGS = {"scale_min", "scale_max", "number_min", "number_max", "decimals", "date_min", "date_max"}


@admin.register(Question)
class QuestionAdmin(FrozenStructureAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-condition.js"]

    form = QuestionForm
    list_display = ["code", "survey", "page", "kind", "text_fr", "required"]
    list_filter = ["survey", "kind"]
    search_fields = ["code", "text_fr", "text_en"]
    ordering = ["survey", "position"]
    inlines = [ChoiceInline, StatementInline]
    movable = {"choice": Choice, "statement": Statement}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        kind = KINDS[question.kind]
        if not _frozen(request, question.survey_id):  # a kind changed: the former kind's rows go
            if not kind.has_choices:
                question.choices.all().delete()
            if not kind.has_statements:
                question.statements.all().delete()
        _renumber(question.survey)  # a question moved to another page follows it
        _warn_broken_conditions(request, question.survey_id)

    def get_fieldsets(self, request, obj=None):
        kind = KINDS.get(obj.kind) if obj is not None else None
        own = kind.admin_fields if kind else ()
        fr = [f for f in own if f.endswith("_fr")]
        en = [f for f in own if f.endswith("_en")]
        settings = [f for f in own if f not in fr and f not in en]
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        ("survey_link" if obj is not None else "survey"),
                        "page",
                        "kind",
                        "code",
                        "required",
                        "has_comment",
                    ]
                },
            ),
            (_("French"), {"fields": ["text_fr", "help_fr", *fr], "classes": ["language-fr"]}),
            (_("English"), {"fields": ["text_en", "help_en", *en], "classes": ["language-en"]}),
        ]
        if settings:
            fieldsets.append((kind.label, {"fields": settings}))
        if obj is not None:
            fieldsets.append(condition_fieldset(request, obj))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "condition_shown"]
        # A question stays in its survey (its page is one of the survey's).
        return [*readonly, "survey_link"] if obj is not None else readonly

    @admin.display(description=_("survey"))
    def survey_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:surveys_survey_change", args=[obj.survey_id]), obj.survey
        )

    def response_post_save_change(self, request, obj):
        return redirect("admin:surveys_survey_change", obj.survey_id)  # back to its survey's page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, object_id)
        if request.method == "GET" and question is not None and (missing := missing_english(question)):
            messages.warning(
                request,
                gettext("No English yet for: %(texts)s. English respondents read the French instead.")
                % {"texts": ", ".join(missing)},
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        """Choices and statements are kept for the kinds that have them (a new question's page
        offers both before its kind is known)."""
        kind = KINDS[form.instance.kind]
        keep = kind.has_choices if formset.model is Choice else kind.has_statements
        if keep or formset.model not in (Choice, Statement):
            super().save_formset(request, form, formset, change)
        else:  # nothing saved: the change message finds nothing either
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description=_("shown"))
    def condition_shown(self, obj):
        return condition_in_words(obj)

    def get_inline_instances(self, request, obj=None):
        if obj is None:  # a new question: its kind is chosen on the same page
            return super().get_inline_instances(request, obj)
        kind = KINDS.get(obj.kind)
        wanted = {
            ChoiceInline: bool(kind and kind.has_choices),
            StatementInline: bool(kind and kind.has_statements),
        }
        return [
            inline for inline in super().get_inline_instances(request, obj) if wanted.get(type(inline), True)
        ]

    def has_delete_permission(self, request, obj=None):
        frozen = obj is not None and _frozen(request, obj.survey_id)
        return not frozen and super().has_delete_permission(request, obj)


def missing_english(question: Question) -> list[str]:
    """The question's texts written in French and not in English, by the names the editor uses."""
    pairs = [
        (gettext("text"), question.text_fr, question.text_en),
        (gettext("help text"), question.help_fr, question.help_en),
        (gettext("minimum anchor"), question.scale_min_label_fr, question.scale_min_label_en),
        (gettext("maximum anchor"), question.scale_max_label_fr, question.scale_max_label_en),
        (gettext("unit"), question.unit_fr, question.unit_en),
    ]
    pairs += [
        (gettext("choice %(code)s") % {"code": c.code}, c.label_fr, c.label_en)
        for c in question.choices.all()
    ]
    pairs += [
        (gettext("statement %(code)s") % {"code": st.code}, st.text_fr, st.text_en)
        for st in question.statements.all()
    ]
    return [name for name, french, english in pairs if french.strip() and not english.strip()]


def _renumber(survey: Survey) -> None:
    """Questions numbered in the order of their pages (nothing moves when they already are)."""
    with contextlib.suppress(StructureFrozen):  # a frozen survey keeps its order, whatever it is
        positions_renumber(survey)


def _warn_broken_conditions(request, survey_id: int) -> None:
    """Say so when a change leaves a condition that no longer holds together (a choice it names
    renamed or deleted…): what it guards is hidden until it is fixed, and the survey cannot open."""
    problem = conditions_problem(survey_id)
    if problem:
        messages.warning(
            request,
            gettext(
                "A display condition no longer holds together: %(problem)s. Fix it: until then "
                "the question it guards is hidden."
            )
            % {"problem": problem},
        )


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerInline(ReadOnlyMixin, admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "choice", "chosen", "score", "text", "other_text", "comment"]
    readonly_fields = fields
    ordering = ["question__position"]

    @admin.display(description=_("choices"))
    def chosen(self, obj):
        return ", ".join(c.code for c in obj.choices.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "choice").prefetch_related("choices")


class ConfirmDeletionForm(forms.Form):
    confirm_real = forms.IntegerField(label=_("number of real responses to delete"), min_value=0)


@admin.register(Response)
class ResponseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "survey",
        "is_test",
        "status",
        "language",
        "started_at",
        "last_saved_at",
        "completed_at",
    ]
    list_filter = ["survey", "is_test", "status", "language"]
    readonly_fields = [*list_display, "furthest_page"]
    exclude = ["token_hash"]
    inlines = [AnswerInline]
    actions = ["delete_test_responses", "delete_responses"]

    def has_delete_data_permission(self, request) -> bool:
        """Deleting responses goes only through the two actions below, for those who may."""
        return request.user.has_perm("surveys.delete_response")

    @admin.action(
        description=_("Delete the selected test responses (real ones are kept)"), permissions=["delete_data"]
    )
    def delete_test_responses(self, request, queryset):
        tests = list(queryset.filter(is_test=True).values_list("pk", flat=True))
        real = queryset.filter(is_test=False).count()
        responses_delete(response_ids=tests, confirmed_real=0)
        message = gettext("Deleted %(n)d test response(s).") % {"n": len(tests)}
        if real:
            message += " " + gettext("%(n)d real response(s) in the selection were kept.") % {"n": real}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description=_("Delete the selected responses, real ones included (asks for confirmation)"),
        permissions=["delete_data"],
    )
    def delete_responses(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        real = queryset.filter(is_test=False).count()
        test = len(ids) - real
        answers = Answer.objects.filter(response__in=ids).count()
        form = ConfirmDeletionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                deleted_real, deleted_test = responses_delete(
                    response_ids=ids, confirmed_real=form.cleaned_data["confirm_real"]
                )
            except DeletionNotConfirmed as exc:
                form.add_error(
                    "confirm_real",
                    gettext("Type %(n)d, the number of real responses selected, to delete them.")
                    % {"n": exc.real},
                )
            else:
                self.message_user(
                    request,
                    gettext("Deleted %(real)d real and %(test)d test response(s).")
                    % {"real": deleted_real, "test": deleted_test},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Delete responses"),
            "ids": ids,
            "real": real,
            "test": test,
            "answers": answers,
            "form": form,
            "action": "delete_responses",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/surveys/response/delete_confirmation.html", context)
