from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "safeground.victims"
    label = "victims"
    verbose_name = "Accidents, victims and assistance"
