from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles(sender, using="default", **kwargs) -> None:
    """Keep the role groups (safeground.organisations.roles) in step with the permissions after `migrate`.

    Runs once, after the last app's post_migrate, when every app's permissions exist.
    """
    if sender is not list(apps.get_app_configs())[-1]:
        return
    from safeground.organisations.roles import ensure_roles

    ensure_roles()


class VictimsConfig(AppConfig):
    name = "safeground.victims"
    label = "victims"
    verbose_name = "Accidents, victims and assistance"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="safeground.victims.sync_roles")
        from safeground.attachments import registry
        from safeground.core import table_versions
        from safeground.victims.models import Accident, Victim

        # The accidents' list (with its casualty counts) answers 304 while these are unchanged (core.conditional).
        table_versions.track_models(Accident, Victim)

        # Photos of an accident's site (never of people: decision 0037): accidents need their permission.
        registry.register(
            Accident, can_see=lambda u, r: u.has_perm("victims.view_accident"), position=lambda a: a.point
        )
