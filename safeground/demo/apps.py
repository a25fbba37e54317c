from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safeground.demo"
    label = "demo"
    verbose_name = "Demo data"
