"""The instrument (Survey, Page, Question, Choice) and what respondents give (Response, Answer).

Texts shown to respondents come in French and English (``*_fr`` / ``*_en`` fields);
``localized()`` picks the active language and falls back to French, the survey's language.
"""

import functools
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

SCALE_FLOOR = 0
SCALE_CEILING = 10
# A number answer: up to 9 digits before the decimal point and 6 after.
NUMBER_DIGITS = 15
NUMBER_DECIMALS = 6


def localized(obj, field: str) -> str:
    """``obj.<field>_<lang>`` for the active language, falling back to French."""
    lang = (get_language() or "fr")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in ("fr", "en") else ""
    return value or getattr(obj, f"{field}_fr", "")


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_(
            "The survey's name in its link (/s/<name>/): lowercase letters, digits and hyphens, e.g. "
            "cme-needs-2027. It cannot change once there are answers."
        ),
    )
    instrument_version = models.CharField(
        _("instrument version"),
        max_length=40,
        help_text=_(
            "Your name for this version of the questionnaire, e.g. 2027.1: it is written in every export."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text=_("Draft: only you can try it. Open: respondents can answer. Closed: no more answers."),
    )
    opens_at = models.DateTimeField(
        _("opens at"), null=True, blank=True, help_text=_("Optional: an open survey takes answers from then.")
    )
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Optional: the survey takes no answer from then.")
    )
    title_fr = models.CharField(_("title (French)"), max_length=200, help_text=_("Shown on every page."))
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, help_text=_("Empty: the French title is shown.")
    )
    introduction_fr = models.TextField(
        _("introduction (French)"), blank=True, help_text=_("The study in a few lines, on the first page.")
    )
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    consent_fr = models.TextField(
        _("consent (French)"),
        blank=True,
        help_text=_("What respondents agree to before the first question (voluntary, anonymous…)."),
    )
    consent_en = models.TextField(_("consent (English)"), blank=True)
    ethics_approval = models.CharField(
        _("ethics approval"), max_length=300, blank=True, help_text=_("The committee and its reference.")
    )
    contact = models.CharField(
        _("contact"), max_length=300, blank=True, help_text=_("Who respondents can write to about the study.")
    )
    # Groupings and outcomes of the subgroup comparisons, from the instrument file's `analysis`.
    analysis = models.JSONField(
        _("analysis plan"),
        default=dict,
        blank=True,
        help_text=_(
            "The groupings and outcomes of the subgroup comparisons (Table 1): edit them on the plan's page."
        ),
    )
    # Renewed whenever a page, question or choice of the survey changes (surveys/signals.py):
    # each process keeps the survey's layout in memory for as long as the stamp is the same.
    layout_stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    # The instrument as it was last loaded from a file, in the file's format (None for a survey
    # never loaded from one): the common ancestor that tells whether the file, the admin or both
    # changed something since (see services.instrument_load).
    loaded_instrument = models.JSONField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["layout_stamp", "loaded_instrument"])

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                name="survey_closes_after_it_opens",
                violation_error_message=_("The survey must close after it opens."),
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} ({self.instrument_version})"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def introduction(self) -> str:
        return localized(self, "introduction")

    @property
    def consent(self) -> str:
        return localized(self, "consent")

    def availability(self, now=None) -> str:
        """``open``, ``not_yet_open`` or ``closed``: what a respondent arriving now sees."""
        now = now or timezone.now()
        if self.status == self.Status.CLOSED or (self.closes_at and now >= self.closes_at):
            return "closed"
        if self.status == self.Status.DRAFT or (self.opens_at and now < self.opens_at):
            return "not_yet_open"
        return "open"


class Page(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="pages"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    lead_in_fr = models.TextField(
        _("lead-in (French)"), blank=True, help_text=_("Optional: a sentence under the title.")
    )
    lead_in_en = models.TextField(_("lead-in (English)"), blank=True)
    # Shown only when this holds (surveys/conditions.py: data such as {"question": "Q19", "is":
    # "yes"}); conditions refer to questions of earlier pages.
    condition = models.JSONField(_("shown only when"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"],
                name="page_position_unique_in_survey",
                violation_error_message=_("Another page of this survey has this position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title_fr}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def lead_in(self) -> str:
        return localized(self, "lead_in")


class Question(models.Model):
    # The kinds of question: surveys/kinds/ has one module per kind, with everything about it.
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        DROPDOWN = "dropdown", _("Single choice in a list")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("0-10 scale")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        TEXT = "text", _("Free text")
        GRID = "grid", _("Grid of statements")
        NOTE = "note", _("Note (no answer)")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    page = models.ForeignKey(
        Page,
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="questions",
        help_text=_("The page it is on: one of this survey's pages."),
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        help_text=_(
            "The name of the question's variable in exports and analyses (e.g. Q4 or specialty): "
            "letters, digits and _. It cannot change once there are answers."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind,
        help_text=_("Saving shows the fields of this kind (choices, bounds…)."),
    )
    text_fr = models.TextField(_("text (French)"), help_text=_("The question as respondents read it."))
    text_en = models.TextField(
        _("text (English)"), blank=True, help_text=_("Empty: English respondents read the French text.")
    )
    help_fr = models.TextField(
        _("help text (French)"),
        blank=True,
        help_text=_("Optional: shown under the question (e.g. “Several answers possible”)."),
    )
    help_en = models.TextField(_("help text (English)"), blank=True)
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_(
            "Respondents cannot go to the next page without answering it, when it is shown. Going back "
            "never requires anything."
        ),
    )
    has_comment = models.BooleanField(
        _("optional comment box"), default=False, help_text=_("A box under the question for a free comment.")
    )
    scale_min = models.PositiveSmallIntegerField(
        _("scale minimum"), null=True, blank=True, help_text=_("0 to 10; empty: 0.")
    )
    scale_max = models.PositiveSmallIntegerField(
        _("scale maximum"), null=True, blank=True, help_text=_("0 to 10; empty: 10.")
    )
    scale_min_label_fr = models.CharField(_("minimum anchor (French)"), max_length=100, blank=True)
    scale_min_label_en = models.CharField(_("minimum anchor (English)"), max_length=100, blank=True)
    scale_max_label_fr = models.CharField(_("maximum anchor (French)"), max_length=100, blank=True)
    scale_max_label_en = models.CharField(_("maximum anchor (English)"), max_length=100, blank=True)
    number_min = models.DecimalField(
        _("smallest number"), max_digits=NUMBER_DIGITS, decimal_places=NUMBER_DECIMALS, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("largest number"), max_digits=NUMBER_DIGITS, decimal_places=NUMBER_DECIMALS, null=True, blank=True
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"), null=True, blank=True, help_text=_("0 for a whole number.")
    )
    unit_fr = models.CharField(_("unit (French)"), max_length=50, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=50, blank=True)
    date_min = models.DateField(_("earliest date"), null=True, blank=True)
    date_max = models.DateField(_("latest date"), null=True, blank=True)
    # Shown only when this holds (surveys/conditions.py: data such as {"question": "Q9",
    # "is_not": "never"}); conditions refer to earlier questions only.
    condition = models.JSONField(_("shown only when"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"],
                name="question_code_unique_in_survey",
                violation_error_message=_(
                    "Another question of this survey has this code: choose another one."
                ),
            ),
            models.UniqueConstraint(
                fields=["survey", "position"],
                name="question_position_unique_in_survey",
                violation_error_message=_("Another question of this survey has this position."),
            ),
            models.CheckConstraint(
                name="question_scale_bounds_only_on_scales_and_within_0_10",
                violation_error_message=_(
                    "A scale's bounds go from 0 to 10, the minimum below the maximum; other kinds of "
                    "question have none."
                ),
                condition=(
                    Q(
                        kind="scale",
                        scale_min__gte=SCALE_FLOOR,
                        scale_max__lte=SCALE_CEILING,
                        scale_min__lt=models.F("scale_max"),
                    )
                    | (~Q(kind="scale") & Q(scale_min__isnull=True, scale_max__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="question_number_settings_only_on_numbers",
                violation_error_message=_(
                    "Bounds and decimal places (0 to 6) belong to number questions only."
                ),
                condition=Q(kind="number", decimals__lte=NUMBER_DECIMALS)
                | (
                    ~Q(kind="number")
                    & Q(number_min__isnull=True, number_max__isnull=True, decimals__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="question_number_bounds_in_order",
                violation_error_message=_("The smallest number must be below the largest."),
                condition=Q(number_min__isnull=True)
                | Q(number_max__isnull=True)
                | Q(number_min__lt=models.F("number_max")),
            ),
            models.CheckConstraint(
                name="question_date_bounds_only_on_dates_and_in_order",
                violation_error_message=_(
                    "Date bounds belong to date questions only, the earliest before the latest."
                ),
                condition=(
                    Q(kind="date")
                    & (
                        Q(date_min__isnull=True)
                        | Q(date_max__isnull=True)
                        | Q(date_min__lt=models.F("date_max"))
                    )
                )
                | Q(date_min__isnull=True, date_max__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text_fr[:60]}"

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def help(self) -> str:
        return localized(self, "help")

    @property
    def scale_min_label(self) -> str:
        return localized(self, "scale_min_label")

    @property
    def scale_max_label(self) -> str:
        return localized(self, "scale_max_label")

    @property
    def unit(self) -> str:
        return localized(self, "unit")

    @property
    def kind_module(self):
        """Everything about this question's kind (surveys/kinds/)."""
        return _kind(self.kind)


@functools.cache
def _kind(name: str):
    # Imported when first asked (surveys.kinds imports the analysis package, which imports these
    # models), then looked up once per kind: pages and submissions ask for every question's kind.
    from .kinds import kind

    return kind(name)


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    code = models.CharField(
        _("code"), max_length=60, help_text=_("The value in exports (e.g. yes, 1): letters, digits and _.")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label_fr = models.CharField(_("label (French)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    # Ticking it asks for a "please specify" text.
    is_other = models.BooleanField(_("is the 'other, please specify' option"), default=False)
    # A multiple choice's option that cannot be ticked with another ("I do not use them").
    is_exclusive = models.BooleanField(
        _("excludes the other options"),
        default=False,
        help_text=_(
            "For a multiple choice: an option such as “none of these”, which cannot be ticked with another."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "code"],
                name="choice_code_unique_in_question",
                violation_error_message=_(
                    "Another choice of this question has this code: choose another one."
                ),
            ),
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(is_other=True),
                name="one_other_choice_per_question",
                violation_error_message=_(
                    "Only one choice of a question can be the 'other, please specify' one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}={self.code}"

    @property
    def label(self) -> str:
        return localized(self, "label")


class Statement(models.Model):
    """A row of a grid: statements share the grid question's choices, one answer each."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="statements"
    )
    code = models.CharField(
        _("code"), max_length=40, help_text=_("Its variable is <question code>__<this code> in exports.")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text_fr = models.CharField(_("statement (French)"), max_length=500)
    text_en = models.CharField(_("statement (English)"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "code"],
                name="statement_code_unique_in_question",
                violation_error_message=_(
                    "Another statement of this grid has this code: choose another one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}__{self.code}"

    @property
    def text(self) -> str:
        return localized(self, "text")


class Response(models.Model):
    """One respondent's answers. Nothing here identifies a person: no IP, user agent or account.

    The browser holds a random token in a cookie; only its SHA-256 is stored, so neither the
    database nor an export lets anyone take over a respondent's answers.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=5, default="fr")
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The furthest page submitted: where "resume" continues and how far one may jump.
    furthest_page = models.PositiveSmallIntegerField(default=0)
    # A pilot run by an investigator (the staff preview): never counted as data unless asked for.
    is_test = models.BooleanField(_("test response"), default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                name="response_completed_iff_complete",
                condition=(
                    Q(status="complete", completed_at__isnull=False)
                    | Q(status="in_progress", completed_at__isnull=True)
                ),
            ),
        ]
        indexes = [
            # survey_status and the dashboard count responses of one survey by status.
            models.Index(fields=["survey", "status"], name="response_survey_status_idx"),
            # Whether a survey has test responses at all (the analyses skip the filter when not).
            models.Index(fields=["survey"], condition=Q(is_test=True), name="response_test_idx"),
        ]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="single_answers"
    )
    choices = models.ManyToManyField(Choice, blank=True, related_name="multiple_answers")
    score = models.SmallIntegerField(null=True, blank=True)
    number = models.DecimalField(
        max_digits=NUMBER_DIGITS, decimal_places=NUMBER_DECIMALS, null=True, blank=True
    )
    date = models.DateField(null=True, blank=True)
    # A grid's answer is one row per statement, ``row`` holding the statement's code; "" for
    # every other kind.
    row = models.CharField(max_length=40, blank=True, default="")
    text = models.TextField(blank=True)
    other_text = models.TextField(blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "row"], name="one_answer_per_question_row_per_response"
            ),
            models.CheckConstraint(
                name="answer_score_within_scale",
                condition=Q(score__isnull=True) | Q(score__gte=SCALE_FLOOR, score__lte=SCALE_CEILING),
            ),
        ]
        indexes = [
            # The dashboard counts and lists the free texts of one question (most answers have
            # none): partial indexes keep those reads small at any number of responses.
            models.Index(fields=["question", "id"], condition=~Q(text=""), name="answer_text_idx"),
            models.Index(
                fields=["question", "id"], condition=~Q(other_text=""), name="answer_other_text_idx"
            ),
            models.Index(fields=["question", "id"], condition=~Q(comment=""), name="answer_comment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"
