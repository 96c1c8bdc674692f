from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dxgov.dossiers"
    label = "dossiers"
