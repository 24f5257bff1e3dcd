"""Every `datetime` attribute is a valid HTML date or time (the Nu checker's 142 errors
were one kind: `|date:'c'` writes microseconds, which HTML does not allow)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import ModerationAction, Sanction
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db

# HTML's valid month, date, and global date-and-time strings (seconds without fractions
# are fine; a fraction is allowed by HTML, but not six digits of it from Python's clock).
VALID = re.compile(r"^\d{4}-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2}))?)?$")


def datetimes(html: str) -> list[str]:
    return re.findall(r'datetime="([^"]*)"', html)


def test_main_pages_write_valid_datetimes(client):
    moderator = make_moderator("mod_valid")
    member = UserFactory(username="writer")
    article = ArticleFactory(last_reviewed=datetime.date(2025, 1, 2))
    comment = CommentFactory(article=article, author=member, edited_at=timezone.now())
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.HIDE, comment=comment, moderator=moderator, reason="x"
    )
    Sanction.objects.create(
        member=member,
        kind=Sanction.Kind.SUSPENSION,
        ends_at=timezone.now() + datetime.timedelta(days=1),
        reason="x",
        created_by=moderator,
    )
    pages = [
        "/",
        article.get_absolute_url(),
        reverse("member-detail", args=["writer"]),
    ]
    found = []
    for url in pages:
        found += datetimes(client.get(url).content.decode())
    client.force_login(member)
    found += datetimes(client.get(article.get_absolute_url()).content.decode())
    client.force_login(moderator)
    for url in ["/moderation/", "/moderation/log/"]:
        found += datetimes(client.get(url).content.decode())
    assert len(found) >= 6
    assert [value for value in found if not VALID.match(value)] == []
