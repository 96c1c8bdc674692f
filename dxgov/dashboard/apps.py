from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dxgov.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # A dossier batch that changes dossiers changes Decision 766 scores: tell open
        # dashboards, in the batch's own transaction (rolled back with it).
        from dxgov.dashboard.feed import scores_changed
        from dxgov.dossiers.signals import after_batch

        after_batch.connect(scores_changed)
