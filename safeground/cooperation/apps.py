from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "safeground.cooperation"
    label = "cooperation"
    verbose_name = "Cooperation between programmes"
