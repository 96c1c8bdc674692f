from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "dxgov.committees"
    label = "committees"
    verbose_name = "Committees, sessions and opinion ballots"
