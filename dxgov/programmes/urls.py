from django.urls import path

from dxgov.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("export.xlsx", views.programme_export, name="export"),
    path("overview/", views.overview, name="overview"),
    path("new/", views.programme_new, name="new"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/add/<str:action>/", views.programme_add, name="add"),
    path("<int:pk>/remove/<str:action>/<int:item>/", views.programme_remove, name="remove"),
    path("<int:pk>/submit/", views.programme_submit, name="submit"),
    path("<int:pk>/revise/", views.programme_revise, name="revise"),
    path("<int:pk>/document.docx", views.programme_document, name="document"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/return/", views.review_return, name="return"),
    path("<int:pk>/review/approve/", views.review_approve, name="approve"),
    path("overlaps/", views.overlaps, name="overlaps"),
    path("overlaps/run/", views.overlaps_run, name="overlaps_run"),
    path("overlaps/export.xlsx", views.overlaps_export, name="overlaps_export"),
    path("overlaps/pairs/<int:pk>/label/", views.label, name="label"),
]
