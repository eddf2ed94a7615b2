"""Sharing a survey from the admin: its link and QR code, opening and closing it, and each page
seen as respondents will see it, without saving anything."""

import pytest
from django.urls import reverse

from surveys.models import Page, Response, Survey
from surveys.sharing import opening_problem, qr_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def share_url(survey):
    return reverse("admin:surveys_survey_share", args=[survey.pk])


def test_the_share_page_gives_the_link_and_its_qr_code(investigator, survey):
    page = investigator.get(share_url(survey)).content.decode()
    link = f"http://testserver/s/{survey.slug}/"
    assert f'value="{link}"' in page
    assert "<svg" in page and "QR code of the link for respondents" in page
    assert qr_code(link).designator  # the code encodes the link (segno checks its capacity)


@pytest.mark.parametrize(
    ("kind", "content_type", "start"), [("svg", "image/svg+xml", b"<?xml"), ("png", "image/png", b"\x89PNG")]
)
def test_the_qr_code_downloads_for_a_poster(investigator, survey, kind, content_type, start):
    reply = investigator.get(reverse("admin:surveys_survey_qr", args=[survey.pk, kind]))
    assert reply["Content-Type"] == content_type
    assert reply.content.startswith(start)
    assert f'filename="{survey.slug}-qr.{kind}"' in reply["Content-Disposition"]


def test_an_unknown_qr_format_is_not_found(investigator, survey):
    assert investigator.get(f"/admin/surveys/survey/{survey.pk}/qr.gif").status_code == 404


def test_the_investigator_closes_and_reopens_the_survey(investigator, survey):
    assert investigator.post(share_url(survey), {"status": "closed"}).status_code == 302
    assert Survey.objects.get(pk=survey.pk).status == "closed"
    investigator.post(share_url(survey), {"status": "open"})
    assert Survey.objects.get(pk=survey.pk).status == "open"


def test_an_unknown_status_is_a_bad_request(investigator, survey):
    assert investigator.post(share_url(survey), {"status": "paused"}).status_code == 400
    assert Survey.objects.get(pk=survey.pk).status == "open"


def test_a_survey_with_an_empty_page_cannot_open_and_says_why(investigator):
    draft = Survey.objects.create(slug="draft", instrument_version="1", title_fr="Brouillon")
    Page.objects.create(survey=draft, position=1, title_fr="Vide")
    assert opening_problem(draft) == "Page 1 has no question."
    reply = investigator.post(share_url(draft), {"status": "open"}, follow=True)
    assert "The survey cannot open: Page 1 has no question." in reply.content.decode()
    assert Survey.objects.get(pk=draft.pk).status == "draft"


def test_a_page_is_seen_as_respondents_see_it_and_nothing_is_saved(investigator, survey):
    reply = investigator.get(reverse("surveys:page_look", args=[survey.slug, 4]))
    html = reply.content.decode()
    assert reply.status_code == 200
    assert "Preview: nothing can be answered or saved here." in html
    assert 'data-question="Q20"' in html  # shown in the browser when Q19 is yes
    assert 'name="nav"' not in html
    assert reply["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in reply["Content-Security-Policy"]
    assert not Response.objects.exists()


def test_the_share_page_frames_a_page_at_phone_width(investigator, survey):
    page = investigator.get(share_url(survey) + "?look=3&as=phone").content.decode()
    assert f'src="/s/{survey.slug}/preview/page/3/"' in page and 'width="375"' in page


def test_a_page_preview_is_for_investigators_only(client, survey):
    reply = client.get(reverse("surveys:page_look", args=[survey.slug, 1]))
    assert reply.status_code == 302 and "/admin/login/" in reply["Location"]


def test_a_missing_page_preview_is_not_found(investigator, survey):
    assert investigator.get(reverse("surveys:page_look", args=[survey.slug, 99])).status_code == 404


def test_the_dashboard_gives_the_link_and_closes_the_survey(investigator, survey):
    overview = investigator.get(reverse("analysis:overview", args=[survey.slug])).content.decode()
    assert f'value="http://testserver/s/{survey.slug}/"' in overview and 'value="closed"' in overview
    reply = investigator.post(
        reverse("analysis:status", args=[survey.slug]), {"status": "closed"}, follow=True
    )
    assert "The survey is now: Closed." in reply.content.decode()
    assert Survey.objects.get(pk=survey.pk).status == "closed"


def test_the_dashboard_refuses_a_status_change_to_who_may_not_change_surveys(
    client, django_user_model, survey
):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(viewer)
    assert (
        client.post(reverse("analysis:status", args=[survey.slug]), {"status": "closed"}).status_code == 403
    )
    assert Survey.objects.get(pk=survey.pk).status == "open"


def test_the_subgroups_tab_says_how_to_define_a_plan_when_there_is_none(investigator, survey):
    Survey.objects.filter(pk=survey.pk).update(analysis={})
    page = investigator.get(reverse("analysis:subgroups", args=[survey.slug])).content.decode()
    assert "No analysis plan yet." in page
    assert reverse("admin:surveys_survey_analysis_plan", args=[survey.pk]) in page
    assert "subgroup-table" not in page
