"""Who is notified of what (issue 15), the unread count, the list page, pruning, and
the email each member chose: at once, in the daily digest, or none."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aposbook.daily import DAILY_COMMANDS
from forum.models import CommentStatus, Notification, ReportReason
from forum.moderation import appeals, decisions, reports
from forum.notifications import (
    MAX_MENTIONS_NOTIFIED,
    mark_read,
    notify,
    prune_notifications,
    send_digests,
    set_email_modes,
    unread_count,
)
from forum.rendering import render_comment
from forum.services import edit_comment, post_comment
from forum.tasks import unsubscribe_token
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
MORNING = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)


def kinds_for(member):
    return list(Notification.objects.for_member(member).values_list("kind", flat=True))


# ---- Replies


def test_a_reply_notifies_the_member_it_answers(member, other_member, article):
    parent = post_comment(author=member, article=article, body="first")
    reply = post_comment(author=other_member, article=article, body="an answer", parent=parent)
    notification = Notification.objects.get(recipient=member)
    assert (notification.kind, notification.actor, notification.comment) == (
        Kind.REPLY,
        other_member,
        reply,
    )
    assert notification.article == article


def test_replying_to_yourself_notifies_nobody(member, article):
    parent = post_comment(author=member, article=article, body="first")
    post_comment(author=member, article=article, body="and more", parent=parent)
    assert Notification.objects.count() == 0


def test_a_held_reply_notifies_once_it_is_approved(member, other_member, article):
    parent = post_comment(author=member, article=article, body="first")
    article.premoderate = True
    article.save()
    reply = post_comment(author=other_member, article=article, body="held", parent=parent)
    assert reply.status == CommentStatus.PENDING
    assert kinds_for(member) == []
    moderator = make_moderator("mod_maria")
    decisions.approve_comment(comment_id=reply.pk, moderator=moderator)
    assert kinds_for(member) == [Kind.REPLY]


def test_a_held_reply_that_is_removed_notifies_nobody(member, other_member, article):
    parent = post_comment(author=member, article=article, body="first")
    article.premoderate = True
    article.save()
    reply = post_comment(author=other_member, article=article, body="held", parent=parent)
    decisions.remove_comment(
        comment_id=reply.pk, moderator=make_moderator("mod_maria"), reason=ReportReason.OFF_TOPIC
    )
    assert kinds_for(member) == []


# ---- Mentions


def test_a_mention_links_the_member_and_notifies_them(member, other_member, article):
    comment = post_comment(author=other_member, article=article, body="Thanks @Alice, agreed.")
    assert '<a href="/members/alice/" class="mention">@Alice</a>, agreed.' in comment.body_html
    notification = Notification.objects.get(recipient=member)
    assert (notification.kind, notification.actor, notification.comment) == (
        Kind.MENTION,
        other_member,
        comment,
    )


def test_an_unknown_name_stays_plain_text_and_notifies_nobody(other_member, article):
    comment = post_comment(author=other_member, article=article, body="Ask @nobody_here first.")
    assert comment.body_html == "<p>Ask @nobody_here first.</p>\n"
    assert Notification.objects.count() == 0


def test_mentions_in_code_links_and_email_addresses_are_not_mentions(member, other_member, article):
    body = "`@alice` and [@alice](https://example.org) and bob@alice"
    comment = post_comment(author=other_member, article=article, body=body)
    assert 'class="mention"' not in comment.body_html
    assert Notification.objects.count() == 0


def test_a_mention_inside_a_quote_links_but_does_not_notify(member, other_member, article):
    body = "> @alice said so\n\nReally?"
    comment = post_comment(author=other_member, article=article, body=body)
    assert 'class="mention"' in comment.body_html
    assert Notification.objects.count() == 0


def test_mentioning_yourself_notifies_nobody(member, article):
    post_comment(author=member, article=article, body="Note to self, @alice: read more.")
    assert Notification.objects.count() == 0


def test_an_edit_never_notifies_a_mentioned_member_twice(member, other_member, article):
    carol = UserFactory(username="carol")
    comment = post_comment(author=other_member, article=article, body="Hi @alice")
    edit_comment(comment=comment, editor=other_member, body="Hi @alice, hello again")
    assert kinds_for(member) == [Kind.MENTION]
    edit_comment(comment=comment, editor=other_member, body="Hi @alice and @carol")
    assert kinds_for(member) == [Kind.MENTION]
    assert kinds_for(carol) == [Kind.MENTION]


def test_the_member_replied_to_gets_the_reply_not_also_a_mention(member, other_member, article):
    parent = post_comment(author=member, article=article, body="first")
    post_comment(author=other_member, article=article, body="@alice yes", parent=parent)
    assert kinds_for(member) == [Kind.REPLY]


def test_a_held_comment_mentions_nobody_until_published(member, other_member, article):
    article.premoderate = True
    article.save()
    comment = post_comment(author=other_member, article=article, body="Hello @alice")
    assert comment.status == CommentStatus.PENDING
    assert Notification.objects.count() == 0
    decisions.approve_comment(comment_id=comment.pk, moderator=make_moderator("mod_maria"))
    assert kinds_for(member) == [Kind.MENTION]


def test_a_removed_held_comment_never_mentions(member, other_member, article):
    article.premoderate = True
    article.save()
    comment = post_comment(author=other_member, article=article, body="Hello @alice")
    decisions.remove_comment(
        comment_id=comment.pk, moderator=make_moderator("mod_maria"), reason=ReportReason.OFF_TOPIC
    )
    assert Notification.objects.count() == 0


def test_only_the_first_mentions_of_a_long_list_notify(other_member, article):
    names = [f"member{n}" for n in range(MAX_MENTIONS_NOTIFIED + 3)]
    for name in names:
        UserFactory(username=name)
    body = " ".join(f"@{name}" for name in names)
    comment = post_comment(author=other_member, article=article, body=body)
    assert comment.body_html.count('class="mention"') == len(names)
    assert Notification.objects.filter(kind=Kind.MENTION).count() == MAX_MENTIONS_NOTIFIED


def test_a_closed_account_is_not_mentioned(member, other_member, article):
    member.is_active = False
    member.save()
    comment = post_comment(author=other_member, article=article, body="Hi @alice")
    assert 'class="mention"' not in comment.body_html
    assert Notification.objects.count() == 0


def test_rendering_without_members_keeps_names_as_text():
    assert render_comment("@alice") == "<p>@alice</p>\n"
    html = render_comment("@alice.", {"alice": "alice"})
    assert html == '<p><a href="/members/alice/" class="mention">@alice</a>.</p>\n'


def test_a_member_cannot_forge_a_mention_link():
    # Only the mention rule writes class="mention"; a relative link typed is dropped.
    html = render_comment("[me](/members/alice/) [x](/members/alice/?a=b)")
    assert "<a" not in html


# ---- Outcomes of reports and appeals


def test_reporters_hear_the_outcome_of_their_report(member, other_member, article, mailoutbox):
    comment = post_comment(author=member, article=article, body="a comment")
    reports.report_comment(comment=comment, reporter=other_member, reason=ReportReason.OFF_TOPIC)
    moderator = make_moderator("mod_maria")
    decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    notification = Notification.objects.get(recipient=other_member)
    assert notification.kind == Kind.REPORT_OUTCOME
    assert "left it up" in notification.text
    assert notification.emailed_at is not None  # its own email: the digest never repeats it


def test_reporters_hear_when_action_was_taken(member, other_member, article):
    comment = post_comment(author=member, article=article, body="a comment")
    reports.report_comment(comment=comment, reporter=other_member, reason=ReportReason.OFF_TOPIC)
    decisions.remove_comment(
        comment_id=comment.pk, moderator=make_moderator("mod_maria"), reason=ReportReason.OFF_TOPIC
    )
    assert "took action" in Notification.objects.get(recipient=other_member).text


def test_a_moderator_is_not_told_of_deciding_their_own_report(member, article):
    moderator = make_moderator("mod_maria")
    comment = post_comment(author=member, article=article, body="a comment")
    reports.report_comment(comment=comment, reporter=moderator, reason=ReportReason.OFF_TOPIC)
    decisions.dismiss_reports(comment_id=comment.pk, moderator=moderator)
    assert kinds_for(moderator) == []


def test_the_author_hears_the_outcome_of_their_appeal(member, article):
    remover, judge = make_moderator("mod_maria"), make_moderator("mod_omar")
    comment = post_comment(author=member, article=article, body="a comment")
    decisions.remove_comment(
        comment_id=comment.pk, moderator=remover, reason=ReportReason.OFF_TOPIC
    )
    appeals.submit_appeal(comment=comment, author=member, message="Please look again.")
    appeals.decide_appeal(
        comment_id=comment.pk, moderator=judge, overturn=True, message="It was on topic."
    )
    notification = Notification.objects.get(recipient=member, kind=Kind.APPEAL_OUTCOME)
    assert notification.actor == judge
    assert notification.text == "Your complaint was granted. It was on topic."


# ---- The unread count


def test_the_unread_count_is_one_query_then_none_until_something_changes(member, other_member):
    with CaptureQueriesContext(connection) as first:
        assert unread_count(member) == 0
    assert len(first.captured_queries) == 1
    with CaptureQueriesContext(connection) as second:
        assert unread_count(member) == 0
    assert len(second.captured_queries) == 0
    notify(member, Kind.MODERATOR_MESSAGE, text="Hello")
    assert unread_count(member) == 1
    mark_read(member)
    assert unread_count(member) == 0


def test_the_header_says_how_many_are_unread(client, member):
    for _ in range(3):
        notify(member, Kind.MODERATOR_MESSAGE, text="Hello")
    client.force_login(member)
    page = client.get(reverse("account-settings")).content.decode()
    assert "(3 unread notifications)" in page
    assert 'class="count-badge" aria-hidden="true">3<' in page


def test_the_member_article_page_shows_the_count_and_sees_it_change(
    client, member, other_member, article
):
    parent = post_comment(author=member, article=article, body="first")
    client.force_login(member)
    url = article.get_absolute_url()
    assert "unread notification" not in client.get(url).content.decode()
    assert client.get(url)["X-Page-Stencil"] == "hit"
    post_comment(author=other_member, article=article, body="an answer", parent=parent)
    with CaptureQueriesContext(connection) as counted:
        page = client.get(url)
    assert "(1 unread notification)" in page.content.decode()
    assert page["X-Page-Stencil"] == "hit"
    reading_the_count = [q for q in counted.captured_queries if "forum_notification" in q["sql"]]
    assert len(reading_the_count) == 1  # the cache was emptied by the reply: one query
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert not [q for q in again.captured_queries if "forum_notification" in q["sql"]]


# ---- The list page


def test_the_list_needs_a_signed_in_member(client):
    response = client.get(reverse("forum:notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_is_calm_when_empty(client, member):
    client.force_login(member)
    page = client.get(reverse("forum:notifications")).content.decode()
    assert "Nothing new." in page
    assert "Mark all read" not in page


def test_the_list_shows_newest_first_with_unread_marked_in_words(
    client, member, other_member, article
):
    parent = post_comment(author=member, article=article, body="first")
    post_comment(author=other_member, article=article, body="an answer", parent=parent)
    notify(member, Kind.MODERATOR_MESSAGE, text="A word from the moderators")
    mark_read(member, [Notification.objects.get(kind=Kind.REPLY).pk])
    client.force_login(member)
    page = client.get(reverse("forum:notifications")).content.decode()
    assert page.index("A word from the moderators") < page.index("bob replied to your comment")
    assert page.count('class="notification__state">New<') == 1
    assert "an answer" in page  # the reply's words


def test_the_list_is_paginated(client, member, settings):
    settings.FORUM_NOTIFICATIONS_PER_PAGE = 2
    for n in range(3):
        notify(member, Kind.MODERATOR_MESSAGE, text=f"message {n}")
    client.force_login(member)
    first = client.get(reverse("forum:notifications")).content.decode()
    second = client.get(reverse("forum:notifications") + "?page=2").content.decode()
    assert "message 2" in first
    assert "message 0" not in first
    assert "message 0" in second


def test_opening_a_notification_marks_it_read_and_goes_to_the_comment(
    client, member, other_member, article
):
    parent = post_comment(author=member, article=article, body="first")
    reply = post_comment(author=other_member, article=article, body="an answer", parent=parent)
    notification = Notification.objects.get(recipient=member)
    client.force_login(member)
    response = client.get(reverse("forum:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_members_notification_is_not_found(client, member, other_member):
    theirs = notify(other_member, Kind.MODERATOR_MESSAGE, text="private")
    client.force_login(member)
    assert client.get(reverse("forum:notification-open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("forum:notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read_and_mark_all_read_are_post_forms(client, member):
    first = notify(member, Kind.MODERATOR_MESSAGE, text="one")
    notify(member, Kind.MODERATOR_MESSAGE, text="two")
    client.force_login(member)
    assert client.get(reverse("forum:notifications-read")).status_code == 405
    response = client.post(reverse("forum:notification-read", args=[first.pk]))
    assert response.status_code == 302
    assert unread_count(member) == 1
    response = client.post(
        reverse("forum:notifications-read"), {"next": reverse("forum:notifications") + "?page=1"}
    )
    assert response["Location"] == reverse("forum:notifications") + "?page=1"
    assert unread_count(member) == 0


def test_mark_all_read_never_redirects_off_the_site(client, member):
    notify(member, Kind.MODERATOR_MESSAGE, text="one")
    client.force_login(member)
    response = client.post(reverse("forum:notifications-read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("forum:notifications")


# ---- Emails: at once, daily digest, off


def test_a_mention_is_emailed_at_once_by_default(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=other_member, article=article, body="Hi @alice")
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.subject == f"bob mentioned you in a comment on “{article.title}”"
    assert "Hi @alice" in email.body
    link = re.search(r"<(http[^>]+)>", email.extra_headers["List-Unsubscribe"]).group(1)
    assert link in email.body
    assert link in email.alternatives[0][0]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_kinds_set_to_digest_or_off_send_nothing_at_once(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    set_email_modes(member=member, modes={Kind.MENTION: "digest", Kind.REPLY: "off"})
    parent = post_comment(author=member, article=article, body="first")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=other_member, article=article, body="Hi @alice")
        post_comment(author=other_member, article=article, body="reply", parent=parent)
    assert mailoutbox == []
    assert kinds_for(member) == [Kind.REPLY, Kind.MENTION]  # still on the site


def test_reactions_are_not_emailed_unless_asked_for(
    member, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(member, Kind.REACTION, text="Members found it helpful")
    assert mailoutbox == []


def test_the_daily_digest_sends_the_days_unread_notifications_once(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    set_email_modes(member=member, modes={Kind.MENTION: "digest", Kind.REPLY: "digest"})
    time_machine.move_to(MORNING - datetime.timedelta(hours=20), tick=False)
    parent = post_comment(author=member, article=article, body="first")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=other_member, article=article, body="Hi @alice, see this")
        post_comment(author=other_member, article=article, body="a reply", parent=parent)
        seen = notify(member, Kind.MODERATOR_MESSAGE, text="emailed at once already")
        read = notify(member, Kind.ARTICLE_UPDATE, article=article, text="read on the site")
    mark_read(member, [read.pk])
    assert [email.subject for email in mailoutbox] == ["A message from the moderators"]
    assert seen is not None
    time_machine.move_to(MORNING, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
        assert send_digests() == 0  # the job may run twice: nothing goes out twice
    digest = mailoutbox[1]
    assert len(mailoutbox) == 2
    assert digest.to == [member.email]
    assert digest.subject == "Your day on AposBook: 2 notifications"
    assert "bob mentioned you" in digest.body
    assert "Hi @alice, see this" in digest.body
    assert "bob replied to your comment" in digest.body
    assert "read on the site" not in digest.body
    assert "emailed at once already" not in digest.body
    link = re.search(r"<(http[^>]+)>", digest.extra_headers["List-Unsubscribe"]).group(1)
    assert link in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_digest_skips_notifications_from_before_yesterday(
    member, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    set_email_modes(member=member, modes={Kind.MODERATOR_MESSAGE: "digest"})
    time_machine.move_to(MORNING - datetime.timedelta(days=3), tick=False)
    notify(member, Kind.MODERATOR_MESSAGE, text="old news")
    time_machine.move_to(MORNING, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0
    assert mailoutbox == []


def test_the_digests_unsubscribe_link_stops_the_digest(client, member):
    set_email_modes(member=member, modes={Kind.MENTION: "digest", Kind.REPLY: "now"})
    url = reverse("forum:unsubscribe", kwargs={"token": unsubscribe_token(member, "digest")})
    assert client.post(url).status_code == 200
    member.refresh_from_db()
    assert member.email_preferences[Kind.MENTION] == "off"
    assert member.email_preferences[Kind.REPLY] == "now"


def test_a_mention_emails_unsubscribe_stops_only_mention_emails(client, member):
    url = reverse("forum:unsubscribe", kwargs={"token": unsubscribe_token(member, "mention")})
    client.post(url)
    member.refresh_from_db()
    assert member.email_preferences == {Kind.MENTION: "off"}
    assert member.email_on_reply is True


def test_the_daily_job_runs_the_digest_and_the_pruning():
    assert {"send_notification_digests", "prune_notifications"} <= set(DAILY_COMMANDS)


def test_the_digest_command_sends_the_digest(
    member, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    set_email_modes(member=member, modes={Kind.MODERATOR_MESSAGE: "digest"})
    time_machine.move_to(MORNING - datetime.timedelta(hours=3), tick=False)
    notify(member, Kind.MODERATOR_MESSAGE, text="for the morning")
    time_machine.move_to(MORNING, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digests", stdout=io.StringIO())
    assert "for the morning" in mailoutbox[0].body


# ---- Settings


def test_settings_choose_the_email_for_each_kind(client, member):
    client.force_login(member)
    page = client.get(reverse("account-settings")).content.decode()
    assert "always emailed at once" in page
    response = client.post(
        reverse("account-settings"),
        {"username": "alice", "email_reply": "digest", "email_mention": "off"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email_preferences[Kind.REPLY] == "digest"
    assert member.email_preferences[Kind.MENTION] == "off"
    assert member.email_on_reply is True


def test_an_unknown_email_choice_is_refused_and_nothing_saved(client, member):
    client.force_login(member)
    response = client.post(
        reverse("account-settings"), {"username": "alice_new", "email_reply": "hourly"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose one of the options offered." in body
    assert 'value="alice_new"' in body  # what they typed stays
    member.refresh_from_db()
    assert (member.username, member.email_preferences) == ("alice", {})


# ---- Pruning


def test_old_notifications_are_pruned_and_recent_ones_kept(member, settings, time_machine):
    settings.FORUM_NOTIFICATIONS_KEEP_DAYS = 90
    time_machine.move_to(MORNING - datetime.timedelta(days=91), tick=False)
    old_unread = notify(member, Kind.MODERATOR_MESSAGE, text="old")
    old_read = notify(member, Kind.MODERATOR_MESSAGE, text="old, read")
    mark_read(member, [old_read.pk])
    time_machine.move_to(MORNING - datetime.timedelta(days=89), tick=False)
    recent = notify(member, Kind.MODERATOR_MESSAGE, text="recent")
    time_machine.move_to(MORNING, tick=False)
    assert unread_count(member) == 2
    assert prune_notifications() == 2
    assert list(Notification.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old_unread is not None
    assert unread_count(member) == 1  # the cached count was forgotten


def test_a_deleted_account_takes_its_notifications_along(member):
    from aposbook.accounts import delete_account

    notify(member, Kind.MODERATOR_MESSAGE, text="private")
    delete_account(member=member, keep_comments=True)
    assert Notification.objects.count() == 0
