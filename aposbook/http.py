"""Request types for views, so the type checker knows what a decorator already made sure of."""

from django.http import HttpRequest

from aposbook.models import User


class MemberRequest(HttpRequest):
    """A request from a signed-in member: what a view behind @login_required or
    @moderator_required receives (its `user` is never AnonymousUser there)."""

    user: User
