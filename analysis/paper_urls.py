"""The paper's downloads, to include() into analysis/urls.py (the ``analysis`` namespace)."""

from django.urls import path

from . import paper_views

urlpatterns = [
    path("<slug:slug>/report/", paper_views.report_page, name="report"),
    path("<slug:slug>/report.docx", paper_views.report_docx, name="report_docx"),
    path("<slug:slug>/table-1.<str:fmt>", paper_views.table1, name="table1"),
]
