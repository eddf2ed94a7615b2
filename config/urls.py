from django.contrib import admin
from django.urls import include, path

# /healthz is answered by config.health.HealthCheckMiddleware, ahead of host and HTTPS checks.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dashboard/", include("analysis.urls")),
    path("", include("surveys.urls")),
]
