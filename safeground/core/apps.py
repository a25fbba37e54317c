from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeground.core"
    label = "core"
    verbose_name = "SafeGround core"

    def ready(self) -> None:
        # folding registers the `folded_contains` lookup; security the deploy check on the secret key.
        from safeground.core import folding, security  # noqa: F401
