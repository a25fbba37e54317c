from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "safeground.dashboard"
    verbose_name = "Dashboard"
