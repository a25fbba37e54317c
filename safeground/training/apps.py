from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "safeground.training"
    label = "training"
    verbose_name = "Training centre"
