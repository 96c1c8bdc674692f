from django.urls import path

from dxgov.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.directive_list, name="directive_list"),
    path("new/", views.directive_new, name="directive_new"),
    path("<int:directive_id>/", views.directive_detail, name="directive_detail"),
    path("<int:directive_id>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/export.xlsx", views.task_export, name="task_export"),
    path("tasks/import/", views.task_import, name="task_import"),
    path("tasks/import/template.xlsx", views.import_template, name="import_template"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/<slug:action>/", views.task_action, name="task_action"),
    path("statistics/", views.statistics, name="statistics"),
    path("files/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
