from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member. The username is public (shown on comments); the email never is.

    A custom model from the first migration so member fields can live on the user
    row instead of a profile join on every comment listing.
    """

    email_on_reply = models.BooleanField(
        "email me when someone replies to my comment", default=True
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
