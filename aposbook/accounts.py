"""Member accounts: reads and writes that allauth does not do for us.

allauth owns sign-up, sign-in, email, passwords, 2FA and sessions. This module owns
what is AposBook's own: who may post (a verified email), the settings a member keeps,
the data export, and leaving the site without taking other people's threads along.
"""

import datetime
import math
import time
import uuid
from collections.abc import Mapping
from typing import Any

from allauth.account import app_settings as allauth_account_settings
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import get_cache_key, parse_rates
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from aposbook.models import User
from forum.models import (
    Appeal,
    ArticleFollow,
    Comment,
    CommentRevision,
    CommentStatus,
    CrisisCase,
    ExpertCredential,
    MemberNote,
    ModerationAction,
    Notification,
    OnCallModerator,
    Reaction,
    Report,
    ReportingLimit,
    Sanction,
    TrustedFlagger,
)
from forum.moderation.statements import export_statements
from forum.notification_kinds import email_modes
from forum.notifications import set_email_modes
from forum.pagecache.invalidation import member_changed

# What a deleted account's row keeps as a name: unique, never a real member's name
# (real names cannot contain "~"), and telling nothing about who it was.
DELETED_USERNAME_PREFIX = "deleted~"
# The data export's format: bumped when a field changes meaning or goes (added keys too,
# so a reader can tell which fields to expect).
EXPORT_FORMAT = "aposbook-member-export/2"


def has_verified_email(user: Any) -> bool:
    """May this user post, reply and report? Only with a verified email address.

    Read off the user when it was loaded with its standing (aposbook/backends.py),
    else one query per request at most: the answer is kept on the user object, which
    lives as long as the request.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_aposbook_has_verified_email", None)
    if cached is None:
        cached = getattr(user, "standing_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._aposbook_has_verified_email = cached
    return cached


def rate_limit_window(actions: tuple[str, ...] = ()) -> int:
    """Seconds until the longest allauth rate limit among `actions` has surely expired.

    With no actions: the longest of all configured limits. Used to tell a member when
    to try again after "too many attempts".
    """
    configured = allauth_account_settings.RATE_LIMITS
    names = actions or tuple(configured)
    durations = [
        rate.duration for name in names for rate in parse_rates(configured.get(name) or "")
    ]
    return math.ceil(max(durations, default=60))


def rate_limit_wait(request: HttpRequest, actions: tuple[str, ...], *, key: str = "") -> int:
    """Seconds until this request may try again, read from allauth's own counters for the
    limit that was hit (a 1-minute limit says 1 minute, not the longest window of the
    page). A limit per login key needs that key; without it, its window is the answer."""
    now = time.time()
    configured = allauth_account_settings.RATE_LIMITS
    waits: list[float] = []
    unknown: list[float] = []
    for action in actions:
        for rate in parse_rates(configured.get(action) or ""):
            if (rate.per == "key" and not key) or (
                rate.per == "user" and not request.user.is_authenticated
            ):
                unknown.append(rate.duration)
                continue
            cache_key = get_cache_key(
                request, app="allauth.account", action=action, rate=rate, key=key or None
            )
            history = [stamp for stamp in cache.get(cache_key, []) if stamp > now - rate.duration]
            if len(history) >= rate.amount:
                # Allowed again once enough of the counted attempts have aged out.
                freeing = sorted(history)[len(history) - rate.amount]
                waits.append(freeing + rate.duration - now)
    if waits:
        return max(1, math.ceil(max(waits)))
    return math.ceil(max(unknown)) if unknown else rate_limit_window(actions)


def minutes_phrase(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


@transaction.atomic
def update_member_settings(
    *,
    member: User,
    username: str,
    email_modes: Mapping[str, str] | None = None,
    email_on_reply: bool | None = None,
) -> User:
    """The name and the email choices per notification kind (forum/notifications.py);
    email_on_reply alone is the reply emails' switch as it was before kinds."""
    member.username = username
    member.save(update_fields=["username"])
    modes = dict(email_modes or {})
    if email_on_reply is not None:
        modes.setdefault(Notification.Kind.REPLY, "now" if email_on_reply else "off")
    if modes:
        set_email_modes(member=member, modes=modes)
    return member


# What the export holds, by the relation to the member it reads: a future model with a
# foreign key to the member must be added here or to NOT_EXPORTED, with its reason
# (tests/accounts/test_export_completeness.py walks every model). Values: the export's key.
EXPORTED = {
    "forum.Comment.author": "comments",
    "forum.Report.reporter": "reports_filed",
    "forum.Appeal.author": "appeals",
    "forum.Sanction.member": "sanctions",
    "forum.ModerationAction.member": "moderation_log",
    "forum.MemberNote.member": "moderator_notes",
    "forum.Notification.recipient": "notifications",
    "forum.Reaction.member": "reactions",
    "forum.ArticleFollow.member": "followed_articles",
    "forum.ExpertCredential.member": "expert_credentials",
    "forum.StatementOfReasons.member": "statements_of_reasons",
    "forum.TrustedFlagger.member": "trusted_flagger",
    "forum.ReportingLimit.member": "reporting_limits",
    "forum.OnCallModerator.moderator": "on_call",
    "account.EmailAddress.user": "profile",
    "mfa.Authenticator.user": "two_factor",
    "usersessions.UserSession.user": "sessions",
}
# Relations to the member that the export leaves out, and why.
_AS_MODERATOR = (
    "the member acting as a moderator: the row is about another member, whose data it "
    "would disclose (GDPR art. 15(4)); moderators read their decisions in the moderation log"
)
NOT_EXPORTED = {
    "forum.Report.resolved_by": _AS_MODERATOR,
    "forum.Appeal.decided_by": _AS_MODERATOR,
    "forum.ModerationAction.moderator": _AS_MODERATOR,
    "forum.Sanction.created_by": _AS_MODERATOR,
    "forum.MemberNote.author": _AS_MODERATOR,
    "forum.CrisisCase.claimed_by": _AS_MODERATOR,
    "forum.EmergencyContact.moderator": _AS_MODERATOR,
    "forum.ExpertCredential.decided_by": _AS_MODERATOR,
    "forum.TrustedFlagger.added_by": _AS_MODERATOR,
    "forum.WatchedWord.created_by": "site configuration a moderator wrote, about no person",
    "forum.CrisisPhrase.created_by": "site configuration a moderator wrote, about no person",
    "admin.LogEntry.user": "the admin's record of an editor's changes to site content",
    "forum.Notification.actor": (
        "other members' notifications the member caused: they are the recipients' inboxes; "
        "what caused them (comments, reactions) is exported itself"
    ),
}


def _iso(moment: datetime.datetime | datetime.date | None) -> str | None:
    return moment.isoformat() if moment else None


def export_member_data(*, member: User) -> dict[str, Any]:
    """Everything AposBook holds about a member, as JSON-ready data (GDPR art. 15/20).

    Documented field by field in the README ("Your data export"). Moderators' names are
    left out of what was decided about the member: they are the moderators' data, and the
    decision, its reasons and its date are what the member needs to check or contest it.
    Crisis follow-up (emergency services contacted about their comment) is included: it
    is data about them, and knowing what was recorded is their right; the screening
    rules that matched are not, as they would teach how to pass the crisis screening.
    """
    comments = (
        Comment.objects.filter(author=member)
        .select_related("article")
        .prefetch_related(
            Prefetch(
                "revisions", queryset=CommentRevision.objects.edits().order_by("created_at", "pk")
            )
        )
        .order_by("created_at", "pk")
    )
    reports = (
        Report.objects.filter(reporter=member)
        .select_related("comment__article")
        .order_by("created_at", "pk")
    )
    appeals = (
        Appeal.objects.filter(author=member)
        .select_related("comment__article")
        .order_by("created_at", "pk")
    )
    crisis_cases = (
        CrisisCase.objects.filter(comment__author=member)
        .prefetch_related("emergency_contacts")
        .order_by("created_at", "pk")
    )
    emails = EmailAddress.objects.filter(user=member).order_by("email")
    on_call = OnCallModerator.objects.filter(moderator=member).first()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "username": member.username,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "date_joined": _iso(member.date_joined),
            "last_login": _iso(member.last_login),
            "email_on_reply": member.email_on_reply,
            "email_preferences": {kind: str(mode) for kind, mode in email_modes(member).items()},
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in emails
            ],
        },
        "two_factor": [
            # Never the secret or the codes: only that they exist.
            {
                "type": key.type,
                "created_at": _iso(key.created_at),
                "last_used_at": _iso(key.last_used_at),
            }
            for key in Authenticator.objects.filter(user=member).order_by("created_at", "pk")
        ],
        "sessions": [
            # Not the session key: it is a credential, not information.
            {
                "ip_address": session.ip,
                "browser": session.user_agent,
                "signed_in_at": _iso(session.created_at),
                "last_seen_at": _iso(session.last_seen_at),
            }
            for session in UserSession.objects.filter(user=member).order_by("created_at", "pk")
        ],
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article.title,
                "article_url": comment.article.get_absolute_url(),
                "parent_id": comment.parent_id,
                "in_reply_to_id": comment.in_reply_to_id,
                "status": comment.status,
                "kind": comment.kind,
                "source_type": comment.source_type,
                "source": comment.source,
                "text": comment.body_source,
                "created_at": _iso(comment.created_at),
                "edited_at": _iso(comment.edited_at),
                "status_changed_at": _iso(comment.status_changed_at),
                "hold_reason": comment.hold_reason,
                "removal_reason": comment.removal_reason,
                "moderator_message": comment.moderator_message,
                "revisions": [
                    {
                        "text": revision.body_source,
                        "kind": revision.kind,
                        "source": revision.source,
                        "created_at": _iso(revision.created_at),
                    }
                    for revision in comment.revisions.all()
                ],
            }
            for comment in comments
        ],
        # The statements of reasons for each restriction of their comments or account
        # (DSA Art. 17), as issued: forum.moderation.statements.export_statements.
        "statements_of_reasons": export_statements(member),
        "reports_filed": [
            {
                "comment_id": report.comment_id,
                "article": report.comment.article.title,
                "reason": report.reason,
                "note": report.note,
                "source": report.source,
                "resolution": report.resolution,
                "created_at": _iso(report.created_at),
                "resolved_at": _iso(report.resolved_at),
            }
            for report in reports
        ],
        "appeals": [
            {
                "kind": appeal.kind,
                "comment_id": appeal.comment_id,
                "article": appeal.comment.article.title if appeal.comment else None,
                "statement_id": appeal.statement_id,
                "report_id": appeal.report_id,
                "message": appeal.message,
                "status": appeal.status,
                "answer": appeal.answer,
                "created_at": _iso(appeal.created_at),
                "decided_at": _iso(appeal.decided_at),
            }
            for appeal in appeals
        ],
        "sanctions": [
            {
                "kind": sanction.kind,
                "reason": sanction.reason,
                "created_at": _iso(sanction.created_at),
                "ends_at": _iso(sanction.ends_at),
                "lifted_at": _iso(sanction.lifted_at),
            }
            for sanction in Sanction.objects.filter(member=member).order_by("created_at", "pk")
        ],
        "moderation_log": [
            {
                "kind": action.kind,
                "automated": action.automated,
                "comment_id": action.comment_id,
                "reason": action.reason,
                "message": action.message,
                "created_at": _iso(action.created_at),
            }
            for action in ModerationAction.objects.filter(member=member).order_by(
                "created_at", "pk"
            )
        ],
        "moderator_notes": [
            {"text": note.text, "created_at": _iso(note.created_at)}
            for note in MemberNote.objects.filter(member=member).order_by("created_at", "pk")
        ],
        "notifications": [
            {
                "kind": notification.kind,
                "text": notification.text,
                "comment_id": notification.comment_id,
                "article": notification.article.title if notification.article else None,
                "created_at": _iso(notification.created_at),
                "read_at": _iso(notification.read_at),
            }
            for notification in Notification.objects.filter(recipient=member)
            .select_related("article")
            .order_by("created_at", "pk")
        ],
        "reactions": [
            {
                "comment_id": reaction.comment_id,
                "kind": reaction.kind,
                "created_at": _iso(reaction.created_at),
            }
            for reaction in Reaction.objects.filter(member=member).order_by("created_at", "pk")
        ],
        "followed_articles": [
            {"article": follow.article.title, "since": _iso(follow.created_at)}
            for follow in ArticleFollow.objects.filter(member=member)
            .select_related("article")
            .order_by("created_at", "pk")
        ],
        "expert_credentials": [
            {
                "profession": credential.profession,
                "registration_body": credential.registration_body,
                "registration_number": credential.registration_number,
                "registry_url": credential.registry_url,
                "status": credential.status,
                "reason": credential.reason,
                "created_at": _iso(credential.created_at),
                "verified_at": _iso(credential.verified_at),
                "expires_at": _iso(credential.expires_at),
                "closed_at": _iso(credential.closed_at),
            }
            for credential in ExpertCredential.objects.filter(member=member).order_by(
                "created_at", "pk"
            )
        ],
        "crisis_follow_up": [
            {
                "comment_id": case.comment_id,
                "source": case.source,
                "matched_text": case.matched_text,
                "created_at": _iso(case.created_at),
                "claimed_at": _iso(case.claimed_at),
                "escalated_at": _iso(case.escalated_at),
                "closed_at": _iso(case.closed_at),
                "emergency_contacts": [
                    {
                        "service": contact.service,
                        "contacted_at": _iso(contact.contacted_at),
                        "reason": contact.reason,
                    }
                    for contact in case.emergency_contacts.all()
                ],
            }
            for case in crisis_cases
        ],
        "on_call": {"since": _iso(on_call.since)} if on_call else None,
        "trusted_flagger": (
            {"organisation": flagger.organisation, "since": _iso(flagger.since)}
            if (flagger := TrustedFlagger.objects.filter(member=member).first())
            else None
        ),
        "reporting_limits": [
            {
                "starts_at": _iso(limit.starts_at),
                "ends_at": _iso(limit.ends_at),
                "lifted_at": _iso(limit.lifted_at),
            }
            for limit in ReportingLimit.objects.filter(member=member).order_by("starts_at", "pk")
        ],
    }


@transaction.atomic
def delete_account(*, member: User, keep_comments: bool) -> None:
    """Close a member's account: their personal data goes, other people's threads stay.

    Comment rows are never deleted (replies hang from them, reports point at them).
    With keep_comments the comments stay readable under "deleted member"; without it
    their text is cleared and they read as deleted by their author. Reports others
    filed, moderators' notes and sanctions stay, attached to the anonymised row, so
    moderation history stays whole.
    """
    comments = Comment.objects.filter(author=member)
    member_changed(member)  # before update(), which sends no signal, unlinks them
    now = timezone.now()
    if not keep_comments:
        CommentRevision.objects.filter(comment__in=comments).delete()
        cleared = {
            "body_source": "",
            "body_html": "",
            "source": "",
            "source_type": "",
            "matched_text": "",
        }
        # A moderator's removal stays a removal (its appeal and audit trail refer to it).
        comments.exclude(status=CommentStatus.REMOVED).update(
            status=CommentStatus.DELETED, status_changed_at=now, **cleared
        )
        comments.filter(status=CommentStatus.REMOVED).update(**cleared)
    comments.update(author=None)

    for session in UserSession.objects.filter(user=member):
        session.end()
    Authenticator.objects.filter(user=member).delete()
    EmailAddress.objects.filter(user=member).delete()
    Notification.objects.filter(recipient=member).delete()  # what the site told them

    member.username = f"{DELETED_USERNAME_PREFIX}{uuid.uuid4().hex[:16]}"
    member.email = ""
    member.first_name = ""
    member.last_name = ""
    member.email_on_reply = False
    member.email_preferences = {}
    member.is_active = False
    member.is_staff = False
    member.is_superuser = False
    member.set_unusable_password()
    member.save()
    member.groups.clear()
    member.user_permissions.clear()
