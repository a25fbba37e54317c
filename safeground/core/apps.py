from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeground.core"
    label = "core"
    verbose_name = "SafeGround core"
