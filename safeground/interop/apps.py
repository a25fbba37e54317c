from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "safeground.interop"
    label = "interop"
    verbose_name = "Import, export and OGC API"
