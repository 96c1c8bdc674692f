from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the platform: the daily run that steps through every domain, backup and
    restore. Above the domain apps (it calls them); nothing below imports it."""

    name = "dxgov.operations"
    label = "operations"
