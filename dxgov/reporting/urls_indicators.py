from django.urls import path

from dxgov.reporting import views_indicators as views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list, name="indicator_list"),
    path("<int:indicator_id>/", views.indicator_detail, name="indicator_detail"),
    path("<int:indicator_id>/targets/", views.target_set, name="target_set"),
    path(
        "<int:indicator_id>/targets/<int:target_id>/approve/",
        views.target_approve,
        name="target_approve",
    ),
    path(
        "<int:indicator_id>/targets/<int:target_id>/revise/",
        views.target_revise,
        name="target_revise",
    ),
]
