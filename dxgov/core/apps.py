from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dxgov.core"
    label = "core"
