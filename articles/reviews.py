"""The review cycle: which articles are due for review, and telling editors about them.

An article's `next_review_due` defaults to 12 months after its last review
(ARTICLES_REVIEW_MONTHS). `notify_review_due` (the daily job of the task worker, see
aposbook/daily.py) emails the editors once when a review comes within
ARTICLES_REVIEW_SOON_DAYS, and once more when it is late; a new review date starts a
new cycle.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aposbook.models import User
from aposbook.tasks import send_email
from articles.models import Article, ReviewReminder


def editors() -> QuerySet[User]:
    """Active staff who may change articles in the admin (superusers included)."""
    may_change = Permission.objects.filter(
        content_type__app_label="articles", codename="change_article"
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=may_change)
            | Q(groups__permissions__in=may_change)
        )
        .distinct()
    )


def due_for_review(today: datetime.date | None = None) -> QuerySet[Article]:
    """Published articles whose review is late or due within ARTICLES_REVIEW_SOON_DAYS,
    the most urgent first."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.ARTICLES_REVIEW_SOON_DAYS)
    return (
        Article.objects.published()
        .review_due_by(soon)
        .select_related("category")
        .order_by("next_review_due", "pk")
    )


@transaction.atomic
def notify_review_due(*, today: datetime.date | None = None) -> int:
    """Email the editors about reviews that newly came near or became late; each stage of
    each article's cycle once, however often this runs. Returns how many were new."""
    today = today or timezone.localdate()
    new: list[tuple[Article, str]] = []
    for article in due_for_review(today):
        assert article.next_review_due is not None  # review_due_by() filters on it
        stage = (
            ReviewReminder.Stage.OVERDUE
            if article.next_review_due < today
            else ReviewReminder.Stage.DUE_SOON
        )
        _, created = ReviewReminder.objects.get_or_create(
            article=article, due_on=article.next_review_due, stage=stage
        )
        if created:
            new.append((article, stage))
    addresses = sorted({user.email for user in editors() if user.email})
    if new and addresses:
        _email_editors(addresses, new, today)
    return len(new)


def _email_editors(addresses: list[str], due: list[tuple[Article, str]], today) -> None:
    items = [
        {
            "article": article,
            "late": stage == ReviewReminder.Stage.OVERDUE,
            "admin_url": settings.SITE_URL
            + reverse("admin:articles_article_change", args=[article.pk]),
        }
        for article, stage in due
    ]
    context = {
        "items": items,
        "today": today,
        "list_url": settings.SITE_URL + reverse("admin:articles_articledueforreview_changelist"),
        "months": settings.ARTICLES_REVIEW_MONTHS,
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = render_to_string("articles/email/review_due_subject.txt", context).strip()
    body = render_to_string("articles/email/review_due.txt", context)

    def enqueue() -> None:
        for address in addresses:
            send_email.enqueue(to=[address], subject=subject, body=body)

    transaction.on_commit(enqueue)
