from django.urls import path

from dxgov.orgunits import views

app_name = "orgunits"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/children/", views.unit_children, name="unit_children"),
    path("agencies/", views.agency_tree, name="agency_tree"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("agencies/<str:code>/children/", views.agency_children, name="agency_children"),
    path("agencies/<str:code>/staff/", views.agency_staff, name="agency_staff"),
    path("agencies/<str:code>/edit/", views.agency_edit, name="agency_edit"),
]
