from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "dxgov.reporting"
    verbose_name = "Periodic reporting"
