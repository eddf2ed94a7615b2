"""The site's URLs with the paper's added to the dashboard's namespace, as analysis/urls.py
will include them (``@pytest.mark.urls("tests.analysis.paper_test_urls")``)."""

from django.urls import include, path

from analysis import paper_urls
from analysis import urls as dashboard
from config import urls as site

urlpatterns = [
    path("dashboard/", include((dashboard.urlpatterns + paper_urls.urlpatterns, "analysis"))),
    *[p for p in site.urlpatterns if str(p.pattern) != "dashboard/"],
]
