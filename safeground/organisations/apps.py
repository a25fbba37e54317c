from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "safeground.organisations"
    label = "organisations"
    verbose_name = "Organisations"
