import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

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


@pytest.fixture(autouse=True)
def _site_language():
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware): the
    next test, calling a service directly, would get Spanish messages."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
