from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    """For browsers that ask for /favicon.ico without reading the page's icon link (the static
    file's name is looked up when asked: it carries its hash in production)."""
    return redirect(static("favicon.svg"), permanent=True)


# /healthz is answered by config.health.HealthCheckMiddleware, ahead of host and HTTPS checks.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers that ask for /favicon.ico without reading the page's icon link.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("dashboard/", include("analysis.urls")),
    path("", include("surveys.urls")),
]
