"""The services are the one door: whatever the composer refuses, post_comment and
edit_comment refuse too, with the composer's own words, and store nothing; the posting
limit counts only comments that were stored."""

import datetime
import re
import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from aposbook.models import User
from articles.models import Article
from forum.forms import CommentForm
from forum.models import Comment, CommentRevision, CommentStatus, ModerationAction, WatchedWord
from forum.services import EditRefused, PostingRefused, edit_comment, post_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

# (what the member typed in the composer, what a caller without the form passes)
BAD_INPUTS = {
    "empty": ({"body": " \n\t "}, {"body": " \n\t "}),
    "nul": ({"body": "half\x00way"}, {"body": "half\x00way"}),
    "control character": ({"body": "bell\x07 here"}, {"body": "bell\x07 here"}),
    "too long": ({"body": "a" * 6380}, {"body": "a" * 6380}),
    "too many links": (
        {"body": " ".join(f"https://example.org/{n}" for n in range(20))},
        {"body": " ".join(f"https://example.org/{n}" for n in range(20))},
    ),
    "kind not offered": ({"kind": "rant"}, {"kind": "rant"}),
    "source not https": (
        {"source": "javascript:alert(1)"},
        {"source_type": "url", "source": "javascript:alert(1)"},
    ),
    "source mislabelled": (
        {"source": "see my blog"},
        {"source_type": "doi", "source": "see my blog"},
    ),
    "source type unknown": (
        {"source": "tiktok:123"},
        {"source_type": "tiktok", "source": "123"},
    ),
    "source too long": (
        {"source": "https://example.org/" + "a" * 600},
        {"source_type": "url", "source": "https://example.org/" + "a" * 600},
    ),
    "source with nul": (
        {"source": "10.1000/x\x00"},
        {"source_type": "doi", "source": "10.1000/x\x00"},
    ),
}


def form_message(typed: dict[str, str], *, editing: bool = False) -> str:
    """The composer's first error for this input: what the service must say too."""
    data = {"body": "A fine comment.", "kind": "", "source": "", **typed}
    if not editing:
        data["form_token"] = str(uuid.uuid4())
    form = CommentForm(data, editing=editing)
    assert not form.is_valid()
    return next(iter(form.errors.values()))[0]


def rows() -> dict[str, int]:
    return {
        "comments": Comment.objects.count(),
        "revisions": CommentRevision.objects.count(),
        "actions": ModerationAction.objects.count(),
    }


def call_fields(passed: dict[str, str]) -> dict[str, Any]:
    return {"body": "A fine comment.", "kind": "", "source_type": "", "source": "", **passed}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_post_comment_refuses_what_the_form_refuses_with_its_message(
    case: str, member: User, article: Article
) -> None:
    typed, passed = BAD_INPUTS[case]
    before = rows()
    with pytest.raises(PostingRefused) as refusal:
        post_comment(author=member, article=article, form_token=uuid.uuid4(), **call_fields(passed))
    assert refusal.value.message == form_message(typed)
    assert refusal.value.status == 400
    assert rows() == before


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_edit_comment_refuses_what_the_form_refuses_with_its_message(
    case: str, member: User, article: Article
) -> None:
    typed, passed = BAD_INPUTS[case]
    comment = CommentFactory(article=article, author=member, body_source="as it was")
    before = rows()
    with pytest.raises(EditRefused) as refusal:
        edit_comment(comment=comment, editor=member, **call_fields(passed))
    assert refusal.value.message == form_message(typed, editing=True)
    assert refusal.value.status == 400
    assert rows() == before
    comment.refresh_from_db()
    assert comment.body_source == "as it was"
    assert comment.edited_at is None


def test_post_comment_stores_the_body_as_the_form_cleans_it(member: User, article: Article) -> None:
    comment = post_comment(author=member, article=article, body="\n\nHello\n\n")
    assert comment.body_source == "Hello"


def test_edit_on_a_closed_discussion_is_refused(member: User, article: Article) -> None:
    comment = CommentFactory(article=article, author=member, body_source="as it was")
    article.discussion_open = False
    article.save()
    with pytest.raises(EditRefused) as refusal:
        edit_comment(comment=comment, editor=member, body="new words")
    assert refusal.value.message == "The discussion on this article is closed."
    assert not CommentRevision.objects.exists()


# --- Through the view: the message, the text kept, nothing stored ---------------------


def create_url(article: Article) -> str:
    return reverse("forum:comment-create", kwargs={"slug": article.slug})


def edit_url(comment: Comment) -> str:
    return reverse("forum:comment-edit", kwargs={"pk": comment.pk})


def composer_data(typed: dict[str, str], **extra: str) -> dict[str, str]:
    data = {"body": "A fine comment.", "form_token": str(uuid.uuid4()), "kind": "", "source": ""}
    return {**data, **typed, **extra}


def kept(html: str, typed: dict[str, str]) -> bool:
    """The member's text is back in the box (escaped as the template escapes it)."""
    body = typed.get("body", "A fine comment.").strip("\n\r")
    return f"{escape(body)}</textarea>" in html


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_posting_through_the_view_says_what_to_fix_and_keeps_the_text(
    case: str, client, member: User, article: Article
) -> None:
    typed, _ = BAD_INPUTS[case]
    client.force_login(member)
    response = client.post(create_url(article), composer_data(typed))
    html = response.content.decode()
    assert response.status_code == 400
    assert escape(form_message(typed)) in html
    if case not in ("empty", "nul", "control character"):
        assert kept(html, typed)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_editing_through_the_view_says_what_to_fix_and_keeps_the_text(
    case: str, client, member: User, article: Article
) -> None:
    typed, _ = BAD_INPUTS[case]
    comment = CommentFactory(article=article, author=member, body_source="as it was")
    client.force_login(member)
    data = {"body": "A fine comment.", "kind": "", "source": "", **typed}
    response = client.post(edit_url(comment), data)
    assert response.status_code == 400
    assert escape(form_message(typed, editing=True)) in response.content.decode()
    assert not CommentRevision.objects.exists()
    comment.refresh_from_db()
    assert comment.body_source == "as it was"


def test_edit_on_a_closed_discussion_through_the_view_keeps_the_text(
    client, member: User, article: Article
) -> None:
    comment = CommentFactory(article=article, author=member, body_source="as it was")
    article.discussion_open = False
    article.save()
    client.force_login(member)
    assert client.get(edit_url(comment)).status_code == 403
    response = client.post(edit_url(comment), {"body": "my new words", "kind": "", "source": ""})
    html = response.content.decode()
    assert response.status_code == 403
    assert "The discussion on this article is closed." in html
    assert "my new words</textarea>" in html
    assert not CommentRevision.objects.exists()


# --- The posting limit counts stored comments only ------------------------------------

NOW = datetime.datetime(2026, 3, 2, 9, 30, 5, tzinfo=datetime.UTC)
# In seconds under a minute, else in minutes (forum.ratelimit.wait_phrase).
TOO_FAST = re.compile(r"You are posting too fast\. Try again in (\d+ seconds?|1 minute)\.")


@pytest.fixture
def one_a_minute(client: Client, member: User, settings: Any) -> Client:
    """A signed-in member allowed one comment a minute."""
    settings.FORUM_POST_RATE = ["1/m"]
    client.force_login(member)
    return client


@time_machine.travel(NOW, tick=False)
def test_post_comment_itself_enforces_the_posting_limit(
    member: User, article: Article, settings
) -> None:
    settings.FORUM_POST_RATE = ["2/m", "40/h"]
    for number in range(2):
        post_comment(author=member, article=article, body=f"post {number}")
    with pytest.raises(PostingRefused) as refusal:
        post_comment(author=member, article=article, body="third in a minute")
    assert refusal.value.status == 429
    assert refusal.value.code == "too_fast"
    # Frozen time: the first post leaves the window a full minute from now.
    assert refusal.value.message == "You are posting too fast. Try again in 1 minute."
    assert Comment.objects.count() == 2


def test_the_limit_frees_a_post_when_the_oldest_leaves_the_window(
    member: User, article: Article, settings
) -> None:
    settings.FORUM_POST_RATE = ["1/m"]
    with time_machine.travel(NOW, tick=False):
        post_comment(author=member, article=article, body="first")
    with time_machine.travel(NOW + datetime.timedelta(seconds=45), tick=False):
        with pytest.raises(PostingRefused) as refusal:
            post_comment(author=member, article=article, body="too soon")
        assert refusal.value.message == "You are posting too fast. Try again in 15 seconds."
    with time_machine.travel(NOW + datetime.timedelta(seconds=61), tick=False):
        post_comment(author=member, article=article, body="in time")
    assert Comment.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_a_watched_word_refusal_does_not_use_up_a_post(one_a_minute, article: Article) -> None:
    WatchedWord.objects.create(pattern="forbidden", action=WatchedWord.Action.BLOCK)
    for _ in range(2):
        refused = one_a_minute.post(
            create_url(article), composer_data({"body": "a forbidden word"})
        )
        assert refused.status_code == 400
    response = one_a_minute.post(create_url(article), composer_data({"body": "rephrased"}))
    assert response.status_code == 302
    assert Comment.objects.get().body_source == "rephrased"


@time_machine.travel(NOW, tick=False)
def test_the_dosing_prompt_does_not_use_up_a_post(one_a_minute, article: Article) -> None:
    data = composer_data({"body": "You should take 400 mg every night."})
    prompted = one_a_minute.post(create_url(article), data)
    assert prompted.status_code == 400
    assert "gives doses" in prompted.content.decode()
    confirmed = one_a_minute.post(create_url(article), {**data, "dosing_confirmed": "on"})
    assert confirmed.status_code == 302
    assert Comment.objects.get().status == CommentStatus.PENDING


@time_machine.travel(NOW, tick=False)
def test_resubmitting_a_saved_comment_after_the_limit_returns_it(
    one_a_minute, article: Article
) -> None:
    data = composer_data({"body": "sent once, clicked twice"})
    first = one_a_minute.post(create_url(article), data)
    again = one_a_minute.post(create_url(article), data)
    comment = Comment.objects.get()
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == comment.get_absolute_url()
    # and a genuinely new comment is still refused, with the text kept
    refused = one_a_minute.post(create_url(article), composer_data({"body": "a second one"}))
    assert refused.status_code == 429
    assert TOO_FAST.search(refused.content.decode())
    assert "a second one</textarea>" in refused.content.decode()
    assert Comment.objects.count() == 1
