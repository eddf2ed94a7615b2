"""Writes on the instrument: loading it from a file, duplicating a survey as a new version.

The rule between the file and the database: **the database holds the live instrument**. The
survey keeps the instrument as it was last loaded from a file (``Survey.loaded_instrument``),
the common ancestor of the file and of the admin's edits, so a load can tell who changed what:

- the file and the live survey say the same thing: nothing to do;
- only the admin changed something (the file is the one last loaded): nothing is written, the
  edits are kept and listed (``export_instrument`` writes them back into the file);
- only the file changed: its changes are applied (structural ones only while no response holds
  an answer, see ``surveys.structure``);
- both changed: the load is refused, naming every change on each side, unless the caller
  chooses to let the file win (``overwrite_edits``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from .instrument import InstrumentError, InstrumentSpec, QuestionSpec, parse_data
from .instrument_data import Difference, same_instrument, spec_differences, spec_to_data
from .kinds import kind
from .models import Choice, Page, Question, Statement, Survey
from .selectors import survey_spec
from .signals import layout_changes_batched
from .structure import StructureFrozen, answers_looked_up_once, frozen_reason


class InstrumentConflict(Exception):
    """Loading the file would lose an edit or change what existing answers mean: nothing loaded."""

    def __init__(self, message: str, *, admin_changes=(), file_changes=()) -> None:
        super().__init__(message)
        self.admin_changes: tuple[Difference, ...] = tuple(admin_changes)
        self.file_changes: tuple[Difference, ...] = tuple(file_changes)


@dataclass(frozen=True)
class LoadResult:
    survey: Survey
    created: bool
    changed: int  # rows created or updated; 0 means nothing was written
    # Edits made in the admin since the file was last loaded, kept as they are.
    kept_edits: tuple[Difference, ...] = field(default=())
    # What the file changed in the live survey.
    applied: tuple[Difference, ...] = field(default=())

    def summary(self) -> str:
        slug = self.survey.slug
        if self.created:
            return _("Created survey '%(slug)s' (version %(version)s).") % {
                "slug": slug,
                "version": self.survey.instrument_version,
            }
        if self.kept_edits:
            lines = [
                _(
                    "The file has not changed since it was last loaded: nothing was loaded. The live "
                    "survey '%(slug)s' keeps %(n)d edit(s) made since then (in the admin):"
                )
                % {"slug": slug, "n": len(self.kept_edits)}
            ]
            lines += [f"  - {d.describe()}" for d in self.kept_edits]
            lines.append(
                _("To write them into the file: python manage.py export_instrument %(slug)s -o FILE")
                % {"slug": slug}
            )
            return "\n".join(lines)
        if not self.changed:
            return _("Survey '%(slug)s' is already up to date: nothing changed.") % {"slug": slug}
        lines = [_("Updated survey '%(slug)s': %(n)d row(s) changed.") % {"slug": slug, "n": self.changed}]
        return "\n".join(lines + [f"  - {d.describe()}" for d in self.applied])


def instrument_load(*, spec: InstrumentSpec, overwrite_edits: bool = False) -> LoadResult:
    """Create the survey the file describes, or bring the file's changes to it (see the module's
    rule); ``overwrite_edits`` lets the file win over edits made in the admin since its last load."""
    # The stamp is renewed once, inside the transaction: other processes see the new stamp
    # and the new questions together, or neither.
    with transaction.atomic(), layout_changes_batched(), answers_looked_up_once():
        return _instrument_load(spec, overwrite_edits)


def _instrument_load(spec: InstrumentSpec, overwrite_edits: bool) -> LoadResult:
    survey = Survey.objects.select_for_update().filter(slug=spec.slug).first()
    if survey is None:
        survey = Survey(slug=spec.slug, status=spec.status, opens_at=spec.opens_at, closes_at=spec.closes_at)
        _assign(survey, _survey_fields(spec))
        changed = 1 + _load_pages(survey, spec, wording_only=False)
        _remember(survey, spec)
        return LoadResult(survey=survey, created=True, changed=changed)

    live = survey_spec(survey)
    if same_instrument(spec, live):
        _remember(survey, spec)
        return LoadResult(survey=survey, created=False, changed=0)
    loaded = parse_data(survey.loaded_instrument) if survey.loaded_instrument else None
    if loaded is not None and same_instrument(spec, loaded):
        return LoadResult(
            survey=survey, created=False, changed=0, kept_edits=tuple(spec_differences(loaded, live))
        )
    if not overwrite_edits and (loaded is None or not same_instrument(loaded, live)):
        raise _conflict(survey, loaded, live, spec)

    changes = spec_differences(live, spec)
    structural = [d for d in changes if d.structural]
    changed = 0
    if structural:
        reason = frozen_reason(survey.pk)
        if reason:
            raise InstrumentConflict(
                "\n".join(
                    [_("The file changes the structure of survey '%(slug)s':") % {"slug": survey.slug}]
                    + [f"  - {d.describe()}" for d in structural]
                    + [
                        reason,
                        _(
                            "Publish a new version instead: give the file a new slug (and version) and "
                            "load it as a new survey. Nothing was loaded."
                        ),
                    ]
                ),
                file_changes=structural,
            )
        # No answers yet: rebuild the questionnaire from the file. Responses started without an
        # answer stay (a physician on the consent page keeps their place), back at the start.
        survey.responses.update(furthest_page=0)
        try:
            survey.questions.all().delete()
            survey.pages.all().delete()
        except (ProtectedError, StructureFrozen) as exc:
            # An answer saved since the check above (answers never wait for this lock): refuse.
            raise InstrumentConflict(
                _(
                    "A respondent answered survey '%(slug)s' while the file was being loaded: its "
                    "structure is now frozen. Nothing was loaded."
                )
                % {"slug": survey.slug}
            ) from exc
        changed += 1
    changed += _assign(survey, _survey_fields(spec))
    changed += _load_pages(survey, spec, wording_only=not structural)
    _remember(survey, spec)
    return LoadResult(survey=survey, created=False, changed=changed, applied=tuple(changes))


def _conflict(survey: Survey, loaded, live, spec) -> InstrumentConflict:
    if loaded is None:
        admin_changes, file_changes = (), tuple(spec_differences(live, spec))
        lines = [
            _(
                "Survey '%(slug)s' has no record of being loaded from this file, and the file differs "
                "from the live survey:"
            )
            % {"slug": survey.slug}
        ]
        lines += [f"  - {d.describe(_('live:'), _('file:'))}" for d in file_changes]
    else:
        admin_changes, file_changes = (
            tuple(spec_differences(loaded, live)),
            tuple(spec_differences(loaded, spec)),
        )
        lines = [
            _(
                "Both the file and the live survey '%(slug)s' changed since the file was last loaded."
                " Changed in the admin:"
            )
            % {"slug": survey.slug}
        ]
        lines += [f"  - {d.describe()}" for d in admin_changes]
        lines.append(_("Changed in the file:"))
        lines += [f"  - {d.describe()}" for d in file_changes]
    lines.append(_("Nothing was loaded. Either:"))
    lines.append(
        "  - "
        + _(
            "keep the live survey's edits: write it into a file with python manage.py export_instrument "
            "%(slug)s -o FILE, bring the file's changes into that file, and load it;"
        )
        % {"slug": survey.slug}
    )
    lines.append(
        "  - "
        + _(
            "or let the file win, losing the live survey's edits: "
            "python manage.py load_instrument FILE --overwrite-edits"
        )
    )
    return InstrumentConflict("\n".join(lines), admin_changes=admin_changes, file_changes=file_changes)


def _remember(survey: Survey, spec: InstrumentSpec) -> None:
    """Keep the file's instrument as the common ancestor of the next load (no history entry:
    nothing an investigator sees changed)."""
    data = spec_to_data(spec)
    if survey.loaded_instrument != data:
        Survey.objects.filter(pk=survey.pk).update(loaded_instrument=data)
        survey.loaded_instrument = data


def _survey_fields(spec: InstrumentSpec) -> dict:
    return {
        "instrument_version": spec.version,
        "title_fr": spec.title.fr,
        "title_en": spec.title.en,
        "introduction_fr": spec.introduction.fr,
        "introduction_en": spec.introduction.en,
        "consent_fr": spec.consent.fr,
        "consent_en": spec.consent.en,
        "ethics_approval": spec.ethics_approval,
        "contact": spec.contact,
        "analysis": spec.analysis,
    }


def _question_values(spec: QuestionSpec) -> dict:
    """The question's wording and its kind's columns (when the structure is the same, the
    kind's structural columns are too: assigning them changes nothing)."""
    return {
        "text_fr": spec.text.fr,
        "text_en": spec.text.en,
        "help_fr": spec.help.fr,
        "help_en": spec.help.en,
        "required": spec.required,
    } | kind(spec.kind).model_values(spec)


def _question_structure(spec: QuestionSpec) -> dict:
    return {
        "kind": spec.kind,
        "has_comment": spec.has_comment,
        "condition": spec.condition.to_data() if spec.condition else None,
    }


def _differs(obj, name: str, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:  # compare ids: an unsaved object has no related row to fetch
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _assign(obj, values: dict) -> bool:
    """Set the values that differ and save them; report whether anything changed."""
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.full_clean()
        if obj.pk:
            obj.save(update_fields=changed)
        else:
            obj.save()
    return bool(changed)


def _load_pages(survey: Survey, spec: InstrumentSpec, *, wording_only: bool) -> int:
    """Create what is missing and update wording in place (matching pages by position,
    questions by code, choices by code): reloading an unchanged file writes nothing.

    With ``wording_only`` the structure is known to be the same: existing rows keep their
    positions, pages and conditions, so an instrument built in the admin (positions 10, 20…)
    takes a file's wording without a frozen field being touched."""
    changed = 0
    pages = {p.position: p for p in survey.pages.all()}
    questions = {q.code: q for q in survey.questions.prefetch_related("choices", "statements")}
    position = 0
    for page_number, page_spec in enumerate(spec.pages, start=1):
        if wording_only:
            page = survey.pages.order_by("position")[page_number - 1]
        else:
            page = pages.get(page_number) or Page(survey=survey, position=page_number)
        changed += _assign(
            page,
            {
                "title_fr": page_spec.title.fr,
                "title_en": page_spec.title.en,
                "lead_in_fr": page_spec.lead_in.fr,
                "lead_in_en": page_spec.lead_in.en,
            }
            | (
                {}
                if wording_only
                else {"condition": page_spec.condition.to_data() if page_spec.condition else None}
            ),
        )
        for q_spec in page_spec.questions:
            position += 1
            values = _question_values(q_spec)
            question = questions.get(q_spec.code)
            if question is None or not wording_only:
                question = question or Question(survey=survey, code=q_spec.code)
                values |= _question_structure(q_spec) | {"page": page, "position": position}
            changed += _assign(question, values)
            existing = {c.code: c for c in question.choices.all()} if question.pk else {}
            for choice_position, c_spec in enumerate(q_spec.choices, start=1):
                choice = existing.get(c_spec.code) or Choice(question=question, code=c_spec.code)
                choice_values = {
                    "position": choice_position,
                    "label_fr": c_spec.label.fr,
                    "label_en": c_spec.label.en,
                }
                if choice.pk is None:
                    choice_values |= {"is_other": c_spec.is_other, "is_exclusive": c_spec.is_exclusive}
                changed += _assign(choice, choice_values)
            statements = {s.code: s for s in question.statements.all()} if question.pk else {}
            for statement_position, s_spec in enumerate(q_spec.statements, start=1):
                statement = statements.get(s_spec.code) or Statement(question=question, code=s_spec.code)
                changed += _assign(
                    statement,
                    {"position": statement_position, "text_fr": s_spec.text.fr, "text_en": s_spec.text.en},
                )
    return changed


# ---------------------------------------------------------------------------------------------
# A new version


def survey_duplicate(*, survey: Survey, slug: str, version: str) -> Survey:
    """A new draft survey with the same instrument (wording, structure, analysis plan), a new
    slug and version, and no response: where a structural change goes once answers exist."""
    spec = replace(survey_spec(survey), slug=slug, version=version, status=Survey.Status.DRAFT)
    spec = replace(spec, opens_at=None, closes_at=None)
    if Survey.objects.filter(slug=slug).exists():
        raise InstrumentConflict(_("A survey with the slug '%(slug)s' already exists.") % {"slug": slug})
    try:  # what the admin allows is not always a complete instrument
        spec = parse_data(spec_to_data(spec))
    except InstrumentError as exc:
        raise InstrumentConflict(
            _("This survey is not a complete instrument yet (%(fault)s): complete it, then duplicate it.")
            % {"fault": exc}
        ) from exc
    result = instrument_load(spec=spec)
    # A duplicate was not loaded from a file: the next load of one will be compared with it.
    Survey.objects.filter(pk=result.survey.pk).update(loaded_instrument=None)
    return result.survey


# ---------------------------------------------------------------------------------------------
# Order


def _siblings(instance):
    """The rows ``instance`` is ordered among."""
    if isinstance(instance, Page):
        return Page.objects.filter(survey_id=instance.survey_id)
    if isinstance(instance, Question):
        return Question.objects.filter(survey_id=instance.survey_id, page_id=instance.page_id)
    return type(instance).objects.filter(question_id=instance.question_id)


def order_move(instance, direction: str) -> bool:
    """Swap ``instance`` (a page, question, choice or statement) with its neighbour before
    (``up``) or after (``down``) it; False when it is already first or last. Questions move
    within their page. Positions stay unique at every step (a free position in between), and
    the questions' positions then follow the pages' order (``positions_renumber``)."""
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    with transaction.atomic(), layout_changes_batched(), answers_looked_up_once():
        instance = type(instance).objects.select_for_update().get(pk=instance.pk)
        siblings = _siblings(instance)
        if direction == "up":
            neighbour = siblings.filter(position__lt=instance.position).order_by("-position").first()
        else:
            neighbour = siblings.filter(position__gt=instance.position).order_by("position").first()
        if neighbour is None:
            return False
        mine, theirs = instance.position, neighbour.position
        instance.position = _free_position(instance)
        instance.save(update_fields=["position"])
        neighbour.position = mine
        neighbour.save(update_fields=["position"])
        instance.position = theirs
        instance.save(update_fields=["position"])
        if isinstance(instance, Page):
            positions_renumber(instance.survey)
        if isinstance(instance, Page | Question):
            from .validation import conditions_problem

            problem = conditions_problem(instance.survey_id)
            if problem:  # a question moved before the one it depends on: nothing moves
                raise InstrumentConflict(
                    _("Not moved: a condition would refer to a later question (%(problem)s).")
                    % {"problem": problem}
                )
    return True


def _free_position(instance) -> int:
    if isinstance(instance, Page | Question):
        scope = type(instance).objects.filter(survey_id=instance.survey_id)
    else:
        scope = _siblings(instance)
    return (scope.aggregate(top=Max("position"))["top"] or 0) + 1


def next_position(instance) -> int:
    """Where a new page, question, choice or statement goes: at the end (a question at the end
    of the survey, then after the last question of its page once ``positions_renumber`` runs)."""
    return _free_position(instance)


def positions_renumber(survey: Survey) -> int:
    """Number the survey's questions 1, 2, 3… in the order of their pages, then their own
    positions, as a respondent meets them; how many moved. Nothing moves when they already are
    (a survey with answers keeps its order: its positions are frozen)."""
    questions = list(
        Question.objects.filter(survey=survey).select_related("page").order_by("page__position", "position")
    )
    wanted = {q.pk: n for n, q in enumerate(questions, start=1)}
    moving = [q for q in questions if q.position != wanted[q.pk]]
    if not moving:
        return 0
    with transaction.atomic(), layout_changes_batched(), answers_looked_up_once():
        top = max(q.position for q in questions)
        for offset, question in enumerate(moving, start=1):  # out of the way first
            question.position = top + offset
            question.save(update_fields=["position"])
        for question in moving:
            question.position = wanted[question.pk]
            question.save(update_fields=["position"])
    return len(moving)


def suggested_code(survey: Survey, text: str) -> str:
    """A question code made from its wording, free in the survey: "Votre spécialité" ->
    "votre_specialite" (then "votre_specialite_2"…); "Q<n>" when the wording has no letter."""
    import re

    from django.utils.text import slugify

    words = slugify(text).replace("-", "_")
    base = re.sub(r"_+", "_", words)[:30].strip("_")
    if not base or not base[0].isalpha():
        base = f"Q{Question.objects.filter(survey=survey).count() + 1}"
    taken = set(Question.objects.filter(survey=survey).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


# ---------------------------------------------------------------------------------------------
# Investigators

INVESTIGATORS = "Investigators"
# What an investigator may do in the admin: build and change surveys, read responses, delete
# them (test runs freely, real ones after confirming their number). Sign-in records, users and
# groups stay with the administrators (superusers).
INVESTIGATOR_PERMISSIONS = [
    *(
        f"{action}_{model}"
        for model in ("survey", "page", "question", "choice", "statement")
        for action in ("add", "change", "delete", "view")
    ),
    "view_response",
    "delete_response",
]


def investigators_group():
    """The group of investigators, with exactly their permissions (created or brought up to
    date)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=INVESTIGATORS)
    permissions = Permission.objects.filter(
        content_type__app_label="surveys", codename__in=INVESTIGATOR_PERMISSIONS
    )
    group.permissions.set(permissions)
    return group
