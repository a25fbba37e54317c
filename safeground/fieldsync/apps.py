from django.apps import AppConfig


class FieldsyncConfig(AppConfig):
    name = "safeground.fieldsync"
    label = "fieldsync"
    verbose_name = "Field-office sync"
