from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safeground.exchange"
    label = "exchange"
    verbose_name = "Exchange with partners"
