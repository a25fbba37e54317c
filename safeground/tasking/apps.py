from django.apps import AppConfig


class TaskingConfig(AppConfig):
    name = "safeground.tasking"
    label = "tasking"
    verbose_name = "Tasking and prioritisation"
