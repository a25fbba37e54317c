from django.apps import AppConfig


class LandreleaseConfig(AppConfig):
    name = "safeground.landrelease"
    label = "landrelease"
    verbose_name = "Land release"
