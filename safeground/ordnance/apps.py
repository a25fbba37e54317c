from django.apps import AppConfig


class OrdnanceConfig(AppConfig):
    name = "safeground.ordnance"
    label = "ordnance"
    verbose_name = "Ordnance"
