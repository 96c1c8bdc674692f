from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dxgov.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # A re-scoring round changes Decision 766 scores: tell open dashboards, in the round's
        # own transaction (rolled back with it).
        from dxgov.dashboard.feed import scores_changed
        from dxgov.scoring.signals import rescored

        rescored.connect(scores_changed)
