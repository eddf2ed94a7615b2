"""Rendering a questionnaire page, in-process: each page fresh (nothing saved, rendered then
kept in the fragment cache), fresh again (from the cache), and showing saved answers (rendered
each time). The best of 30 batches of 10, in milliseconds, template and form building included.

    .venv/bin/python bench/render.py
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time

from _setup import ROOT, django_setup


def best(call, batches: int = 30, per_batch: int = 10) -> float:
    timings = []
    for _ in range(batches):
        began = time.perf_counter()
        for _ in range(per_batch):
            call()
        timings.append((time.perf_counter() - began) / per_batch * 1000)
    return min(timings)


def main() -> None:
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="medsurvey-static-")  # production storage
    django_setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from surveys.forms import PageForm
    from surveys.instrument import parse_instrument
    from surveys.models import Survey
    from surveys.selectors import survey_layout
    from surveys.services import instrument_load
    from surveys.skip_logic import visible_codes
    from surveys.values import AnswerValue
    from tests.conftest import FULL_ANSWERS

    call_command("collectstatic", interactive=False, verbosity=0)
    source = (ROOT / "instruments" / "cme-social-network-2022.yaml").read_text(encoding="utf-8")
    spec = dataclasses.replace(parse_instrument(source), slug="bench-render", status="open")
    survey = Survey.objects.get(pk=instrument_load(spec=spec).survey.pk)
    layout = survey_layout(survey)
    translation.activate("fr")
    request = RequestFactory().get("/")
    get_token(request)
    fragments = caches["template_fragments"]
    saved = {"Q9": AnswerValue(choice="often"), "Q19": AnswerValue(choice="yes")}

    print(f"{'page':>4} {'questions':>9} {'fresh':>8} {'cached':>8} {'answered':>9}  (ms)")
    for page in layout.pages:
        questions = layout.questions_on(page)
        # What a respondent reaching this page has saved: answers to earlier pages only.
        before = {q.code for p in layout.pages if p.position < page.position for q in layout.questions_on(p)}
        earlier = {code: value for code, value in saved.items() if code in before}

        def render(data=None, questions=questions, page=page, earlier=earlier):
            form = PageForm(
                None,
                initial=data or {},
                layout=layout,
                page=page,
                saved=earlier,
                visible=visible_codes(layout.rules, earlier),
            )
            context = {"survey": survey, "page": page, "form": form, "index": 1, "total": 6, "percent": 0}
            return render_to_string("surveys/page.html", context, request=request)

        def fresh():
            fragments.clear()
            render()

        answers = {code: value for code, value in FULL_ANSWERS[page.position].items() if "__" not in code}
        print(
            f"{page.position:>4} {len(questions):>9} {best(fresh):>8.2f} {best(render):>8.2f}"
            f" {best(lambda answers=answers: render(answers)):>9.2f}"
        )


if __name__ == "__main__":
    main()
