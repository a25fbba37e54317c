from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "safeground.operations"
    label = "operations"
    verbose_name = "Operations"
