import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory


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
