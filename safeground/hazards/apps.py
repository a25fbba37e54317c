from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "safeground.hazards"
    label = "hazards"
    verbose_name = "Hazards"
