from django.apps import AppConfig


class EoreConfig(AppConfig):
    name = "safeground.eore"
    label = "eore"
    verbose_name = "Risk education"

    def ready(self) -> None:
        from safeground.attachments import registry
        from safeground.core import table_versions
        from safeground.eore.models import Session
        from safeground.organisations.models import Team

        # The sessions' list answers 304 while these tables are unchanged (core.conditional).
        table_versions.track_models(Session, Session.hazards.through, Team)

        # Sessions are open to every signed-in account (eore's pages and API); changed with eore.change_session.
        registry.register(Session, can_see=lambda u, r: u.is_authenticated, position=lambda s: s.point)
