from django.urls import path

from dxgov.dashboard import views

app_name = "dashboard"

AGENCY = "agency/<str:code>/"
INDICATOR = AGENCY + "indicator/<int:indicator_id>/"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/<slug:block>.<slug:fmt>", views.overview_export, name="overview_export"),
    path(AGENCY, views.agency, name="agency"),
    path(AGENCY + "export/<slug:block>.<slug:fmt>", views.agency_export, name="agency_export"),
    path(INDICATOR, views.indicator, name="indicator"),
    path(INDICATOR + "export.<slug:fmt>", views.indicator_export, name="indicator_export"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.<slug:fmt>", views.compare_export, name="compare_export"),
    path("map/", views.map_page, name="map"),
    path("map/silhouette.svg", views.silhouette, name="silhouette"),
    path("wall/", views.wall, name="wall"),
    path("events", views.events, name="events"),
]
