"""Write instruments/cme-needs-2027.xlsx, the XLSForm of the 2027 follow-up survey on CME needs.

The workbook is the source of that instrument (an investigator's XLSForm, as KoboToolbox or ODK
read it); this script keeps it reviewable as text and regenerates it byte for byte:

    .venv/bin/python instruments/build_cme_needs_2027.py

Load it with ``python manage.py load_instrument instruments/cme-needs-2027.xlsx``; the
conventions (explicit "other" text, comment, grid, the medsurvey sheet) are in
docs/interchange.md.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

OUTPUT = Path(__file__).resolve().parent / "cme-needs-2027.xlsx"
FR, EN = "French (fr)", "English (en)"

SURVEY_COLUMNS = [
    "type",
    "name",
    f"label::{FR}",
    f"label::{EN}",
    f"hint::{FR}",
    f"hint::{EN}",
    "required",
    "relevant",
    "appearance",
    "constraint",
    "parameters",
    f"medsurvey::unit::{FR}",
    f"medsurvey::unit::{EN}",
]


def row(type_, name="", fr="", en="", *, hint=("", ""), required="", relevant="", appearance="", **more):
    return {
        "type": type_,
        "name": name,
        f"label::{FR}": fr,
        f"label::{EN}": en,
        f"hint::{FR}": hint[0],
        f"hint::{EN}": hint[1],
        "required": required,
        "relevant": relevant,
        "appearance": appearance,
        "constraint": more.get("constraint", ""),
        "parameters": more.get("parameters", ""),
        f"medsurvey::unit::{FR}": more.get("unit", ("", ""))[0],
        f"medsurvey::unit::{EN}": more.get("unit", ("", ""))[1],
    }


SURVEY = [
    # -- page 1: the respondent's practice -------------------------------------------------
    row("begin group", "practice", "Votre exercice", "Your practice", appearance="field-list"),
    row(
        "select_one specialty",
        "specialty",
        "Votre spécialité",
        "Your specialty",
        required="yes",
        appearance="minimal",
    ),
    row(
        "text",
        "specialty_other",
        "Précisez votre spécialité",
        "Please specify your specialty",
        required="yes",
        relevant="selected(${specialty}, 'other')",
    ),
    row(
        "integer",
        "years_practice",
        "Depuis combien d'années exercez-vous (internat exclu) ?",
        "How many years have you been in practice (residency excluded)?",
        required="yes",
        constraint=". >= 0 and . <= 60",
        unit=("ans", "years"),
    ),
    row(
        "select_one setting",
        "practice_setting",
        "Votre mode d'exercice principal",
        "Your main practice setting",
        required="yes",
    ),
    row(
        "select_one yes_no_maybe",
        "mentoring",
        "Seriez-vous prêt(e) à encadrer de jeunes confrères dans une formation ?",
        "Would you be willing to mentor younger colleagues in a training course?",
        required="yes",
        relevant="${years_practice} >= 10",
    ),
    row("end group"),
    # -- page 2: continuing medical education ------------------------------------------------
    row(
        "begin group",
        "education",
        "Votre formation continue",
        "Your continuing education",
        appearance="field-list",
    ),
    row(
        "note",
        "education_note",
        "Les questions suivantes portent sur la formation médicale continue (FMC) et le développement "
        "professionnel continu (DPC), quel qu'en soit le format.",
        "The following questions are about continuing medical education (CME) and continuing professional "
        "development, whatever the format.",
    ),
    row(
        "select_one yes_no",
        "cme_2026",
        "Avez-vous suivi au moins une formation (FMC ou DPC) en 2026 ?",
        "Did you follow at least one CME course in 2026?",
        required="yes",
    ),
    row(
        "text",
        "cme_2026_topics",
        "Sur quel(s) thème(s) ?",
        "On which topic(s)?",
        relevant="${cme_2026} = 'yes'",
    ),
    row(
        "date",
        "last_cme_date",
        "Date de votre dernière formation",
        "Date of your last CME course",
        hint=("Approximative si besoin.", "An approximate date will do."),
        constraint=". >= date('2000-01-01') and . <= date('2027-12-31')",
    ),
    row(
        "range",
        "cme_satisfaction",
        "Dans l'ensemble, êtes-vous satisfait(e) de l'offre de formation continue qui vous est accessible ?",
        "Overall, how satisfied are you with the CME offer available to you?",
        required="yes",
        parameters="start=0 end=10 step=1 tick_labelset=satisfaction_anchors",
    ),
    row(
        "select_multiple formats",
        "preferred_formats",
        "Quels formats de formation préférez-vous ?",
        "Which training formats do you prefer?",
        hint=("Plusieurs réponses possibles.", "Tick all that apply."),
        required="yes",
        constraint="not(selected(., 'none') and count-selected(.) > 1)",
    ),
    row(
        "text",
        "preferred_formats_comment",
        "Commentaire (facultatif)",
        "Comment (optional)",
        required="no",
    ),
    row(
        "select_one yes_no_maybe",
        "online_only",
        "Suivriez-vous une formation diplômante entièrement en ligne ?",
        "Would you follow a certified course entirely online?",
        required="yes",
        relevant="${years_practice} >= 20 and (selected(${preferred_formats}, 'webinar') "
        "or selected(${preferred_formats}, 'e_learning'))",
    ),
    row("end group"),
    # -- page 3: the last course, for those who followed one in 2026 ---------------------------
    row(
        "begin group",
        "last_course",
        "Votre formation de 2026",
        "Your 2026 course",
        hint=(
            "Pensez à la dernière formation suivie en 2026.",
            "Think of the last course you followed in 2026.",
        ),
        relevant="${cme_2026} = 'yes'",
        appearance="field-list",
    ),
    row(
        "begin group",
        "course_opinion",
        "Quel est votre avis sur cette formation ?",
        "What do you think of that course?",
        appearance="table-list",
    ),
    row(
        "select_one agreement",
        "course_opinion_useful",
        "Elle m'a été utile",
        "It was useful to me",
        required="yes",
    ),
    row(
        "select_one agreement",
        "course_opinion_practice",
        "Elle a changé ma pratique",
        "It changed my practice",
        required="yes",
    ),
    row(
        "select_one agreement",
        "course_opinion_organised",
        "Elle était bien organisée",
        "It was well organised",
        required="yes",
    ),
    row(
        "select_one agreement",
        "course_opinion_recommend",
        "Je la recommanderais à un confrère",
        "I would recommend it to a colleague",
        required="yes",
    ),
    row("end group"),
    row(
        "text",
        "suggestions",
        "Quelles formations aimeriez-vous voir proposées en 2027 ?",
        "Which courses would you like to see offered in 2027?",
        hint=("Facultatif.", "Optional."),
        required="no",
    ),
    row("end group"),
]

CHOICES = [
    ("specialty", "general_practice", "Médecine générale", "General practice"),
    ("specialty", "paediatrics", "Pédiatrie", "Paediatrics"),
    ("specialty", "gynaecology_obstetrics", "Gynécologie-obstétrique", "Gynaecology and obstetrics"),
    ("specialty", "psychiatry", "Psychiatrie", "Psychiatry"),
    ("specialty", "cardiology", "Cardiologie", "Cardiology"),
    ("specialty", "dermatology", "Dermatologie", "Dermatology"),
    ("specialty", "emergency_medicine", "Médecine d'urgence", "Emergency medicine"),
    ("specialty", "internal_medicine", "Médecine interne", "Internal medicine"),
    ("specialty", "other", "Autre spécialité", "Other specialty"),
    ("setting", "independent", "Libéral", "Independent practice"),
    ("setting", "hospital", "Hospitalier", "Hospital"),
    ("setting", "mixed", "Mixte", "Mixed"),
    ("setting", "salaried", "Salarié hors hôpital", "Salaried outside hospital"),
    ("yes_no", "yes", "Oui", "Yes"),
    ("yes_no", "no", "Non", "No"),
    ("yes_no_maybe", "yes", "Oui", "Yes"),
    ("yes_no_maybe", "no", "Non", "No"),
    ("yes_no_maybe", "maybe", "Peut-être", "Maybe"),
    ("satisfaction_anchors", "0", "Pas du tout satisfait(e)", "Not at all satisfied"),
    ("satisfaction_anchors", "10", "Tout à fait satisfait(e)", "Completely satisfied"),
    ("formats", "in_person", "Séminaire en présentiel", "In-person seminar"),
    ("formats", "webinar", "Webinaire", "Webinar"),
    ("formats", "e_learning", "E-learning à son rythme", "Self-paced e-learning"),
    ("formats", "podcast", "Podcast", "Podcast"),
    ("formats", "journal_club", "Club de lecture", "Journal club"),
    ("formats", "peer_group", "Groupe de pairs", "Peer group"),
    ("formats", "none", "Aucun de ces formats", "None of these"),
    ("agreement", "1", "Pas du tout d'accord", "Strongly disagree"),
    ("agreement", "2", "Plutôt pas d'accord", "Disagree"),
    ("agreement", "3", "Ni d'accord ni pas d'accord", "Neither agree nor disagree"),
    ("agreement", "4", "Plutôt d'accord", "Agree"),
    ("agreement", "5", "Tout à fait d'accord", "Strongly agree"),
]

SETTINGS = {
    "form_title": "Vos besoins en formation médicale continue",
    "form_id": "cme-needs-2027",
    "version": "2027.1",
    "default_language": FR,
    "style": "pages",
}

ANALYSIS = """\
groupings:
  - code: cme_2026
    label: {fr: FMC suivie en 2026, en: CME course in 2026}
    question: cme_2026
    groups:
      - {code: "yes", label: {fr: Oui, en: "Yes"}, choices: ["yes"]}
      - {code: "no", label: {fr: Non, en: "No"}, choices: ["no"]}
  - code: specialty
    label: {fr: Spécialité, en: Specialty}
    question: specialty
    groups:
      - code: general_practice
        label: {fr: Médecine générale, en: General practice}
        choices: [general_practice]
      - {code: other_specialties, label: {fr: Autres spécialités, en: Other specialties}, otherwise: true}
outcomes:
  - code: satisfied
    label: {fr: Satisfait (score ≥ 8), en: Satisfied (score ≥ 8)}
    question: cme_satisfaction
    positive: {min_score: 8}
"""

# key, value, French (fr), English (en): what XLSForm has no place for
MEDSURVEY = [
    ("title", "", SETTINGS["form_title"], "Your needs in continuing medical education"),
    (
        "introduction",
        "",
        "Cette courte enquête fait suite à l'étude de 2022 sur les réseaux sociaux et la formation "
        "médicale continue. Elle porte sur vos besoins de formation et prend environ 5 minutes.",
        "This short survey follows up the 2022 study on social networks and continuing medical "
        "education. It is about your training needs and takes about 5 minutes.",
    ),
    (
        "consent",
        "",
        "Votre participation est volontaire et anonyme : nous ne recueillons ni votre nom, ni votre "
        "adresse e-mail, ni votre adresse IP. Vous pouvez arrêter à tout moment.",
        "Taking part is voluntary and anonymous: we collect neither your name, nor your e-mail "
        "address, nor your IP address. You may stop at any time.",
    ),
    ("status", "open", "", ""),
    ("opens_at", "2027-01-15", "", ""),
    ("closes_at", "2027-03-31", "", ""),
    ("contact", "Dr Marion Bendayan, CHI Poissy Saint-Germain-en-Laye (marion@bendayan.eu)", "", ""),
    ("analysis", ANALYSIS, "", ""),
]


def _sheet(book, title: str, header: list[str], rows: list[list[str]], widths: list[int]):
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(values)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=False):
        sheet.column_dimensions[letter].width = width
    return sheet


def build() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    survey_rows = [[r[c] for c in SURVEY_COLUMNS] for r in SURVEY]
    _sheet(book, "survey", SURVEY_COLUMNS, survey_rows, [24, 26, 50, 50, 30, 30, 9, 40, 12, 30, 40])
    _sheet(
        book,
        "choices",
        ["list_name", "name", f"label::{FR}", f"label::{EN}"],
        [list(c) for c in CHOICES],
        [22, 24, 36, 36],
    )
    _sheet(book, "settings", list(SETTINGS), [list(SETTINGS.values())], [44, 18, 10, 18, 10])
    _sheet(book, "medsurvey", ["key", "value", FR, EN], [list(m) for m in MEDSURVEY], [14, 60, 60, 60])
    book.properties.created = dt.datetime(2026, 11, 26)
    book.properties.creator = "instruments/build_cme_needs_2027.py"
    return book


def workbook_bytes() -> bytes:
    """The .xlsx bytes, the same at every run: the zip's entries and the workbook's properties dated
    once for all."""
    written = io.BytesIO()
    build().save(written)
    fixed = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 26, 0, 0, 0))
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-11-26T00:00:00Z", content)
            target.writestr(entry, content)
    return fixed.getvalue()


if __name__ == "__main__":
    OUTPUT.write_bytes(workbook_bytes())
    print(f"Wrote {OUTPUT}")
