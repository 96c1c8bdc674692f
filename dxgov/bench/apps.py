from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks (`dxgov bench …`): above every domain app, which never imports them."""

    name = "dxgov.bench"
    label = "bench"
