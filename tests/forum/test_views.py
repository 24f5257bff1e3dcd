import datetime
import re
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from forum.models import Comment, CommentStatus, Sanction
from forum.ratelimit import wait_phrase
from tests.factories import CommentFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

NOTICE = (
    "Please remain authentic and respectful. Aposbook does not endorse any comment and is "
    "not responsible for any wrong information provided by users."
)


def create_url(article):
    return reverse("forum:comment-create", kwargs={"slug": article.slug})


def post_data(body="A thoughtful comment.", **extra):
    return {"body": body, "form_token": str(uuid.uuid4()), "kind": "", "source": "", **extra}


def page_text(response) -> str:
    return response.content.decode()


# --- Reading -------------------------------------------------------------------


def test_article_page_shows_notice_twice_for_members_count_and_comments(client, member, article):
    CommentFactory(article=article, body_source="Helpful *note*", kind="supports")
    client.force_login(member)
    html = page_text(client.get(article.get_absolute_url()))
    assert '<h2 id="discussion-heading">Discussion forum</h2>' in html
    assert html.count(NOTICE) == 2  # above the comments and beside the form
    assert "1 comment<" in html
    assert "<p>Helpful <em>note</em></p>" in html
    assert 'class="badge badge--supports"' in html


def test_comment_shows_author_link_times_and_permalink(client, article):
    comment = CommentFactory(article=article)
    comment.edited_at = timezone.now()
    comment.save()
    html = page_text(client.get(article.get_absolute_url()))
    assert f'href="/members/{comment.author.username}/"' in html
    assert f'<time datetime="{comment.created_at:%Y-%m-%dT%H:%M:%S+0000}">' in html
    assert "ago" in html or "now" in html
    assert ">edited<" in html
    assert f'href="/comments/{comment.pk}/"' in html


def test_anonymous_reader_is_invited_to_sign_in(client, article):
    html = page_text(client.get(article.get_absolute_url()))
    assert "Sign in to join the discussion" in html
    assert f"{reverse('account_login')}?next=" in html
    assert 'name="body"' not in html


def test_unverified_member_sees_why_and_where_to_verify(client, unverified_member, article):
    client.force_login(unverified_member)
    html = page_text(client.get(article.get_absolute_url()))
    assert "Verify your email address" in html
    assert f'href="{reverse("account_email")}"' in html
    assert 'name="body"' not in html


def test_closed_discussion_says_so(client, member, article):
    article.discussion_open = False
    article.save()
    client.force_login(member)
    html = page_text(client.get(article.get_absolute_url()))
    assert "The discussion on this article is closed." in html
    assert 'name="body"' not in html


def test_suspended_member_sees_the_end_of_the_suspension(client, member, article):
    Sanction.objects.create(
        member=member, kind="suspension", reason="x", ends_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(member)
    assert "suspended until" in page_text(client.get(article.get_absolute_url()))


def test_removed_and_deleted_comments_leave_placeholders_only_with_replies(client, article):
    removed = CommentFactory(
        article=article, status="removed", removal_reason="harassment", body_source="nasty"
    )
    CommentFactory(article=article, parent=removed, body_source="a reply stays")
    deleted = CommentFactory(article=article, status="deleted", body_source="regretted")
    CommentFactory(article=article, parent=deleted, body_source="another reply")
    CommentFactory(article=article, status="deleted", body_source="alone and deleted")
    CommentFactory(article=article, status="removed", body_source="alone and removed")
    html = page_text(client.get(article.get_absolute_url()))
    assert "Removed by a moderator: Disrespectful or harassing" in html
    assert "Deleted by its author" in html
    assert "a reply stays" in html
    assert "another reply" in html
    for hidden_text in ("nasty", "regretted", "alone and deleted", "alone and removed"):
        assert hidden_text not in html
    assert html.count("comment--gone") == 2


def test_pending_comment_is_seen_only_by_its_author_and_moderators(
    client, member, other_member, moderator, article
):
    CommentFactory(article=article, author=member, status="pending", body_source="waiting text")
    assert "waiting text" not in page_text(client.get(article.get_absolute_url()))
    client.force_login(other_member)
    assert "waiting text" not in page_text(client.get(article.get_absolute_url()))
    client.force_login(member)
    html = page_text(client.get(article.get_absolute_url()))
    assert "waiting text" in html
    assert "Awaiting review" in html
    client.force_login(moderator)
    assert "waiting text" in page_text(client.get(article.get_absolute_url()))


def test_deep_reply_says_whom_it_answers(client, article):
    top = CommentFactory(article=article)
    second = CommentFactory(article=article, parent=top)
    third = CommentFactory(article=article, parent=second)
    CommentFactory(article=article, parent=second, in_reply_to=third, depth=2)
    html = page_text(client.get(article.get_absolute_url()))
    assert f'in reply to <a href="#comment-{third.pk}">@{third.author.username}</a>' in html


def test_reply_to_a_removed_comment_links_to_no_missing_anchor(client, article):
    top = CommentFactory(article=article)
    second = CommentFactory(article=article, parent=top)
    third = CommentFactory(article=article, parent=second, status="removed")
    CommentFactory(article=article, parent=second, in_reply_to=third, depth=2)
    html = page_text(client.get(article.get_absolute_url()))
    assert f'id="comment-{third.pk}"' not in html
    assert f'href="#comment-{third.pk}"' not in html
    assert f"in reply to @{third.author.username} (no longer shown)" in html


def test_member_text_reads_in_its_own_direction(client, article):
    CommentFactory(article=article, body_source="שלום, המגנזיום עזר לי לישון.")
    html = page_text(client.get(article.get_absolute_url()))
    assert '<div class="comment__body" dir="auto"><p>שלום' in html


def test_cited_source_links_out_and_says_it_matches_a_reference(client, article):
    ReferenceFactory(article=article, position=3, doi="10.1000/xyz")
    CommentFactory(
        article=article,
        source_type="doi",
        source="10.1000/xyz",
        source_reference=article.references.get(),
    )
    html = page_text(client.get(article.get_absolute_url()))
    assert "Cites a source:" in html
    assert '<a href="https://doi.org/10.1000/xyz" rel="nofollow ugc noopener noreferrer">' in html
    assert "matches reference [3]" in html


def test_threads_paginate_sort_and_filter(client, article, settings):
    settings.FORUM_THREADS_PER_PAGE = 2
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False) as traveller:
        for number, kind in enumerate(["question", "supports", "question", "skeptical"]):
            CommentFactory(article=article, body_source=f"thread {number}", kind=kind)
            traveller.shift(timedelta(minutes=1))
    url = article.get_absolute_url()
    first = page_text(client.get(url))
    assert "thread 0" in first
    assert "thread 1" in first
    assert "thread 2" not in first
    second = page_text(client.get(url, {"page": 2}))
    assert "thread 2" in second
    assert "thread 3" in second
    newest = page_text(client.get(url, {"sort": "newest"}))
    assert newest.index("thread 3") < newest.index("thread 2")
    questions = page_text(client.get(url, {"type": "question", "page": 1}))
    assert "thread 0" in questions
    assert "thread 2" in questions
    assert "thread 1" not in questions


def test_bad_sort_and_type_params_fall_back_quietly(client, article):
    CommentFactory(article=article, body_source="still here")
    response = client.get(article.get_absolute_url(), {"sort": "evil", "type": "<x>"})
    assert response.status_code == 200
    assert "still here" in page_text(response)


def test_permalink_redirects_to_the_page_and_anchor(client, article, three_threads):
    roots = three_threads
    reply = CommentFactory(article=article, parent=roots[2])
    response = client.get(reply.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?page=2#comment-{reply.pk}"
    first = client.get(roots[0].get_absolute_url())
    assert first["Location"] == f"{article.get_absolute_url()}#comment-{roots[0].pk}"


def test_permalink_to_someone_elses_pending_comment_is_not_found(client, member, article):
    comment = CommentFactory(article=article, author=member, status="pending")
    assert client.get(comment.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(comment.get_absolute_url()).status_code == 302


def test_comment_counts_on_home_page_and_in_json_ld(client, article):
    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=article, status="deleted")
    assert "2 comments" in page_text(client.get("/"))
    assert '"commentCount":2' in page_text(client.get(article.get_absolute_url()))


@pytest.mark.parametrize("size", [5, 2000])
def test_article_page_query_count_does_not_grow_with_comments(
    client, member, article, size, django_assert_max_num_queries
):
    roots = CommentFactory.create_batch(min(size, 60), article=article)
    replies = [
        Comment(
            article=article,
            author=member,
            parent=roots[index % len(roots)],
            root=roots[index % len(roots)],
            depth=1,
            body_source="reply",
            body_html="<p>reply</p>",
        )
        for index in range(size - len(roots))
    ]
    Comment.objects.bulk_create(replies)
    client.force_login(member)
    client.get("/")  # the first request of a session records it (allauth usersessions)
    # User and allauth's session tracking (6), article, references, posting checks (email,
    # sanction, two for permissions), thread count, the page of threads, their replies,
    # comment count: 16 whatever the size.
    with django_assert_max_num_queries(16):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="comment') >= min(size, 60)


# --- Writing -------------------------------------------------------------------


def test_anonymous_post_is_sent_to_sign_in(client, article):
    response = client.post(create_url(article), post_data())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Comment.objects.exists()


def test_member_posts_and_is_redirected_to_the_comment(client, member, article):
    client.force_login(member)
    data = post_data("My *experience*", kind="experience")
    response = client.post(create_url(article), data, follow=True)
    comment = Comment.objects.get()
    assert response.redirect_chain[0] == (comment.get_absolute_url(), 302)
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assert "Your comment is published." in page_text(response)
    assert comment.kind == "experience"
    # Reloading the page after posting is a GET: nothing is posted again.
    client.get(response.redirect_chain[-1][0])
    assert Comment.objects.count() == 1


def test_submitting_the_same_form_twice_creates_one_comment(client, member, article):
    client.force_login(member)
    data = post_data("Only once")
    first = client.post(create_url(article), data)
    second = client.post(create_url(article), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == 1


def test_reply_page_and_reply_post(client, member, other_member, article):
    parent = CommentFactory(article=article, author=other_member, body_source="original")
    client.force_login(member)
    page = client.get(reverse("forum:comment-reply", kwargs={"pk": parent.pk}))
    html = page_text(page)
    assert page.status_code == 200
    assert "original" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert NOTICE in html
    client.post(create_url(article), post_data("answer", parent=parent.pk))
    assert Comment.objects.get(body_source="answer").parent == parent


def test_preview_renders_without_saving(client, member, article):
    client.force_login(member)
    data = post_data("Preview *me* `<b>`", preview="1")
    response = client.post(create_url(article), data)
    html = page_text(response)
    assert response.status_code == 200
    assert "<p>Preview <em>me</em> <code>&lt;b&gt;</code></p>" in html
    assert "Preview *me* `&lt;b&gt;`</textarea>" in html
    assert not Comment.objects.exists()


BAD_INPUT = [
    ("", "Write something before posting."),
    ("   \n\t  ", "Write something before posting."),
    ("x" * 5001, "Your comment is 5,001 characters long; the limit is 5,000."),
    (" ".join(f"https://example.org/{n}" for n in range(6)), "has 6 links; the limit is 5"),
    ("null \x00 byte", "invisible control character"),
    ("bell \x07 character", "invisible control character"),
    ("c1 \x85 control", "invisible control character"),
]


@pytest.mark.parametrize(("body", "message"), BAD_INPUT)
def test_bad_comment_text_is_refused_clearly_and_kept(client, member, article, body, message):
    client.force_login(member)
    response = client.post(create_url(article), post_data(body, kind="question"))
    html = page_text(response)
    assert response.status_code == 400
    assert message in html
    assert 'aria-describedby="id_body_help composer-errors"' in html
    assert 'id="id_body_help"' in html
    if body.strip():
        assert f">\n{body[:60]}" in html  # the text box holds exactly what was typed
    assert '<option value="question" selected>' in html
    assert not Comment.objects.exists()


def post_as_browser(client, url: str, data: dict):
    """A form POST as browsers send it (urlencoded; the test client defaults to multipart)."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


def test_a_one_megabyte_comment_comes_back_in_the_form_with_the_limit(client, member, article):
    """Past DATA_UPLOAD_MAX_MEMORY_SIZE: was the generic 400 page, the text lost."""
    client.force_login(member)
    body = "My long story. " * 70_000  # 1,050,000 characters
    response = post_as_browser(client, create_url(article), post_data(body))
    html = page_text(response)
    assert response.status_code == 400
    assert "Your comment is 1,050,000 characters long; the limit is 5,000." in html
    assert f">\n{body.rstrip()[:200]}" in html
    assert body.rstrip() in html  # the whole text, not a part of it
    assert 'name="form_token"' in html
    assert not Comment.objects.exists()


def test_a_one_megabyte_edit_comes_back_in_the_form(client, member, article):
    comment = CommentFactory(article=article, author=member, body_source="Short.")
    client.force_login(member)
    body = "x" * 1_000_000
    response = post_as_browser(
        client, reverse("forum:comment-edit", args=[comment.pk]), {"body": body}
    )
    assert response.status_code == 400
    assert "the limit is 5,000" in page_text(response)


def test_other_forms_keep_the_site_wide_body_cap(client, member):
    response = post_as_browser(client, "/accounts/login/", {"login": "a", "body": "x" * 1_000_000})
    assert response.status_code == 400
    assert "We could not understand that request" in page_text(response)


def test_a_comment_beyond_the_larger_cap_is_still_refused(client, member, article, settings):
    settings.FORUM_COMMENT_UPLOAD_MAX_SIZE = 600_000
    client.force_login(member)
    response = post_as_browser(client, create_url(article), post_data("x" * 700_000))
    assert response.status_code == 400
    assert "We could not understand that request" in page_text(response)


@pytest.mark.parametrize(
    "source", ["not a source", "http://insecure.example/study", "javascript:alert(1)", "10.12/x"]
)
def test_invalid_source_is_refused_and_text_kept(client, member, article, source):
    client.force_login(member)
    response = client.post(create_url(article), post_data("My text stays", source=source))
    html = page_text(response)
    assert response.status_code == 400
    assert "Cite a DOI" in html
    assert "My text stays</textarea>" in html
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("typed", "source_type", "stored"),
    [
        ("https://doi.org/10.1000/XYZ.9", "doi", "10.1000/XYZ.9"),
        ("doi:10.1000/abc", "doi", "10.1000/abc"),
        ("PMID: 0012345", "pmid", "12345"),
        ("https://pubmed.ncbi.nlm.nih.gov/12345/", "pmid", "12345"),
        ("https://example.org/study?id=3", "url", "https://example.org/study?id=3"),
    ],
)
def test_sources_are_normalized(client, member, article, typed, source_type, stored):
    client.force_login(member)
    client.post(create_url(article), post_data(source=typed))
    comment = Comment.objects.get()
    assert (comment.source_type, comment.source) == (source_type, stored)


def test_preview_says_when_the_source_matches_a_reference(client, member, article):
    ReferenceFactory(article=article, position=4, pmid="555", doi="", title="The trial")
    client.force_login(member)
    data = post_data("see this", source="PMID 555", preview="1")
    html = page_text(client.post(create_url(article), data))
    assert f'<a href="{article.get_absolute_url()}#ref-4">matches reference [4]</a>' in html
    assert not Comment.objects.exists()


def test_preview_shows_a_doi_source_as_the_link_the_comment_will_show(client, member, article):
    client.force_login(member)
    data = post_data("see this", source="https://doi.org/10.1000/xyz", preview="1")
    preview = page_text(client.post(create_url(article), data))
    link = '<a href="https://doi.org/10.1000/xyz" rel="nofollow ugc noopener noreferrer">'
    assert f"{link}doi:10.1000/xyz</a>" in preview
    client.post(create_url(article), post_data("see this", source="https://doi.org/10.1000/xyz"))
    assert f"{link}doi:10.1000/xyz</a>" in page_text(client.get(article.get_absolute_url()))


def test_invalid_doi_prefix_is_refused_and_text_kept(client, member, article):
    client.force_login(member)
    response = client.post(create_url(article), post_data("keep", source="doi:10.1/x"))
    assert response.status_code == 400  # 10.1 is not a DOI prefix
    assert "keep</textarea>" in page_text(response)


def test_replying_to_a_gone_comment_keeps_the_text(client, member, article):
    parent = CommentFactory(article=article, status="deleted")
    client.force_login(member)
    response = client.post(create_url(article), post_data("my answer", parent=parent.pk))
    html = page_text(response)
    assert response.status_code == 400
    assert "no longer available" in html
    assert "my answer</textarea>" in html
    assert Comment.objects.count() == 1


def test_posting_on_a_closed_discussion_keeps_the_text(client, member, article):
    article.discussion_open = False
    article.save()
    client.force_login(member)
    response = client.post(create_url(article), post_data("too late"))
    assert response.status_code == 403
    assert "closed" in page_text(response)
    assert "too late</textarea>" in page_text(response)
    assert not Comment.objects.exists()


def test_suspended_member_post_is_refused_with_end_time(client, member, article):
    Sanction.objects.create(
        member=member, kind="suspension", reason="x", ends_at=timezone.now() + timedelta(hours=5)
    )
    client.force_login(member)
    response = client.post(create_url(article), post_data("let me in"))
    assert response.status_code == 403
    assert "suspended until" in page_text(response)
    assert "let me in</textarea>" in page_text(response)
    assert not Comment.objects.exists()


def test_unverified_member_post_is_refused(client, unverified_member, article):
    client.force_login(unverified_member)
    response = client.post(create_url(article), post_data("unverified text"))
    assert response.status_code == 403
    assert "Verify your email" in page_text(response)
    assert not Comment.objects.exists()


# The limiter counts in fixed one-minute windows: freeze time early in a window so the
# count cannot start again between the posts.
@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 30, 5, tzinfo=datetime.UTC), tick=False)
def test_posting_too_fast_is_limited_with_when_to_retry(client, member, article, settings):
    settings.FORUM_POST_RATE = ["2/m", "40/h"]
    client.force_login(member)
    for number in range(2):
        assert client.post(create_url(article), post_data(f"post {number}")).status_code == 302
    response = client.post(create_url(article), post_data("third in a minute"))
    html = page_text(response)
    assert response.status_code == 429
    # Frozen time: the first post leaves the window a full minute from now.
    assert "You are posting too fast. Try again in 1 minute." in html
    assert "third in a minute</textarea>" in html
    assert Comment.objects.count() == 2


def test_one_second_left_reads_in_the_singular(client, member, article, monkeypatch):
    # The wait is set here, not timed.
    monkeypatch.setattr("forum.services.seconds_until_allowed", lambda author: 1)
    client.force_login(member)
    html = page_text(client.post(create_url(article), post_data("two")))
    assert "You are posting too fast. Try again in 1 second." in html


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [
        (1, "1 second"),
        (55, "55 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (3540, "59 minutes"),
    ],
)
def test_wait_reads_in_seconds_then_minutes(seconds, phrase):
    assert wait_phrase(seconds) == phrase


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 30, 5, tzinfo=datetime.UTC), tick=False)
def test_rate_limit_is_per_member(client, member, other_member, article, settings):
    settings.FORUM_POST_RATE = ["1/m"]
    client.force_login(member)
    client.post(create_url(article), post_data("one"))
    client.force_login(other_member)
    assert client.post(create_url(article), post_data("two")).status_code == 302


def test_premoderated_post_tells_the_author_it_waits(client, member, article):
    article.premoderate = True
    article.save()
    client.force_login(member)
    response = client.post(create_url(article), post_data("held"), follow=True)
    assert "awaiting review" in page_text(response)
    assert Comment.objects.get().status == CommentStatus.PENDING


# --- Editing and deleting ---------------------------------------------------------


def edit_url(comment):
    return reverse("forum:comment-edit", kwargs={"pk": comment.pk})


def delete_url(comment):
    return reverse("forum:comment-delete", kwargs={"pk": comment.pk})


def test_author_edits_within_the_window(client, member, article):
    comment = CommentFactory(article=article, author=member, body_source="before")
    client.force_login(member)
    form = client.get(edit_url(comment))
    assert form.status_code == 200
    assert "before</textarea>" in page_text(form)
    response = client.post(edit_url(comment), {"body": "after", "kind": "", "source": ""})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_source == "after"
    assert comment.revisions.count() == 1


def test_edit_after_the_window_is_refused_with_the_text_kept(client, member, article, settings):
    settings.FORUM_EDIT_WINDOW_MINUTES = 15
    with time_machine.travel(timezone.now() - timedelta(minutes=16)):
        comment = CommentFactory(article=article, author=member, body_source="before")
    client.force_login(member)
    response = client.post(edit_url(comment), {"body": "my new words", "kind": "", "source": ""})
    assert response.status_code == 403
    assert "time to edit" in page_text(response).lower() or "15 minutes" in page_text(response)
    assert "my new words</textarea>" in page_text(response)
    assert "Save changes" not in page_text(response)
    comment.refresh_from_db()
    assert comment.body_source == "before"


def test_preview_after_the_window_offers_no_save(client, member, article, settings):
    settings.FORUM_EDIT_WINDOW_MINUTES = 15
    with time_machine.travel(timezone.now() - timedelta(minutes=16)):
        comment = CommentFactory(article=article, author=member, body_source="before")
    client.force_login(member)
    data = {"body": "my new words", "kind": "", "source": "", "preview": "1"}
    html = page_text(client.post(edit_url(comment), data))
    assert "Save changes" not in html
    assert "Preview</h2>" not in html
    assert "my new words</textarea>" in html


def test_edit_page_says_how_long_editing_remains(client, member, article, settings):
    settings.FORUM_EDIT_WINDOW_MINUTES = 15
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        comment = CommentFactory(article=article, author=member)
    client.force_login(member)
    html = page_text(client.get(edit_url(comment)))
    assert re.search(
        r"You can change this comment until <time datetime=\S+>\d\d:\d\d</time>, "
        r"(9|10)\xa0minutes from now",
        html,
    )


def test_edit_refusal_after_the_window_links_back_to_the_discussion(
    client, member, article, settings
):
    settings.FORUM_EDIT_WINDOW_MINUTES = 15
    with time_machine.travel(timezone.now() - timedelta(minutes=16)):
        comment = CommentFactory(article=article, author=member)
    client.force_login(member)
    html = page_text(client.get(edit_url(comment)))
    assert f'<a href="{article.get_absolute_url()}#discussion">Back to the discussion</a>' in html
    assert "Back to the Science Center" not in html


def test_editing_or_deleting_someone_elses_comment_is_forbidden(
    client, member, other_member, article
):
    comment = CommentFactory(article=article, author=member)
    client.force_login(other_member)
    assert client.get(edit_url(comment)).status_code == 403
    assert client.post(edit_url(comment), {"body": "hijack"}).status_code == 403
    assert client.get(delete_url(comment)).status_code == 403
    assert client.post(delete_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "published"
    assert comment.body_source != "hijack"


def test_edit_form_errors_keep_the_text(client, member, article):
    comment = CommentFactory(article=article, author=member)
    client.force_login(member)
    response = client.post(edit_url(comment), {"body": "bad \x00", "kind": "", "source": ""})
    assert response.status_code == 400
    assert "control character" in page_text(response)


def test_delete_asks_for_confirmation_then_deletes(client, member, article):
    comment = CommentFactory(article=article, author=member, body_source="bye")
    client.force_login(member)
    confirm = client.get(delete_url(comment))
    assert confirm.status_code == 200
    assert "Delete my comment" in page_text(confirm)
    comment.refresh_from_db()
    assert comment.status == "published"
    response = client.post(delete_url(comment))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.DELETED
    assert "bye" not in page_text(client.get(article.get_absolute_url()))


def test_author_sees_edit_and_delete_links_others_do_not(client, member, other_member, article):
    comment = CommentFactory(article=article, author=member)
    client.force_login(member)
    assert edit_url(comment) in page_text(client.get(article.get_absolute_url()))
    client.force_login(other_member)
    html = page_text(client.get(article.get_absolute_url()))
    assert edit_url(comment) not in html
    assert delete_url(comment) not in html
    assert reverse("forum:comment-reply", kwargs={"pk": comment.pk}) in html


def test_hidden_comment_with_replies_shows_a_placeholder_to_the_public(client, article):
    hidden = CommentFactory(article=article, status="hidden", body_source="under review")
    CommentFactory(article=article, parent=hidden, body_source="a visible answer")
    html = page_text(client.get(article.get_absolute_url()))
    assert "Hidden while a moderator reviews it" in html
    assert "under review" not in html
    assert "a visible answer" in html
