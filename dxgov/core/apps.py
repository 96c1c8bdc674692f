from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dxgov.core"
    label = "core"

    def ready(self) -> None:
        # The `any_of` lookup (a long list of values as one array on PostgreSQL).
        from dxgov.core import lookups  # noqa: F401
