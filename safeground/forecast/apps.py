from django.apps import AppConfig


class ForecastConfig(AppConfig):
    name = "safeground.forecast"
    label = "forecast"
    verbose_name = "Completion forecast"
