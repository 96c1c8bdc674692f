"""Report files, included under /reports/: the Excel form and the official document."""

from django.urls import path

from dxgov.reporting import views_files

app_name = "reporting_files"

urlpatterns = [
    path(
        "definitions/<int:definition_id>/form/<str:agency_code>/<str:period>/xlsx",
        views_files.form_xlsx,
        name="form_xlsx",
    ),
    path("<int:report_id>/document.docx", views_files.report_document, name="report_document"),
]
