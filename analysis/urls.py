from django.urls import include, path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/status/", views.status, name="status"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/subgroups/", views.subgroups, name="subgroups"),
    path("<slug:slug>/subgroups/crosstab.csv", views.crosstab_csv, name="crosstab_csv"),
    path("<slug:slug>/charts/<slug:name>.<str:fmt>", views.chart, name="chart"),
    path("<slug:slug>/export/", views.export_page, name="export"),
    path("", include("analysis.paper_urls")),
    path("<slug:slug>/export/responses.csv", views.export_responses, name="export_responses"),
    path("<slug:slug>/export/responses/", views.export_responses, name="export_file"),
    path("<slug:slug>/export/codebook.csv", views.export_codebook, name="export_codebook"),
    path("<slug:slug>/export/data-package.zip", views.export_bundle, name="export_bundle"),
    path(
        "<slug:slug>/export/redcap-dictionary.csv",
        views.export_redcap_dictionary,
        name="export_redcap_dictionary",
    ),
    path("<slug:slug>/export/script-<slug:which>/", views.export_script, name="export_script"),
]
