from django.apps import AppConfig


class ImsmaConfig(AppConfig):
    """Migration from GICHD's IMSMA NG v6 (docs/imsma-migration.md)."""

    name = "safeground.imsma"
    label = "imsma"
    verbose_name = "IMSMA NG migration"
