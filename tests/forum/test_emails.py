import re

import pytest
from django.urls import reverse

from forum.services import post_comment
from forum.tasks import unsubscribe_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTICE = "Aposbook does not endorse any comment"


def reply_to(parent_author, replier, article, capture, **kwargs):
    parent = post_comment(author=parent_author, article=article, body="first words")
    with capture(execute=True):
        return post_comment(
            author=replier, article=article, body="A **reply**", parent=parent, **kwargs
        )


def test_parent_author_gets_a_reply_email_with_unsubscribe_headers(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    reply = reply_to(member, other_member, article, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [member.email]
    assert "bob replied to your comment" in email.subject
    assert "A **reply**" in email.body
    assert f"/comments/{reply.pk}/" in email.body
    assert NOTICE in email.body
    unsubscribe_url = re.search(r"<(http[^>]+)>", email.extra_headers["List-Unsubscribe"]).group(1)
    assert unsubscribe_url in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>reply</strong>" in html
    assert NOTICE in html
    assert unsubscribe_url in html


def test_no_email_when_the_member_turned_it_off(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    member.email_on_reply = False
    member.save()
    reply_to(member, other_member, article, django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_no_email_when_replying_to_yourself(
    member, article, django_capture_on_commit_callbacks, mailoutbox
):
    reply_to(member, member, article, django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_no_email_for_a_held_reply(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    parent = post_comment(author=member, article=article, body="first")
    article.premoderate = True
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=other_member, article=article, body="held", parent=parent)
    assert mailoutbox == []


def test_capped_reply_notifies_the_member_it_answers(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    carol = UserFactory(username="carol")
    top = post_comment(author=other_member, article=article, body="top")
    second = post_comment(author=other_member, article=article, body="2", parent=top)
    third = post_comment(author=carol, article=article, body="3", parent=second)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=member, article=article, body="4", parent=third)
    assert [email.to for email in mailoutbox] == [[carol.email]]


def test_unsubscribe_link_confirms_on_get_and_stops_on_post(client, member):
    url = reverse("forum:unsubscribe", kwargs={"token": unsubscribe_token(member)})
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop these emails" in page.content.decode()
    member.refresh_from_db()
    assert member.email_on_reply is True
    done = client.post(url)
    assert done.status_code == 200
    assert "will no longer send" in done.content.decode()
    member.refresh_from_db()
    assert member.email_on_reply is False


def test_one_click_unsubscribe_works_without_a_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("forum:unsubscribe", kwargs={"token": unsubscribe_token(member)})
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.email_on_reply is False


def test_forged_unsubscribe_token_is_refused(client, member):
    token = unsubscribe_token(member)[:-2] + "xx"
    response = client.post(reverse("forum:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.email_on_reply is True
