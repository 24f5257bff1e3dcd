import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import CommentFactory, UserFactory


@pytest.fixture(autouse=True)
def _established_members(settings):
    """The forum's own tests are about posting, threads and pages, not about screening:
    their members post as established members. Screening on posting (new members are
    held) is tested in tests/forum/test_screening_on_posting.py with the setting on."""
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 0


@pytest.fixture
def other_member(db):
    return UserFactory(username="bob")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod")
    user.user_permissions.add(Permission.objects.get(codename="moderate"))
    return user


@pytest.fixture
def shared_cache(settings: Any) -> Iterator[None]:
    """With REDIS_URL (as in CI), the cache production uses, under a prefix of this
    test's own: Redis is shared, so its keys are deleted one by one, never flushed."""
    url = os.environ.get("REDIS_URL")
    if not url:
        yield
        return
    prefix = f"test-pagecache-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def three_threads(article, settings):
    """Three threads a minute apart, two to a page: the last one is on page 2."""
    settings.FORUM_THREADS_PER_PAGE = 2
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False) as traveller:
        roots = []
        for _ in range(3):
            roots.append(CommentFactory(article=article))
            traveller.shift(timedelta(minutes=1))
    return roots
