from django.urls import path

from dxgov.indices import views

app_name = "indices"
EDITION = "<str:code>/"
urlpatterns = [
    path("", views.edition_list, name="edition_list"),
    path("files/<int:evidence_id>/", views.evidence, name="evidence"),
    path(EDITION, views.ranking, name="ranking"),
    path(EDITION + "export/", views.ranking_export, name="ranking_export"),
    path(EDITION + "compute/", views.recompute, name="compute"),
    path(EDITION + "compare/", views.compare, name="compare"),
    path(EDITION + "sensitivity/", views.sensitivity_page, name="sensitivity"),
    path(EDITION + "sensitivity/export/", views.sensitivity_export, name="sensitivity_export"),
    path(EDITION + "weights/", views.weights, name="weights"),
    path(EDITION + "definition/", views.definition, name="definition"),
    path(EDITION + "definition/edit/", views.definition_edit, name="definition_edit"),
    path(EDITION + "official/", views.official, name="official"),
    path(EDITION + "units/<str:unit_code>/", views.unit, name="unit"),
    path(EDITION + "units/<str:unit_code>/export/", views.unit_export, name="unit_export"),
    path(EDITION + "assessments/", views.assessments, name="assessments"),
    path(EDITION + "assessments/<str:unit_code>/", views.assessment, name="assessment"),
    path(
        EDITION + "assessments/<str:unit_code>/<slug:step>/",
        views.assessment_step,
        name="assessment_step",
    ),
]
