"""Password reset and change; changing email; the unverified state explained."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, links_in, path_of, sign_in
from tests.factories import UserFactory


@pytest.mark.django_db
def test_forgotten_password_is_reset_through_the_emailed_link(client, member, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": member.email})
    [link] = [url for url in links_in(mailoutbox[0]) if "/password/reset/key/" in url]

    form_page = client.get(path_of(link), follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path_of(link),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_reset_for_an_unknown_email_looks_the_same(client, member, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


@pytest.mark.django_db
def test_expired_reset_link_says_so(client, member):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    )

    body = response.content.decode()
    assert "<h1>This link has expired</h1>" in body
    assert reverse("account_reset_password") in body


@pytest.mark.django_db
def test_member_changes_password_after_typing_the_current_one(signed_in, member, mailoutbox):
    wrong = signed_in.post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "Please type your current password." in wrong.content.decode()

    signed_in.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert any("password" in message.subject.lower() for message in mailoutbox)


@pytest.mark.django_db
def test_new_email_takes_effect_only_once_verified(signed_in, member, mailoutbox):
    signed_in.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    member.refresh_from_db()
    assert member.email == "alice@example.org"
    page = signed_in.get(reverse("account_email")).content.decode()
    assert "We keep using <strong>alice@example.org</strong>" in page
    [link] = [url for url in links_in(mailoutbox[-1]) if "/confirm-email/" in url]
    assert mailoutbox[-1].to == ["new@example.org"]

    signed_in.post(path_of(link))

    member.refresh_from_db()
    assert member.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == [
        "new@example.org"
    ]


@pytest.mark.django_db
def test_unverified_member_is_told_why_and_can_resend_the_link(client, mailoutbox):
    waiting = UserFactory(username="waiting", verified=False)
    client.force_login(waiting)

    page = client.get(reverse("account_email")).content.decode()
    assert "Please verify your email address" in page
    assert "you cannot post, reply or report" in page

    client.post(reverse("account_email"), {"action_send": "", "email": waiting.email})

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [waiting.email]
    assert any("/confirm-email/" in url for url in links_in(mailoutbox[0]))


@pytest.mark.django_db
def test_sign_in_after_password_change_uses_the_new_password(client, member):
    client.force_login(member)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.logout()

    assert sign_in(client, "alice", PASSWORD).status_code == 200
    assert sign_in(client, "alice", NEW_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_changing_to_a_taken_email_looks_the_same_and_never_moves_the_address(signed_in, member):
    bob = UserFactory(username="bob")

    taken = signed_in.post(reverse("account_email"), {"action_add": "", "email": bob.email})
    fresh = signed_in.post(reverse("account_email"), {"action_add": "", "email": "f@example.org"})

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert EmailAddress.objects.get(user=bob, email=bob.email).verified
    member.refresh_from_db()
    assert member.email == "alice@example.org"


# --- Links in emails go to SITE_URL (issue 13) -------------------------------------


@pytest.mark.django_db
def test_reset_link_uses_site_url_not_the_requests_host(client, member, mailoutbox, settings):
    settings.SITE_URL = "http://127.0.0.1:8210"
    # An allowed host on another port, as a load balancer's or a crafted request carries.
    client.post(
        reverse("account_reset_password"), {"email": member.email}, HTTP_HOST="localhost:9999"
    )
    [message] = mailoutbox
    links = links_in(message)
    assert links
    assert all(link.startswith("http://127.0.0.1:8210/") for link in links)
    assert "localhost:9999" not in message.body


@pytest.mark.django_db
def test_reset_for_an_unknown_email_links_to_site_url(client, mailoutbox, settings):
    settings.SITE_URL = "https://forum.example.org"
    client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}, HTTP_HOST="localhost"
    )
    links = links_in(mailoutbox[0])
    assert links
    assert all(link.startswith("https://forum.example.org/") for link in links)


@pytest.mark.django_db
def test_confirmation_link_uses_site_url(signed_in, mailoutbox, settings):
    settings.SITE_URL = "http://127.0.0.1:8210"
    signed_in.post(
        reverse("account_email"),
        {"action_add": "", "email": "new@example.org"},
        HTTP_HOST="localhost:9999",
    )
    [link] = [url for url in links_in(mailoutbox[-1]) if "/confirm-email/" in url]
    assert link.startswith("http://127.0.0.1:8210/accounts/confirm-email/")
