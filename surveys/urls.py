from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:slug>/", views.survey_start, name="start"),
    path("s/<slug:slug>/preview/", views.survey_preview, name="preview"),
    path("s/<slug:slug>/preview/page/<int:position>/", views.survey_page_look, name="page_look"),
    path("s/<slug:slug>/page/<int:position>/", views.survey_page, name="page"),
    path("s/<slug:slug>/thanks/", views.survey_thanks, name="thanks"),
]
