from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "safeground.workbench"
    verbose_name = "Review workbench"
