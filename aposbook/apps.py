from django.apps import AppConfig


class AposbookConfig(AppConfig):
    name = "aposbook"
    verbose_name = "AposBook accounts"
