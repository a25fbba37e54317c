from django.apps import AppConfig


class QmConfig(AppConfig):
    name = "safeground.qm"
    label = "qm"
    verbose_name = "Quality management"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safeground.qm import workbench_kinds

        workbench_kinds.register()  # field forms submit QA visits through the workbench (decision 0039)
