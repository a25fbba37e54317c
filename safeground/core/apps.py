from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeground.core"
    label = "core"
    verbose_name = "SafeGround core"

    def ready(self) -> None:
        from safeground.core import folding  # noqa: F401 - registers the `folded_contains` lookup
