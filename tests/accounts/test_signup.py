"""Sign-up: username rules, verification by email, no account enumeration."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, links_in, path_of, sign_in
from tests.factories import UserFactory

User = get_user_model()


def signup(client, **overrides):
    data = {
        "email": "new@example.org",
        "username": "NewMember",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data, follow=True)


@pytest.mark.django_db
def test_signup_sends_a_verification_link_that_verifies_and_lets_the_member_sign_in(
    client, mailoutbox
):
    response = signup(client)

    assert "Verify your email address" in response.content.decode()
    user = User.objects.get(email="new@example.org")
    assert user.username == "newmember"  # stored lowercase: one spelling per person
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.org"]
    [link] = [url for url in links_in(mailoutbox[0]) if "/confirm-email/" in url]

    page = client.get(path_of(link))
    assert "Confirm email address" in page.content.decode()
    client.post(path_of(link))

    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    assert sign_in(client, "newmember").status_code == 302
    assert client.get(reverse("account-settings")).status_code == 200


@pytest.mark.django_db
def test_unverified_member_signs_in_reads_and_is_told_why_they_cannot_post(client, article):
    UserFactory(username="waiting", verified=False)

    response = client.post(
        reverse("account_login"), {"login": "waiting", "password": PASSWORD}, follow=True
    )

    assert response.context["user"].is_authenticated
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Verify your email address to join the discussion." in page
    assert f'href="{reverse("account_email")}"' in page


@pytest.mark.django_db
def test_resend_says_when_another_can_be_sent(client, mailoutbox, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": "1/3m/key"}
    member = UserFactory(username="waiting", verified=False)
    client.force_login(member)
    resend = {"email": member.email, "action_send": ""}

    client.post(reverse("account_email"), resend)
    assert len(mailoutbox) == 1
    assert any("/confirm-email/" in url for url in links_in(mailoutbox[0]))
    page = client.post(reverse("account_email"), resend, follow=True).content.decode()

    assert len(mailoutbox) == 1
    assert "You can send another in 3 minutes." in page


@pytest.mark.django_db
def test_verification_pages_link_contact_to_a_real_address(client, settings):
    settings.CONTACT_EMAIL = "help@example.org"
    client.force_login(UserFactory(username="waiting", verified=False))
    for name in ["account_email", "account_email_verification_sent"]:
        page = client.get(reverse(name)).content.decode()
        assert 'href="mailto:help@example.org"' in page, name
    client.logout()
    for name in ["account_reset_password", "account_reset_password_done"]:
        page = client.get(reverse(name)).content.decode()
        assert 'href="mailto:help@example.org"' in page, name
        assert "contact us" not in page


@pytest.mark.django_db
def test_expired_verification_link_says_so_and_offers_a_new_one(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    body = response.content.decode()
    assert "expired or is invalid" in body
    assert reverse("account_email") in body


@pytest.mark.django_db
def test_taken_username_is_refused_whatever_its_case_and_the_form_keeps_the_email(
    client, member, mailoutbox
):
    response = signup(client, username="ALICE", email="someone@example.org")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["username"] == ["That username is taken. Please choose another."]
    body = response.content.decode()
    assert 'value="someone@example.org"' in body
    assert 'value="ALICE"' in body
    assert PASSWORD not in body  # passwords are never sent back
    assert User.objects.count() == 1
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("al", "Ensure this value has at least 3 characters (it has 2)."),
        ("a" * 31, "Ensure this value has at most 30 characters (it has 31)."),
        ("alice smith", "Use only plain letters (no accents), digits, and the characters"),
        ("<b>x</b>", "Use only plain letters (no accents), digits, and the characters"),
        ("Zoë", "Use only plain letters (no accents), digits, and the characters"),
        ("Moderator", "That name is reserved. Please choose another."),
        ("aposbook", "That name is reserved. Please choose another."),
    ],
)
def test_usernames_must_be_sane(client, username, message):
    response = signup(client, username=username)

    errors = " ".join(response.context["form"].errors["username"])
    assert message in errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_database_refuses_two_usernames_differing_only_in_case(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Alice", email="other@example.org")


@pytest.mark.django_db
def test_signup_with_a_taken_email_looks_the_same_and_emails_the_owner(client, member, mailoutbox):
    fresh = signup(client, email="fresh@example.org", username="fresh")
    client.logout()
    taken = signup(client, email=member.email, username="imposter")

    assert taken.status_code == fresh.status_code == 200
    assert taken.redirect_chain == fresh.redirect_chain
    assert "Verify your email address" in taken.content.decode()
    assert not User.objects.filter(username="imposter").exists()
    to_owner = [message for message in mailoutbox if message.to == [member.email]]
    assert len(to_owner) == 1
    assert "already exists" in to_owner[0].subject.lower()


@pytest.mark.django_db
def test_weak_password_is_refused_with_the_reason(client):
    response = signup(client, password1="password", password2="password")

    errors = " ".join(response.context["form"].errors["password1"])
    assert "too common" in errors
    assert 'value="new@example.org"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_mismatched_passwords_are_refused(client):
    response = signup(client, password2="another horse battery")

    assert "You must type the same password each time." in str(response.context["form"].errors)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_page_labels_every_field_and_explains_them(client):
    body = client.get(reverse("account_signup")).content.decode()

    for field in ("email", "username", "password1", "password2"):
        assert f'<label for="id_{field}">' in body
    assert "Never shown to other members" in body
    assert 'aria-describedby="id_username_helptext"' in body
