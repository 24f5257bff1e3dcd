from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Discussion forum")

    def ready(self) -> None:
        # Connects the receivers that keep cached pages in step with admin edits, and
        # those that tell every worker the screening lists changed.
        from forum.moderation import lists  # noqa: F401
        from forum.pagecache import invalidation  # noqa: F401
