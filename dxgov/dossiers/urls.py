from django.urls import path

from dxgov.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("sources/", views.source_list, name="source_list"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
]
