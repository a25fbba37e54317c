from django.apps import AppConfig


class LibraryConfig(AppConfig):
    """The explosive ordnance reference library: model pages, finds statistics, restricted render-safe
    procedures, exchange and merging of libraries, identification posters (docs/ordnance-library.md)."""

    name = "safeground.library"
    label = "library"
    verbose_name = "Ordnance reference library"
