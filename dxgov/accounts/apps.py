from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dxgov.accounts"
    label = "accounts"
