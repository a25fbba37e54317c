from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "safeground.quality"
    label = "quality"
    verbose_name = "Data quality"
