"""Following an article (issue 15): the button, the settings list, and who is told of
what: new published comments (coalesced, never the commenter) and re-reviews."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import services
from forum.follows import (
    follow_article,
    followed_articles,
    is_following,
    notify_followers_of_comment,
    unfollow_article,
)
from forum.models import ArticleFollow, CommentStatus, Notification
from forum.moderation import decisions
from forum.notification_kinds import EmailMode
from forum.notifications import mark_read, send_digests, set_email_modes
from forum.pagecache.versions import bump_discussion_version
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

FOLLOWED = Notification.Kind.FOLLOWED_COMMENTS


def _follow_url(article) -> str:
    return reverse("forum:article-follow", kwargs={"slug": article.slug})


def _post(author, article, body="A new thought on this.", **extra):
    return services.post_comment(author=author, article=article, body=body, **extra)


def _followers(article, count: int) -> list:
    members = UserFactory.create_batch(count)
    ArticleFollow.objects.bulk_create([ArticleFollow(member=m, article=article) for m in members])
    return members


# --- The button and the list ---------------------------------------------------------


def test_a_member_follows_and_unfollows_with_the_plain_form(client, member, article):
    client.force_login(member)
    url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert f'action="{_follow_url(article)}"' in html
    assert "Follow this article" in html
    assert 'value="follow"' in html

    response = client.post(_follow_url(article), {"action": "follow", "next": url + "#follow"})
    assert response.status_code == 302
    assert response["Location"] == url + "#follow"
    assert is_following(member, article.pk)
    html = client.get(url).content.decode()
    assert 'value="unfollow"' in html
    assert ">Unfollow<" in html
    assert "You follow “" in html  # the confirmation message

    client.post(_follow_url(article), {"action": "unfollow", "next": url})
    assert not is_following(member, article.pk)


def test_following_twice_is_following_once(member, article):
    first = follow_article(member=member, article=article)
    assert follow_article(member=member, article=article) == first
    assert ArticleFollow.objects.count() == 1
    assert unfollow_article(member=member, article=article) is True
    assert unfollow_article(member=member, article=article) is False


def test_the_stencil_fills_each_members_own_button(client, member, other_member, article):
    follow_article(member=member, article=article)
    url = article.get_absolute_url()
    client.force_login(other_member)
    client.get(url)  # makes the stencil
    response = client.get(url)
    assert response["X-Page-Stencil"] == "hit"
    assert 'value="follow"' in response.content.decode()
    client.force_login(member)
    response = client.get(url)
    assert response["X-Page-Stencil"] == "hit"
    assert 'value="unfollow"' in response.content.decode()


def test_the_anonymous_page_has_no_button_and_following_leaves_it_cached(client, member, article):
    url = article.get_absolute_url()
    before = client.get(url)
    assert "article-follow" not in before.content.decode()
    assert _follow_url(article) not in before.content.decode()
    follow_article(member=member, article=article)
    after = client.get(url)
    assert after.content == before.content


def test_followers_cost_the_member_page_nothing_more(client, member, article):
    url = article.get_absolute_url()
    client.force_login(member)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url)["X-Page-Stencil"] == "hit"
    few = len(captured)
    _followers(article, 40)
    follow_article(member=member, article=article)
    bump_discussion_version(article.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url)["X-Page-Stencil"] == "hit"
    assert len(captured) == few
    assert sum("forum_articlefollow" in q["sql"] for q in captured.captured_queries) == 1


def test_visitors_must_sign_in_and_only_post_counts(client, article):
    response = client.post(_follow_url(article), {"action": "follow"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not ArticleFollow.objects.exists()
    client.force_login(UserFactory())
    assert client.get(_follow_url(article)).status_code == 405


def test_a_draft_cannot_be_followed_and_a_foreign_next_is_ignored(client, member):
    draft = ArticleFactory(status="draft")
    client.force_login(member)
    assert client.post(_follow_url(draft), {"action": "follow"}).status_code == 404
    assert not ArticleFollow.objects.exists()
    article = ArticleFactory()
    response = client.post(
        _follow_url(article), {"action": "follow", "next": "https://evil.example/"}
    )
    assert response["Location"] == article.get_absolute_url() + "#follow"


def test_settings_list_the_followed_articles_and_unfollow_there(client, member):
    older, newer = ArticleFactory(title="Older One"), ArticleFactory(title="Newer One")
    follow_article(member=member, article=older)
    follow_article(member=member, article=newer)
    assert followed_articles(member) == [newer, older]
    client.force_login(member)
    settings_url = reverse("account-settings")
    html = client.get(settings_url).content.decode()
    assert "Articles you follow" in html
    assert html.index("Newer One") < html.index("Older One")

    response = client.post(
        _follow_url(older), {"action": "unfollow", "next": settings_url + "#following"}
    )
    assert response["Location"] == settings_url + "#following"
    html = client.get(settings_url).content.decode()
    assert "You no longer follow “Older One”." in html
    listed = html[html.index('id="following"') : html.index('id="security-heading"')]
    assert "Older One" not in listed
    assert "Newer One" in listed
    unfollow_article(member=member, article=newer)
    assert "You follow no article" in client.get(settings_url).content.decode()


def test_a_withdrawn_article_can_still_be_unfollowed(client, member, article):
    follow_article(member=member, article=article)
    article.status = "draft"
    article.save()
    client.force_login(member)
    client.post(_follow_url(article), {"action": "unfollow"})
    assert not ArticleFollow.objects.exists()


# --- Who is told of new comments -------------------------------------------------------


def test_followers_hear_of_a_new_comment_but_never_its_author(
    member, other_member, article, django_capture_on_commit_callbacks
):
    follow_article(member=member, article=article)
    follow_article(member=other_member, article=article)
    stranger = UserFactory()  # follows nothing
    with django_capture_on_commit_callbacks(execute=True):
        comment = _post(other_member, article)
    notes = list(Notification.objects.filter(kind=FOLLOWED))
    assert [(n.recipient, n.comment, n.actor, n.article, n.count) for n in notes] == [
        (member, comment, other_member, article, 1)
    ]
    assert not Notification.objects.filter(recipient=stranger).exists()


def test_replying_does_not_follow(
    member, other_member, article, django_capture_on_commit_callbacks
):
    root = CommentFactory(article=article, author=member)
    with django_capture_on_commit_callbacks(execute=True):
        _post(other_member, article, parent=root)
    assert not ArticleFollow.objects.exists()
    assert not Notification.objects.filter(kind=FOLLOWED).exists()


def test_a_closed_account_and_an_unfollower_are_told_nothing(
    member, other_member, article, django_capture_on_commit_callbacks
):
    closed = UserFactory(is_active=False)
    follow_article(member=closed, article=article)
    follow_article(member=member, article=article)
    unfollow_article(member=member, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        _post(other_member, article)
    assert not Notification.objects.exists()


def test_comments_coalesce_into_one_notification_until_it_is_read(
    member, article, django_capture_on_commit_callbacks
):
    follow_article(member=member, article=article)
    writers = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        comments = [_post(w, article, body=f"Thought number {i}.") for i, w in enumerate(writers)]
    (note,) = Notification.objects.filter(recipient=member, kind=FOLLOWED)
    assert note.count == 3
    assert (note.comment, note.actor) == (comments[-1], writers[-1])  # the newest

    mark_read(member)
    with django_capture_on_commit_callbacks(execute=True):
        latest = _post(writers[0], article, body="After you read them.")
    unread = Notification.objects.filter(recipient=member, kind=FOLLOWED).unread()
    assert [(n.count, n.comment) for n in unread] == [(1, latest)]
    assert Notification.objects.filter(recipient=member).count() == 2


def test_each_followed_article_has_its_own_notification(
    member, other_member, django_capture_on_commit_callbacks
):
    first, second = ArticleFactory(), ArticleFactory()
    for article in (first, second):
        follow_article(member=member, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        _post(other_member, first)
        _post(other_member, second)
    assert sorted(Notification.objects.values_list("article_id", "count")) == sorted(
        [(first.pk, 1), (second.pk, 1)]
    )


def test_a_held_comment_is_told_when_approved_not_before(
    settings, member, other_member, moderator, article, django_capture_on_commit_callbacks
):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    newcomer = UserFactory()
    follow_article(member=member, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        held = _post(newcomer, article)
    assert held.status == CommentStatus.PENDING
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.approve_comment(comment_id=held.pk, moderator=moderator)
    (note,) = Notification.objects.all()
    assert (note.recipient, note.comment, note.kind) == (member, held, FOLLOWED)


def test_a_comment_removed_before_the_task_runs_tells_nobody(member, other_member, article):
    follow_article(member=member, article=article)
    comment = CommentFactory(article=article, author=other_member, status=CommentStatus.REMOVED)
    assert notify_followers_of_comment.call(comment_id=comment.pk) == 0
    assert not Notification.objects.exists()


# --- What it costs ----------------------------------------------------------------------


def _posting_queries(client, article) -> int:
    writer = UserFactory()
    client.force_login(writer)
    url = reverse("forum:comment-create", kwargs={"slug": article.slug})
    data = {"body": "A thoughtful comment.", "form_token": str(uuid.uuid4()), "kind": ""}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302
    return len(captured)


def test_posting_costs_the_same_queries_with_no_followers_or_many(client):
    quiet, followed = ArticleFactory(), ArticleFactory()
    _followers(followed, 60)
    _posting_queries(client, quiet)  # warms what the first request of all loads
    assert _posting_queries(client, quiet) == _posting_queries(client, followed)


def test_the_fan_out_costs_the_same_queries_for_ten_followers_or_sixty():
    # Sixty, not more: SQLite splits a bulk insert at 999 parameters (11 fields a row).
    counts = []
    for followers in (10, 60):
        article = ArticleFactory()
        _followers(article, followers)
        for round_ in range(2):  # the first inserts, the second coalesces
            comment = CommentFactory(article=article)
            with CaptureQueriesContext(connection) as captured:
                assert notify_followers_of_comment.call(comment_id=comment.pk) == followers
            counts.append((round_, len(captured)))
    assert counts[0] == counts[2]
    assert counts[1] == counts[3]
    assert Notification.objects.filter(count=2).count() == 70


# --- Re-review --------------------------------------------------------------------------


def _admin_change(admin_client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "published_on": article.published_on.isoformat(),
            "discussion_open": "on",
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
            "references-MIN_NUM_FORMS": "0",
            "references-MAX_NUM_FORMS": "1000",
        }
    )
    for name in ("last_reviewed", "next_review_due"):
        if isinstance(data.get(name), datetime.date):
            data[name] = data[name].isoformat()
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_followers_hear_when_an_editor_records_a_new_review(
    admin_client, member, article, django_capture_on_commit_callbacks
):
    follow_article(member=member, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(admin_client, article, headline="A clearer headline")
    assert not Notification.objects.exists()  # an edit is no review
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(
            admin_client, article, last_reviewed="2026-05-10", reviewer_name="Dr. Ana Ruiz"
        )
    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind, note.article, note.actor) == (
        member,
        Notification.Kind.ARTICLE_UPDATE,
        article,
        None,
    )


# --- Email for followers (at once, in the digest, or not at all) -------------------------


def _choose(member, kind, mode) -> None:
    set_email_modes(member=member, modes={kind: mode})
    member.refresh_from_db()


def test_a_follower_who_asks_at_once_gets_one_email_until_they_read(
    member, article, django_capture_on_commit_callbacks, mailoutbox
):
    follow_article(member=member, article=article)
    _choose(member, FOLLOWED, EmailMode.NOW)
    writers = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(writers[0], article, body="The first new thought.")
    (email,) = mailoutbox
    assert email.to == [member.email]
    assert f"New comments on “{article.title}”, an article you follow" in email.body
    assert "The first new thought." in email.body
    assert first.get_absolute_url() in email.body
    assert "/unsubscribe/" in email.body
    assert email.extra_headers["List-Unsubscribe"]

    with django_capture_on_commit_callbacks(execute=True):
        for i, writer in enumerate(writers[1:]):
            _post(writer, article, body=f"Coalesced thought {i}.")
    assert len(mailoutbox) == 1  # the unread notification counts them; no more email

    mark_read(member)
    with django_capture_on_commit_callbacks(execute=True):
        _post(writers[0], article, body="After reading, a new one.")
    assert len(mailoutbox) == 2
    assert "After reading, a new one." in mailoutbox[1].body


def test_followed_comments_wait_for_the_digest_by_default(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    follow_article(member=member, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        _post(other_member, article)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
    (digest,) = mailoutbox
    assert f"New comments on “{article.title}”" in digest.body


def test_a_follower_who_turned_followed_comments_off_gets_no_email(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    follow_article(member=member, article=article)
    _choose(member, FOLLOWED, EmailMode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        _post(other_member, article)
        assert send_digests() == 0
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=member, kind=FOLLOWED).exists()  # on the site


def test_only_the_followers_who_asked_are_emailed_at_once(
    member, other_member, article, django_capture_on_commit_callbacks, mailoutbox
):
    eager, patient = UserFactory(), UserFactory()
    for follower in (eager, patient):
        follow_article(member=follower, article=article)
    _choose(eager, FOLLOWED, EmailMode.NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _post(other_member, article)
    assert [email.to for email in mailoutbox] == [[eager.email]]


def test_a_re_review_is_emailed_at_once_when_asked(
    admin_client, member, article, django_capture_on_commit_callbacks, mailoutbox
):
    follow_article(member=member, article=article)
    _choose(member, Notification.Kind.ARTICLE_UPDATE, EmailMode.NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(
            admin_client, article, last_reviewed="2026-05-10", reviewer_name="Dr. Ana Ruiz"
        )
    (email,) = mailoutbox
    assert f"“{article.title}”, an article you follow" in email.body


def test_settings_offer_a_choice_for_followed_comments(client, member):
    client.force_login(member)
    html = client.get(reverse("account-settings")).content.decode()
    assert "New comments on articles you follow" in html
    assert "An article you follow is reviewed again" in html
    assert f'name="email_{FOLLOWED}"' in html
