"""The settings page, the data export, leaving the site, and public member pages."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from aposbook.accounts import delete_account, has_verified_email
from forum.models import Comment, CommentRevision, CommentStatus, Report, ReportReason
from forum.rendering import render_comment
from tests.accounts.conftest import PASSWORD, sign_in
from tests.factories import ArticleFactory, UserFactory

User = get_user_model()


def comment(*, article, author, text, parent=None, status=CommentStatus.PUBLISHED):
    return Comment.objects.create(
        article=article,
        author=author,
        parent=parent,
        root=parent.root or parent if parent else None,
        depth=parent.depth + 1 if parent else 0,
        body_source=text,
        body_html=render_comment(text),
        status=status,
    )


@pytest.fixture
def thread(member, article):
    """alice's comment (edited once), a reply to it by bob, reported by carol."""
    bob, carol = UserFactory(username="bob"), UserFactory(username="carol")
    mine = comment(article=article, author=member, text="Magnesium helped my **sleep**.")
    CommentRevision.objects.create(comment=mine, body_source="Magnesium helped me.")
    reply = comment(article=article, author=bob, text="Which dose?", parent=mine)
    Report.objects.create(
        comment=mine, reporter=carol, reason=ReportReason.OFF_TOPIC, snapshot=mine.body_source
    )
    Report.objects.create(
        comment=reply, reporter=member, reason=ReportReason.HARASSMENT, note="Rude", snapshot="x"
    )
    return {"mine": mine, "reply": reply, "bob": bob, "carol": carol}


# --- settings -----------------------------------------------------------------


@pytest.mark.django_db
def test_settings_page_needs_a_signed_in_member(client):
    response = client.get(reverse("account-settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_member_saves_username_and_reply_notifications(signed_in, member):
    response = signed_in.post(
        reverse("account-settings"), {"username": "Alice_B", "email_reply": "off"}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.username == "alice_b"
    assert member.email_on_reply is False
    assert "Your settings are saved." in signed_in.get(reverse("account-settings")).content.decode()


@pytest.mark.django_db
def test_taken_username_in_settings_is_refused_and_the_typed_value_kept(signed_in, member):
    UserFactory(username="bob")

    response = signed_in.post(
        reverse("account-settings"), {"username": "BOB", "email_on_reply": "on"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("That username is taken. Please choose another.") == 1
    assert 'value="BOB"' in body
    assert ">alice</a>" in body  # the header still shows the saved name
    member.refresh_from_db()
    assert member.username == "alice"


@pytest.mark.django_db
def test_settings_page_links_every_account_tool(signed_in):
    body = signed_in.get(reverse("account-settings")).content.decode()

    for name in (
        "account_email",
        "account_change_password",
        "mfa_index",
        "usersessions_list",
        "account-export",
    ):
        assert f'href="{reverse(name)}"' in body
    assert f'action="{reverse("account-delete")}"' in body
    assert "alice@example.org" not in body


# --- export -------------------------------------------------------------------


@pytest.mark.django_db
def test_export_holds_profile_comments_with_history_and_reports(signed_in, member, thread):
    response = signed_in.get(reverse("account-export"))

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="aposbook-alice.json"'
    data = json.loads(response.content)
    assert data["profile"]["username"] == "alice"
    assert data["profile"]["email_addresses"] == [
        {"email": "alice@example.org", "verified": True, "primary": True}
    ]
    [mine] = data["comments"]
    assert mine["text"] == "Magnesium helped my **sleep**."
    assert [revision["text"] for revision in mine["revisions"]] == ["Magnesium helped me."]
    [report] = data["reports_filed"]
    assert report == {
        "comment_id": thread["reply"].pk,
        "article": thread["reply"].article.title,
        "reason": "harassment",
        "note": "Rude",
        "source": "member",
        "resolution": "open",
        "created_at": report["created_at"],
        "resolved_at": None,
    }
    assert "Which dose?" not in response.content.decode()  # other members' words stay theirs


@pytest.mark.django_db
def test_export_needs_a_signed_in_member(client):
    assert client.get(reverse("account-export")).status_code == 302


# --- deletion -----------------------------------------------------------------


def delete_with_password(client, choice):
    response = client.post(reverse("account-delete"), {"comments": choice})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    return client.post(response["Location"], {"password": PASSWORD}, follow=True)


@pytest.mark.django_db
def test_deleting_the_account_asks_for_the_password_first(client, member, thread):
    sign_in(client, "alice")

    response = client.post(reverse("account-delete"), {"comments": "remove"})

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    member.refresh_from_db()
    assert member.is_active


@pytest.mark.django_db
def test_delete_without_a_choice_says_so_before_asking_for_the_password(client, member):
    sign_in(client, "alice")

    response = client.post(reverse("account-delete"), {})

    assert response.status_code == 400
    assert "Choose what should happen to your comments." in response.content.decode()


@pytest.mark.django_db
def test_delete_removing_comments_keeps_the_thread_shape(client, member, thread):
    sign_in(client, "alice")
    other_session = Client()
    sign_in(other_session, "alice")

    response = delete_with_password(client, "remove")

    assert "Your account is deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated
    mine = Comment.objects.get(pk=thread["mine"].pk)
    assert (mine.status, mine.body_source, mine.body_html, mine.author) == (
        CommentStatus.DELETED,
        "",
        "",
        None,
    )
    assert not CommentRevision.objects.filter(comment=mine).exists()
    reply = Comment.objects.get(pk=thread["reply"].pk)
    assert (reply.parent_id, reply.author, reply.body_source) == (
        mine.pk,
        thread["bob"],
        "Which dose?",
    )
    assert Report.objects.filter(comment=mine, reporter=thread["carol"]).exists()
    assert_personal_data_gone(member)
    assert not other_session.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.django_db
def test_delete_keeping_comments_shows_them_under_deleted_member(client, member, thread):
    sign_in(client, "alice")

    delete_with_password(client, "keep")

    mine = Comment.objects.get(pk=thread["mine"].pk)
    assert mine.author is None
    assert mine.status == CommentStatus.PUBLISHED
    assert mine.body_source == "Magnesium helped my **sleep**."
    assert CommentRevision.objects.filter(comment=mine).count() == 1
    assert Report.objects.filter(comment=thread["reply"]).count() == 1  # the report alice filed
    assert_personal_data_gone(member)


def assert_personal_data_gone(member):
    member.refresh_from_db()
    assert not member.is_active
    assert member.email == member.first_name == member.last_name == ""
    assert not member.has_usable_password()
    assert member.username.startswith("deleted~")
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not Authenticator.objects.filter(user=member).exists()
    assert not UserSession.objects.filter(user=member).exists()
    assert not EmailAddress.objects.filter(email="alice@example.org").exists()


@pytest.mark.django_db
def test_a_moderators_removal_stays_a_removal_when_its_author_leaves(member, article):
    removed = comment(article=article, author=member, text="spam", status=CommentStatus.REMOVED)
    Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={})

    delete_account(member=member, keep_comments=False)

    removed.refresh_from_db()
    assert (removed.status, removed.body_source, removed.author) == ("removed", "", None)
    assert not Authenticator.objects.filter(user=member).exists()


@pytest.mark.django_db
def test_email_of_a_deleted_account_can_sign_up_again(client, member):
    delete_account(member=member, keep_comments=True)

    client.post(
        reverse("account_signup"),
        {
            "email": "alice@example.org",
            "username": "alice2",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert User.objects.filter(username="alice2", email="alice@example.org").exists()


# --- verified email -----------------------------------------------------------


@pytest.mark.django_db
def test_has_verified_email_asks_the_database_once_per_user_object(
    member, unverified_member, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert has_verified_email(member) is True
        assert has_verified_email(member) is True
    assert has_verified_email(unverified_member) is False


def test_anonymous_visitors_have_no_verified_email():
    from django.contrib.auth.models import AnonymousUser

    assert has_verified_email(AnonymousUser()) is False


# --- member page --------------------------------------------------------------


@pytest.mark.django_db
def test_member_page_shows_published_comments_and_never_the_email(client, member, thread, article):
    hidden = comment(article=article, author=member, text="Held back", status=CommentStatus.PENDING)
    draft = ArticleFactory(status="draft")
    comment(article=draft, author=member, text="On a draft")

    response = client.get(reverse("member-detail", args=["alice"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>alice</h1>" in body
    assert "Joined in" in body
    assert "Magnesium helped my <strong>sleep</strong>." in body
    assert f'href="{thread["mine"].get_absolute_url()}"' in body
    assert hidden.body_source not in body
    assert "On a draft" not in body
    assert "Which dose?" not in body
    assert "alice@example.org" not in body


@pytest.mark.django_db
def test_member_page_is_paginated(client, member, article):
    for number in range(25):
        comment(article=article, author=member, text=f"Comment number {number}")

    first = client.get(reverse("member-detail", args=["alice"])).content.decode()
    second = client.get(reverse("member-detail", args=["alice"]), {"page": 2}).content.decode()

    assert "Comment number 24" in first
    assert "Comment number 0" not in first
    assert "Comment number 0" in second
    assert "Page 1 of 2" in first


@pytest.mark.django_db
def test_member_page_is_404_for_inactive_and_deleted_members(client, member):
    UserFactory(username="sleeping", is_active=False)
    delete_account(member=member, keep_comments=True)

    assert client.get(reverse("member-detail", args=["sleeping"])).status_code == 404
    assert client.get(reverse("member-detail", args=["alice"])).status_code == 404
    assert client.get(reverse("member-detail", args=[member.username])).status_code == 404


@pytest.mark.django_db
def test_member_page_asked_for_in_capitals_redirects_to_the_lower_case_address(client):
    UserFactory(username="name_m")
    response = client.get("/members/NAME_M/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/members/name_m/?page=2"
    assert client.get("/members/name_m/").status_code == 200
