from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AposbookConfig(AppConfig):
    name = "aposbook"
    verbose_name = "AposBook accounts"

    def ready(self) -> None:
        from aposbook.backends import forget_members

        post_migrate.connect(forget_members, dispatch_uid="aposbook.forget_members")
