from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "safeground.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from safeground.core import table_versions
        from safeground.operations.models import Activity
        from safeground.organisations.models import Team

        # The activities' list (with its teams and hazards) answers 304 while these are unchanged (core.conditional).
        table_versions.track_models(Activity, Activity.teams.through, Activity.hazards.through, Team)
