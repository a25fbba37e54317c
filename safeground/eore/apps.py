from django.apps import AppConfig


class EoreConfig(AppConfig):
    name = "safeground.eore"
    label = "eore"
    verbose_name = "Risk education"
