"""The instrument is edited here, in both languages; responses can be read, never changed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Answer, Choice, Page, Question, Response, Survey


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    ordering = ["position"]
    fields = ["position", "title_fr", "title_en", "lead_in_fr", "lead_in_en"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    ordering = ["position"]
    show_change_link = True  # choices and conditions are edited on the question's own page
    fields = ["position", "code", "page", "kind", "text_fr", "text_en", "required"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "page" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = Page.objects.filter(survey_id=request.resolver_match.kwargs["object_id"])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_fr", "instrument_version", "status", "opens_at", "closes_at"]
    list_filter = ["status"]
    search_fields = ["slug", "title_fr", "title_en"]
    inlines = [PageInline, QuestionInline]
    fieldsets = [
        (None, {"fields": ["slug", "instrument_version", "status", "opens_at", "closes_at"]}),
        (_("French"), {"fields": ["title_fr", "introduction_fr", "consent_fr"]}),
        (_("English"), {"fields": ["title_en", "introduction_en", "consent_en"]}),
        (_("Study information"), {"fields": ["ethics_approval", "contact"]}),
        (_("Analysis plan"), {"fields": ["analysis"], "classes": ["collapse"]}),
    ]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    ordering = ["position"]
    fields = ["position", "code", "label_fr", "label_en", "is_other"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "survey", "page", "kind", "text_fr", "required"]
    list_filter = ["survey", "kind"]
    search_fields = ["code", "text_fr", "text_en"]
    ordering = ["survey", "position"]
    inlines = [ChoiceInline]
    raw_id_fields = ["condition_choice"]
    fieldsets = [
        (None, {"fields": ["survey", "page", "code", "position", "kind", "required", "has_comment"]}),
        (_("French"), {"fields": ["text_fr", "help_fr", "scale_min_label_fr", "scale_max_label_fr"]}),
        (_("English"), {"fields": ["text_en", "help_en", "scale_min_label_en", "scale_max_label_en"]}),
        (_("Scale"), {"fields": ["scale_min", "scale_max"]}),
        (_("Display condition"), {"fields": ["condition_choice", "condition_operator"]}),
    ]


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


@admin.register(Response)
class ResponseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "survey", "status", "language", "started_at", "last_saved_at", "completed_at"]
    list_filter = ["survey", "status", "language"]
    readonly_fields = [
        "id",
        "survey",
        "status",
        "language",
        "started_at",
        "last_saved_at",
        "completed_at",
        "furthest_page",
    ]
    exclude = ["token_hash"]
    inlines = [AnswerInline]
