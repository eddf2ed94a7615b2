"""The analysis plan (the groupings and outcomes of the paper's Table 1) edited as a form in the
admin, not as data.

A grouping is a fieldset: its code, label and question (a menu of the survey's single-choice
questions), then its groups as rows of a nested formset (code, labels, a menu of choices, "every
other choice"), with empty rows to add groups; an outcome is a fieldset too (its questions, and
when it is positive: some choices, none of some choices, or a score at least). Without
JavaScript, each save offers one more empty grouping and outcome ("Save and continue editing").
Choices are picked from menus whose values name their question ("Q3:general_practice"), checked
against the question chosen. The plan the forms give is then checked by the instrument file's
own parser, against the live questionnaire, so that a refusal says what the loader would say; it
is saved as the parser writes it, so that an export of the survey loads back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .instrument import InstrumentError, parse_data
from .instrument_data import spec_to_data
from .kinds import kind
from .selectors import survey_spec
from .specs import InstrumentSpec, QuestionSpec, Text

TEMPLATE = "admin/surveys/survey/analysis_plan.html"
MAX_ITEMS = 50  # groupings, and outcomes, in one plan
MAX_GROUPS = 40  # groups in one grouping
NEW_GROUP_ROWS = 4  # the empty rows of a new grouping
MORE_GROUP_ROWS = 1  # the empty rows under a grouping's groups
SEVERAL = _("Hold down “Control”, or “Command” on a Mac, to select more than one.")
POSITIVE = [
    ("", "—"),
    ("choices", _("the answer is one of the choices")),
    ("not_choices", _("the answer is none of the choices")),
    ("min_score", _("the score is at least")),
]


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


class Menus:
    """The survey's questions an analysis may use, as menus: single-choice questions (a
    grouping, an outcome by choices) and scales (an outcome by score)."""

    def __init__(self, spec: InstrumentSpec) -> None:
        self.english = (get_language() or "").startswith("en")
        self.questions = {q.code: q for q in spec.questions}
        roles = {q.code: kind(q.kind).analysis_role for q in spec.questions}
        self.category = [q for q in spec.questions if roles[q.code] == "category"]
        self.analysed = [q for q in spec.questions if roles[q.code] in ("category", "score")]
        self.order = {
            self.value(q.code, c.code): n
            for n, (q, c) in enumerate((q, c) for q in self.category for c in q.choices)
        }

    def text(self, text: Text) -> str:
        return (text.en or text.fr) if self.english else (text.fr or text.en)

    @staticmethod
    def value(question: str, choice: str) -> str:
        return f"{question}:{choice}"

    def question_name(self, code: str, size: int = 45) -> str:
        question = self.questions.get(code)
        return _short(f"{code}. {self.text(question.text)}", size) if question else code

    def question_options(self, questions: list[QuestionSpec], blank: bool) -> list:
        options = [(q.code, self.question_name(q.code)) for q in questions]
        return [("", "—"), *options] if blank else options

    def choice_options(self, first) -> list:
        """The choices of every single-choice question, a group per question, those of the
        questions ``first`` first (the ones the item uses, where a reader looks)."""
        questions = sorted(self.category, key=lambda q: q.code not in first)
        return [
            (
                self.question_name(q.code, 45),
                [(self.value(q.code, c.code), self.text(c.label)) for c in q.choices],
            )
            for q in questions
        ]

    def question_quoted(self, code: str) -> str:
        question = self.questions.get(code)
        return f"{code} “{_short(self.text(question.text), 90)}”" if question else code

    def choice_name(self, question: str, choice: str) -> str:
        q = self.questions.get(question)
        labels = {c.code: self.text(c.label) for c in q.choices} if q else {}
        return labels.get(choice, choice)

    def codes(self, values) -> list[str]:
        """Choice codes from menu values, in the questionnaire's order, each once."""
        codes: list[str] = []
        for value in sorted(values, key=lambda v: self.order.get(v, len(self.order))):
            code = value.partition(":")[2]
            if code not in codes:
                codes.append(code)
        return codes


class LabelledForm(forms.Form):
    """A form whose fields name themselves to a screen reader (in a table, without a label)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", field.label)


class PlanFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete")


class GroupForm(LabelledForm):
    code = forms.CharField(label=_("Code"), max_length=100, widget=forms.TextInput(attrs={"size": 12}))
    label_fr = forms.CharField(
        label=_("Label (French)"), max_length=200, widget=forms.TextInput(attrs={"size": 18})
    )
    label_en = forms.CharField(
        label=_("Label (English)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"size": 18}),
    )
    choices = forms.MultipleChoiceField(
        label=_("Choices"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    otherwise = forms.BooleanField(label=_("Every other choice"), required=False)

    def __init__(self, *args, menus: Menus, first=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choices"].choices = menus.choice_options(first)


GroupFormSet = forms.formset_factory(
    GroupForm,
    formset=PlanFormSet,
    extra=MORE_GROUP_ROWS,
    can_delete=True,
    max_num=MAX_GROUPS,
    absolute_max=MAX_GROUPS,
    validate_max=True,
)


class GroupingForm(LabelledForm):
    code = forms.CharField(label=_("Code"), max_length=100, widget=forms.TextInput(attrs={"size": 14}))
    label_fr = forms.CharField(label=_("Label (French)"), max_length=200)
    label_en = forms.CharField(label=_("Label (English)"), max_length=200, required=False)
    question = forms.ChoiceField(label=_("Question"))

    def __init__(self, *args, menus: Menus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.menus = menus
        self.fields["question"].choices = menus.question_options(menus.category, blank=True)
        if self.is_bound:
            question = self.data.get(self.add_prefix("question"))
        else:
            question = self.initial.get("question")
        groups = self.initial.get("groups") or []
        self.groups = GroupFormSet(
            self.data if self.is_bound else None,
            prefix=self.add_prefix("groups"),
            initial=groups,
            form_kwargs={"menus": menus, "first": [question]},
        )
        self.groups.extra = MORE_GROUP_ROWS if groups else NEW_GROUP_ROWS

    def has_changed(self) -> bool:
        return super().has_changed() or self.groups.has_changed()

    def clean(self):
        cleaned = super().clean()
        if not self.groups.is_valid():
            raise forms.ValidationError(gettext("Correct the groups below."))
        question = cleaned.get("question")
        codes: set[str] = set()
        for group in self.kept_groups():
            code, values = group.cleaned_data["code"], group.cleaned_data["choices"]
            if code in codes:
                group.add_error("code", gettext("Two groups have this code."))
            codes.add(code)
            for value in values:
                owner, _colon, choice = value.partition(":")
                if question and owner != question:
                    message = gettext("“%(choice)s” is a choice of %(other)s, not of %(question)s.")
                    group.add_error(
                        "choices",
                        message
                        % {
                            "choice": self.menus.choice_name(owner, choice),
                            "other": owner,
                            "question": question,
                        },
                    )
                    break
        if not self.groups.is_valid():
            raise forms.ValidationError(gettext("Correct the groups below."))
        return cleaned

    def kept_groups(self) -> list[GroupForm]:
        return _kept(self.groups)

    def item(self) -> dict:
        data = self.cleaned_data
        groups = []
        for group in self.kept_groups():
            g = group.cleaned_data
            groups.append(
                {
                    "code": g["code"],
                    "label": {"fr": g["label_fr"], "en": g["label_en"]},
                    "choices": self.menus.codes(g["choices"]),
                    "otherwise": g["otherwise"],
                }
            )
        return {
            "code": data["code"],
            "label": {"fr": data["label_fr"], "en": data["label_en"]},
            "question": data["question"],
            "groups": groups,
        }


class OutcomeForm(LabelledForm):
    code = forms.CharField(label=_("Code"), max_length=100, widget=forms.TextInput(attrs={"size": 14}))
    label_fr = forms.CharField(label=_("Label (French)"), max_length=200)
    label_en = forms.CharField(label=_("Label (English)"), max_length=200, required=False)
    questions = forms.MultipleChoiceField(
        label=_("Questions"),
        help_text=_("Several questions: one row per question."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    positive = forms.ChoiceField(label=_("Positive when"), choices=POSITIVE)
    choices = forms.MultipleChoiceField(
        label=_("Choices"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    min_score = forms.IntegerField(
        label=_("Score"), required=False, widget=forms.NumberInput(attrs={"class": "vIntegerField"})
    )
    # Several questions are written as a list; one is too when the plan had it so.
    as_list = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, menus: Menus, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.menus = menus
        self.fields["questions"].choices = menus.question_options(menus.analysed, blank=False)
        if self.is_bound:
            first = self.data.getlist(self.add_prefix("questions"))
        else:
            first = self.initial.get("questions") or []
        self.fields["choices"].choices = menus.choice_options(first)

    def clean(self):
        cleaned = super().clean()
        positive, questions = cleaned.get("positive"), cleaned.get("questions")
        if positive == "min_score" and cleaned.get("min_score") is None:
            self.add_error("min_score", gettext("Give the lowest score that counts as positive."))
        if positive in ("choices", "not_choices"):
            values = cleaned.get("choices")
            if not values and "choices" not in self.errors:
                self.add_error("choices", gettext("Pick at least one choice."))
            for value in values or ():
                owner, _colon, choice = value.partition(":")
                if questions and owner not in questions:
                    message = gettext(
                        "“%(choice)s” is a choice of %(other)s, which this outcome does not use."
                    )
                    self.add_error(
                        "choices", message % {"choice": self.menus.choice_name(owner, choice), "other": owner}
                    )
                    break
        return cleaned

    def item(self) -> dict:
        data = self.cleaned_data
        positive = data["positive"]
        value = data["min_score"] if positive == "min_score" else self.menus.codes(data["choices"])
        item = {"code": data["code"], "label": {"fr": data["label_fr"], "en": data["label_en"]}}
        questions = data["questions"]
        if len(questions) > 1 or data["as_list"]:
            item["questions"] = questions
        else:
            item["question"] = questions[0]
        item["positive"] = {positive: value}
        return item


def _kept(formset) -> list:
    """The forms of a valid formset that hold an item: neither deleted nor left empty (an empty
    extra form is not cleaned)."""
    return [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


def _formset(form):
    return forms.formset_factory(
        form,
        formset=PlanFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_ITEMS,
        absolute_max=MAX_ITEMS,
        validate_max=True,
    )


GroupingFormSet = _formset(GroupingForm)
OutcomeFormSet = _formset(OutcomeForm)


# -- the stored plan, read defensively (it may have been typed as data) ---------------------


def _items(plan, key: str) -> list[dict]:
    items = plan.get(key) if isinstance(plan, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _label(value) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("fr") or ""), str(value.get("en") or "")
    return (value, "") if isinstance(value, str) else ("", "")


def _strings(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _positive(item: dict) -> tuple[str, object]:
    positive = item.get("positive")
    if isinstance(positive, dict) and len(positive) == 1:
        ((name, value),) = positive.items()
        if name in ("choices", "not_choices", "min_score"):
            return name, value
    return "", None


def _outcome_questions(item: dict) -> list[str]:
    if "questions" in item:
        return _strings(item["questions"])
    return [_text(item.get("question"))] if _text(item.get("question")) else []


def _initial(plan) -> tuple[list[dict], list[dict]]:
    """The initial values of the groupings' and outcomes' forms."""
    groupings = []
    for item in _items(plan, "groupings"):
        question = _text(item.get("question"))
        groups = []
        for group in _items(item, "groups"):
            fr, en = _label(group.get("label"))
            groups.append(
                {
                    "code": _text(group.get("code")),
                    "label_fr": fr,
                    "label_en": en,
                    "choices": [Menus.value(question, c) for c in _strings(group.get("choices"))],
                    "otherwise": group.get("otherwise") is True,
                }
            )
        fr, en = _label(item.get("label"))
        groupings.append(
            {"code": _text(item.get("code")), "label_fr": fr, "label_en": en, "question": question}
            | {"groups": groups}
        )
    outcomes = []
    for item in _items(plan, "outcomes"):
        questions = _outcome_questions(item)
        positive, value = _positive(item)
        fr, en = _label(item.get("label"))
        initial = {
            "code": _text(item.get("code")),
            "label_fr": fr,
            "label_en": en,
            "questions": questions,
            "positive": positive,
            "as_list": "questions" in item and len(questions) == 1,
        }
        if positive == "min_score":
            initial["min_score"] = value
        elif positive:
            initial["choices"] = [Menus.value(q, c) for q in questions for c in _strings(value)]
        outcomes.append(initial)
    return groupings, outcomes


def _refusal(exc: InstrumentError) -> str:
    """The parser's message without its place in a file (there is no file here)."""
    return re.sub(r"^(file|line \d+)(, question \S+)?: ", "", str(exc))


# Where a refusal of the parser is shown: the first field whose hint its message holds.
GROUPING_FIELDS = [("which is not a question", "question"), ("question; expected", "question")]
OUTCOME_FIELDS = [
    ("min_score", "min_score"),
    ("choice codes", "choices"),
    ("'positive'", "positive"),
    ("which is not a question", "questions"),
    ("question; expected", "questions"),
    ("'questions'", "questions"),
]


class PlanEditor:
    """The groupings' and outcomes' formsets, and the check of the plan they give."""

    def __init__(self, spec: InstrumentSpec, menus: Menus, data=None) -> None:
        self.spec = spec
        groupings, outcomes = _initial(spec.analysis)
        kwargs = {"form_kwargs": {"menus": menus}}
        self.groupings = GroupingFormSet(data, prefix="groupings", initial=groupings, **kwargs)
        self.outcomes = OutcomeFormSet(data, prefix="outcomes", initial=outcomes, **kwargs)
        self.errors: list[str] = []

    def malformed(self) -> bool:
        """Whether the formsets' counts are missing or false: no page sends that."""
        formsets = [self.groupings, self.outcomes]
        formsets += [form.groups for form in self.groupings.forms]
        for formset in formsets:
            management = formset.management_form
            if not management.is_valid():
                return True
            if min(management.cleaned_data["TOTAL_FORMS"], management.cleaned_data["INITIAL_FORMS"]) < 0:
                return True
        return False

    def plan(self) -> dict:
        groupings = [form.item() for form in _kept(self.groupings)]
        outcomes = [form.item() for form in _kept(self.outcomes)]
        plan = {"groupings": groupings, "outcomes": outcomes} if groupings or outcomes else {}
        # The reference margins (representativeness) are not edited here: kept as the file gave them.
        if self.spec.analysis.get("references"):
            plan["references"] = self.spec.analysis["references"]
        return plan

    def checked(self) -> dict | None:
        """The plan as the parser writes it, or None (then the refusals are on the forms)."""
        if not (self.groupings.is_valid() and self.outcomes.is_valid()):
            self.errors.append(gettext("Nothing was saved: correct the errors below."))
            return None
        try:
            parse_data(spec_to_data(replace(self.spec, analysis={})))
        except InstrumentError as exc:
            message = gettext("The questionnaire is not complete yet, so no plan can be checked: %(reason)s")
            self.errors.append(message % {"reason": _refusal(exc)})
            return None
        plan = self.plan()
        try:
            return parse_data(spec_to_data(replace(self.spec, analysis=plan))).analysis
        except InstrumentError as exc:
            self._place(exc)
            return None

    def _place(self, whole: InstrumentError) -> None:
        """Each refusal next to its grouping or outcome (next to its field when the message
        names one), else at the top."""
        self.errors.append(gettext("Nothing was saved: correct the errors below."))
        placed = False
        for key, formset, hints in (
            ("groupings", self.groupings, GROUPING_FIELDS),
            ("outcomes", self.outcomes, OUTCOME_FIELDS),
        ):
            for form in _kept(formset):
                try:
                    parse_data(spec_to_data(replace(self.spec, analysis={key: [form.item()]})))
                except InstrumentError as exc:
                    message = _refusal(exc)
                    field = next((f for hint, f in hints if hint in message), None)
                    form.add_error(field, message)
                    placed = True
        if placed:
            return
        message = _refusal(whole)
        seen: set[str] = set()
        for form in _kept(self.groupings) + _kept(self.outcomes):
            code = form.cleaned_data["code"]
            if code in seen and f"'{code}'" in message:
                form.add_error("code", message)
                placed = True
            seen.add(code)
        if not placed:
            self.errors.append(message)


# -- the plan in words ------------------------------------------------------------------


def plan_in_words(plan, menus: Menus) -> dict:
    """The groupings and outcomes as sentences, with the questions' and choices' wording."""

    def choices(question: str, codes) -> str:
        return ", ".join(menus.choice_name(question, c) for c in _strings(codes))

    groupings = []
    for item in _items(plan, "groupings"):
        question = _text(item.get("question"))
        groups = []
        for group in _items(item, "groups"):
            taken = choices(question, group.get("choices"))
            if group.get("otherwise") is True:
                rest = gettext("every other choice")
                taken = f"{taken}, {rest}" if taken else rest
            groups.append({"label": _label_shown(group.get("label"), menus), "choices": taken})
        groupings.append(
            {
                "code": _text(item.get("code")),
                "label": _label_shown(item.get("label"), menus),
                "question": menus.question_quoted(question),
                "groups": groups,
            }
        )
    outcomes = []
    for item in _items(plan, "outcomes"):
        questions = _outcome_questions(item)
        positive, value = _positive(item)
        first = questions[0] if questions else ""
        if positive == "min_score":
            rule = gettext("Positive when the score is %(score)s or more.") % {"score": value}
        elif positive == "choices":
            rule = gettext("Positive when the answer is one of: %(choices)s.") % {
                "choices": choices(first, value)
            }
        elif positive == "not_choices":
            rule = gettext("Positive when the answer is none of: %(choices)s.") % {
                "choices": choices(first, value)
            }
        else:
            rule = ""
        outcomes.append(
            {
                "code": _text(item.get("code")),
                "label": _label_shown(item.get("label"), menus),
                "questions": questions,
                "question": menus.question_quoted(questions[0]) if len(questions) == 1 else "",
                "rule": rule,
            }
        )
    return {"groupings": groupings, "outcomes": outcomes}


def _label_shown(value, menus: Menus) -> str:
    fr, en = _label(value)
    return menus.text(Text(fr, en))


def _stored_problem(spec: InstrumentSpec) -> str:
    """Why the saved plan does not pass the check now (a question it uses was deleted or
    changed), or why no plan can be checked; "" when it passes."""
    try:
        parse_data(spec_to_data(replace(spec, analysis={})))
    except InstrumentError as exc:
        message = gettext("The questionnaire is not complete yet, so no plan can be checked: %(reason)s")
        return message % {"reason": _refusal(exc)}
    try:
        parse_data(spec_to_data(spec))
    except InstrumentError as exc:
        return gettext("The saved plan does not pass the check: %(reason)s") % {"reason": _refusal(exc)}
    return ""


# -- the view ---------------------------------------------------------------------------


def plan_view(request, survey, admin_site, *, can_change: bool):
    """GET shows the plan (as a form, or in words without the right to change it); POST checks
    it as the loader would and saves it, or changes nothing and shows why."""
    spec = survey_spec(survey)
    menus = Menus(spec)
    status = 200
    editor = None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        editor = PlanEditor(spec, menus, request.POST)
        if editor.malformed():
            editor = PlanEditor(spec, menus)
            editor.errors.append(
                gettext("The form came back incomplete, and nothing was saved. Here is the saved plan.")
            )
            status = 400
        else:
            analysis = editor.checked()
            if analysis is not None:
                survey.analysis = analysis
                survey.save(update_fields=["analysis"])
                messages.success(request, gettext("The analysis plan was saved."))
                if "_continue" in request.POST:
                    return redirect(f"{admin_site.name}:surveys_survey_analysis_plan", survey.pk)
                return redirect(f"{admin_site.name}:surveys_survey_change", survey.pk)
    elif can_change:
        editor = PlanEditor(spec, menus)
    stored_problem = _stored_problem(spec) if request.method != "POST" else ""
    context = {
        **admin_site.each_context(request),
        "opts": survey._meta,
        "original": survey,
        "title": gettext("Analysis plan of %(slug)s") % {"slug": survey.slug},
        "can_change": can_change,
        "editor": editor,
        "in_words": plan_in_words(spec.analysis, menus),
        "stored_problem": stored_problem,
        "several": SEVERAL,
    }
    return TemplateResponse(request, TEMPLATE, context, status=status)
