from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aposbook.models import moderators_group


class Command(BaseCommand):
    help = "Add a member to the Moderators group (they also need two-factor authentication)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="Take the role away instead.")

    def handle(self, *args, username, remove, **options):
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No member is called {username!r}.")
        group = moderators_group()
        if remove:
            user.groups.remove(group)
        else:
            user.groups.add(group)
        if remove:
            self.stdout.write(f"{user.username} is no longer a moderator.")
            return
        self.stdout.write(
            f"{user.username} is now a moderator. They must turn on two-factor authentication "
            "(/accounts/2fa/) before they can open /moderation/."
        )
