from django.apps import AppConfig


class FieldformsConfig(AppConfig):
    name = "safeground.fieldforms"
    label = "fieldforms"
    verbose_name = "Field forms (XLSForm / ODK)"
