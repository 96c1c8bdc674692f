from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "dxgov.scoring"
    label = "scoring"
    verbose_name = "Decision 766 scoring"
