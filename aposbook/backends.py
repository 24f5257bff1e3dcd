"""Authentication backends: Django's and allauth's, loading the signed-in member with
their standing in the same query.

Every page a member opens asks the same three questions about them: a verified email
(may they post and report), the forum.moderate permission (do they see the queue's
comments), and a running ban or suspension. Asked one by one that is three more
queries on every signed-in request; here they are EXISTS subqueries on the one query
that loads the user from the session (`User.objects.with_standing()`), and the helpers
that answer them (aposbook.accounts.has_verified_email, forum.permissions) read the
answers off the user. A user object that did not come through here (a fresh sign-in,
tests) still gets its answers from those helpers' own queries.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import QuerySet
from django.http import HttpRequest

from aposbook.models import User
from aposbook.prepared import Prepared


def _member(user_id: int) -> QuerySet[User]:
    return User.objects.with_standing().filter(pk=user_id)


class _LoadsStanding(DjangoModelBackend):
    # Building and compiling the annotated query cost more than running it (~2.5 ms of
    # the ORM's time on every signed-in request): it is compiled once per process and
    # database (aposbook/prepared.py). Nothing in it depends on the request or the
    # clock; it holds forum.moderate's id, so it is compiled again after migrate or
    # flush (which make permissions afresh): forget_members().
    _members = Prepared(User, _member, "user_id")

    def get_user(self, user_id: int) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None  # a session from elsewhere: nobody, as Django's own lookup says
        found = _LoadsStanding._members.instances(user_id=pk)
        user = found[0] if found else None
        assert user is None or isinstance(user, User)
        return user if user is not None and self.user_can_authenticate(user) else None


def forget_members(**kwargs: object) -> None:
    """post_migrate: permissions may have new ids."""
    from aposbook.models import forget_permission_ids

    forget_permission_ids()
    _LoadsStanding._members.forget()


class ModelBackend(_LoadsStanding, DjangoModelBackend):
    """Username and password (the admin's sign-in form)."""


class AuthenticationBackend(_LoadsStanding, AllauthBackend):
    """allauth's sign-in by username or email, with one password hash per attempt.

    allauth tries a login that looks like an email three ways (as an email, as a
    username, as an email again), hashing the password once for each account found:
    twice for a member's email, once (its timing mitigation) for an unknown one, so
    the answer's time told who is a member. Each account's password is checked once
    per attempt here, and allauth hashes a dummy when none was found: the same work
    either way. (Django's own backend, first in AUTHENTICATION_BACKENDS, hashes once
    in both cases: an email is nobody's username.)"""

    def authenticate(  # type: ignore[override]  # allauth's signature, not ModelBackend's
        self, request: HttpRequest | None, **credentials: Any
    ) -> User | None:
        self._checked: dict[Any, User | None] = {}
        return super().authenticate(request, **credentials)

    def _check_password(self, user: User | None, password: str) -> User | None:
        if user is None:
            return None
        if user.pk not in self._checked:
            self._checked[user.pk] = super()._check_password(user, password)
        return self._checked[user.pk]
