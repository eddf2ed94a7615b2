"""Pages that every respondent at the same point first sees alike, rendered once per process.

A fresh questionnaire page (nothing typed or saved on it) is the same HTML for every respondent
who reaches it with the same questions shown, at the same place in the same survey, in the same
language, but for one thing: the CSRF token, which Django masks anew for every reply (against
BREACH). Such a page is rendered once with a placeholder where the token goes, kept in this
process's memory (the ``template_fragments`` cache, beside the questions' fragments), and each
reply fills in its own request's token.

The caller names everything else the page depends on (``vary``): whatever the template reads
that is not in it must be the same for every respondent.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

# Chosen anew by each process: a survey's text cannot hold it by chance, and no other process
# (nor a cache shared by mistake) can hand over a page whose placeholder is not this one.
TOKEN_SLOT = f"csrf-slot-{secrets.token_hex(16)}"
TIMEOUT = 24 * 3600


def cache_key(template: str, vary: tuple) -> str:
    digest = hashlib.md5(repr((TOKEN_SLOT, template, vary)).encode(), usedforsecurity=False)
    return f"shared-page:{digest.hexdigest()}"


def render_shared(request: HttpRequest, template: str, context: dict, vary: tuple) -> HttpResponse:
    """``template`` rendered with ``context``, as ``render`` would, from this process's memory
    when it was rendered before with the same ``vary``."""
    cache = caches["template_fragments"]
    key = cache_key(template, vary)
    html = cache.get(key)
    if html is None:
        # The view's context is laid over the context processors': the placeholder stands in
        # for the csrf processor's token.
        html = render_to_string(template, {**context, "csrf_token": TOKEN_SLOT}, request)
        cache.set(key, html, TIMEOUT)
    # get_token also has the CSRF cookie sent when this browser has none yet, as the
    # template's {% csrf_token %} would.
    return HttpResponse(html.replace(TOKEN_SLOT, get_token(request)))
