"""Redaction: a moderator replaces part of a comment's text (a phone number, someone's
name with their diagnosis) with "[removed: private information]" and leaves the rest.

The words taken out are then nowhere the public, or the author's own history and data
export, can read them: the comment's text and rendered HTML, its earlier edits, the
reports' and visitors' snapshots of it, and the moderator-facing "matched" text all lose
them; the caches and search index hear of it through `comment_changed`. The original is
kept in one place, a CommentRevision with `redacted_at` that only moderators see, until
the daily job deletes it after FORUM_REDACTED_RETENTION_DAYS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.models import User
from forum.models import (
    Comment,
    CommentRevision,
    ModerationAction,
    Notice,
    Notification,
    Report,
    ReportReason,
)
from forum.moderation import statements
from forum.moderation.audit import log_action
from forum.moderation.emails import email_people
from forum.moderation.errors import ActionRefused
from forum.notifications import mention_targets, notify
from forum.pagecache.invalidation import comment_changed, queue_changed
from forum.rendering import RENDERER_VERSION, render_comment

# What a redaction may rely on (each a report reason, so a guideline clause), and the
# words that stand in the text where the passage was.
REDACTION_REASONS: dict[str, Promise] = {
    ReportReason.PRIVATE_INFO: _("private information"),
    ReportReason.HARASSMENT: _("personal attack"),
    ReportReason.MEDICAL_HARM: _("dangerous advice"),
}


def placeholder(reason: str) -> str:
    """The marker written into the text, in the site's language: the stored text is
    read by everyone, whatever language the moderator's pages were in."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("[removed: %(reason)s]") % {"reason": REDACTION_REASONS[reason]}


def _normalised(span: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; stored text has LF.
    return span.replace("\r\n", "\n").strip()


def _intervals(text: str, spans: Iterable[str]) -> list[tuple[int, int]]:
    """Every place any span occurs, overlapping ones merged."""
    found = sorted(
        (match.start(), match.end())
        for span in spans
        for match in re.finditer(re.escape(span), text)
    )
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redacted(text: str, spans: Iterable[str], marker: str) -> str:
    """The text with every occurrence of every span replaced by the marker."""
    pieces, position = [], 0
    for start, end in _intervals(text, spans):
        pieces += [text[position:start], marker]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def checked_spans(text: str, spans: Iterable[str]) -> list[str]:
    """The spans to redact, or ActionRefused saying which one is wrong (the form calls
    this too, so it shows the same message with what the moderator typed)."""
    chosen = list(dict.fromkeys(s for s in (_normalised(span) for span in spans) if s))
    if not chosen:
        raise ActionRefused(_("Choose a suggestion or type the text to redact."))
    for span in chosen:
        if span not in text:
            raise ActionRefused(
                _(
                    "“%(span)s” is not in the comment's text. Copy it exactly as it "
                    "appears (capitals and spaces count). Nothing was changed."
                )
                % {"span": span[:80]}
            )
    if not redacted(text, chosen, "").strip():
        raise ActionRefused(
            _("That is the whole comment: remove the comment instead. Nothing was changed.")
        )
    return chosen


def _scrub(rows: Sequence[Report | Notice | CommentRevision], spans: list[str], marker: str):
    """Other copies of the text (snapshots, earlier edits) lose the passage too."""
    for row in rows:
        field = "body_source" if isinstance(row, CommentRevision) else "snapshot"
        before = getattr(row, field)
        after = redacted(before, spans, marker)
        if after != before:
            setattr(row, field, after)
            row.save(update_fields=[field])


@transaction.atomic
def redact_comment(
    *, comment_id: int, moderator: User, spans: Sequence[str], reason: str
) -> Comment:
    """Replace every occurrence of `spans` in the comment with the reason's marker; keep
    the original for moderators only; log it and tell the author."""
    if reason not in REDACTION_REASONS:
        raise ActionRefused(_("Please choose why this text is redacted."))
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("article", "author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise ActionRefused(_("This comment no longer exists. Nothing was changed."))
    chosen = checked_spans(comment.body_source, spans)
    marker = placeholder(reason)
    CommentRevision.objects.create(
        comment=comment,
        body_source=comment.body_source,
        kind=comment.kind,
        source=comment.source,
        redacted_at=timezone.now(),
        redaction_reason=reason,
    )
    _scrub(list(comment.revisions.edits()), chosen, marker)
    _scrub(list(Report.objects.filter(comment=comment)), chosen, marker)
    _scrub(list(Notice.objects.filter(comment=comment)), chosen, marker)
    comment.body_source = redacted(comment.body_source, chosen, marker)
    comment.matched_text = redacted(comment.matched_text, chosen, marker)[:200]
    comment.body_html = render_comment(comment.body_source, mention_targets(comment.body_source))
    comment.renderer_version = RENDERER_VERSION
    comment.save(update_fields=["body_source", "body_html", "renderer_version", "matched_text"])
    comment_changed(comment)  # the discussion, the queue, the search index, the feed
    count = len(_intervals(comment.body_source, [marker]))
    action = log_action(
        ModerationAction.Kind.REDACT,
        moderator=moderator,
        comment=comment,
        reason=reason,
        # Never the redacted words: the log outlives the retention window.
        message=f"{count} passage(s) replaced by {marker}",
    )
    # A redaction restricts the comment: it gets its statement of reasons (DSA Art. 17).
    statement = statements.for_redaction(action=action, comment=comment, reason=reason)
    if comment.author is not None:
        context = {
            "comment": comment,
            "marker": marker,
            "reason": REDACTION_REASONS[reason],
            "statement": statement,
        }
        email_people([comment.author], "comment_redacted", context)
        text = gettext("A moderator replaced part of your comment with %(marker)s.") % {
            "marker": marker
        }
        notify(comment.author, Notification.Kind.REDACTION, comment=comment, text=text)
    return comment


@transaction.atomic
def undo_redaction(*, action: ModerationAction, moderator: User) -> bool:
    """Put back the text a redaction took out (a complaint against it was granted).

    Only while the original is still kept and nothing changed the text since (a later
    edit or redaction would be lost, or words redacted later shown again): otherwise
    False, and the moderator is told the words could not be put back."""
    comment = Comment.objects.select_for_update(of=("self",)).filter(pk=action.comment_id).first()
    if comment is None:
        return False
    originals = comment.revisions.filter(redacted_at__isnull=False)
    original = (
        originals.filter(redacted_at__lte=action.created_at).order_by("-redacted_at", "-pk").first()
    )
    if original is None or originals.filter(redacted_at__gt=original.redacted_at).exists():
        return False
    if comment.edited_at is not None and comment.edited_at > action.created_at:
        return False
    comment.body_source = original.body_source
    comment.body_html = render_comment(comment.body_source, mention_targets(comment.body_source))
    comment.renderer_version = RENDERER_VERSION
    comment.save(update_fields=["body_source", "body_html", "renderer_version"])
    # The words are public again, so the moderators-only copy has no reason to stay.
    original.delete()
    comment_changed(comment)
    log_action(
        ModerationAction.Kind.RESTORE,
        moderator=moderator,
        comment=comment,
        reason=str(REDACTION_REASONS.get(action.reason, ""))[:200],
        message="Redaction undone: a complaint against it was granted.",
    )
    return True


@transaction.atomic
def purge_redacted_originals(*, now: datetime | None = None) -> int:
    """Delete the originals of redacted text kept past FORUM_REDACTED_RETENTION_DAYS (the
    daily job). Only moderators' item pages showed them, and those are not cached."""
    deleted, _counts = CommentRevision.objects.past_retention(now).delete()
    if deleted:
        queue_changed()
    return deleted
