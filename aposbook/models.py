from typing import ClassVar

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    _("Use only plain letters (no accents), digits, and the characters _ . - (no spaces)."),
    code="invalid_characters",
)


def validate_username_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_USERNAMES:
        raise ValidationError(
            gettext("That name is reserved. Please choose another."), code="reserved_username"
        )


class MemberManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are unique whatever their case, so admin and `createsuperuser`
        # find "Alice" when given "alice".
        return self.get(username__iexact=username)

    def with_standing(self) -> models.QuerySet:
        """Members annotated with what every page asks about the reader (see
        aposbook/backends.py): `standing_verified` (a verified email address),
        `standing_moderates` (a moderator: see `moderates()`) and
        `standing_sanctioned` (a sanction not lifted: a ban, or a suspension that may
        have run out, which forum.permissions then checks against the clock)."""
        # Imported here: those apps' models refer to this one.
        from allauth.account.models import EmailAddress

        from forum.models import Sanction

        return self.annotate(
            standing_verified=Exists(
                EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
            ),
            standing_moderates=moderates(),
            standing_sanctioned=Exists(
                Sanction.objects.filter(member=OuterRef("pk"), lifted_at__isnull=True)
            ),
        )

    def moderators(self) -> models.QuerySet:
        """Every active moderator (the people moderation emails go to)."""
        return self.filter(moderates(), is_active=True)


# What a moderator is, in one place: an active member who holds forum.moderate directly,
# through a group (the "Moderators" group, made by a migration), or as a superuser.
# `moderates()` is the condition on a member row; `User.is_moderator` asks it of one
# member (read off the row when it came with its standing, else one query).
MODERATE_PERMISSION = "forum.moderate"
MODERATORS_GROUP = "Moderators"


def moderates(user: str = "pk") -> Q:
    """The condition "this member row is a moderator"; `user` names its primary key."""
    from django.contrib.auth.models import Group

    # By the permission's id: joining through the permission and content type tables
    # in the subqueries tripled the time PostgreSQL took to plan the query.
    permission_id = moderate_permission_id()
    if permission_id is None:  # before migrations made it: only superusers moderate
        return Q(is_superuser=True)
    direct = User.user_permissions.through.objects.filter(
        user=OuterRef(user), permission_id=permission_id
    )
    grouped = Group.permissions.through.objects.filter(
        group__user=OuterRef(user), permission_id=permission_id
    )
    return Q(is_superuser=True) | Q(Exists(direct)) | Q(Exists(grouped))


_permission_ids: dict[str, int | None] = {}


def moderate_permission_id() -> int | None:
    """forum.moderate's id, looked up once per process; migrate and flush make
    permissions afresh, and their post_migrate signal clears it (forget_permission_ids)."""
    if MODERATE_PERMISSION not in _permission_ids:
        from django.contrib.auth.models import Permission

        app_label, codename = MODERATE_PERMISSION.split(".")
        _permission_ids[MODERATE_PERMISSION] = (
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            .values_list("pk", flat=True)
            .first()
        )
    return _permission_ids[MODERATE_PERMISSION]


def forget_permission_ids(**kwargs: object) -> None:
    """post_migrate: permissions may have new ids."""
    _permission_ids.clear()


def moderators_group():
    """The Moderators group with forum.moderate (made by a migration; remade if deleted)."""
    from django.contrib.auth.models import Group, Permission

    app_label, codename = MODERATE_PERMISSION.split(".")
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    return group


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
            format_lazy(
                _("Shown with your comments. {min} to {max} letters, digits, or _ . -"),
                min=USERNAME_MIN_LENGTH,
                max=USERNAME_MAX_LENGTH,
            )
        ),
        validators=[
            MinLengthValidator(USERNAME_MIN_LENGTH),
            validate_username_characters,
            validate_username_not_reserved,
        ],
        error_messages={"unique": _("That username is taken. Please choose another.")},
    )
    email_on_reply = models.BooleanField(
        "email me when someone replies to my comment", default=True
    )
    # Notification kind -> "now", "digest" or "off" (forum/notifications.py reads it;
    # a kind not listed has its default there). Off for replies is also email_on_reply.
    email_preferences = models.JSONField(default=dict, blank=True)

    objects: ClassVar[MemberManager] = MemberManager()

    @cached_property
    def is_moderator(self) -> bool:
        """Whether this member moderates (`moderates()`). Kept for the life of the object,
        which is one request for the signed-in member."""
        if not self.is_active:
            return False
        standing = getattr(self, "standing_moderates", None)
        if standing is not None:
            return bool(standing)
        return type(self).objects.filter(moderates(), pk=self.pk).exists()

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # "Alice" and "alice" would read as the same person on a comment.
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message=_("That username is taken. Please choose another."),
            ),
        ]


# Whoever is reading a page: a member, or a visitor who is not signed in.
AnyUser = User | AnonymousUser
