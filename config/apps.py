from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app, only so that its management commands (`safeground serve`) are found.

    `serve` loads config.wsgi: it belongs to the top of the stack, not to `core` (decision 0018).
    """

    name = "config"
    label = "config"
    verbose_name = "SafeGround configuration"
