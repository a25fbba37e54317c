from django.apps import AppConfig


class OpenrosaConfig(AppConfig):
    name = "safeground.openrosa"
    label = "openrosa"
    verbose_name = "ODK Collect (OpenRosa)"
