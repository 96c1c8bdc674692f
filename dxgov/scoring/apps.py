from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "dxgov.scoring"
    label = "scoring"
    verbose_name = "Decision 766 scoring"

    def ready(self) -> None:
        from dxgov.dossiers.signals import after_batch
        from dxgov.scoring.aggregate import apply_changes

        after_batch.connect(apply_changes)
