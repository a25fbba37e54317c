from django.apps import AppConfig


class MuseumConfig(AppConfig):
    """A mine action museum's collection, loans and visits, and its public catalogue (docs/museum.md)."""

    name = "safeground.museum"
    label = "museum"
    verbose_name = "Museum collection"
