from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 30

# Names a member could use to pass as the site or its staff, or that collide with what
# the site shows for an account that no longer exists ("deleted member").
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "aposbook",
        "deleted",
        "deleted-member",
        "deleted_member",
        "mod",
        "moderator",
        "moderators",
        "root",
        "staff",
        "support",
        "system",
        "anonymous",
        "settings",
        "me",
    }
)

validate_username_characters = RegexValidator(
    r"^[A-Za-z0-9_.-]+\Z",
    "Use only plain letters (no accents), digits, and the characters _ . - (no spaces).",
    code="invalid_characters",
)


def validate_username_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_USERNAMES:
        raise ValidationError(
            "That name is reserved. Please choose another.", code="reserved_username"
        )


class MemberManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are unique whatever their case, so admin and `createsuperuser`
        # find "Alice" when given "alice".
        return self.get(username__iexact=username)

    def with_standing(self) -> models.QuerySet:
        """Members annotated with what every page asks about the reader (see
        aposbook/backends.py): `standing_verified` (a verified email address),
        `standing_moderates` (holds forum.moderate directly or through a group) and
        `standing_sanctioned` (a sanction not lifted: a ban, or a suspension that may
        have run out, which forum.permissions then checks against the clock)."""
        # Imported here: those apps' models refer to this one.
        from allauth.account.models import EmailAddress
        from django.contrib.auth.models import Group, Permission

        from forum.models import Sanction

        # By the permission's id: joining through the permission and content type
        # tables in the subqueries tripled the time PostgreSQL took to plan the query.
        moderate = (
            Permission.objects.filter(content_type__app_label="forum", codename="moderate")
            .values_list("pk", flat=True)
            .first()
        )
        return self.annotate(
            standing_verified=Exists(
                EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
            ),
            standing_moderates=Exists(
                User.user_permissions.through.objects.filter(
                    user=OuterRef("pk"), permission_id=moderate
                )
            )
            | Exists(
                Group.permissions.through.objects.filter(
                    permission_id=moderate, group__user=OuterRef("pk")
                )
            ),
            standing_sanctioned=Exists(
                Sanction.objects.filter(member=OuterRef("pk"), lifted_at__isnull=True)
            ),
        )


class User(AbstractUser):
    """A member. The username is public (shown on comments); the email never is.

    A custom model from the first migration so member fields can live on the user
    row instead of a profile join on every comment listing.
    """

    username = models.CharField(
        "username",
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        help_text=(
            f"Shown with your comments. {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} letters, "
            "digits, or _ . -"
        ),
        validators=[
            MinLengthValidator(USERNAME_MIN_LENGTH),
            validate_username_characters,
            validate_username_not_reserved,
        ],
        error_messages={"unique": "That username is taken. Please choose another."},
    )
    email_on_reply = models.BooleanField(
        "email me when someone replies to my comment", default=True
    )

    objects = MemberManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # "Alice" and "alice" would read as the same person on a comment.
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message="That username is taken. Please choose another.",
            ),
        ]
