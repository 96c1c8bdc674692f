from django.urls import path

from dxgov.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("export/", views.ranking_export, name="ranking_export"),
    path("compare/", views.compare, name="compare"),
    path("units/<str:code>/", views.unit, name="unit"),
    path("units/<str:code>/export/", views.unit_export, name="unit_export"),
    path("units/<str:code>/dossiers/", views.dossiers, name="dossiers"),
]
