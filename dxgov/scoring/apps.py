from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "dxgov.scoring"
    label = "scoring"
    verbose_name = "Decision 766 scoring"

    def ready(self) -> None:
        from dxgov.dossiers.signals import after_batch, before_write
        from dxgov.scoring.aggregate import apply_batch, count_replaced

        before_write.connect(count_replaced)
        after_batch.connect(apply_batch)
