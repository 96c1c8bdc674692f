from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and generators (`dxgov demo`, `dxgov generate`): above every domain app, which
    never imports it. Demo data is written through the domain apps' actions."""

    name = "dxgov.demo"
    label = "demo"
