from django.apps import AppConfig


class MuseumConfig(AppConfig):
    """A mine action museum's collection, loans and visits, and its public catalogue (docs/museum.md)."""

    name = "safeground.museum"
    label = "museum"
    verbose_name = "Museum collection"

    def ready(self) -> None:
        from safeground.attachments import registry
        from safeground.museum.models import Exhibit

        # Photos and the certificate's scan: staff see them with the exhibit's page; the public catalogue
        # serves only images of public exhibits, re-encoded (museum/public.py), never through this entry.
        registry.register(
            Exhibit, can_see=lambda u, r: u.has_perm("museum.view_exhibit"), position=lambda e: e.found_point
        )
