from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safeground.reports"
    label = "reports"
    verbose_name = "Treaty and programme reports"
