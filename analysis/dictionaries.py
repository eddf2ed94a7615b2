"""The codebook as standard dictionaries: a Frictionless Data Package (``datapackage.json``, with
a Table Schema of the plain responses CSV) and a REDCap data dictionary.

Both say what the codebook says (``analysis.codebook.entries``), in the shapes other tools read:
``frictionless validate datapackage.json`` checks an export against it, R's ``frictionless``
package reads the choice columns as labelled factors, REDCap builds the project from the
dictionary (``surveys.interchange.redcap`` writes it, as ``manage.py export_instrument`` does).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.utils import timezone

from .codebook import DERIVED, Entry, entries_of
from .export import MISSING_CODES, MISSING_LABELS, STATA_MISSING, Column
from .variables import Label, pick

PACKAGE_PROFILE = "tabular-data-package"
# Frictionless reads the plain variant: UTF-8, comma, RFC 4180 (``export.csv_lines``).
DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}
NEVER_EMPTY = {"response_id", "status", "language", "started_on", "last_page", "is_test"}


def _both(label: Label) -> str:
    """A text in one string, French then English: "Votre âge / Age" (once when the same)."""
    fr, en = pick(label, "fr"), pick(label, "en")
    return fr if not en or en == fr else f"{fr} / {en}"


def _typed(entry: Entry, value: str):
    """A value of the codebook (a text) as the field's type has it in JSON."""
    if entry.type == "integer":
        return int(value)
    if entry.type == "number":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


WORDS = {
    "fr": {
        "page": "Page {page} : {title}.",
        "help": "Aide : {text}",
        "required": {"yes": "Réponse obligatoire quand la question est posée.", "no": "Réponse facultative."},
        "condition": "Posée seulement si : {condition}.",
        "anchors": "Ancres : {anchors}.",
        "unit": "Unité : {unit}.",
        "decimals": "Décimales : {decimals}.",
        "missing": "{missing}.",
        "option": "Une option de la question à choix multiples {question} (une colonne par option).",
        "statement": "Un énoncé de la grille {question} (une colonne par énoncé).",
    },
    "en": {
        "page": "Page {page}: {title}.",
        "help": "Help: {text}",
        "required": {"yes": "Answer required when the question is shown.", "no": "Answer optional."},
        "condition": "Shown only when: {condition}.",
        "anchors": "Anchors: {anchors}.",
        "unit": "Unit: {unit}.",
        "decimals": "Decimal places: {decimals}.",
        "missing": "{missing}.",
        "option": "One option of the multiple-choice question {question} (one column per option).",
        "statement": "One statement of the grid {question} (one column per statement).",
    },
}


def _description(entry: Entry, language: str) -> str:
    words = WORDS[language]
    parts = []
    if entry.page is not None:
        parts.append(words["page"].format(page=entry.page, title=pick(entry.page_title, language)))
    if entry.part in ("option", "statement"):
        parts.append(words[entry.part].format(question=entry.question))
    if pick(entry.help, language):
        parts.append(words["help"].format(text=pick(entry.help, language)))
    if entry.required in ("yes", "no"):
        parts.append(words["required"][entry.required])
    if entry.condition:
        parts.append(words["condition"].format(condition=entry.condition))
    if entry.anchors:
        anchors = " | ".join(f"{value} = {pick(label, language)}" for value, label in entry.anchors)
        parts.append(words["anchors"].format(anchors=anchors))
    if pick(entry.unit, language):
        parts.append(words["unit"].format(unit=pick(entry.unit, language)))
    if entry.decimals and entry.type == "number":
        parts.append(words["decimals"].format(decimals=entry.decimals))
    missing = pick(entry.missing, language)
    parts.append(words["missing"].format(missing=missing[:1].upper() + missing[1:]))
    return " ".join(parts)


def field(entry: Entry) -> dict:
    """The Table Schema field of one column of the file."""
    result: dict = {
        "name": entry.variable,
        "type": entry.type,
        "title": _both(entry.text),
        "description": _description(entry, "fr") + "\n\n" + _description(entry, "en"),
    }
    if entry.variable == "response_id":
        result["format"] = "uuid"
    constraints: dict = {}
    if entry.variable in NEVER_EMPTY:
        constraints["required"] = True
    if entry.variable == "response_id":
        constraints["unique"] = True
    if entry.categories:
        values = [_typed(entry, code) for code, _label in entry.categories]
        result["categories"] = [
            {"value": value, "label": _both(label)}
            for value, (_code, label) in zip(values, entry.categories, strict=True)
        ]
        constraints["enum"] = values
    for key in ("minimum", "maximum"):
        if getattr(entry, key):
            constraints[key] = _typed(entry, getattr(entry, key))
    if constraints:
        result["constraints"] = constraints
    return result


def derived_variable(entry: Entry) -> dict:
    """A variable of the analysis plan (not a column of the file), for the package's own
    ``derivedVariables`` property."""
    return {
        "name": entry.variable,
        "title": _both(entry.text),
        "source": entry.question,
        "derivation": entry.derivation,
        "categories": [{"value": code, "label": _both(label)} for code, label in entry.categories],
    }


def missing_rule(time_zone: str) -> str:
    """The package's description: what the file is, how to tell its empty cells apart."""
    codes = {
        language: "; ".join(
            f"{MISSING_CODES[reason]} / {STATA_MISSING[reason]}: {MISSING_LABELS[reason][language]}"
            for reason in MISSING_CODES
        )
        for language in ("fr", "en")
    }
    return (
        "Une ligne par participant (au moins une réponse). Une cellule de réponse vide est une donnée "
        "manquante de l'une de trois sortes : non atteinte (la page de la question, colonne page du "
        "dictionnaire, vient après last_page), non posée (la condition de la question n'était pas "
        "remplie), sans réponse sinon. Les fichiers SPSS et Stata leur donnent ces codes : "
        f"{codes['fr']}. Les colonnes « autre » (__other_text) et commentaire (__comment) sont vides "
        "quand il n'y a pas de texte. Les dates sont des jours dans le fuseau horaire "
        f"{time_zone}. Les variables dérivées du plan d'analyse (derivedVariables) ne sont pas des "
        "colonnes du fichier."
        "\n\n"
        "One row per participant (at least one answer). An empty answer cell is one of three kinds of "
        "missing: not reached (the question's page, the codebook's page column, comes after "
        "last_page), not shown (the question's condition did not hold), left blank otherwise. The "
        f"SPSS and Stata files give them these codes: {codes['en']}. The 'other' (__other_text) and "
        "comment (__comment) columns are empty when there is no text. The dates are days in the "
        f"{time_zone} time zone. The analysis plan's derived variables (derivedVariables) are not "
        "columns of the file."
    )


def package(
    book: list[Entry],
    *,
    name: str,
    title: Label,
    version: str,
    created: str,
    time_zone: str,
    resource_path: str = "responses.csv",
) -> dict:
    """The Data Package of a responses file described by the codebook ``book`` (pure)."""
    columns = [e for e in book if e.origin != DERIVED]
    return {
        "profile": PACKAGE_PROFILE,
        "name": name,
        "title": _both(title),
        "version": version,
        "created": created,
        "description": missing_rule(time_zone),
        "resources": [
            {
                "name": "responses",
                "path": resource_path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": DIALECT,
                "schema": {
                    "fields": [field(e) for e in columns],
                    "missingValues": [""],
                    "primaryKey": ["response_id"],
                },
            }
        ],
        "derivedVariables": [derived_variable(e) for e in book if e.origin == DERIVED],
    }


def datapackage(ctx, resource_path: str = "responses.csv") -> dict:
    """The content of ``datapackage.json`` describing the plain responses CSV of ``ctx`` (a
    ``report.Context``: its filters decide whether the file has ``is_test``) at
    ``resource_path``, relative to the datapackage.json."""
    from django.conf import settings

    survey = ctx.survey
    return package(
        entries_of(ctx),
        name=survey.slug,
        title={"fr": survey.title_fr, "en": survey.title_en or survey.title_fr},
        version=survey.instrument_version,
        created=timezone.now().replace(microsecond=0).isoformat(),
        time_zone=settings.TIME_ZONE,
        resource_path=resource_path,
    )


# -- REDCap --------------------------------------------------------------------------------------


def redcap_dictionary(ctx) -> bytes:
    """The survey of ``ctx`` as a REDCap data dictionary (CSV bytes, UTF-8 with a BOM): the
    instrument's writer (``surveys.interchange.redcap``) on the live instrument, as
    ``manage.py export_instrument --format redcap`` writes it."""
    from surveys.instrument_data import spec_to_data
    from surveys.interchange import redcap
    from surveys.selectors import survey_spec

    return redcap.write(spec_to_data(survey_spec(ctx.survey)))


def redcap_fields(dictionary: bytes) -> dict[str, str]:
    """The platform's code of each field of a REDCap dictionary -> the field's name (REDCap's
    are lower case: ``Q1`` is ``q1``); the record identifier as ``record_id``."""
    from surveys.interchange import redcap

    rows = csv.DictReader(io.StringIO(dictionary.decode("utf-8-sig")))
    result = {}
    for row in rows:
        name = row["Variable / Field Name"]
        code = redcap.tags_of(row["Field Annotation"]).get("CODE", name)
        result[code] = name
    return result


def redcap_names(cols: list[Column], dictionary: bytes) -> dict[str, str | None]:
    """Each column of the export -> its name in a REDCap data export of the project built from
    ``dictionary`` (None for the response's own columns, which REDCap keeps its own way):
    ``response_id`` -> ``record_id``, ``Q1`` -> ``q1``, a multiple choice's option
    ``Q20__free`` -> ``q20___free`` (REDCap's checkbox columns: three underscores, the code in
    lower case, any other character than a letter or a digit as ``_``), a grid's statement
    ``G1__useful`` -> ``g1__useful``, ``Q3__other_text`` -> ``q3_other``, ``Q9__comment`` ->
    ``q9_comment``."""
    from surveys.interchange.common import COMMENT_SUFFIX, OTHER_SUFFIX

    fields = redcap_fields(dictionary)
    result: dict[str, str | None] = {}
    for col in cols:
        if col.part == "fixed":
            result[col.name] = "record_id" if col.name == "response_id" else None
        elif col.part == "other_text":
            result[col.name] = fields[col.question] + OTHER_SUFFIX
        elif col.part == "comment":
            result[col.name] = fields[col.question] + COMMENT_SUFFIX
        elif col.source == "ticked":
            option = re.sub(r"[^a-z0-9]", "_", (col.key or "").lower())
            result[col.name] = f"{fields[col.question]}___{option}"
        else:
            result[col.name] = fields[col.name]
    return result
