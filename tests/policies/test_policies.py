"""The policy pages (DSA Art. 11, 12, 14): versioned by date, rendered through the one
door, linked everywhere a member writes or reports; and the contact form."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from forum.moderation import guidelines
from policies.defaults import DEFAULTS, load_defaults
from policies.models import ContactMessage, PolicyKind, PolicyVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _first_versions() -> None:
    # Transactional tests elsewhere flush the data migration's rows: put them back.
    load_defaults(PolicyVersion)


PAGES = {
    "/guidelines/": PolicyKind.GUIDELINES,
    "/terms/": PolicyKind.TERMS,
    "/privacy/": PolicyKind.PRIVACY,
    "/contact/": PolicyKind.CONTACT,
}
CONTACT = {
    "name": "Dr. Inspector",
    "email": "authority@example.gov",
    "subject": "Request under Article 11",
    "message": "Please tell us who handles orders to act against illegal content.",
}


def version(kind: str, day: datetime.date, text: str) -> PolicyVersion:
    return PolicyVersion.objects.create(
        kind=kind, title=f"{kind} title", body=text, effective_on=day
    )


@pytest.mark.parametrize(("path", "kind"), PAGES.items())
def test_each_page_shows_its_default_text(client: Client, path: str, kind: str) -> None:
    """The data migration's first versions."""
    html = client.get(path).content.decode()
    title, _body = DEFAULTS[kind]
    assert f'<h1 id="policy-title">{title}</h1>' in html
    assert "In effect since 1 December 2026" in html


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_all_four(client: Client, path: str) -> None:
    html = client.get(path).content.decode()
    for other in PAGES:
        assert f'href="{other}"' in html


def test_the_footer_and_the_composer_link_the_policies(client, article, member) -> None:
    client.force_login(member)
    html = client.get(article.get_absolute_url()).content.decode()
    composer = html[html.index('id="composer"') :]
    footer = html[html.index('class="site-footer"') :]
    for path in PAGES:
        assert f'href="{path}"' in composer
        assert f'href="{path}"' in footer


def test_a_future_version_is_not_shown_before_its_day(client: Client) -> None:
    PolicyVersion.objects.all().delete()
    version(PolicyKind.TERMS, datetime.date(2027, 1, 1), "The old terms.")
    future = version(PolicyKind.TERMS, datetime.date(2027, 3, 1), "The new terms.")
    with time_machine.travel(datetime.datetime(2027, 2, 28, 12, tzinfo=datetime.UTC), tick=False):
        html = client.get("/terms/").content.decode()
        assert "The old terms." in html
        assert "The new terms." not in html
        assert "In effect since 1 January 2027" in html
        assert client.get(future.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        html = client.get("/terms/").content.decode()
        assert "The new terms." in html
        assert "In effect since 1 March 2027" in html
        # The earlier version stays readable, listed under the current one.
        assert "Earlier versions" in html
        old = PolicyVersion.objects.get(body="The old terms.")
        assert f'href="{old.get_absolute_url()}"' in html
        page = client.get(old.get_absolute_url()).content.decode()
        assert "The old terms." in page
        assert "An earlier version, in effect from 1 January 2027" in page


def test_a_version_of_another_document_is_not_shown_under_this_one(client: Client) -> None:
    terms = PolicyVersion.objects.get(kind=PolicyKind.TERMS)
    assert client.get(f"/privacy/versions/{terms.pk}/").status_code == 404
    assert client.get(f"/nothing/versions/{terms.pk}/").status_code == 404


def test_the_text_is_rendered_through_the_one_door(client: Client) -> None:
    PolicyVersion.objects.filter(kind=PolicyKind.PRIVACY).delete()
    version(
        PolicyKind.PRIVACY,
        datetime.date(2020, 1, 1),
        "## What we keep\n\n<script>alert(1)</script> [a link](javascript:alert(1)) **bold**",
    )
    html = client.get("/privacy/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'href="javascript:' not in html
    assert "<strong>bold</strong>" in html
    assert re.search(r'<h2 id="what-we-keep">What we keep</h2>', html)


def test_the_guidelines_page_shows_every_numbered_clause_and_its_reasons(client: Client) -> None:
    html = client.get("/guidelines/").content.decode().replace("&#x27;", "'")
    for clause in guidelines.CLAUSES:
        assert f'id="clause-{clause.number}" value="{clause.number}"' in html
        assert str(clause.title) in html
    crisis = html[html.index('id="clause-1"') : html.index('id="clause-2"')]
    assert "Report reason: Self-harm or crisis" in crisis
    private = html[html.index('id="clause-2"') : html.index('id="clause-3"')]
    assert "Shares someone's private health information" in private


def test_editors_add_versions_in_the_admin(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/policies/policyversion/add/",
        {
            "kind": "terms",
            "title": "Terms of use",
            "effective_on": "2030-01-01",
            "changes": "Clearer words on reporting",
            "body": "## New\n\nNew terms.",
        },
    )
    assert response.status_code == 302
    added = PolicyVersion.objects.get(effective_on=datetime.date(2030, 1, 1))
    assert '<h2 id="new">New</h2>' in added.body_html
    # A version in effect keeps its document and its date.
    current = PolicyVersion.objects.get(kind="terms", effective_on=datetime.date(2026, 12, 1))
    page = admin_client.get(f"/admin/policies/policyversion/{current.pk}/change/")
    assert 'name="effective_on"' not in page.content.decode()


# --- The contact form -----------------------------------------------------------------


def test_the_contact_form_works_signed_out(
    client: Client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CONTACT_EMAIL = "contact@aposbook.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", CONTACT, follow=True)
    assert "Your message is with us" in response.content.decode()
    stored = ContactMessage.objects.get()
    assert stored.email == CONTACT["email"]
    [message] = mail.outbox
    assert message.to == ["contact@aposbook.example"]
    assert message.extra_headers["Reply-To"] == CONTACT["email"]
    assert CONTACT["message"] in message.body
    assert CONTACT["subject"] in message.subject


@pytest.mark.parametrize("missing", list(CONTACT))
def test_a_missing_contact_field_keeps_the_text_and_writes_nothing(
    client: Client, missing: str, django_capture_on_commit_callbacks
) -> None:
    data = {key: value for key, value in CONTACT.items() if key != missing}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    for value in data.values():
        assert value in html
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_contact_messages_are_limited_with_the_text_kept(client: Client, settings) -> None:
    settings.CONTACT_RATE = ["2/h"]
    for n in range(2):
        assert client.post("/contact/", {**CONTACT, "email": f"{n}@example.org"}).status_code == 302
    response = client.post("/contact/", CONTACT)
    assert response.status_code == 429
    html = response.content.decode()
    assert "several messages in a short time" in html
    assert CONTACT["message"] in html
    assert ContactMessage.objects.count() == 2


def test_contact_messages_are_limited_per_email(settings) -> None:
    from policies.services import TooManyMessages, send_contact_message

    settings.CONTACT_RATE = ["1/h"]
    send_contact_message(**CONTACT, address="198.51.100.1")
    with pytest.raises(TooManyMessages):
        send_contact_message(
            **{**CONTACT, "email": CONTACT["email"].upper()}, address="198.51.100.2"
        )


def test_a_notice_link_prefills_the_complaint(client: Client) -> None:
    html = client.get("/contact/?notice=42").content.decode()
    assert "I disagree with the decision on my notice 42" in html
    assert 'name="notice_reference" value="42"' in html
    client.post("/contact/", {**CONTACT, "notice_reference": "42"})
    assert ContactMessage.objects.get().notice_reference == "42"


def test_a_non_numeric_notice_reference_is_dropped(client: Client) -> None:
    html = client.get("/contact/?notice=<b>x</b>").content.decode()
    assert "<b>x</b>" not in html
    client.post("/contact/", {**CONTACT, "notice_reference": "x" * 50})
    assert ContactMessage.objects.get().notice_reference == ""
