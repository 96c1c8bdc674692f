from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dxgov.audit"
    label = "audit"
