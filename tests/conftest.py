import pytest
from django.core.cache import cache

from aposbook.cache_outage import forget_outage
from forum.pagecache.local import forget_local_copies
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    forget_local_copies()
    forget_outage()
    yield
    cache.clear()
    forget_local_copies()
    forget_outage()


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def member(db):
    return UserFactory(username="alice")


@pytest.fixture
def unverified_member(db):
    return UserFactory(username="unverified", verified=False)


@pytest.fixture
def staff(db):
    return UserFactory(username="editor", is_staff=True, is_superuser=True)
