from django.urls import path

from dxgov.reporting import views

app_name = "reporting"

FORM = "definitions/<int:definition_id>/form/<str:agency_code>/<str:period>/"

urlpatterns = [
    path("", views.definition_list, name="definition_list"),
    path("definitions/<int:definition_id>/", views.definition_detail, name="definition_detail"),
    path("definitions/<int:definition_id>/compliance/", views.compliance, name="compliance"),
    path(FORM, views.data_form, name="data_form"),
    path(FORM + "check", views.check_form, name="check_form"),
    path("<int:report_id>/", views.report_detail, name="report_detail"),
    path("<int:report_id>/<slug:step>/", views.report_step, name="report_step"),
]
