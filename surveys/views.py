"""The respondent flow: thin views over selectors (reads) and services (writes)."""

from dataclasses import dataclass

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from .forms import ConsentForm, PageForm
from .models import Page, Response, Survey
from .ratelimit import allow_response_start
from .selectors import (
    Layout,
    open_surveys,
    respondent_response,
    respondent_survey,
    response_answers,
    response_navigator,
    survey_layout,
)
from .services import ResponseClosed, page_save, response_start
from .shared_pages import render_shared
from .sharing import opening_problem
from .skip_logic import Navigator


def _cookie_name(slug: str) -> str:
    return f"response-{slug}"


def _current_response(request: HttpRequest, slug: str, *, for_update: bool = False) -> Response | None:
    response = respondent_response(slug, request.COOKIES.get(_cookie_name(slug)), for_update=for_update)
    # A test run belongs to the signed-in investigators: a browser that holds its cookie without
    # being signed in (signed out since) is treated as a new visitor.
    if response is not None and response.is_test and not request.user.is_staff:
        return None
    return response


def _set_response_cookie(reply: HttpResponse, slug: str, token: str) -> None:
    reply.set_cookie(
        _cookie_name(slug),
        token,
        max_age=settings.RESPONSE_COOKIE_MAX_AGE,
        secure=settings.RESPONSE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _respondent_survey(slug: str) -> Survey:
    survey = respondent_survey(slug)
    if survey is None:
        raise Http404("no such survey")
    return survey


def _refuse(request, survey, status: int, title: str, message: str) -> HttpResponse:
    context = {"survey": survey, "title": title, "message": message}
    return render(request, "surveys/refused.html", context, status=status)


def _unavailable_now(request, survey: Survey) -> HttpResponse:
    return render(
        request, "surveys/unavailable.html", {"survey": survey, "state": "not_yet_open"}, status=409
    )


def _unavailable(request, survey: Survey) -> HttpResponse | None:
    state = survey.availability()
    if state == "open":
        return None
    status = 200 if request.method == "GET" else 403
    return render(request, "surveys/unavailable.html", {"survey": survey, "state": state}, status=status)


@require_http_methods(["GET"])
def home(request):
    surveys = open_surveys()
    if len(surveys) == 1:
        return redirect("surveys:start", slug=surveys[0].slug)
    return render(request, "surveys/home.html", {"surveys": surveys})


@require_http_methods(["GET", "POST"])
def survey_start(request, slug):
    survey = _respondent_survey(slug)
    if blocked := _unavailable(request, survey):
        return blocked
    response = _current_response(request, slug)
    if response and response.is_complete:
        return render(request, "surveys/completed.html", {"survey": survey})
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if response:  # consent given already: never start a second response
            return redirect("surveys:page", slug=slug, position=_resume_page(survey, response))
        if form.is_valid():
            if not allow_response_start(request):
                return _refuse(
                    request,
                    survey,
                    429,
                    _("Too many questionnaires started"),
                    _(
                        "Too many questionnaires were started from this connection. "
                        "Please try again in a few minutes."
                    ),
                )
            layout = survey_layout(survey)
            if not layout.pages:  # opened with nothing in it (the admin refuses that, a script may not)
                return _unavailable_now(request, survey)
            response, token = response_start(survey=survey, language=get_language())
            first = layout.pages[0].position
            reply = redirect("surveys:page", slug=slug, position=first)
            _set_response_cookie(reply, slug, token)
            return reply
    resume = _resume_page(survey, response) if response else None
    context = {"survey": survey, "form": form, "resume": resume, "test_run": response and response.is_test}
    # A new visitor's first view is alike for all, but for an address with a query string (the
    # language switch sends the browser back to it): rendered each time, never one cache entry
    # per query string a visitor makes up.
    if response is None and not form.is_bound and not request.GET:
        texts = (survey.title, survey.introduction, survey.consent, survey.ethics_approval, survey.contact)
        vary = (survey.pk, get_language(), *texts)
        return render_shared(request, "surveys/start.html", context, vary)
    return render(request, "surveys/start.html", context)


@require_http_methods(["GET", "POST"])
@staff_member_required
def survey_preview(request, slug):
    """An investigator's test run of the survey, draft, open or closed: the same pages, with
    answers saved as a test response that no result or export counts unless asked to."""
    survey = get_object_or_404(Survey, slug=slug)
    problem = opening_problem(survey)
    if problem:  # a page without question, a grid without statements, a condition that fails…
        return _refuse(
            request,
            survey,
            409,
            _("Nothing to preview"),
            _("This survey cannot be tried yet: %(problem)s Complete it, then try it.")
            % {"problem": problem},
        )
    current = _current_response(request, slug)
    if current is not None and not current.is_test:
        # The cookie holds this browser's own answers as a respondent: a test run would replace
        # it, and they could neither be resumed nor recognised as already given.
        return _refuse(
            request,
            survey,
            409,
            _("This browser holds your own answers"),
            _(
                "This browser has taken part in the survey as a respondent. To try the survey without "
                "losing those answers, open this page in a private window or another browser."
            ),
        )
    if request.method == "POST":
        _response, token = response_start(survey=survey, language=get_language(), is_test=True)
        reply = redirect("surveys:page", slug=slug, position=survey_layout(survey).pages[0].position)
        _set_response_cookie(reply, slug, token)
        return reply
    context = {
        "survey": survey,
        "test_run": True,
        "resume": _resume_page(survey, current)
        if current and current.is_test and not current.is_complete
        else None,
    }
    return render(request, "surveys/preview.html", context)


def _resume_page(survey: Survey, response: Response) -> int:
    layout = survey_layout(survey)
    navigator = response_navigator(layout, response, response_answers(response, layout))
    return navigator.resume_page or layout.pages[-1].position


@require_http_methods(["GET", "POST"])
def survey_page(request, slug, position):
    if request.method == "POST":
        # One transaction from reading the response to saving it: the response row stays
        # locked, so the answers the form is checked against are those the save builds on.
        with transaction.atomic():
            return _survey_page(request, slug, position)
    return _survey_page(request, slug, position)


@dataclass
class _Visit:
    """A respondent on one of their pages: what every step of the page view works with."""

    survey: Survey
    response: Response
    layout: Layout
    page: Page
    saved: dict
    navigator: Navigator

    @property
    def start(self) -> str:
        # Where a test run starts again: the preview page (a draft survey has no start page).
        return "surveys:preview" if self.response.is_test else "surveys:start"


def _survey_page(request, slug, position):
    visit = _visit(request, slug, position)
    if isinstance(visit, HttpResponse):
        return visit
    if request.method == "POST" and "switch_language" in request.POST:
        return _switch_language(request, visit, request.POST["switch_language"])
    going_back = request.POST.get("nav") == "back"
    form = PageForm(
        request.POST if request.method == "POST" else None,
        layout=visit.layout,
        page=visit.page,
        saved=visit.saved,
        visible=visit.navigator.visible,
        strict=not going_back,
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, visit, form, going_back)
    return _render_page(request, visit, form)


def _visit(request, slug, position) -> _Visit | HttpResponse:
    """The respondent's response and page, or the reply that says why they cannot be here."""
    post = request.method == "POST"
    response = _current_response(request, slug, for_update=post)
    # With a response, its survey was read with it: one query.
    survey = response.survey if response is not None else _respondent_survey(slug)
    # A test run goes on whatever the survey's state: piloting a draft is what it is for.
    if (response is None or not response.is_test) and (blocked := _unavailable(request, survey)):
        return blocked
    if response is None:
        if not post:
            return redirect("surveys:start", slug=slug)
        return _refuse(
            request,
            survey,
            403,
            _("We could not find your answers"),
            _(
                "This browser has no questionnaire in progress for this survey. "
                "Please start from the study's first page."
            ),
        )
    if response.is_complete:
        if not post:
            return redirect("surveys:preview" if response.is_test else "surveys:start", slug=slug)
        return _refuse(
            request,
            survey,
            409,
            _("Questionnaire already completed"),
            _(
                "You have already completed this questionnaire; your answers can no longer be changed. "
                "Thank you for taking part."
            ),
        )
    layout = survey_layout(survey)
    page = layout.page(position)
    if page is None:
        return _refuse(request, survey, 404, _("Page not found"), _("This questionnaire has no such page."))
    saved = response_answers(response, layout)
    navigator = response_navigator(layout, response, saved)
    if not navigator.can_open(position):
        if not post:
            return redirect("surveys:page", slug=slug, position=navigator.resume_page)
        return _refuse(
            request,
            survey,
            400,
            _("This page is not available"),
            _("Please answer the questionnaire's pages in order; nothing was saved from this page."),
        )
    return _Visit(survey, response, layout, page, saved, navigator)


def _save(request, visit: _Visit, form: PageForm, going_back: bool) -> HttpResponse:
    slug, position = visit.survey.slug, visit.page.position
    try:
        result = page_save(
            response=visit.response,
            page_position=position,
            language=get_language(),
            advance=not going_back,
            layout=visit.layout,
            saved=visit.saved,
            outcome=form.outcome,
        )
    except ResponseClosed:
        return redirect(visit.start, slug=slug)
    if going_back:
        previous = visit.navigator.previous_page(position)
        if previous is None:
            return redirect(visit.start, slug=slug)
        return redirect("surveys:page", slug=slug, position=previous)
    if result.next_page is None:
        return redirect("surveys:thanks", slug=slug)
    return redirect("surveys:page", slug=slug, position=result.next_page)


def _switch_language(request, visit: _Visit, language: str) -> HttpResponse:
    """The page again in the other language, with what was ticked or typed: kept as it is when
    it is valid (like the back button: nothing required), shown back unjudged when it is not."""
    if language not in dict(settings.LANGUAGES):
        return _refuse(request, visit.survey, 400, _("Unknown language"), _("This language is not offered."))
    translation.activate(language)
    request.LANGUAGE_CODE = language
    form = PageForm(
        request.POST,
        layout=visit.layout,
        page=visit.page,
        saved=visit.saved,
        visible=visit.navigator.visible,
        strict=False,
    )
    if form.is_valid():
        page_save(
            response=visit.response,
            page_position=visit.page.position,
            language=language,
            advance=False,
            layout=visit.layout,
            saved=visit.saved,
            outcome=form.outcome,
        )
    else:  # the respondent has not submitted the page: nothing is said wrong yet
        form._errors = ErrorDict()
    reply = _render_page(request, visit, form)
    reply.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return reply


def _render_page(request, visit: _Visit, form: PageForm) -> HttpResponse:
    navigator, position = visit.navigator, visit.page.position
    index, total = navigator.progress(position)
    context = {
        "survey": visit.survey,
        "page": visit.page,
        "form": form,
        "index": index,
        "total": total,
        "percent": round(100 * (index - 1) / total) if total else 0,
        "has_previous": navigator.previous_page(position) is not None,
        "is_last": navigator.is_last(position),
        "test_run": visit.response.is_test,
        "switch_in_page": True,
    }
    fresh = form.fragment_vary
    if fresh is None:  # answers or errors on it: this respondent's own
        return render(request, "surveys/page.html", context)
    # What else the page shows: the survey's title (not part of its layout), where it stands.
    survey = visit.survey
    vary = (survey.pk, survey.layout_stamp, survey.title, position, get_language(), fresh)
    vary += (index, total, context["has_previous"], context["is_last"], context["test_run"])
    return render_shared(request, "surveys/page.html", context, vary)


@require_http_methods(["GET"])
@staff_member_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def survey_page_look(request, slug, position):
    """A page as respondents first see it, every question shown (those that depend on this page
    hidden by the browser until they apply), for an investigator: nothing can be saved from it.
    Framed at phone and desktop widths by the share page of the admin."""
    survey = get_object_or_404(Survey, slug=slug)
    layout = survey_layout(survey)
    page = layout.page(position)
    if page is None:
        return _refuse(request, survey, 404, _("Page not found"), _("This questionnaire has no such page."))
    form = PageForm(
        None, layout=layout, page=page, saved={}, visible={q.code for q in layout.questions}, look_only=True
    )
    positions = [p.position for p in layout.pages]
    index = positions.index(position)
    context = {
        "survey": survey,
        "page": page,
        "form": form,
        "index": index + 1,
        "total": len(positions),
        "percent": round(100 * index / len(positions)),
        "look_only": True,
        "previous_look": positions[index - 1] if index > 0 else None,
        "next_look": positions[index + 1] if index + 1 < len(positions) else None,
        "page_condition": page.condition,
    }
    return render(request, "surveys/page.html", context)


@require_http_methods(["GET"])
def survey_thanks(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    response = _current_response(request, slug)
    if response is None or not response.is_complete:
        return redirect("surveys:start", slug=slug)
    return render(request, "surveys/thanks.html", {"survey": survey, "test_run": response.is_test})
