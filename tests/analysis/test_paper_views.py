"""The paper's downloads and printable page, through the URLs (tests/analysis/paper_test_urls.py
adds analysis/paper_urls.py to the dashboard's namespace, as analysis/urls.py will)."""

import csv
import io

import docx
import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.analysis.paper_test_urls")]

SLUG = "cme-social-network-2022"
DOWNLOADS = [("table1", {"fmt": "docx"}), ("table1", {"fmt": "csv"}), ("report_docx", {}), ("report", {})]


def url(name, **kwargs):
    return reverse(f"analysis:{name}", kwargs={"slug": SLUG, **kwargs})


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("inv", password="pw", is_staff=True))
    return client


@pytest.mark.parametrize(("name", "kwargs"), DOWNLOADS)
def test_anonymous_visitors_go_to_the_login_page(client, dataset, name, kwargs):
    reply = client.get(url(name, **kwargs))
    assert reply.status_code == 302 and reply["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("name", "kwargs"), DOWNLOADS)
def test_signed_in_non_staff_get_403(client, django_user_model, dataset, name, kwargs):
    client.force_login(django_user_model.objects.create_user("physician", password="pw"))
    assert client.get(url(name, **kwargs)).status_code == 403


def test_it_downloads_table_1_in_word_in_the_language_asked(staff, dataset):
    reply = staff.get(url("table1", fmt="docx"), {"lang": "en", "holm": "1"})
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert reply["Content-Disposition"].startswith(f'attachment; filename="{SLUG}-table-1-en-')
    document = docx.Document(io.BytesIO(reply.content))
    assert document.paragraphs[0].text.startswith("Table 1.")
    assert "p (Holm)" in [c.text for c in document.tables[0].rows[1].cells]


def test_it_downloads_table_1_in_csv_for_french_excel(staff, dataset):
    reply = staff.get(url("table1", fmt="csv"), {"lang": "fr"})
    assert reply.status_code == 200 and reply["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lines[0]) > 10 and lines[1][0] == "A déjà demandé un avis sur le groupe"


def test_the_downloads_apply_the_dashboard_s_filters(staff, dataset):
    everyone = staff.get(url("table1", fmt="csv"), {"lang": "en"}).content.decode("utf-8-sig")
    complete = staff.get(url("table1", fmt="csv"), {"lang": "en", "complete_only": "on"}).content.decode(
        "utf-8-sig"
    )
    assert "complete responses only" in complete and "complete responses only" not in everyone
    sought = {
        "all": list(csv.reader(io.StringIO(everyone)))[1],
        "complete": list(csv.reader(io.StringIO(complete)))[1],
    }
    assert sought["all"] != sought["complete"]  # the two who stopped early answered Q9


def test_the_publication_safe_switch_applies_to_the_downloads(staff, dataset):
    text = staff.get(url("table1", fmt="csv"), {"lang": "en", "safe": "on"}).content.decode("utf-8-sig")
    assert "<5" in text


def test_an_unknown_format_is_not_found(staff, dataset):
    assert staff.get(url("table1", fmt="pdf")).status_code == 404


def test_the_report_downloads_as_word_with_its_figures(staff, dataset):
    reply = staff.get(url("report_docx"), {"lang": "fr"})
    assert reply.status_code == 200
    assert reply["Content-Disposition"].startswith(f'attachment; filename="{SLUG}-results-fr-')
    document = docx.Document(io.BytesIO(reply.content))
    assert len(document.inline_shapes) == 12  # Figure 1's eight charts, Figures 2 to 5
    assert document.inline_shapes[0].width > 0


def test_the_report_page_links_its_downloads_with_the_same_filters(staff, dataset):
    reply = staff.get(url("report"), {"lang": "en", "complete_only": "on"})
    assert reply.status_code == 200
    page = reply.content.decode()
    assert 'data-download="report"' in page and "complete_only=on" in page
    assert "css/print.css" in page
    assert "Table 1. Subgroup analysis of responses to items" in page
    assert "Additional table 2. The sample and the reference population" in page
    assert page.count("<figure") == 5 and "lang=en" in page


def test_the_report_page_shows_the_representativeness_block_s_numbers(staff, dataset):
    page = staff.get(url("report"), {"lang": "en"}).content.decode()
    assert "Women: 100.0 % of the sample (5 of 5) and 46.0 % in the reference" in page


def test_the_representativeness_partial_shows_the_sample_beside_the_reference(dataset):
    from django.template.loader import render_to_string
    from django.utils import translation

    from analysis import report, results_section

    comparisons = results_section.references(report.Context.load(dataset))
    with translation.override("en"):
        html = render_to_string(
            "analysis/_representativeness.html", {"representativeness": comparisons, "safe": True}
        )
    assert "DREES" in html and "Women" in html and "46.0\u00a0%" in html
    assert "&lt;5/5" in html  # publication-safe: the 3 general practitioners of 5
