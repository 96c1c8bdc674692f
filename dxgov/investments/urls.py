from django.urls import path

from dxgov.investments import views, views_edit

app_name = "investments"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("weekly/", views.weekly, name="weekly"),
    path("weekly.<str:fmt>", views.weekly_export, name="weekly_export"),
    path("units/<str:code>/", views.unit, name="unit"),
    path("projects/", views.project_list, name="project_list"),
    path("projects.xlsx", views.project_export, name="project_export"),
    path("projects/new/", views_edit.project_new, name="project_new"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path(
        "projects/<int:project_id>/disbursement/",
        views_edit.disbursement_form,
        name="disbursement_form",
    ),
    path(
        "projects/<int:project_id>/disbursement/check/",
        views_edit.disbursement_check,
        name="disbursement_check",
    ),
    path("projects/<int:project_id>/progress/", views_edit.progress_form, name="progress_form"),
    path("projects/<int:project_id>/decisions/new/", views_edit.decision_new, name="decision_new"),
    path(
        "projects/<int:project_id>/allocations/new/",
        views_edit.allocation_new,
        name="allocation_new",
    ),
    path("projects/<int:project_id>/schedule/", views_edit.schedule_form, name="schedule_form"),
    path("projects/<int:project_id>/milestones/", views_edit.milestone_done, name="milestone_done"),
    path("projects/<int:project_id>/stalled/", views_edit.stalled, name="stalled"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("import/", views_edit.import_upload, name="import_upload"),
    path("import/template.xlsx", views_edit.import_template, name="import_template"),
    path("settings/", views_edit.cycle_settings, name="cycle_settings"),
]
