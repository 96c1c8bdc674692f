from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dxgov.notifications"
    label = "notifications"
