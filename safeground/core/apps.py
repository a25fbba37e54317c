from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeground.core"
    label = "core"
    verbose_name = "SafeGround core"

    def ready(self) -> None:
        from django.urls import register_converter

        # folding registers the `folded_contains` lookup; security the deploy check on the secret key.
        from safeground.core import folding, security  # noqa: F401
        from safeground.core.contracts import CodeConverter

        register_converter(CodeConverter, "code")  # record pages' <code:code> (before any URLconf loads)

        from safeground.core import table_versions

        table_versions.install()  # change tokens of the tables upper apps track (map tiles' ETags)
        from safeground.core.auth import TOKEN_TABLES

        table_versions.track(*TOKEN_TABLES)  # what an API token opens (core.auth reuses it while they stand)
