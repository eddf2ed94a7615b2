"""The codebook: one row per column of the export, then one per variable of the analysis plan
(derived from a question, not a column of the file), saying what it holds, in French and in
English. Pure, but for ``entries_of`` / ``rows_of``, which read the layout and the counts of
non-empty cells from the database.

``entries`` gives the rows as ``Entry`` records: the codebook CSV (``codebook_rows``) and the
standard dictionaries (``analysis.dictionaries``: Frictionless, REDCap) are written from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .export import (
    LEFT_BLANK,
    MISSING_CODES,
    NOT_REACHED,
    NOT_SHOWN,
    STATA_MISSING,
    TEST_COLUMN,
    Column,
    ExportQuestion,
    neutralise,
    spss_codes_collide,
)
from .variables import AnalysisPlan, Label, QuestionInfo, Variable, pick

HEADER = [
    "variable",
    "origin",  # file: a column of the responses file; derived: a variable of the analysis plan
    "question",  # the question the column is of: its columns share it
    "part",  # metadata, answer, option, statement, other_text, comment, derived
    "option",  # the option (multiple choice) or statement (grid) the column is of
    "kind",  # the question's kind; metadata; grouping (derived) / outcome (derived)
    "type",  # as the file holds it: string, integer, number, date (Table Schema's types)
    "page",
    "page_title_fr",
    "page_title_en",
    "page_intro_fr",
    "page_intro_en",
    "text_fr",
    "text_en",
    "help_fr",
    "help_en",
    "values_fr",  # value labels, "code = label | ..."; a scale's anchors
    "values_en",
    "minimum",
    "maximum",
    "decimals",
    "unit_fr",
    "unit_en",
    "required",  # yes / no: whether a respondent shown the question had to answer it
    "condition",  # when the question (or the "other" text) is shown; empty: always
    "derivation",  # how a derived variable is made from its question
    "missing_fr",  # what an empty cell means, with the SPSS and Stata codes
    "missing_en",
    "non_empty",
    "instrument_version",  # the instrument as loaded when the files were made, on every row
]
# What the dashboard's export page shows of each row (the CSV has them all).
PAGE_COLUMNS = [
    "variable",
    "question",
    "page",
    "kind",
    "text_fr",
    "text_en",
    "values_fr",
    "values_en",
    "required",
    "condition",
    "derivation",
    "non_empty",
]
# Cells made by the code from numbers: never a formula, kept as they are (a minimum of -5).
NUMERIC = {"page", "minimum", "maximum", "decimals", "non_empty"}
DERIVED = "derived"


def _both(fr: str, en: str) -> Label:
    return {"fr": fr, "en": en}


@dataclass(frozen=True)
class Details:
    """What the codebook says of a question beyond its export columns (from the layout)."""

    page: int
    page_title: Label
    page_intro: Label = field(default_factory=dict)
    help: Label = field(default_factory=dict)
    required: bool | None = None
    anchors: tuple[Label, Label] = ({}, {})  # a scale's: at its minimum, at its maximum
    other_choice: str = ""  # the code of the "other, please specify" choice


@dataclass(frozen=True)
class Entry:
    """One row of the codebook."""

    variable: str
    origin: str  # "file" or DERIVED
    part: str
    kind: str
    type: str  # string, integer, number, date
    text: Label
    question: str = ""
    option: str = ""
    page: int | None = None
    page_title: Label = field(default_factory=dict)
    page_intro: Label = field(default_factory=dict)
    help: Label = field(default_factory=dict)
    categories: tuple[tuple[str, Label], ...] = ()  # every value the column may hold, labelled
    anchors: tuple[tuple[str, Label], ...] = ()  # a scale's labelled ends (not every value)
    minimum: str = ""
    maximum: str = ""
    decimals: str = ""
    unit: Label = field(default_factory=dict)
    required: str = ""
    condition: str = ""
    derivation: str = ""
    missing: Label = field(default_factory=dict)
    non_empty: str = ""

    @property
    def value_labels(self) -> tuple[tuple[str, Label], ...]:
        return self.categories or self.anchors

    def row(self, instrument_version: str) -> list[str]:
        def values(language: str) -> str:
            return " | ".join(f"{code} = {pick(label, language)}" for code, label in self.value_labels)

        cells = {
            "variable": self.variable,
            "origin": self.origin,
            "question": self.question,
            "part": self.part,
            "option": self.option,
            "kind": self.kind,
            "type": self.type,
            "page": "" if self.page is None else str(self.page),
            "minimum": self.minimum,
            "maximum": self.maximum,
            "decimals": self.decimals,
            "required": self.required,
            "condition": self.condition,
            "derivation": self.derivation,
            "non_empty": self.non_empty,
            "instrument_version": instrument_version,
        }
        for language in ("fr", "en"):
            cells |= {
                f"page_title_{language}": pick(self.page_title, language),
                f"page_intro_{language}": pick(self.page_intro, language),
                f"text_{language}": pick(self.text, language),
                f"help_{language}": pick(self.help, language),
                f"values_{language}": values(language),
                f"unit_{language}": pick(self.unit, language),
                f"missing_{language}": pick(self.missing, language),
            }
        return [cells[name] for name in HEADER]


# -- the response's own columns ----------------------------------------------------------------

TICKS = (("1", _both("coché", "chosen")), ("0", _both("non coché", "not chosen")))
NEVER_EMPTY = _both("jamais vide", "never empty")


def fixed_entries(pages: int, time_zone: str) -> dict[str, Entry]:
    """What the export says of the response itself, by column: its id, status, language, dates
    (days in ``time_zone``), duration, furthest page (of ``pages``) and whether it is a pilot run."""
    zone = _both(f" (jour dans le fuseau horaire {time_zone})", f" (a day in the {time_zone} time zone)")
    day = _both(f"jour (fuseau horaire {time_zone})", f"day (time zone {time_zone})")

    def entry(name: str, type: str, fr: str, en: str, missing: Label = NEVER_EMPTY, **more) -> Entry:
        return Entry(name, "file", "metadata", "metadata", type, _both(fr, en), missing=missing, **more)

    entries = [
        entry(
            "response_id",
            "string",
            "Identifiant aléatoire de la réponse (UUID)",
            "Random identifier of the response (UUID)",
        ),
        entry(
            "status",
            "string",
            "Statut de la réponse : complete quand la dernière page a été validée",
            "Status of the response: complete when the last page was submitted",
            categories=(
                ("in_progress", _both("en cours", "in progress")),
                ("complete", _both("terminée", "complete")),
            ),
        ),
        entry(
            "language",
            "string",
            "Langue dans laquelle le répondant a répondu",
            "Language the respondent answered in",
            categories=(("fr", _both("français", "French")), ("en", _both("anglais", "English"))),
        ),
        entry(
            "started_on",
            "date",
            "Jour où le répondant a commencé" + zone["fr"],
            "Day the respondent started" + zone["en"],
            unit=day,
        ),
        entry(
            "completed_on",
            "date",
            "Jour où le répondant a validé la dernière page" + zone["fr"],
            "Day the respondent submitted the last page" + zone["en"],
            _both("vide tant que status = in_progress", "empty while status = in_progress"),
            unit=day,
        ),
        entry(
            "duration_minutes",
            "integer",
            "Minutes entières (arrondies à l'inférieur) du début à la dernière page enregistrée",
            "Whole minutes (rounded down) from the start to the last page saved",
            _both("vide quand aucune page n'a été enregistrée", "empty when no page was saved"),
            minimum="0",
            unit=_both("minutes", "minutes"),
        ),
        entry(
            "last_page",
            "integer",
            "Numéro de la page la plus avancée validée (0 : aucune) ; une question d'une page "
            "suivante n'a pas été atteinte",
            "Number of the furthest page submitted (0: none); a question on a later page was not reached",
            minimum="0",
            maximum=str(pages) if pages else "",
        ),
        entry(
            TEST_COLUMN,
            "integer",
            "1 pour une réponse de test (un essai pilote de l'aperçu réservé à l'équipe), pas la "
            "donnée d'un participant",
            "1 for a test response (a pilot run of the staff preview), not data from a participant",
            categories=(
                ("1", _both("réponse de test", "test response")),
                ("0", _both("participant", "participant")),
            ),
        ),
    ]
    return {e.variable: e for e in entries}


# -- a question's columns ----------------------------------------------------------------------

# How the file holds what each kind writes (``Column.source``, declared by the kinds).
TYPES = {"choice": "string", "ticked": "integer", "score": "integer", "date": "date", "text": "string"}


def _exact(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _missing(page: int, condition: str, codes: str = "both") -> Label:
    """What an empty answer cell means (``export.missing_reasons``), with the codes the typed
    files give it: ``codes`` "both" (SPSS -97.., Stata .a..), "stata" (SPSS leaves it
    system-missing: a date, or a number whose range reaches the codes) or "none" (a text)."""
    reasons = [
        (NOT_REACHED, _both(f"non atteinte (last_page < {page})", f"not reached (last_page < {page})")),
        (NOT_SHOWN, _both("non posée (condition fausse)", "not shown (condition false)")),
        (LEFT_BLANK, _both("sans réponse (sinon)", "left blank (otherwise)")),
    ]
    if not condition:
        reasons = [r for r in reasons if r[0] != NOT_SHOWN]

    def code(why: str) -> str:
        return {"both": f"{MISSING_CODES[why]}/{STATA_MISSING[why]} ", "stata": f"{STATA_MISSING[why]} "}.get(
            codes, ""
        )

    parts = {
        language: " | ".join(f"{code(why)}{pick(words, language)}" for why, words in reasons)
        for language in ("fr", "en")
    }
    note = {
        "both": ("", ""),
        "stata": (" (SPSS : manquant système)", " (SPSS: system-missing)"),
        "none": (" (pas de code SPSS/Stata)", " (no SPSS/Stata code)"),
    }[codes]
    return _both("vide : " + parts["fr"] + note[0], "empty: " + parts["en"] + note[1])


def _codes(col: Column, info: QuestionInfo) -> str:
    """Which missing codes the typed files give a question's column (see ``_missing``)."""
    if col.source == "text":
        return "none"
    if col.source == "date" or (col.source == "number" and spss_codes_collide(info)):
        return "stata"
    return "both"


NO_TEXT = _both(
    "vide quand il n'y a pas de texte, quelle qu'en soit la raison (pas de code SPSS/Stata)",
    "empty when there is no text, whatever the reason (no SPSS/Stata code)",
)


def _value_part(col: Column) -> str:
    """What a question's own column is of it: a grid's statement, a multiple choice's option,
    or the whole answer."""
    if col.row:
        return "statement"
    return "option" if col.source == "ticked" else "answer"


def question_entries(q: ExportQuestion, cols: list[Column], details: Details) -> list[Entry]:
    """The entries of one question's columns (``cols``, in export order)."""
    info = q.info
    kind = info.kind_module
    texts = {
        col.name: entry.text
        for col, entry in zip(kind.export_columns(info), kind.codebook(info), strict=True)
    }
    around = {
        "origin": "file",
        "question": info.code,
        "kind": info.kind,
        "page": details.page,
        "page_title": details.page_title,
        "page_intro": details.page_intro,
        "help": details.help,
    }
    result = []
    for col in cols:
        if col.part == "other_text":
            test = "contains" if any(c.source == "ticked" for c in cols) else "="
            own = f"{info.code} {test} {details.other_choice or 'other'}"
            result.append(
                Entry(
                    col.name,
                    part="other_text",
                    type="string",
                    text={
                        "fr": f"{pick(info.text, 'fr')} — « autre » précisé",
                        "en": f"{pick(info.text, 'en')} — 'other' specified",
                    },
                    required="yes",
                    condition=f"{q.condition} and {own}" if q.condition else own,
                    missing=NO_TEXT,
                    **around,
                )
            )
            continue
        if col.part == "comment":
            result.append(
                Entry(
                    col.name,
                    part="comment",
                    type="string",
                    text={
                        "fr": f"{pick(info.text, 'fr')} — commentaire",
                        "en": f"{pick(info.text, 'en')} — comment",
                    },
                    required="no",
                    condition=q.condition,
                    missing=NO_TEXT,
                    **around,
                )
            )
            continue
        values: dict = {}
        if col.source == "choice":
            values["categories"] = info.choices
        elif col.source == "ticked":
            values["categories"] = TICKS
        elif col.source == "score":
            values |= {"minimum": str(info.scale_min), "maximum": str(info.scale_max)}
            ends = zip((info.scale_min, info.scale_max), details.anchors, strict=True)
            values["anchors"] = tuple((str(end), label) for end, label in ends if label)
        elif col.source == "number":
            values |= {
                "minimum": _exact(info.number_min),
                "maximum": _exact(info.number_max),
                "decimals": str(info.decimals),
                "unit": info.unit,
            }
        elif col.source == "date":
            values |= {
                "minimum": info.date_min.isoformat() if info.date_min else "",
                "maximum": info.date_max.isoformat() if info.date_max else "",
            }
        number_type = "number" if info.decimals else "integer"
        result.append(
            Entry(
                col.name,
                part=_value_part(col),
                option=col.key or "",
                type=number_type if col.source == "number" else TYPES.get(col.source, "string"),
                text=texts[col.name],
                required="" if details.required is None else ("yes" if details.required else "no"),
                condition=q.condition,
                missing=_missing(details.page, q.condition, _codes(col, info)),
                **around,
                **values,
            )
        )
    return result


# -- the analysis plan's variables -------------------------------------------------------------


def _values_of(question: str, raws: list[str], info: QuestionInfo | None) -> str:
    """The answers of ``question`` that a category takes, as the condition column writes them:
    ``Q2 = under_30``, ``Q2 in (41_50, 51_60)``, ``Q11 >= 8``."""
    if info is not None and info.scale_min is not None and raws:
        scores = sorted(int(r) for r in raws)
        if scores == list(range(scores[0], scores[-1] + 1)):
            if scores[0] == scores[-1]:
                return f"{question} = {scores[0]}"
            if scores[-1] == info.scale_max:
                return f"{question} >= {scores[0]}"
            if scores[0] == info.scale_min:
                return f"{question} <= {scores[-1]}"
            return f"{scores[0]} <= {question} <= {scores[-1]}"
        raws = [str(s) for s in scores]
    if len(raws) == 1:
        return f"{question} = {raws[0]}"
    return f"{question} in ({', '.join(raws)})"


def derivation(variable: Variable, info: QuestionInfo | None) -> str:
    """E.g. ``under_30 when Q2 = under_30 | over_40 when Q2 in (41_50, 51_60, over_60)``: each
    category with the answers it takes (any other answer, or none, leaves it empty)."""
    order = info.choice_codes if info is not None and info.choices else list(variable.mapping)
    rules = []
    for category in variable.categories:
        raws = [raw for raw in order if variable.mapping.get(raw) == category.code]
        rules.append(
            f"{category.code} when {_values_of(variable.question, raws, info) if raws else 'no answer'}"
        )
    return " | ".join(rules)


def derived_entries(plan: AnalysisPlan, infos: dict[str, QuestionInfo]) -> list[Entry]:
    """The plan's groupings and outcomes, as variables derived from their questions."""
    result = []
    for role, variables in (("grouping", plan.groupings), ("outcome", plan.outcomes)):
        for variable in variables:
            source = variable.question
            result.append(
                Entry(
                    variable.code,
                    origin=DERIVED,
                    part=DERIVED,
                    kind=f"{role} (derived)",
                    type="string",
                    text=variable.label,
                    question=source,
                    categories=tuple((c.code, c.label) for c in variable.categories),
                    derivation=derivation(variable, infos.get(source)),
                    missing=_both(
                        f"variable dérivée, pas une colonne du fichier ; vide quand {source} est vide",
                        f"derived variable, not a column of the file; empty when {source} is empty",
                    ),
                )
            )
    return result


# -- the whole codebook ------------------------------------------------------------------------


def entries(
    cols: list[Column],
    questions: list[ExportQuestion],
    counts: dict[str, int] | None = None,
    *,
    details: dict[str, Details] | None = None,
    plan: AnalysisPlan | None = None,
    pages: int = 0,
    time_zone: str | None = None,
) -> list[Entry]:
    """The codebook of an export's columns (``cols``) and of the analysis plan's variables.

    ``details``: each question's page, help, required flag and anchors, by code (without them,
    the page is the question's position and title); ``pages``: how many pages the survey has;
    ``time_zone``: the zone whose days the dates are (Django's TIME_ZONE when not given)."""
    if time_zone is None:
        from django.conf import settings

        time_zone = settings.TIME_ZONE
    counts = counts or {}
    details = details or {}
    by_code = {q.info.code: q for q in questions}
    pages = pages or max((q.info.page for q in questions), default=0)
    of_question: dict[str, list[Column]] = {}
    for col in cols:
        if col.question is not None:
            of_question.setdefault(col.question, []).append(col)
    made = fixed_entries(pages, time_zone)
    for code, mine in of_question.items():
        q = by_code[code]
        about = details.get(code) or Details(q.info.page, q.section)
        for entry in question_entries(q, mine, about):
            made[entry.variable] = entry
    result = []
    for col in cols:
        result.append(replace(made[col.name], non_empty=str(counts.get(col.name, 0))))
    if plan is not None:
        result += derived_entries(plan, {q.info.code: q.info for q in questions})
    return result


def codebook_rows(
    cols: list[Column],
    questions: list[ExportQuestion],
    counts: dict[str, int],
    instrument_version: str,
    **options,
) -> list[list[str]]:
    """The codebook as CSV rows (``HEADER``), text cells made inert for a spreadsheet: one per
    column of the export, then the plan's derived variables (``options``: those of ``entries``)."""
    return [e.row(instrument_version) for e in entries(cols, questions, counts, **options)]


def details_of(layout) -> dict[str, Details]:
    """Each question's ``Details``, read from the survey's layout."""
    pages = {p.id: p for p in layout.pages}
    result = {}
    for q in layout.questions:
        page = pages[q.page_id]
        result[q.code] = Details(
            page=page.position,
            page_title=_both(page.title_fr, page.title_en or page.title_fr),
            page_intro=_both(page.lead_in_fr, page.lead_in_en or page.lead_in_fr),
            help=_both(q.help_fr, q.help_en or q.help_fr),
            required=q.required,
            anchors=(
                _both(q.scale_min_label_fr, q.scale_min_label_en or q.scale_min_label_fr)
                if q.scale_min_label_fr
                else {},
                _both(q.scale_max_label_fr, q.scale_max_label_en or q.scale_max_label_fr)
                if q.scale_max_label_fr
                else {},
            ),
            other_choice=next((c.code for c in q.choices.all() if c.is_other), ""),
        )
    return result


def entries_of(ctx) -> list[Entry]:
    """The codebook of ``ctx`` (a ``report.Context``): its export's columns, with the counts of
    its filters, then its analysis plan's variables."""
    from . import downloads, export, queries

    questions = downloads.export_questions(ctx)
    cols = export.columns(questions, with_tests=ctx.filters.include_tests)
    counts = queries.export_counts(ctx.survey, ctx.layout, ctx.filters, cols)
    return entries(
        cols,
        questions,
        counts,
        details=details_of(ctx.layout),
        plan=ctx.plan,
        pages=len(ctx.layout.pages),
    )


def on_page(rows: list[list[str]]) -> list[list[str]]:
    """The ``PAGE_COLUMNS`` of codebook rows, for the dashboard."""
    indexes = [HEADER.index(name) for name in PAGE_COLUMNS]
    return [[row[i] for i in indexes] for row in rows]


def guarded(rows: list[list[str]]) -> list[list[str]]:
    """The rows for a file a spreadsheet opens with a double click (the French Excel CSV): every
    text cell that could run as a formula made inert; the numbers (a minimum of -5) as they are."""
    numeric = {HEADER.index(name) for name in NUMERIC}
    return [[cell if i in numeric else neutralise(cell) for i, cell in enumerate(row)] for row in rows]


def rows_of(ctx) -> list[list[str]]:
    """The codebook of ``ctx`` as CSV rows (``HEADER``)."""
    return [entry.row(ctx.survey.instrument_version) for entry in entries_of(ctx)]
