"""The codebook: one row per column of the export, then the analysis plan's derived variables,
in French and in English (pure, but for the tests on the paper's instrument)."""

import pytest

from analysis.codebook import HEADER, Details, codebook_rows, derivation
from analysis.export import ExportQuestion, columns
from analysis.variables import QuestionInfo, analysis_plan
from tests.analysis.test_export import COLUMNS, NEW_COLUMNS, NEW_KINDS, QUESTIONS

PARIS = {"time_zone": "Europe/Paris"}


def book(cols, questions, counts=None, version="2022.1", **options) -> dict[str, dict[str, str]]:
    """The codebook's rows by variable, each a {column of the header: cell}."""
    rows = codebook_rows(cols, questions, counts or {}, version, **(PARIS | options))
    assert all(len(row) == len(HEADER) for row in rows)
    return {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows}


def test_the_codebook_describes_every_column():
    rows = codebook_rows(COLUMNS, QUESTIONS, {"Q6": 10, "Q21__speed": 8}, "2022.1", **PARIS)
    assert [r[0] for r in rows] == [c.name for c in COLUMNS]
    by_name = book(COLUMNS, QUESTIONS, {"Q6": 10, "Q21__speed": 8})
    q6 = by_name["Q6"]
    assert (q6["question"], q6["page_title_fr"], q6["page_title_en"]) == ("Q6", "Profil", "Profile")
    assert (q6["text_fr"], q6["text_en"], q6["kind"], q6["type"]) == (
        "Sous-doté ?",
        "Underserved?",
        "single",
        "string",
    )
    assert (q6["values_fr"], q6["values_en"]) == ("yes = Oui | no = Non", "yes = Yes | no = No")
    assert q6["non_empty"] == "10" and by_name["Q21__speed"]["non_empty"] == "8"
    assert by_name["Q11"]["condition"] == "Q9 != never"


def test_the_codebook_keeps_the_names_the_dashboard_shows_and_ends_with_the_version():
    for name in (
        "variable",
        "text_fr",
        "text_en",
        "kind",
        "values_fr",
        "values_en",
        "condition",
        "non_empty",
    ):
        assert name in HEADER
    assert HEADER[-1] == "instrument_version"


def test_the_dashboard_shows_some_columns_of_each_row():
    from analysis.codebook import PAGE_COLUMNS, on_page

    rows = codebook_rows(COLUMNS, QUESTIONS, {"Q6": 10}, "2022.1", **PARIS)
    shown = {row[0]: dict(zip(PAGE_COLUMNS, row, strict=True)) for row in on_page(rows)}
    assert list(shown) == [c.name for c in COLUMNS]
    assert shown["Q6"]["non_empty"] == "10" and shown["Q11"]["condition"] == "Q9 != never"


def test_the_codebook_explains_is_test_and_carries_the_version():
    rows = book(columns(QUESTIONS, with_tests=True), QUESTIONS, {"is_test": 7})
    is_test = rows["is_test"]
    assert is_test["values_fr"] == "1 = réponse de test | 0 = participant"
    assert is_test["values_en"] == "1 = test response | 0 = participant"
    assert is_test["non_empty"] == "7" and is_test["type"] == "integer"
    assert {r["instrument_version"] for r in rows.values()} == {"2022.1"}


def test_the_response_columns_are_described_in_french_in_the_french_columns():
    rows = book(COLUMNS, QUESTIONS)
    assert rows["response_id"]["text_fr"] == "Identifiant aléatoire de la réponse (UUID)"
    assert rows["response_id"]["text_en"] == "Random identifier of the response (UUID)"
    assert rows["status"]["values_fr"] == "in_progress = en cours | complete = terminée"
    assert rows["language"]["values_en"] == "fr = French | en = English"
    for name in ("response_id", "status", "language", "started_on", "completed_on", "duration_minutes"):
        assert rows[name]["text_fr"] != rows[name]["text_en"], name
        assert (rows[name]["origin"], rows[name]["part"], rows[name]["kind"]) == (
            "file",
            "metadata",
            "metadata",
        )


def test_the_dates_are_days_in_the_time_zone_of_the_settings():
    rows = book(COLUMNS, QUESTIONS)
    for name in ("started_on", "completed_on"):
        assert rows[name]["type"] == "date"
        assert "Europe/Paris" in rows[name]["text_fr"] and "Europe/Paris" in rows[name]["text_en"]
        assert rows[name]["unit_en"] == "day (time zone Europe/Paris)"
    assert rows["completed_on"]["missing_en"] == "empty while status = in_progress"


def test_the_time_zone_defaults_to_django_s(settings):
    settings.TIME_ZONE = "America/Montreal"
    rows = codebook_rows(COLUMNS, QUESTIONS, {}, "2022.1")
    assert "America/Montreal" in dict(zip(HEADER, rows[3], strict=True))["text_en"]


def test_the_columns_of_one_multiple_choice_share_their_question_each_an_option():
    rows = book(COLUMNS, QUESTIONS)
    speed, other = rows["Q21__speed"], rows["Q21__other"]
    assert (speed["question"], speed["part"], speed["option"], speed["kind"]) == (
        "Q21",
        "option",
        "speed",
        "multiple",
    )
    assert other["option"] == "other" and other["question"] == "Q21"
    assert speed["text_fr"] == "Forces — Rapidité" and speed["text_en"] == "Strengths — Speed"
    assert (speed["values_fr"], speed["values_en"]) == (
        "1 = coché | 0 = non coché",
        "1 = chosen | 0 = not chosen",
    )
    assert speed["type"] == "integer"


def test_an_other_text_is_asked_only_when_other_is_chosen_and_a_comment_follows_its_question():
    questions = [QUESTIONS[0], QUESTIONS[1]]
    single_other = ExportQuestion(
        QuestionInfo(
            "Q3",
            "single",
            {"fr": "Spécialité", "en": "Specialty"},
            (("gp", {"fr": "MG", "en": "GP"}), ("autre", {"fr": "Autre", "en": "Other"})),
            has_other=True,
        ),
        {"fr": "Profil", "en": "Profile"},
        has_other=True,
        has_comment=True,
        condition="Q1 = f",
    )
    questions.append(single_other)
    details = {"Q3": Details(1, {"fr": "Profil", "en": "Profile"}, required=True, other_choice="autre")}
    rows = book(columns(questions), questions, details=details)
    assert rows["Q3__other_text"]["condition"] == "Q1 = f and Q3 = autre"
    assert (rows["Q3__other_text"]["part"], rows["Q3__other_text"]["required"]) == ("other_text", "yes")
    assert rows["Q3__comment"]["condition"] == "Q1 = f" and rows["Q3__comment"]["required"] == "no"
    assert rows["Q3__comment"]["text_en"] == "Specialty — comment"
    # A multiple choice's "other" is a ticked option.
    assert book(COLUMNS, QUESTIONS)["Q21__other_text"]["condition"] == "Q21 contains other"


def test_an_empty_cell_says_which_missing_it_can_be_with_the_spss_and_stata_codes():
    details = {
        "Q6": Details(1, {"fr": "Profil", "en": "Profile"}, required=True),
        "Q11": Details(3, {"fr": "Avis", "en": "Opinions"}, required=False),
    }
    rows = book(COLUMNS, QUESTIONS, details=details)
    assert rows["Q11"]["missing_en"] == (
        "empty: -97/.a not reached (last_page < 3) | -98/.b not shown (condition false)"
        " | -99/.c left blank (otherwise)"
    )
    assert rows["Q11"]["missing_fr"].startswith(
        "vide : -97/.a non atteinte (last_page < 3) | -98/.b non posée"
    )
    # Without a condition, a question cannot be "not shown".
    assert (
        rows["Q6"]["missing_en"]
        == "empty: -97/.a not reached (last_page < 1) | -99/.c left blank (otherwise)"
    )
    assert rows["Q6__comment"]["missing_en"].startswith("empty when there is no text")
    assert rows["response_id"]["missing_en"] == "never empty"
    assert (rows["Q6"]["required"], rows["Q11"]["required"]) == ("yes", "no")


def test_a_scale_has_its_bounds_and_its_own_anchors():
    anchors = ({"fr": "Inutile", "en": "Useless"}, {"fr": "Très utile", "en": "Very useful"})
    details = {"Q11": Details(3, {"fr": "Avis", "en": "Opinions"}, anchors=anchors)}
    q11 = book(COLUMNS, QUESTIONS, details=details)["Q11"]
    assert (q11["type"], q11["minimum"], q11["maximum"]) == ("integer", "0", "10")
    assert (q11["values_fr"], q11["values_en"]) == (
        "0 = Inutile | 10 = Très utile",
        "0 = Useless | 10 = Very useful",
    )
    assert q11["page"] == "3" and q11["page_title_en"] == "Opinions"


def test_the_codebook_describes_numbers_days_statements_and_dropdowns():
    rows = book(NEW_COLUMNS, NEW_KINDS, {"G1__long": 3}, "2027.1")
    hours = rows["hours"]
    assert (hours["kind"], hours["type"], hours["minimum"], hours["maximum"], hours["decimals"]) == (
        "number",
        "number",
        "0",
        "200.5",
        "1",
    )
    assert (hours["unit_fr"], hours["unit_en"]) == ("h", "h")
    assert (rows["last"]["type"], rows["last"]["minimum"], rows["last"]["maximum"]) == (
        "date",
        "",
        "2027-12-31",
    )
    long = rows["G1__long"]
    assert (long["text_fr"], long["text_en"], long["kind"], long["part"], long["option"]) == (
        "Avis — Long",
        "Opinion — Long",
        "grid",
        "statement",
        "long",
    )
    assert (long["values_fr"], long["non_empty"]) == ("yes = Oui | no = Non", "3")
    assert rows["G1__comment"]["part"] == "comment" and rows["G1__comment"]["type"] == "string"
    assert (rows["spec"]["kind"], rows["spec"]["values_en"]) == ("dropdown", "yes = Yes | no = No")


def test_a_negative_bound_is_a_number_not_a_neutralised_formula():
    from dataclasses import replace
    from decimal import Decimal

    hours = NEW_KINDS[0]
    colder = replace(hours, info=replace(hours.info, number_min=Decimal("-5")))
    assert book(columns([colder]), [colder])["hours"]["minimum"] == "-5"


def test_a_text_that_starts_like_a_formula_is_kept_and_neutralised_only_for_french_excel():
    from analysis.codebook import guarded

    formula = ExportQuestion(
        QuestionInfo("Q1", "text", {"fr": "=1+1", "en": "@cmd"}), {"fr": "P", "en": "P"}, False, False, ""
    )
    row = book(columns([formula]), [formula])["Q1"]
    assert (row["text_fr"], row["text_en"]) == ("=1+1", "@cmd")
    rows = codebook_rows(columns([formula]), [formula], {}, "1")
    safe = dict(zip(HEADER, guarded(rows)[-1], strict=True))
    assert (safe["text_fr"], safe["text_en"]) == ("'=1+1", "'@cmd")


# --- the analysis plan's variables --------------------------------------------------------------

AGE = QuestionInfo(
    "Q2",
    "single",
    {"fr": "Âge", "en": "Age"},
    tuple((code, {"fr": code, "en": code}) for code in ("under_30", "30_40", "41_50", "over_60")),
)
SCORE = QuestionInfo("Q11", "scale", {"fr": "Utile", "en": "Useful"}, scale_min=0, scale_max=10)
PLAN = {
    "groupings": [
        {
            "code": "age",
            "label": {"fr": "Âge", "en": "Age"},
            "question": "Q2",
            "groups": [
                {"code": "young", "label": {"fr": "Jeunes", "en": "Young"}, "choices": ["under_30"]},
                {"code": "older", "label": {"fr": "Plus âgés", "en": "Older"}, "otherwise": True},
            ],
        }
    ],
    "outcomes": [
        {
            "code": "score_8_plus",
            "label": {"fr": "score ≥ 8", "en": "score ≥ 8"},
            "questions": ["Q11"],
            "positive": {"min_score": 8},
        }
    ],
}


def plan_questions():
    section = {"fr": "P", "en": "P"}
    return [ExportQuestion(info, section, False, False, "") for info in (AGE, SCORE)]


def test_the_plans_variables_follow_the_columns_marked_as_derived():
    questions = plan_questions()
    plan = analysis_plan(PLAN, {q.info.code: q.info for q in questions})
    rows = book(columns(questions), questions, plan=plan)
    names = list(rows)
    assert names[-2:] == ["age", "score_8_plus"]
    age = rows["age"]
    assert (age["origin"], age["part"], age["kind"], age["question"]) == (
        "derived",
        "derived",
        "grouping (derived)",
        "Q2",
    )
    assert age["derivation"] == "young when Q2 = under_30 | older when Q2 in (30_40, 41_50, over_60)"
    assert age["values_en"] == "young = Young | older = Older" and age["non_empty"] == ""
    assert "not a column of the file" in age["missing_en"]
    assert rows["score_8_plus"]["derivation"] == "yes when Q11 >= 8 | no when Q11 <= 7"
    assert rows["score_8_plus"]["kind"] == "outcome (derived)"


@pytest.mark.parametrize(
    ("positive", "expected"),
    [
        ({"min_score": 0}, "yes when Q11 >= 0 | no when no answer"),
        ({"min_score": 10}, "yes when Q11 = 10 | no when Q11 <= 9"),
    ],
)
def test_a_score_outcome_is_written_as_a_comparison(positive, expected):
    spec = {
        "outcomes": [{"code": "s", "label": {"fr": "s", "en": "s"}, "question": "Q11", "positive": positive}]
    }
    (variable,) = analysis_plan(spec, {"Q11": SCORE}).outcomes
    assert derivation(variable, SCORE) == expected


# --- the paper's instrument ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_papers_codebook_has_its_pages_help_anchors_and_plan(survey):
    from analysis import downloads

    rows = {row[0]: dict(zip(HEADER, row, strict=True)) for row in downloads.codebook(survey)}
    assert rows["Q11"]["values_en"] == "0 = Not at all useful | 10 = Very useful"
    assert rows["Q12"]["values_en"] == "0 = Strongly disagree | 10 = Strongly agree"
    assert rows["Q11"]["page"] == "3" and rows["Q11"]["page_intro_en"].startswith("For each statement")
    assert rows["Q20__other"]["help_en"].endswith("Tick all that apply.")
    assert rows["Q27"]["required"] == "no" and rows["Q1"]["required"] == "yes"
    assert rows["Q20__other_text"]["condition"] == "Q19 = yes and Q20 contains other"
    assert rows["Q3__other_text"]["condition"] == "Q3 = other"
    assert rows["last_page"]["maximum"] == "6"
    assert rows["age"]["derivation"].endswith("over_40 when Q2 in (41_50, 51_60, over_60)")
    assert rows["score_8_plus__Q11"]["derivation"] == "yes when Q11 >= 8 | no when Q11 <= 7"
    derived = [name for name, row in rows.items() if row["origin"] == "derived"]
    assert derived[:3] == ["specialty", "underserved", "age"] and len(derived) == 3 + 1 + 11


def test_a_date_a_text_and_a_number_that_could_be_a_code_say_which_files_code_their_missing():
    from dataclasses import replace as with_

    negative = with_(NEW_KINDS[0], info=with_(NEW_KINDS[0].info, code="temp", number_min=None))
    questions = [*NEW_KINDS, negative]
    rows = book(columns(questions), questions)
    assert rows["last"]["missing_en"].startswith("empty: .a not reached")
    assert rows["last"]["missing_en"].endswith("(SPSS: system-missing)")
    assert rows["temp"]["missing_en"].endswith("(SPSS: system-missing)")
    assert rows["hours"]["missing_en"].startswith("empty: -97/.a not reached")
    text = book(COLUMNS, QUESTIONS)["Q27"]["missing_en"]
    assert text.endswith("left blank (otherwise) (no SPSS/Stata code)")
