from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "dxgov.scoring"
    label = "scoring"
    verbose_name = "Decision 766 scoring"

    def ready(self) -> None:
        # Hooks connect once every app's models are loaded.
        from dxgov.dossiers.signals import after_batch, before_write, import_finished
        from dxgov.scoring.deltas import apply_batch, count_replaced
        from dxgov.scoring.rounds import rescore_after_import

        before_write.connect(count_replaced)
        after_batch.connect(apply_batch)
        import_finished.connect(rescore_after_import)
