from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "dxgov.audit"
    label = "audit"

    def ready(self) -> None:
        # Each app declares its audited models in <app>/audit_state.py (audit.state.register);
        # discovered here so that the audit app never imports a domain app.
        autodiscover_modules("audit_state")
