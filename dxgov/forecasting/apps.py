from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "dxgov.forecasting"
    label = "forecasting"
