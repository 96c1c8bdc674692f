from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "dxgov.indices"
    label = "indices"
    verbose_name = "Composite indices (DTI)"
