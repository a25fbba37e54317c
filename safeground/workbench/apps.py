from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "safeground.workbench"
    verbose_name = "Review workbench"

    def ready(self) -> None:
        from safeground.workbench import appliers, field_kinds  # noqa: F401 - they register their kinds (kinds.py)
