from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "safeground.attachments"
    label = "attachments"
    verbose_name = "Attachments"
