from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dxgov.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # The domain apps announce their changes through hooks, inside the change's own
        # transaction; the change feed listens (its rows commit, or roll back, with the change).
        # Imported here, as hooks connect once every app's models are loaded.
        from dxgov.dashboard import feed
        from dxgov.directives.signals import tasks_changed
        from dxgov.forecasting.signals import forecasts_recomputed
        from dxgov.investments.signals import figures_changed
        from dxgov.reporting.signals import report_changed
        from dxgov.scoring.signals import rescored

        rescored.connect(feed.scores_changed)
        tasks_changed.connect(feed.tasks_changed)
        report_changed.connect(feed.report_changed)
        forecasts_recomputed.connect(feed.forecasts_changed)
        figures_changed.connect(feed.investments_changed)
