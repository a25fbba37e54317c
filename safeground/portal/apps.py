from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Pages that span apps (docs/decisions/0018-layers.md): the top layer; no app imports it."""

    name = "safeground.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from safeground.portal import basemap  # noqa: F401 - registers its system check
