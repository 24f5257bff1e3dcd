"""What a change touches: the one place that knows which cached pages show what.

Services say what changed (`comment_posted(comment)`, `comment_changed(comment)`,
`reports_changed(comment)`, `member_changed(member)`...); models edited in the admin or
by commands (articles, categories, references, watched words, members, groups and
permissions) reach here through the receivers below, connected in ForumConfig.ready.
`QuerySet.update()` and `bulk_update` skip signals: code using them calls a hook beside
them. Every replacement waits for the commit (transaction.on_commit): a page rendered
from rows the transaction has not yet committed would otherwise be kept under the new
version. What is looked up to decide (which articles a member wrote in) is read at once,
before an update can take it away.

What shows what:
- the article page (anonymous page, member stencils, snapshots, threads; by the
  article's discussion version): the article and its category and references, its
  comments, their authors' names;
- the search index (forum/search): comments' and articles' text, written after the
  commit so it holds what was committed;
- the moderation queue (the queue version): queued comments with their article, parent,
  reports and appeal, their authors' history (sanctions, notes, counts), reporters' and
  moderators' names, and who else moderates (who may decide an appeal).
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from aposbook.models import User
from articles.models import Article, Category, Reference
from forum import search
from forum.models import Comment, CommentStatus, Reaction, WatchedWord
from forum.pagecache.versions import (
    bump_discussion_version,
    bump_queue_version,
    bump_threads_epoch,
)


def comment_posted(comment: Comment) -> None:
    """A new comment: its discussion, and the queue when it was held. A published one
    only adds to its author's count on their queued items, which may lag by
    FORUM_QUEUE_CACHE_SECONDS: on a busy site, every post would otherwise render every
    moderator's queue afresh."""
    # Its discussion, but not the other threads' HTML: a new comment changes only the
    # rows of its own thread (or makes a new one), which renders afresh by its rows.
    _discussion_changed(comment.article_id, threads=False)
    _comments_text_changed([comment.pk])
    if comment.status != CommentStatus.PUBLISHED:
        queue_changed()


def comment_changed(comment: Comment) -> None:
    """An existing comment's text or status: its discussion and the queue. Unlike a new
    post, an existing comment may be in the queue, have just left it, or stand there as
    the parent of an item or in its author's history, and telling which costs queries."""
    article_changed_by_id(comment.article_id)
    _comments_text_changed([comment.pk])


def comments_changed(*, article_ids: Iterable[int]) -> None:
    """Comments of these articles changed all at once (re-rendered HTML)."""
    for article_id in set(article_ids):
        _discussion_changed(article_id)
    queue_changed()


def reports_changed(comment: Comment) -> None:
    """Reports on the comment were filed or resolved: the queue shows them, and open
    ones keep the item queued. The article page shows no reports, but an open report
    for misinformation, crisis or private information keeps a comment from ranking up
    in "Most helpful": its discussion too, when anyone reacted to it."""
    if Reaction.objects.filter(comment_id=comment.pk).exists():
        _discussion_changed(comment.article_id)
    queue_changed()


def reactions_changed(comment: Comment) -> None:
    """A counted reaction came or went: the comment's counts and the "Most helpful"
    order of its discussion. The queue shows no reactions."""
    _discussion_changed(comment.article_id)


def credentials_changed(member: User) -> None:
    """A member's verification as an expert began or ended: their badge on every
    discussion they wrote in, and the queue (its count of applications waiting)."""
    member_changed(member)


def article_changed(article: Article) -> None:
    """An article's own fields (or its deletion): its page, the queue, its search entry."""
    article_changed_by_id(article.pk)
    article_id = article.pk
    transaction.on_commit(lambda: search.articles_changed([article_id]))


def article_changed_by_id(article_id: int) -> None:
    """The article page, and the queue: its items show the article's title and category."""
    _discussion_changed(article_id)
    queue_changed()


def member_changed(member: User) -> None:
    """A member's name, standing (sanction, deletion) or account: every discussion they
    wrote in shows their name, and queue items show them as author, reporter or
    moderator, with their history."""
    written = list(Comment.objects.filter(author_id=member.pk).values_list("pk", "article_id"))
    # Their reactions count only while their account is active.
    reacted_in = Reaction.objects.filter(member_id=member.pk).values_list(
        "comment__article_id", flat=True
    )
    for article_id in {*(article_id for _, article_id in written), *reacted_in}:
        _discussion_changed(article_id)
    # Closing an account may clear their comments' text (read again after the commit).
    _comments_text_changed([pk for pk, _ in written])
    queue_changed()


def queue_changed() -> None:
    """Something only the queue shows (a moderator's note on a member, who moderates)."""
    transaction.on_commit(bump_queue_version)


def _comments_text_changed(comment_ids: list[int]) -> None:
    """The search index reads these comments' text again once the change is committed."""
    if comment_ids:
        transaction.on_commit(lambda: search.comments_changed(comment_ids))


def _discussion_changed(article_id: int, *, threads: bool = True) -> None:
    """Everything cached for the article page (anonymous page, stencils, snapshots,
    threads) is keyed by or kept with its version; the threads' HTML rendered for the
    shared pages also by the thread epoch, which every change but a new comment
    replaces (`threads=False`: comment_posted)."""
    transaction.on_commit(lambda: bump_discussion_version(article_id))
    if threads:
        transaction.on_commit(lambda: bump_threads_epoch(article_id))


# --- Receivers: models edited in the admin, by commands or by allauth ---------------


@receiver([post_save, post_delete], sender=Article, dispatch_uid="pagecache.article")
def _article_saved(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    article_changed(instance)


@receiver([post_save, post_delete], sender=Category, dispatch_uid="pagecache.category")
def _category_saved(sender: type[Category], instance: Category, **kwargs: Any) -> None:
    # A deleted category has no articles (PROTECT); a new one none yet.
    for article_id in Article.objects.filter(category_id=instance.pk).values_list("pk", flat=True):
        article_changed_by_id(article_id)


@receiver([post_save, post_delete], sender=Reference, dispatch_uid="pagecache.reference")
def _reference_saved(sender: type[Reference], instance: Reference, **kwargs: Any) -> None:
    # Queue items show no references.
    _discussion_changed(instance.article_id)


@receiver([post_save, post_delete], sender=WatchedWord, dispatch_uid="pagecache.watched-word")
def _watched_word_saved(sender: type[WatchedWord], instance: WatchedWord, **kwargs: Any) -> None:
    # Queue items name the rule that held them; published pages never show rules.
    queue_changed()


# What of a member the pages show: their name, and whether they are still a member (an
# inactive account's comments read as a deleted member's) or a superuser (a moderator).
_SHOWN_FIELDS = ("username", "is_active", "is_superuser")
# Where a loaded member keeps those values until it is saved (not a model field).
_SHOWN_KEY = "_pagecache_shown"


def _shown(instance: User) -> tuple[object, ...]:
    # From __dict__: a user loaded with only() would run a query per deferred field.
    return tuple(instance.__dict__.get(name) for name in _SHOWN_FIELDS)


@receiver(post_init, sender=User, dispatch_uid="pagecache.member-loaded")
def _member_loaded(sender: type[User], instance: User, **kwargs: Any) -> None:
    instance.__dict__[_SHOWN_KEY] = _shown(instance)


@receiver(post_save, sender=User, dispatch_uid="pagecache.member-saved")
def _member_saved(
    sender: type[User],
    instance: User,
    created: bool,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    # Signing in saves last_login alone: no page shows it.
    if created or (update_fields is not None and not update_fields & set(_SHOWN_FIELDS)):
        return
    if instance.__dict__.get(_SHOWN_KEY) != _shown(instance):
        member_changed(instance)
    instance.__dict__[_SHOWN_KEY] = _shown(instance)


@receiver(pre_delete, sender=User, dispatch_uid="pagecache.member-deleted")
def _member_deleted(sender: type[User], instance: User, **kwargs: Any) -> None:
    # Before the delete: afterwards their comments no longer point at them.
    member_changed(instance)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="pagecache.member-groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="pagecache.member-perms")
def _memberships_changed(
    sender: type, action: str, pk_set: set[int] | None = None, **kwargs: Any
) -> None:
    # Who moderates decides who may decide an appeal (queue items). Moderators' own
    # article pages are rendered for them, never cached. An add of what was there
    # already still signals, with nothing in pk_set.
    if action.startswith("post_") and pk_set != set():
        queue_changed()


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="pagecache.group-perms")
def _group_rights_changed(
    sender: type,
    instance: Group | Permission,
    action: str,
    reverse: bool,
    pk_set: set[int] | None = None,
    **kwargs: Any,
) -> None:
    if not action.startswith("post_") or pk_set == set():
        return
    if reverse:  # a permission's groups: which ones a clear took is not known
        queue_changed()
    elif User.groups.through.objects.filter(group_id=instance.pk).exists():
        queue_changed()  # a group nobody is in changes no one's rights


@receiver(post_delete, sender=Group, dispatch_uid="pagecache.group")
@receiver(post_delete, sender=Permission, dispatch_uid="pagecache.permission")
def _permissions_deleted(sender: type, **kwargs: Any) -> None:
    # Deleting takes memberships along without m2m_changed. A new group or permission
    # has no holders yet, and a rename changes no one's rights.
    queue_changed()


# The models whose receivers are above (tests/forum/test_cache_invalidation.py checks
# each has a row in its table of changes).
WATCHED_MODELS = (Article, Category, Reference, WatchedWord, User, Group, Permission)
