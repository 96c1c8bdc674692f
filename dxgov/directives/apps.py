from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "dxgov.directives"
    label = "directives"
