from django.apps import AppConfig


class GazetteerConfig(AppConfig):
    name = "safeground.gazetteer"
    label = "gazetteer"
    verbose_name = "Gazetteer"
