import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory


@pytest.fixture
def other_member(db):
    return UserFactory(username="bob")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod")
    user.user_permissions.add(Permission.objects.get(codename="moderate"))
    return user
