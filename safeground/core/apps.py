from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeground.core"
    label = "core"
    verbose_name = "SafeGround core"

    def ready(self) -> None:
        from django.urls import register_converter

        from safeground.core import folding  # noqa: F401 - registers the `folded_contains` lookup
        from safeground.core.contracts import CodeConverter

        register_converter(CodeConverter, "code")  # record pages' <code:code> (before any URLconf loads)
