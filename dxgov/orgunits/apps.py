from django.apps import AppConfig


class OrgunitsConfig(AppConfig):
    name = "dxgov.orgunits"
    label = "orgunits"
