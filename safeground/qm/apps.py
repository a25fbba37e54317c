from django.apps import AppConfig


class QmConfig(AppConfig):
    name = "safeground.qm"
    label = "qm"
    verbose_name = "Quality management"
    default_auto_field = "django.db.models.BigAutoField"
