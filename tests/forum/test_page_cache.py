"""The article page's shared cache: anonymous readers get the cached page, any change to
the discussion replaces it at once, and signed-in readers never get it."""

import pytest
from django.contrib.auth.models import Permission

from forum import services
from forum.models import CommentStatus, ReportReason
from forum.moderation import decisions
from tests.factories import ArticleFactory, CommentFactory, UserFactory


@pytest.fixture
def page(article):
    return article.get_absolute_url()


def _anonymous(client, page):
    client.cookies.clear()
    return client.get(page)


def _changed(django_capture_on_commit_callbacks, change):
    with django_capture_on_commit_callbacks(execute=True):
        return change()


def test_second_anonymous_request_is_served_from_the_cache(client, page, article):
    CommentFactory(article=article, body_source="First words.")
    first = client.get(page)
    second = client.get(page)
    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in first
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert b"First words." in second.content


def test_cached_page_carries_no_csrf_token_or_nonce(client, page):
    client.get(page)
    hit = client.get(page)
    assert hit["X-Page-Cache"] == "hit"
    assert b"csrfmiddlewaretoken" not in hit.content
    assert b"nonce=" not in hit.content
    assert "csrftoken" not in hit.cookies


def test_cached_hit_runs_at_most_one_query(client, page, django_assert_max_num_queries):
    client.get(page)
    with django_assert_max_num_queries(1):
        assert client.get(page)["X-Page-Cache"] == "hit"


def test_other_query_parameters_bypass_the_cache(client, page):
    client.get(f"{page}?utm_source=x")
    assert "X-Page-Cache" not in client.get(f"{page}?utm_source=x")
    client.get(f"{page}?sort=newest")
    assert client.get(f"{page}?sort=newest")["X-Page-Cache"] == "hit"


def test_posting_a_comment_shows_on_the_next_anonymous_request(
    client, page, article, member, django_capture_on_commit_callbacks
):
    CommentFactory(article=article, author=member, body_source="Earlier.")
    _anonymous(client, page)
    _changed(
        django_capture_on_commit_callbacks,
        lambda: services.post_comment(author=member, article=article, body="Brand new words."),
    )
    response = _anonymous(client, page)
    assert "X-Page-Cache" not in response
    assert b"Brand new words." in response.content
    assert _anonymous(client, page)["X-Page-Cache"] == "hit"


def test_editing_and_deleting_show_on_the_next_anonymous_request(
    client, page, article, member, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article, author=member, body_source="Before the edit.")
    _anonymous(client, page)
    _changed(
        django_capture_on_commit_callbacks,
        lambda: services.edit_comment(comment=comment, editor=member, body="After the edit."),
    )
    response = _anonymous(client, page)
    assert b"After the edit." in response.content
    assert b"Before the edit." not in response.content
    _changed(
        django_capture_on_commit_callbacks,
        lambda: services.delete_comment(comment=comment, author=member),
    )
    assert b"After the edit." not in _anonymous(client, page).content


def test_moderator_approval_and_removal_show_on_the_next_anonymous_request(
    client, page, article, moderator, django_capture_on_commit_callbacks
):
    held = CommentFactory(article=article, body_source="Held for review.")
    held.status = CommentStatus.PENDING
    held.save()
    assert b"Held for review." not in _anonymous(client, page).content
    _anonymous(client, page)
    _changed(
        django_capture_on_commit_callbacks,
        lambda: decisions.approve_comment(comment_id=held.pk, moderator=moderator),
    )
    assert b"Held for review." in _anonymous(client, page).content
    _changed(
        django_capture_on_commit_callbacks,
        lambda: decisions.remove_comment(
            comment_id=held.pk, moderator=moderator, reason=ReportReason.OFF_TOPIC
        ),
    )
    assert b"Held for review." not in _anonymous(client, page).content


def test_a_change_on_another_article_keeps_this_page_cached(
    client, page, member, django_capture_on_commit_callbacks
):
    _anonymous(client, page)
    other = ArticleFactory(slug="another-article")
    _changed(
        django_capture_on_commit_callbacks,
        lambda: services.post_comment(author=member, article=other, body="Elsewhere."),
    )
    assert _anonymous(client, page)["X-Page-Cache"] == "hit"


def test_members_never_get_the_cached_anonymous_page(client, page, article, member):
    CommentFactory(article=article, author=member, body_source="Mine to edit.")
    client.get(page)
    assert client.get(page)["X-Page-Cache"] == "hit"
    client.force_login(member)
    response = client.get(page)
    assert "X-Page-Cache" not in response
    content = response.content.decode()
    assert "Sign out" in content
    assert "csrfmiddlewaretoken" in content
    assert "Edit<span" in content  # their own comment's controls
    assert "Join the discussion" in content


def test_a_member_sees_their_own_controls_while_others_share_rendered_threads(
    client, page, article, member
):
    CommentFactory(article=article, author=member, body_source="Alice's comment.")
    bob = UserFactory(username="bob")
    client.force_login(bob)
    assert "Edit<span" not in client.get(page).content.decode()
    assert "Edit<span" not in client.get(page).content.decode()  # from shared threads
    client.force_login(member)
    assert "Edit<span" in client.get(page).content.decode()


def test_moderators_see_held_comments_in_shared_threads_pages(client, page, article):
    held = CommentFactory(article=article, body_source="Waiting for a moderator.")
    held.status = CommentStatus.PENDING
    held.save()
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert "Waiting for a moderator." not in client.get(page).content.decode()
    mod = UserFactory(username="mod")
    mod.user_permissions.add(Permission.objects.get(codename="moderate"))
    client.force_login(mod)
    assert "Waiting for a moderator." in client.get(page).content.decode()


def test_an_editor_saving_the_article_in_the_admin_replaces_the_cached_page(
    client, page, article, staff, django_capture_on_commit_callbacks
):
    _anonymous(client, page)
    client.force_login(staff)
    form = client.get(f"/admin/articles/article/{article.pk}/change/").context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "headline": "A headline the editor just changed",
            "published_on": article.published_on.isoformat(),
            "last_reviewed": "",
            "discussion_open": "on",
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert b"A headline the editor just changed" in _anonymous(client, page).content


def test_a_member_with_a_held_comment_sees_it_while_others_get_shared_threads(
    client, page, article, member
):
    shared = CommentFactory(article=article, body_source="Everyone reads this.")
    held = CommentFactory(article=article, author=member, body_source="Mine, held.")
    held.status = CommentStatus.PENDING
    held.save()
    bob = UserFactory(username="bob")
    client.force_login(bob)
    bob_page = client.get(page).content.decode()
    assert "Everyone reads this." in bob_page
    assert "Mine, held." not in bob_page
    client.force_login(member)
    own_page = client.get(page).content.decode()
    assert "Everyone reads this." in own_page
    assert "Mine, held." in own_page
    assert "badge--waiting" in own_page
    assert shared.pk != held.pk


def test_a_new_username_shows_on_the_next_anonymous_request(
    client, page, article, member, django_capture_on_commit_callbacks
):
    from aposbook.accounts import update_member_settings

    CommentFactory(article=article, author=member, body_source="Signed with my name.")
    assert b">alice<" in _anonymous(client, page).content
    _changed(
        django_capture_on_commit_callbacks,
        lambda: update_member_settings(member=member, username="alice_b", email_on_reply=True),
    )
    html = _anonymous(client, page).content
    assert b">alice_b<" in html
    assert b">alice<" not in html


def test_account_deletion_shows_on_the_next_anonymous_request(
    client, page, article, member, django_capture_on_commit_callbacks
):
    from aposbook.accounts import delete_account

    CommentFactory(article=article, author=member, body_source="Soon gone.")
    assert b"Soon gone." in _anonymous(client, page).content
    _changed(
        django_capture_on_commit_callbacks,
        lambda: delete_account(member=member, keep_comments=False),
    )
    assert b"Soon gone." not in _anonymous(client, page).content
