"""Who may open each moderation page and take each action."""

import pytest
from django.contrib.messages import get_messages

from forum import permissions
from forum.models import CommentStatus, ModerationAction, Sanction
from tests.factories import UserFactory, sign_in_with_second_factor
from tests.moderation.conftest import make_comment, make_moderator

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TWO_FACTOR_SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def world(article, author):
    pending = make_comment(article, author, "pending", status=CommentStatus.PENDING)
    target = UserFactory(username="target")
    sanction = Sanction.objects.create(member=target, kind="ban", reason="spam")
    return {"pending": pending, "member": target, "sanction": sanction}


def endpoints(world):
    pk, member = world["pending"].pk, world["member"].pk
    return [
        ("get", "/moderation/", {}),
        ("get", "/moderation/log/", {}),
        ("post", f"/moderation/comments/{pk}/approve/", {"version": "v"}),
        ("post", f"/moderation/comments/{pk}/hide/", {"version": "v"}),
        ("post", f"/moderation/comments/{pk}/dismiss/", {"version": "v"}),
        ("post", f"/moderation/comments/{pk}/restore/", {"version": "v"}),
        ("post", f"/moderation/comments/{pk}/remove/", {"version": "v", "reason": "other"}),
        (
            "post",
            f"/moderation/comments/{pk}/decide_appeal/",
            {"version": "v", "decision": "uphold"},
        ),
        ("post", "/moderation/bulk/", {"action": "approve", "selected": [f"{pk}:v"]}),
        ("post", f"/moderation/members/{member}/suspend/", {"days": "1", "reason": "r"}),
        ("post", f"/moderation/members/{member}/ban/", {"reason": "r"}),
        ("post", f"/moderation/members/{member}/note/", {"text": "t"}),
        ("post", f"/moderation/sanctions/{world['sanction'].pk}/lift/", {}),
    ]


ROLES = ["anonymous", "member", "moderator_without_2fa", "moderator", "staff"]


def login_as(client, role):
    user = {
        "anonymous": None,
        "member": lambda: UserFactory(username="plain"),
        "moderator_without_2fa": lambda: make_moderator("mod_no2fa", two_factor=False),
        "moderator": lambda: make_moderator("mod_ok"),
        "staff": lambda: UserFactory(username="boss", is_staff=True, is_superuser=True),
    }[role]
    if user:
        sign_in_with_second_factor(client, user())


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    login_as(client, role)
    for method, url, data in endpoints(world):
        response = getattr(client, method)(url, data)
        where = response.headers.get("Location", "")
        if role == "anonymous":
            assert (response.status_code, where.split("?")[0]) == (302, LOGIN), url
        elif role == "member":
            assert response.status_code == 403, url
        elif role in {"moderator_without_2fa", "staff"}:
            # Staff are superusers, hence moderators, and need 2FA like everyone.
            assert (response.status_code, where.split("?")[0]) == (302, TWO_FACTOR_SETUP), url
        elif method == "get":
            assert response.status_code == 200, url
        else:
            assert response.status_code in {302, 400}, url
            assert not where.startswith((LOGIN, TWO_FACTOR_SETUP)), url
    if role != "moderator":
        assert not ModerationAction.objects.exists()
        assert world["pending"].__class__.objects.get(pk=world["pending"].pk).status == "pending"


def test_moderator_can_act_through_the_views(client, world):
    login_as(client, "moderator")
    page = client.get("/moderation/")
    version = page.content.decode().split(f'value="{world["pending"].pk}:')[1].split('"')[0]
    response = client.post(
        f"/moderation/comments/{world['pending'].pk}/approve/",
        {"version": version, "next": "/moderation/?state=pending"},
    )
    assert response.headers["Location"] == "/moderation/?state=pending"
    assert ModerationAction.objects.get().kind == "approve"


def test_unsafe_next_is_ignored(client, world):
    login_as(client, "moderator")
    response = client.post(
        f"/moderation/comments/{world['pending'].pk}/approve/",
        {"version": "v", "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/moderation/"


def test_moderator_without_2fa_is_told_why(client, world):
    login_as(client, "moderator_without_2fa")
    response = client.get("/moderation/")
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("needs two-factor authentication" in message for message in messages)


def test_two_factor_requirement_can_be_switched_off(client, world, settings):
    settings.FORUM_MODERATORS_REQUIRE_2FA = False
    login_as(client, "moderator_without_2fa")
    assert client.get("/moderation/").status_code == 200


def test_webauthn_counts_as_two_factor(client, db):
    from allauth.mfa.models import Authenticator

    user = make_moderator("keyholder", two_factor=False)
    sign_in_with_second_factor(client, user)
    request = client.get("/").wsgi_request
    assert permissions.moderation_access(request) == "needs_2fa"
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={})
    assert permissions.moderation_access(request) == "ok"


def test_a_password_only_session_opened_before_2fa_was_set_up_is_refused(client, db):
    """The account has TOTP now, but this session signed in with a password alone (before
    TOTP was set up, or on another device while it was): it must pass the second factor."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.accounts.conftest import PASSWORD, totp_now

    user = make_moderator("late_2fa", two_factor=False)
    user.set_password(PASSWORD)
    user.save()
    assert (
        client.post("/accounts/login/", {"login": "late_2fa", "password": PASSWORD}).status_code
        == 302
    )
    secret = generate_totp_secret()
    TOTP.activate(user, secret)  # elsewhere, later

    response = client.get("/moderation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next=%2Fmoderation%2F")
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("session that passed two-factor" in message for message in messages)

    # Passing the second factor in this session opens moderation.
    passed = client.post(response["Location"], {"code": totp_now(secret)})
    assert passed.status_code == 302
    assert passed["Location"] == "/moderation/"
    assert client.get("/moderation/").status_code == 200


def test_a_session_that_passed_totp_at_sign_in_opens_moderation(client, db):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.accounts.conftest import PASSWORD, totp_now

    user = make_moderator("mod_totp", two_factor=False)
    user.set_password(PASSWORD)
    user.save()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.post("/accounts/login/", {"login": "mod_totp", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    assert client.get("/moderation/").status_code == 200


@pytest.mark.parametrize(
    ("role", "report_status"),
    [("anonymous", 302), ("member", 200), ("moderator", 200), ("staff", 200)],
)
def test_report_page_permissions(client, comment, role, report_status):
    login_as(client, role)
    assert client.get(f"/comments/{comment.pk}/report/").status_code == report_status
    assert client.get(f"/comments/{comment.pk}/appeal/").status_code == (
        302 if role == "anonymous" else 404
    )
