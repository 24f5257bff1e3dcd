"""Every kind of change is seen on the next request, by every kind of reader.

For each change: warm the caches (the anonymous page, a member's stencil, the author's
own threads, the moderator's article page and queue), make the change as it is made
(a service, the admin, a command), and check that the next request of each reader
equals what a fresh rendering (an emptied cache) shows them, and that the change shows
somewhere. A new service function, or a model the receivers watch, without a row here
fails `test_every_change_has_a_row`.
"""

import datetime
import difflib
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from aposbook.accounts import delete_account, update_member_settings
from aposbook.models import User, moderators_group
from articles.models import Article, Category
from forum import follows, notifications, services
from forum.models import (
    Comment,
    CommentStatus,
    ModerationAction,
    Notification,
    ReportReason,
    Sanction,
    WatchedWord,
)
from forum.moderation import (
    appeals,
    crisis_cases,
    decisions,
    experts,
    misuse,
    notices,
    redaction,
    reports,
    sanctions,
    statements,
    trusted,
)
from forum.pagecache import invalidation
from forum.pagecache.versions import bump_discussion_version, bump_queue_version
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    ReferenceFactory,
    UserFactory,
    sign_in_with_second_factor,
)
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.usefixtures("shared_cache")
QUEUE = "/moderation/"
# What differs between two renderings of the same page: per-request tokens and nonces.
_PER_REQUEST = [
    (re.compile(r"[A-Za-z0-9]{32,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"), "TOKEN"),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
]


@dataclass
class World:
    article: Article
    writer: User
    reader: User
    moderator: User
    second_moderator: User
    comment: Comment
    admin: Client
    state: dict[str, Any] = field(default_factory=dict)

    def refreshed(self, comment: Comment | None = None) -> Comment:
        return Comment.objects.get(pk=(comment or self.comment).pk)


@dataclass(frozen=True)
class Change:
    name: str
    change: Callable[[World], object]
    setup: Callable[[World], object] | None = None
    # The service functions (or receivers' models) this row exercises, beyond `name`.
    covers: tuple[str, ...] = ()
    # False: the change shows on no page (the row checks nothing is stale all the same).
    shown: bool = True


def _report(w: World) -> None:
    reports.report_comment(comment=w.comment, reporter=w.reader, reason=ReportReason.HARASSMENT)


def _redact(w: World) -> None:
    redaction.redact_comment(
        comment_id=w.comment.pk,
        moderator=w.moderator,
        spans=["helped"],
        reason=ReportReason.PRIVATE_INFO,
    )


def _notice(w: World, explanation: str = "It gives doses.") -> None:
    """A visitor's notice waiting for its confirmation (its token kept for the row)."""
    from django.core import mail
    from django.test import TestCase

    # The link leaves by email after the commit: run those callbacks here, in the setup.
    with TestCase.captureOnCommitCallbacks(execute=True):
        notices.submit_notice(
            comment=w.comment,
            reason=ReportReason.MEDICAL_HARM,
            explanation=explanation,
            name="Ana Visitor",
            email="ana@example.net",
            good_faith=True,
            address="203.0.113.7",
        )
    w.state["token"] = re.search(r"/notices/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)


def _confirmed_notice_then_another(w: World) -> None:
    _notice(w)
    notices.confirm_notice(token=w.state["token"])
    _notice(w, explanation="And it mocks a member.")


def _pending(w: World) -> None:
    w.state["pending"] = CommentFactory(
        article=w.article,
        author=w.writer,
        body_source="Held for a moderator.",
        status=CommentStatus.PENDING,
        hold_reason="links",
    )


def _removed(w: World) -> None:
    decisions.remove_comment(
        comment_id=w.comment.pk, moderator=w.moderator, reason=ReportReason.HARASSMENT
    )


def _appealed(w: World) -> None:
    _removed(w)
    appeals.submit_appeal(comment=w.refreshed(), author=w.writer, message="Please look again.")


def _suspended(w: World) -> None:
    sanction = sanctions.suspend_member(
        member=w.writer, moderator=w.moderator, days=3, reason="Cool off."
    )
    w.state["action_id"] = sanction.statement.action_id


def _complained(w: World) -> None:
    _suspended(w)
    w.state["complaint"] = appeals.submit_complaint(
        action_id=w.state["action_id"], member=w.writer, message="I was quoting."
    )


def _redaction_contested(w: World) -> None:
    _report(w)
    _redact(w)
    action = ModerationAction.objects.get(kind=ModerationAction.Kind.REDACT)
    w.state["complaint"] = appeals.submit_complaint(
        action_id=action.pk, member=w.writer, message="Those were my own words."
    )


def _dismissed(w: World) -> None:
    _report(w)
    w.state["report"] = w.comment.reports.get()
    decisions.dismiss_reports(comment_id=w.comment.pk, moderator=w.moderator)


def _contested(w: World) -> None:
    _dismissed(w)
    w.state["complaint"] = appeals.contest_report(
        report_id=w.state["report"].pk, member=w.reader, message="It is an insult."
    )


def _crisis_case(w: World) -> None:
    w.state["case"] = crisis_cases.crisis_reported(comment=w.refreshed())


def _admin_post(w: World, url: str, data: dict[str, str]) -> None:
    response = w.admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1000]


def _admin_article(w: World) -> None:
    url = f"/admin/articles/article/{w.article.pk}/change/"
    form = w.admin.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "headline": "A headline the editor just changed",
            "published_on": w.article.published_on.isoformat(),
            "last_reviewed": "",
            "discussion_open": "on",
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
        }
    )
    _admin_post(w, url, data)


def _admin_in_short(w: World) -> None:
    """The editor fills in the "In short" box: summary, certainty and the review."""
    url = f"/admin/articles/article/{w.article.pk}/change/"
    form = w.admin.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "plain_summary": "Magnesium may help a little; ask your doctor.",
            "certainty": "low",
            "reviewer_name": "Dr. Ana Ruiz",
            "last_reviewed": "2026-03-01",
            "next_review_due": "",
            "published_on": w.article.published_on.isoformat(),
            "discussion_open": "on",
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
        }
    )
    _admin_post(w, url, data)


def _stale_html(w: World) -> None:
    Comment.objects.filter(pk=w.comment.pk).update(body_html="<p>stale</p>", renderer_version=0)


def _loaded_article(w: World) -> None:
    call_command("load_content", stdout=io.StringIO())
    article = Article.objects.get(slug="magnesium-for-fibromyalgia")
    # As an editor's older text: the next load writes the file's text over it.
    Article.objects.filter(pk=article.pk).update(headline="An older headline", source_digest="")
    w.article = Article.objects.get(pk=article.pk)
    w.comment = CommentFactory(article=w.article, author=w.writer, body_source="On magnesium.")


def _reader_moderates(w: World) -> None:
    """A comment only moderators see on the page, and an appeal against the removal by
    the one moderator there is: who else moderates decides whether they may decide it."""
    w.state["pending"] = CommentFactory(
        article=w.article, author=w.writer, status=CommentStatus.PENDING, hold_reason="links"
    )
    w.second_moderator.groups.clear()
    User.objects.filter(is_superuser=True).update(is_superuser=False)  # the admin's account
    _appealed(w)


def _day_old(member: User) -> User:
    """Reactions count from accounts at least a day old."""
    User.objects.filter(pk=member.pk).update(
        date_joined=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    )
    return User.objects.get(pk=member.pk)


def _verified(w: World) -> object:
    credential = experts.apply_for_verification(
        member=w.writer,
        profession="Registered dietitian",
        registration_body="HCPC",
        registration_number="DT1",
        registry_url="https://registry.example/DT1",
    )
    return experts.verify_expert(credential_id=credential.pk, moderator=w.moderator)


def _notified(w: World) -> None:
    notifications.notify(w.writer, Notification.Kind.MODERATOR_MESSAGE, text="Read me")


def _old_notice(w: World) -> None:
    """Older than FORUM_NOTIFICATIONS_KEEP_DAYS: the daily job deletes it."""
    old = timezone.now() - datetime.timedelta(days=settings.FORUM_NOTIFICATIONS_KEEP_DAYS + 1)
    Notification.objects.create(
        recipient=w.writer, kind=Notification.Kind.MODERATOR_MESSAGE, text="Old", created_at=old
    )


def _digest(w: World) -> None:
    notifications.set_email_modes(member=w.writer, modes={"moderator_message": "digest"})
    _notified(w)


def _moderate_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="forum", codename="moderate")


CHANGES = [
    # forum/services.py
    Change(
        "post_comment",
        lambda w: services.post_comment(
            author=w.reader, article=w.article, body="A brand new thought."
        ),
    ),
    Change(
        "edit_comment",
        lambda w: services.edit_comment(comment=w.comment, editor=w.writer, body="Edited words."),
    ),
    Change(
        "edit after a decided report",
        lambda w: services.edit_comment(comment=w.comment, editor=w.writer, body="Reworded."),
        setup=lambda w: (
            _report(w),
            decisions.dismiss_reports(comment_id=w.comment.pk, moderator=w.moderator),
        ),
        covers=("reopen_after_edit",),
    ),
    Change("delete_comment", lambda w: services.delete_comment(comment=w.comment, author=w.writer)),
    Change("stop_reply_emails", lambda w: services.stop_reply_emails(member=w.writer), shown=False),
    # forum/follows.py: the button is the member's own slot, filled per request; the
    # reader's page changes, the cached ones must not go stale.
    Change("follow_article", lambda w: follows.follow_article(member=w.reader, article=w.article)),
    Change(
        "unfollow_article",
        lambda w: follows.unfollow_article(member=w.reader, article=w.article),
        setup=lambda w: follows.follow_article(member=w.reader, article=w.article),
    ),
    Change(
        "article_reviewed",
        lambda w: follows.article_reviewed(w.article),
        setup=lambda w: follows.follow_article(member=w.reader, article=w.article),
        covers=("comment_published",),
        shown=False,  # a notification; no page shows it (the /notifications/ page aside)
    ),
    Change(
        "toggle_reaction",
        lambda w: services.toggle_reaction(
            comment=w.comment, member=_day_old(w.reader), kind="helpful"
        ),
    ),
    # forum/moderation/notices.py (issue 14): visitors' notices reach the queue confirmed
    Change("submit_notice", _notice, shown=False),  # unconfirmed: on no page until confirmed
    Change(
        "confirm_notice",
        lambda w: notices.confirm_notice(token=w.state["token"]),
        setup=_notice,
        covers=("file_visitor_report",),
    ),
    Change(
        "confirm_notice merged into the visitor's report",
        lambda w: notices.confirm_notice(token=w.state["token"]),
        setup=_confirmed_notice_then_another,
    ),
    Change("prune_notices", lambda w: notices.prune_notices(), setup=_notice, shown=False),
    # forum/moderation/redaction.py (issue 19): the words leave every page at once
    Change("redact_comment", _redact, setup=_report),
    Change(
        "purge_redacted_originals",
        # Only the moderators' item page showed the original (its history section).
        lambda w: redaction.purge_redacted_originals(
            now=timezone.now() + datetime.timedelta(days=settings.FORUM_REDACTED_RETENTION_DAYS + 1)
        ),
        setup=lambda w: (_report(w), _redact(w)),
    ),
    # forum/notifications.py (issue 15): the header's unread count on the member's pages
    Change(
        "notify",
        lambda w: notifications.notify(
            w.writer, Notification.Kind.MODERATOR_MESSAGE, text="A word from the moderators"
        ),
    ),
    Change("mark_read", lambda w: notifications.mark_read(w.writer), setup=_notified),
    Change(
        "announce_reply",
        lambda w: services.post_comment(
            author=w.reader, article=w.article, body="An answer.", parent=w.comment
        ),
        covers=("announce_published",),
    ),
    Change(
        "announce_mentions",
        lambda w: services.post_comment(
            author=w.reader, article=w.article, body="Thank you, @writer."
        ),
    ),
    Change("prune_notifications", lambda w: notifications.prune_notifications(), setup=_old_notice),
    Change("send_digests", lambda w: notifications.send_digests(), setup=_digest, shown=False),
    Change(
        "set_email_modes",
        lambda w: notifications.set_email_modes(member=w.writer, modes={"mention": "off"}),
        shown=False,
    ),
    Change(
        "stop_emails",
        lambda w: notifications.stop_emails(member=w.writer, kind="digest"),
        setup=_digest,
        shown=False,
    ),
    # DSA (issue 14): complaints, misuse of reporting, trusted flaggers. Complaint and
    # flagger pages are never cached; what a decision changes shows on the usual pages.
    Change(
        "submit_complaint",
        lambda w: appeals.submit_complaint(
            action_id=w.state["action_id"], member=w.writer, message="I was quoting."
        ),
        setup=_suspended,
        shown=False,
    ),
    Change(
        "decide_complaint",
        lambda w: appeals.decide_complaint(
            complaint_id=w.state["complaint"].pk,
            moderator=w.second_moderator,
            grant=True,
            answer="The quote was fair.",
        ),
        setup=_complained,
    ),
    Change(
        "decide_complaint on a redaction: the words come back",
        lambda w: appeals.decide_complaint(
            complaint_id=w.state["complaint"].pk,
            moderator=w.second_moderator,
            grant=True,
            answer="They were yours to share.",
        ),
        setup=_redaction_contested,
        covers=("undo_redaction",),
    ),
    Change(
        "contest_report",
        lambda w: appeals.contest_report(
            report_id=w.state["report"].pk, member=w.reader, message="It is an insult."
        ),
        setup=_dismissed,
        shown=False,
    ),
    Change(
        "decide_complaint on a dismissed report: back in the queue",
        lambda w: appeals.decide_complaint(
            complaint_id=w.state["complaint"].pk,
            moderator=w.second_moderator,
            grant=True,
            answer="It needs a second look.",
        ),
        setup=_contested,
    ),
    Change(
        "dismiss_reports marked manifestly unfounded",
        lambda w: decisions.dismiss_reports(
            comment_id=w.comment.pk,
            moderator=w.moderator,
            unfounded=[w.comment.reports.get().pk],
        ),
        setup=_report,
        covers=("review_reporter",),
    ),
    Change(
        "add_trusted_flagger",
        lambda w: trusted.add_trusted_flagger(
            member=w.reader,
            moderator=w.moderator,
            organisation="Fibromyalgia Action",
            since=datetime.date(2026, 1, 1),
        ),
        shown=False,
    ),
    Change(
        "remove_trusted_flagger",
        lambda w: trusted.remove_trusted_flagger(
            flagger_id=w.state["flagger"].pk, moderator=w.moderator
        ),
        setup=lambda w: w.state.update(
            flagger=trusted.add_trusted_flagger(
                member=w.reader,
                moderator=w.moderator,
                organisation="Fibromyalgia Action",
                since=datetime.date(2026, 1, 1),
            )
        ),
        shown=False,
    ),
    # forum/moderation/crisis_cases.py (issue 19): crisis items on the queue and item pages
    Change(
        "crisis_reported",
        lambda w: crisis_cases.crisis_reported(comment=w.refreshed()),
        covers=("open_case", "flag_crisis_language"),
    ),
    Change(
        "claim_case",
        lambda w: crisis_cases.claim_case(case_id=w.state["case"].pk, moderator=w.moderator),
        setup=_crisis_case,
    ),
    Change(
        "message_member",
        lambda w: crisis_cases.message_member(
            case_id=w.state["case"].pk, moderator=w.moderator, text="How are you doing?"
        ),
        setup=_crisis_case,
        shown=False,  # the member's notification and the log; the item page is unchanged
    ),
    Change(
        "record_emergency_contact",
        lambda w: crisis_cases.record_emergency_contact(
            case_id=w.state["case"].pk,
            moderator=w.moderator,
            service="Ambulance (112)",
            reason="A plan for tonight.",
            contacted_at=timezone.now(),
        ),
        setup=_crisis_case,
    ),
    Change(
        "close_case",
        lambda w: crisis_cases.close_case(
            case_id=w.state["case"].pk, moderator=w.moderator, note="With family tonight."
        ),
        setup=_crisis_case,
    ),
    Change(
        "escalate_unclaimed",
        lambda w: crisis_cases.escalate_unclaimed(now=timezone.now() + datetime.timedelta(hours=1)),
        setup=_crisis_case,
    ),
    Change(
        "set_on_call",
        lambda w: crisis_cases.set_on_call(moderator=w.moderator, on_call=True),
    ),
    # forum/moderation/experts.py (issue 16): the badge on every page, on and off
    Change("verify_expert", _verified, covers=("apply_for_verification",)),
    Change(
        "revoke_expert",
        lambda w: experts.revoke_expert(
            credential_id=w.state["credential"].pk, moderator=w.moderator, reason="Lapsed."
        ),
        setup=lambda w: w.state.update(credential=_verified(w)),
    ),
    # forum/moderation/
    Change("report_comment", _report),
    Change(
        "approve_comment",
        lambda w: decisions.approve_comment(
            comment_id=w.state["pending"].pk, moderator=w.moderator
        ),
        setup=_pending,
    ),
    Change(
        "hide_comment",
        lambda w: decisions.hide_comment(comment_id=w.comment.pk, moderator=w.moderator),
        setup=_report,
    ),
    Change("remove_comment", _removed, setup=_report),
    Change(
        "dismiss_reports",
        lambda w: decisions.dismiss_reports(comment_id=w.comment.pk, moderator=w.moderator),
        setup=_report,
    ),
    Change(
        "restore_comment",
        lambda w: decisions.restore_comment(comment_id=w.comment.pk, moderator=w.moderator),
        setup=lambda w: decisions.hide_comment(comment_id=w.comment.pk, moderator=w.moderator),
    ),
    Change(
        "bulk_moderate",
        lambda w: decisions.bulk_moderate(
            moderator=w.moderator, action="approve", items={w.state["pending"].pk: None}
        ),
        setup=_pending,
    ),
    Change(
        "submit_appeal",
        lambda w: appeals.submit_appeal(
            comment=w.refreshed(), author=w.writer, message="Please look again."
        ),
        setup=_removed,
    ),
    Change(
        "decide_appeal",
        lambda w: appeals.decide_appeal(
            comment_id=w.comment.pk, moderator=w.second_moderator, overturn=True, message="Fair."
        ),
        setup=_appealed,
    ),
    Change(
        "suspend_member",
        lambda w: sanctions.suspend_member(
            member=w.writer, moderator=w.moderator, days=3, reason="Cool off."
        ),
        setup=_report,
    ),
    Change(
        "ban_member",
        lambda w: sanctions.ban_member(
            member=w.writer,
            moderator=w.moderator,
            reason="Spam.",
            remove_comments=True,
            removal_reason=ReportReason.HARASSMENT,
        ),
        setup=_report,
    ),
    Change(
        "lift_sanction",
        lambda w: sanctions.lift_sanction(
            sanction_id=Sanction.objects.get().pk, moderator=w.moderator
        ),
        setup=lambda w: (
            _report(w),
            sanctions.suspend_member(
                member=w.writer, moderator=w.moderator, days=3, reason="Cool off."
            ),
        ),
    ),
    Change(
        "add_member_note",
        lambda w: sanctions.add_member_note(
            member=w.writer, moderator=w.moderator, text="Means well."
        ),
        setup=_report,
    ),
    # The admin, commands, accounts
    Change("Article saved in the admin", _admin_article),
    Change("Article In short box and review set in the admin", _admin_in_short),
    Change(
        "Article deleted in the admin",
        lambda w: _admin_post(
            w, f"/admin/articles/article/{w.article.pk}/delete/", {"post": "yes"}
        ),
    ),
    Change(
        "Category saved in the admin",
        lambda w: _admin_post(
            w,
            f"/admin/articles/category/{w.article.category_id}/change/",
            {"name": "Herbs and Teas", "slug": w.article.category.slug},
        ),
    ),
    Change(
        "Category deleted in the admin",
        lambda w: _admin_post(
            w, f"/admin/articles/category/{w.state['empty'].pk}/delete/", {"post": "yes"}
        ),
        setup=lambda w: w.state.update(empty=Category.objects.create(name="Empty", slug="e")),
        shown=False,
    ),
    Change(
        "Reference saved",
        lambda w: ReferenceFactory(article=w.article, title="A trial nobody had cited before"),
    ),
    Change(
        "Reference deleted",
        lambda w: w.state["reference"].delete(),
        setup=lambda w: w.state.update(
            reference=ReferenceFactory(article=w.article, title="A trial about to go")
        ),
    ),
    Change(
        "WatchedWord saved in the admin",
        lambda w: _admin_post(
            w,
            "/admin/forum/watchedword/add/",
            {"pattern": "miracle", "action": WatchedWord.Action.HOLD, "note": ""},
        ),
        shown=False,
    ),
    Change(
        "WatchedWord deleted in the admin",
        lambda w: _admin_post(
            w, f"/admin/forum/watchedword/{w.state['word'].pk}/delete/", {"post": "yes"}
        ),
        setup=lambda w: w.state.update(word=WatchedWord.objects.create(pattern="cure")),
        shown=False,
    ),
    Change(
        "rerender_comments",
        lambda w: call_command("rerender_comments", stdout=io.StringIO()),
        setup=_stale_html,
    ),
    Change(
        "load_content",
        lambda w: call_command("load_content", stdout=io.StringIO()),
        setup=_loaded_article,
    ),
    Change(
        "update_member_settings",
        lambda w: update_member_settings(
            member=w.writer, username="renamed_writer", email_on_reply=True
        ),
    ),
    Change(
        "User saved in the admin (username)",
        lambda w: (setattr(w.writer, "username", "admin_renamed"), w.writer.save()),
    ),
    Change(
        "delete_account",
        lambda w: delete_account(member=w.writer, keep_comments=False),
        setup=_report,
    ),
    Change("User deleted", lambda w: w.writer.delete(), setup=_report),
    Change(
        "Permission forum.moderate given",
        lambda w: w.reader.user_permissions.add(_moderate_permission()),
        setup=_reader_moderates,
    ),
    Change(
        "Permission forum.moderate taken",
        lambda w: w.reader.user_permissions.remove(_moderate_permission()),
        setup=lambda w: (
            _reader_moderates(w),
            w.reader.user_permissions.add(_moderate_permission()),
        ),
    ),
    Change(
        "Group Moderators joined",
        lambda w: w.reader.groups.add(moderators_group()),
        setup=_reader_moderates,
    ),
    Change(
        "Group Moderators left",
        lambda w: w.reader.groups.remove(moderators_group()),
        setup=lambda w: (_reader_moderates(w), w.reader.groups.add(moderators_group())),
    ),
    Change(
        "Permission deleted",
        lambda w: _moderate_permission().delete(),
        setup=_reader_moderates,
    ),
]

# Public functions of the services that are not changes of their own: reads, or steps
# inside a change that says what changed itself.
NOT_CHANGES = {
    "edit_refusal": "a check (the edit page and edit_comment ask it)",
    "matching_reference": "a read",
    "set_status": "a step of each decision (their rows)",
    "version_of": "a read",
    "appeal_of": "a read",
    "allowed_actions": "a read",
    "locked_comment": "a read (with a row lock)",
    "resolve_reports": "a step of approve/remove/dismiss/restore (their rows)",
    "refuse_restoring_nothing": "a check",
    "announce_if_first_published": "a step of approve, restore and decide_appeal (their rows)",
    "is_following": "a read",
    "notify_followers": "notify for many (the rows of follow_article and article_reviewed)",
    "followed_articles": "a read",
    "remove_text": "a step of remove_comment and ban_member (their rows)",
    "hold_edited_comment": "a step of edit_comment (its row)",
    "remover_of": "a read",
    "may_decide_appeal": "a check",
    "in_renewal_window": "a read",
    "decline_expert": "shows only on the queue and the experts page (never cached)",
    "review_credentials": "expiry ends a badge as revoke_expert does (test_trust.py)",
    "schedule_review": "queues a task",
    "on_call_moderators": "a read",
    "on_call_context": "a read",
    "send_resources": "an email and a notification to the author, no page (crisis_reported's step)",
    "resend_resources": "send_resources again, logged (its log row shows only on the log page)",
    "escalate_crisis_cases": "the worker's task around escalate_unclaimed",
    "notice_refusal": "a check (the notice form and submit_notice ask it)",
    "clean_notice": "a check",
    "look_up_notice": "a read (the confirmation page before the button)",
    "unread_count": "a read (the header's count)",
    "forget_unread_count": "a step of notify, mark_read and prune_notifications (their rows)",
    "mention_targets": "a read",
    # DSA (issue 14): statements are written inside each restriction's own transaction
    # (remove, hide, auto-hide, holds, sanctions: their rows), so none is a change alone.
    "add_months": "a computation",
    "complaint_deadline": "a computation",
    "redress_text": "a computation",
    "record_statement": "a step of each restriction (their rows)",
    "for_removal": "a step of remove_comment and ban_member",
    "for_hiding": "a step of hide_comment and report_comment's auto-hide",
    "for_hold": "a step of post_comment, edit_comment and reopen_after_edit",
    "for_redaction": "a step of the redaction (issue 19 calls it in its transaction)",
    "for_sanction": "a step of suspend_member and ban_member",
    "for_reporting_limit": "a step of review_reporter",
    "latest_for_comment": "a read",
    "export_statements": "a read (the data export)",
    "reporting_standing": "a read",
    "clean_answer": "a check",
    "refuse_if_late": "a check",
    "contestable_statement": "a read",
    "contest_url": "a signed link (for the visitor notices' emails)",
    "read_contest_token": "a read",
    "decider_of": "a read",
    "open_complaints": "a read",
    "complaint_url": "a read",
    "placeholder": "a read (the marker's words)",
    "redacted": "a pure function on text (redact_comment's step)",
    "checked_spans": "a check (the redaction form and redact_comment ask it)",
}


@pytest.fixture(autouse=True)
def _still_clock(time_machine: Any) -> None:
    # "3 seconds ago" must read the same on the cached and the fresh page.
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def world(db: None, admin_client: Client) -> World:
    writer = UserFactory(username="writer")
    article = ArticleFactory()
    return World(
        article=article,
        writer=writer,
        reader=UserFactory(username="reader"),
        moderator=make_moderator("mod_maria"),
        second_moderator=make_moderator("mod_omar"),
        comment=CommentFactory(article=article, author=writer, body_source="Magnesium helped."),
        admin=admin_client,
    )


def _clients(w: World) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for name, user in [("reader", w.reader), ("writer", w.writer), ("moderator", w.moderator)]:
        clients[name] = Client()
        # Moderation asks the session for the second factor; members' pages ignore it.
        sign_in_with_second_factor(clients[name], user)
    return clients


def _pages(w: World, clients: dict[str, Client]) -> dict[str, str]:
    """What each reader gets now, per-request tokens aside."""
    url = w.article.get_absolute_url()
    seen = {}
    for name, client in clients.items():
        # The moderator also reads the comment's own queue page (its context and actions).
        item = f"/moderation/comments/{w.comment.pk}/"
        targets = [url, QUEUE, item] if name == "moderator" else [url]
        for target in targets:
            if name == "anonymous":
                client.cookies.clear()
            response = client.get(target)
            text = f"{response.status_code}\n{response.content.decode()}"
            for pattern, replacement in _PER_REQUEST:
                text = pattern.sub(replacement, text)
            seen[f"{name} {target}"] = text
    return seen


@pytest.mark.parametrize("row", CHANGES, ids=[row.name for row in CHANGES])
def test_the_next_request_shows_the_change(
    row: Change, world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    if row.setup:
        row.setup(world)
    clients = _clients(world)
    _pages(world, clients)  # renders and keeps every page
    before = _pages(world, clients)  # from the caches
    assert before["anonymous " + world.article.get_absolute_url()]
    with django_capture_on_commit_callbacks(execute=True):
        row.change(world)
    after = _pages(world, clients)
    _everything_new(world)  # everything below is rendered afresh
    fresh = _pages(world, clients)
    for page, text in fresh.items():
        assert after[page] == text, f"{page} was stale after {row.name}:\n" + "\n".join(
            list(difflib.unified_diff(after[page].splitlines(), text.splitlines(), n=0))[:20]
        )
    if row.shown:
        assert fresh != before, f"{row.name} shows on no page: the row checks nothing"


def _everything_new(w: World) -> None:
    # New versions, as if every change had been announced: nothing cached is current.
    # (Not cache.clear(): on Redis that would flush other test runs' keys too.)
    for article_id in {w.article.pk, *Article.objects.values_list("pk", flat=True)}:
        bump_discussion_version(article_id)
    bump_queue_version()


def _public_functions(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }


def test_every_change_has_a_row() -> None:
    named = {row.name for row in CHANGES} | {c for row in CHANGES for c in row.covers}
    functions = set().union(
        *(
            _public_functions(m)
            for m in (
                services,
                follows,
                reports,
                decisions,
                appeals,
                sanctions,
                experts,
                crisis_cases,
                notices,
                notifications,
                statements,
                misuse,
                trusted,
                redaction,
            )
        )
    )
    missing = functions - named - set(NOT_CHANGES)
    assert not missing, f"add a row to CHANGES (or NOT_CHANGES) for {sorted(missing)}"
    models = {m.__name__ for m in invalidation.WATCHED_MODELS}
    rowed = {word for name in named for word in name.split()[:1]}
    assert models <= rowed, f"add a row for {sorted(models - rowed)}"
