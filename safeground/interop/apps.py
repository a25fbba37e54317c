from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "safeground.interop"
    label = "interop"
    verbose_name = "Import, export and OGC API"

    def ready(self) -> None:
        from safeground.core import table_versions
        from safeground.interop.layer_registry import tracked_tables
        from safeground.interop.tile_access import AUTH_TABLES

        # Every write to a table a tile layer reads replaces its change token (the tiles' ETags), and
        # every write to a table that decides who may see them (the sessions' remembered access).
        table_versions.track(*tracked_tables(), *AUTH_TABLES)
