from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dxgov.dashboard"
    label = "dashboard"
