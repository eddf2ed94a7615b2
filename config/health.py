"""The health check: the web process and its database, for the container and a load balancer."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse

PATH = "/healthz"

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("health check: the database does not answer")
        return False
    return True


class HealthCheckMiddleware:
    """Answers ``GET /healthz`` before anything checks the host or redirects to HTTPS: a health
    check comes over plain HTTP to the container's own address (``127.0.0.1:8000``), which is
    neither an allowed host nor HTTPS. It says nothing but "ok" or "database unavailable"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if database_ok():
            reply = HttpResponse("ok", content_type="text/plain")
        else:
            reply = HttpResponse("database unavailable", content_type="text/plain", status=503)
        reply["Cache-Control"] = "no-store"
        return reply
