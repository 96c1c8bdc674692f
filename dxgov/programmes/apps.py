from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "dxgov.programmes"
    label = "programmes"
    verbose_name = "Digital-transformation programmes (Directive 34/CT-TTg)"
