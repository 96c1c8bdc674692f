from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dxgov.indicators"
    verbose_name = "Indicators and targets"
