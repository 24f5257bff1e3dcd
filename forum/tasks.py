"""Slow work for the task queue: reply emails go out after the transaction commits."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

UNSUBSCRIBE_SALT = "forum.unsubscribe.reply"


def unsubscribe_token(user) -> str:
    """A signed, non-expiring token naming the member: a link in an old email still works."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def member_from_unsubscribe_token(token: str):
    """The member a token names, or None when it is forged or the member is gone."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("user")).first()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@task()
def notify_reply(*, comment_id: int) -> bool:
    """Email the author of the comment a reply answers. True when an email went out."""
    from forum.models import Comment, CommentStatus

    reply = (
        Comment.objects.select_related("author", "article", "parent__author", "in_reply_to__author")
        .filter(pk=comment_id, status=CommentStatus.PUBLISHED)
        .first()
    )
    if reply is None:
        return False
    answered = reply.in_reply_to or reply.parent
    recipient = answered.author if answered else None
    if (
        recipient is None
        or recipient.pk == reply.author_id
        or not recipient.email_on_reply
        or not recipient.email
        or not recipient.is_active
    ):
        return False
    unsubscribe_url = absolute(
        reverse("forum:unsubscribe", kwargs={"token": unsubscribe_token(recipient)})
    )
    context = {
        "recipient": recipient,
        "reply": reply,
        "answered": answered,
        "article": reply.article,
        "reply_url": absolute(reply.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url,
        "notice": settings.FORUM_NOTICE,
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string("forum/email/reply_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("forum/email/reply.txt", context),
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("forum/email/reply.html", context), "text/html")
    message.send()
    return True


@task()
def notify_followers_of_comment(*, comment_id: int) -> int:
    """Tell the article's followers of a new published comment (never its author);
    returns how many were told. Coalesced per follower (forum/notifications.py)."""
    from forum.models import Comment, CommentStatus, Notification
    from forum.notifications import notify_followers

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
    from articles.models import Article
    from forum.models import Notification
    from forum.notifications import notify_followers

    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        return 0
    return notify_followers(article, Notification.Kind.ARTICLE_UPDATE)
