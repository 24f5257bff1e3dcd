"""Every change a member makes to the discussion: post, edit, delete.

Each function is one transaction, takes the acting member explicitly, checks the rules
itself (views may have checked already; a second door must not skip them) and raises a
CommentRefused subclass with a message for the member and the HTTP status to answer with.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aposbook.models import User
from articles.models import Article, Reference
from forum.follows import comment_published
from forum.models import (
    EDITABLE_STATUSES,
    Comment,
    CommentRevision,
    CommentStatus,
    ModerationAction,
    Notification,
    Reaction,
    SourceType,
)
from forum.moderation import statements
from forum.moderation.audit import HELD_AT_POSTING, log_action, logs_refusals
from forum.moderation.crisis_cases import flag_crisis_language
from forum.moderation.reports import hold_edited_comment, reopen_after_edit
from forum.moderation.screening import HOLD_REASONS, Screening, screen_comment, screen_edit
from forum.notifications import (
    EmailMode,
    announce_mentions,
    announce_published,
    mention_targets,
    notify,
    set_email_modes,
)
from forum.pagecache.invalidation import comment_changed, comment_posted, reactions_changed
from forum.permissions import posting_refusal, reaction_refusal
from forum.ratelimit import (
    reaction_wait,
    seconds_until_allowed,
    too_fast_message,
    too_many_reactions_message,
)
from forum.rendering import RENDERER_VERSION, render_comment
from forum.validation import check_comment, message_of

GONE_MESSAGE = _("This comment has been taken down, so it can no longer be edited.")
PARENT_GONE = _(
    "The comment you are replying to is no longer available. "
    "Your text is below: you can post it as a new comment instead."
)
MAX_DEPTH = 2  # three levels: a top-level comment, replies, replies to replies


class CommentRefused(Exception):
    def __init__(self, message: str, *, status: int = 403, code: str = "refused") -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code
        self.refused_rule = ""  # the blocked watched word, when screening refused it


class PostingRefused(CommentRefused):
    pass


class EditRefused(CommentRefused):
    pass


class DeleteRefused(CommentRefused):
    pass


class ReactionRefused(CommentRefused):
    pass


def _refuse_if_screened_out(screening: Screening, refused: type[CommentRefused]) -> None:
    """Blocked words, or dosing advice the member has not confirmed: nothing is stored and
    the form comes back with the message and their text (code "confirm_dosing" asks the
    composer to offer the "post it anyway" checkbox)."""
    if screening.action in ("refuse", "confirm_dosing", "confirm_privacy"):
        error = refused(screening.message, status=400, code=screening.action)
        if screening.action == "refuse":
            error.refused_rule = screening.matched_rule  # logged by audit.logs_refusals
        raise error


def _checked_text(
    refused: type[CommentRefused], *, body: str, kind: str, source_type: str, source: str
) -> str:
    """The body as stored, or the composer's own message for what it would refuse."""
    try:
        return check_comment(body=body, kind=kind, source_type=source_type, source=source)
    except ValidationError as error:
        raise refused(message_of(error), status=400, code=error.code or "invalid") from None


def _take_turns(author: User) -> None:
    """Lock the member's row until the transaction ends: their posts take turns, so two
    at once can neither both take the posting limit's last place nor both store the same
    form (post_comment takes it first, before looking the form token up)."""
    list(User.objects.select_for_update().filter(pk=author.pk).values_list("pk"))


def _refuse_if_too_fast(author: User) -> None:
    """Asked last, just before storing, under the member's lock (`_take_turns`): only
    stored comments count, and a member who is told to wait has nothing left to fix in
    their text."""
    if wait := seconds_until_allowed(author):
        raise PostingRefused(too_fast_message(wait), status=429, code="too_fast")


def matching_reference(*, article: Article, source_type: str, source: str) -> Reference | None:
    """The article's own reference a cited source points at, if any."""
    if source_type == SourceType.DOI:
        condition = Q(doi__iexact=source)
    elif source_type == SourceType.PUBMED:
        condition = Q(pmid=source)
    elif source_type == SourceType.URL:
        condition = Q(url=source) | Q(url=source.rstrip("/")) | Q(url=source.rstrip("/") + "/")
    else:
        return None
    return article.references.filter(condition).first()


def _placement(parent: Comment) -> tuple[Comment, Comment | None]:
    """Where a reply to `parent` sits: under it, or beside it once the nesting cap is hit
    (then it records whom it answers)."""
    if parent.depth < MAX_DEPTH or parent.parent is None:
        return parent, None
    return parent.parent, parent


@logs_refusals
@transaction.atomic
def post_comment(
    *,
    author: User,
    article: Article,
    body: str,
    kind: str = "",
    source_type: str = "",
    source: str = "",
    parent: Comment | None = None,
    form_token: uuid.UUID | None = None,
    dosing_confirmed: bool = False,
    privacy_confirmed: bool = False,
) -> Comment:
    """Publish (or hold) a comment as screening decides. The same form token twice returns
    the first comment (whatever the posting limit says: it was stored already)."""
    if refusal := posting_refusal(author, article):
        raise PostingRefused(refusal.message, status=refusal.status, code=refusal.code)
    _take_turns(author)
    if form_token is not None:
        # Under the member's lock: the same form sent twice at once waits here for the
        # first to commit, then finds it (so storing below needs no savepoint to catch
        # the unique constraint: it cannot be hit by this member's own double send).
        existing = Comment.objects.filter(author=author, form_token=form_token).first()
        if existing is not None:
            return existing
    body = _checked_text(
        PostingRefused, body=body, kind=kind, source_type=source_type, source=source
    )
    in_reply_to = None
    if parent is not None:
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if parent.article_id != article.pk or parent.status != CommentStatus.PUBLISHED:
            raise PostingRefused(str(PARENT_GONE), status=400, code="parent_gone")
        parent, in_reply_to = _placement(parent)
    screening = screen_comment(
        author=author,
        article=article,
        body_source=body,
        dosing_confirmed=dosing_confirmed,
        cites_source=bool(source),
        privacy_confirmed=privacy_confirmed,
    )
    _refuse_if_screened_out(screening, PostingRefused)
    _refuse_if_too_fast(author)
    targets = mention_targets(body)
    comment = Comment(
        article=article,
        author=author,
        parent=parent,
        in_reply_to=in_reply_to,
        root_id=(parent.root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        body_source=body,
        body_html=render_comment(body, targets),
        renderer_version=RENDERER_VERSION,
        kind=kind,
        source_type=source_type,
        source=source,
        source_reference=matching_reference(
            article=article, source_type=source_type, source=source
        ),
        form_token=form_token,
        **screening.comment_fields(),
    )
    comment.save()
    if comment.status == CommentStatus.PENDING:
        action = log_action(
            ModerationAction.Kind.HOLD,
            moderator=None,
            comment=comment,
            reason=(HELD_AT_POSTING + HOLD_REASONS.get(comment.hold_reason, ""))[:200],
        )
        statements.for_hold(
            action=action,
            comment=comment,
            hold_reason=comment.hold_reason,
            label=HOLD_REASONS.get(comment.hold_reason, ""),
        )
    comment_posted(comment)
    flag_crisis_language(comment)
    comment_published(comment)
    if comment.status == CommentStatus.PUBLISHED:
        # Held: the member it answers and those it names hear of it once it is published
        # (forum/moderation/decisions.py announce_if_first_published).
        announce_published(comment, first_time=True, targets=targets)
    return comment


def _is_author(comment: Comment, user: User) -> bool:
    return bool(user.is_authenticated and comment.author_id == user.pk)


def edit_refusal(comment: Comment, editor: User) -> EditRefused | None:
    """Why this member may not edit this comment now, or None; the edit page asks it
    before showing the form, edit_comment again under the row lock."""
    if not _is_author(comment, editor):
        return EditRefused(gettext("You can only edit your own comments."), code="not_author")
    if comment.status not in EDITABLE_STATUSES:
        return EditRefused(str(GONE_MESSAGE), code="gone")
    # Whoever may not post here may not change what they posted either: a closed
    # discussion, a ban or suspension, an address no longer verified.
    if refusal := posting_refusal(editor, comment.article):
        return EditRefused(refusal.message, status=refusal.status, code=refusal.code)
    if not comment.editable_by(editor):
        return EditRefused(
            gettext(
                "Comments can be edited for %(minutes)d minutes after posting, and that time "
                "has passed for this one."
            )
            % {"minutes": settings.FORUM_EDIT_WINDOW_MINUTES},
            code="window_closed",
        )
    return None


@logs_refusals
@transaction.atomic
def edit_comment(
    *,
    comment: Comment,
    editor: User,
    body: str,
    kind: str = "",
    source_type: str = "",
    source: str = "",
    dosing_confirmed: bool = False,
    privacy_confirmed: bool = False,
) -> Comment:
    """Change a comment's text within the edit window, keeping the previous version.
    The new text is screened like a new comment's words; a held edit waits for review."""
    comment = (
        Comment.objects.select_for_update(of=("self",)).select_related("article").get(pk=comment.pk)
    )
    if refusal := edit_refusal(comment, editor):
        raise refusal
    body = _checked_text(EditRefused, body=body, kind=kind, source_type=source_type, source=source)
    screening = screen_edit(
        body_source=body,
        dosing_confirmed=dosing_confirmed,
        cites_source=bool(source),
        privacy_confirmed=privacy_confirmed,
    )
    _refuse_if_screened_out(screening, EditRefused)
    CommentRevision.objects.create(
        comment=comment, body_source=comment.body_source, kind=comment.kind, source=comment.source
    )
    comment.body_source, comment.kind = body, kind
    comment.source_type, comment.source = source_type, source
    comment.source_reference = matching_reference(
        article=comment.article, source_type=source_type, source=source
    )
    targets = mention_targets(body)
    comment.body_html = render_comment(body, targets)
    comment.renderer_version = RENDERER_VERSION
    comment.edited_at = timezone.now()
    comment.toxicity = screening.toxicity
    if screening.action == "hold":
        hold_edited_comment(comment=comment, screening=screening)
    comment.save()
    reopen_after_edit(comment=comment)
    comment_changed(comment)
    flag_crisis_language(comment)
    announce_mentions(comment, targets)  # names the edit added; nobody is told twice
    return comment


@transaction.atomic
def delete_comment(*, comment: Comment, author: User) -> Comment:
    """The author takes their comment down; replies keep a placeholder to hang from."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not _is_author(comment, author):
        raise DeleteRefused(gettext("You can only delete your own comments."), code="not_author")
    if not comment.deletable_by(author):
        raise DeleteRefused(
            gettext("This comment has already been taken down."), status=400, code="gone"
        )
    comment.status = CommentStatus.DELETED
    comment.status_changed_at = timezone.now()
    comment.save(update_fields=["status", "status_changed_at"])
    comment_changed(comment)
    return comment


@transaction.atomic
def stop_reply_emails(*, member: User) -> None:
    """No more reply emails for this member (the one-click unsubscribe of older emails)."""
    set_email_modes(member=member, modes={Notification.Kind.REPLY: EmailMode.OFF})


@dataclass(frozen=True)
class ReactionChange:
    """What a toggle did: whether the reaction is now on, whether it counts (an account
    old enough, with a verified email), and the comment's counted totals after it."""

    kind: str
    on: bool
    counts: bool
    helpful: int
    same: int


@transaction.atomic
def toggle_reaction(*, comment: Comment, member: User, kind: str) -> ReactionChange:
    """Mark another member's comment "Helpful" or "Same for me", or take the mark back.
    The author hears of it at most once a day per comment, and only of marks that count."""
    from forum.trust import counted_reactions  # reads beside the change

    if kind not in Reaction.Kind.values:
        raise ReactionRefused(gettext("Choose Helpful or Same for me."), status=400, code="invalid")
    # The comment's row lock: one toggle at a time per comment, so two marks at once
    # cannot both send the day's notification.
    comment = (
        Comment.objects.select_for_update(of=("self",)).select_related("author").get(pk=comment.pk)
    )
    if refusal := reaction_refusal(member, comment):
        raise ReactionRefused(refusal, code="refused")
    if wait := reaction_wait(member):
        raise ReactionRefused(too_many_reactions_message(wait), status=429, code="too_fast")
    existing = Reaction.objects.filter(comment=comment, member=member, kind=kind).first()
    if existing is not None:
        counts = counted_reactions().filter(pk=existing.pk).exists()
        existing.delete()
    else:
        reaction = Reaction.objects.create(comment=comment, member=member, kind=kind)
        counts = counted_reactions().filter(pk=reaction.pk).exists()
        if counts and comment.author is not None:
            _notify_reaction(comment)
    if counts:  # a mark that does not count changes nobody's page but the member's own
        reactions_changed(comment)
    totals = dict(
        counted_reactions().filter(comment=comment).values_list("kind").annotate(n=Count("pk"))
    )
    return ReactionChange(
        kind=kind,
        on=existing is None,
        counts=counts,
        helpful=totals.get(Reaction.Kind.HELPFUL, 0),
        same=totals.get(Reaction.Kind.SAME, 0),
    )


def _notify_reaction(comment: Comment) -> None:
    """Once a day per comment at most (the comment's row is locked by the caller)."""
    assert comment.author is not None
    day_ago = timezone.now() - timedelta(days=1)
    told = Notification.objects.filter(
        kind=Notification.Kind.REACTION, comment=comment, created_at__gt=day_ago
    )
    if told.exists():
        return
    # No actor: who marked a comment is never shown, to its author or anyone.
    notify(
        comment.author,
        Notification.Kind.REACTION,
        comment=comment,
        text=gettext("Members marked your comment helpful or said the same happened to them."),
    )
