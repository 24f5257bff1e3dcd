"""Following an article: the member's choice, and who hears of what happens to it.

A follower is told of every new published comment on the article (one notification
that counts up until they read it, never of their own comments) and of the article
being reviewed again. Posting does not follow anyone: a member who wants to hear more
follows explicitly (the button on the article page, the list in their settings). The
telling happens in a task after the commit (forum/tasks.py), so posting costs the
same few queries whether the article has no followers or thousands.

The button lives in the member's own part of the article page (forum/member_page.py
fills it per request), so following changes no cached page.
"""

from django.db import IntegrityError, transaction
from django_tasks import task

from aposbook.models import AnyUser, User
from articles.models import Article
from forum.models import ArticleFollow, Comment, CommentStatus, Notification
from forum.notifications import notify_followers


def follow_article(*, member: User, article: Article) -> ArticleFollow:
    """Follow the article (following it twice is following it once)."""
    existing = ArticleFollow.objects.filter(member=member, article=article).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ArticleFollow.objects.create(member=member, article=article)
    except IntegrityError:
        # The same click, twice at once: the other request stored it.
        return ArticleFollow.objects.get(member=member, article=article)


def unfollow_article(*, member: User, article: Article) -> bool:
    """Stop following; True when they followed it."""
    deleted, _ = ArticleFollow.objects.filter(member=member, article=article).delete()
    return bool(deleted)


def is_following(member: AnyUser, article_id: int) -> bool:
    if not member.is_authenticated:
        return False
    return ArticleFollow.objects.filter(member_id=member.pk, article_id=article_id).exists()


def followed_articles(member: AnyUser) -> list[Article]:
    """The articles the member follows, most recently followed first (settings page)."""
    follows = ArticleFollow.objects.for_member(member).select_related("article")
    return [follow.article for follow in follows.order_by("-created_at", "-pk")]


def comment_published(comment: Comment) -> None:
    """A comment became visible (posted, or approved): its article's followers hear of it
    after the commit, in a task. One query here (the task's row), whatever the followers."""
    if comment.status != CommentStatus.PUBLISHED:
        return
    comment_id = comment.pk
    transaction.on_commit(lambda: notify_followers_of_comment.enqueue(comment_id=comment_id))


def article_reviewed(article: Article) -> None:
    """An editor recorded a new review of the article: its followers hear of it."""
    if not article.is_published:
        return
    article_id = article.pk
    transaction.on_commit(lambda: notify_followers_of_review.enqueue(article_id=article_id))


# The fan-out runs in tasks, after the commit: posting never waits on followers.
@task()
def notify_followers_of_comment(*, comment_id: int) -> int:
    """Tell the article's followers of a new published comment (never its author);
    returns how many were told. Coalesced per follower (notifications.notify_followers)."""
    comment = (
        Comment.objects.select_related("article", "author")
        .filter(pk=comment_id, status=CommentStatus.PUBLISHED)
        .first()
    )
    if comment is None:
        return 0  # removed or hidden before the task ran: nothing to tell
    return notify_followers(
        comment.article,
        Notification.Kind.FOLLOWED_COMMENTS,
        actor=comment.author,
        comment=comment,
    )


@task()
def notify_followers_of_review(*, article_id: int) -> int:
    """Tell the article's followers that it was reviewed again."""
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        return 0
    return notify_followers(article, Notification.Kind.ARTICLE_UPDATE)
