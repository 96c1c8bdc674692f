from django.apps import AppConfig


class InvestmentsConfig(AppConfig):
    name = "dxgov.investments"
    label = "investments"
