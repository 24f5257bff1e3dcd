"""Private information before posting (issue 19): what the patterns find, measured on
the labelled set, and how posting, the composer and the queue treat it."""

import csv
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from forum.models import Comment, CommentStatus
from forum.moderation.privacy import describe, find_private_information
from forum.moderation.queue import queue_page
from forum.moderation.screening import HOLD_PRIVATE, screen_comment
from forum.services import EditRefused, PostingRefused, edit_comment, post_comment
from tests.integration.conftest import create_url, post_data
from tests.moderation.conftest import make_comment

DATA = Path(__file__).parent / "data" / "private_information.tsv"
# Written in December 2026 by helpers who saw neither the patterns nor the other sets: the
# patterns were widened against the first two; the held-out set was never shown to anyone
# working on them, and is the honest figure (README, "Private information").
DEV = Path(__file__).parent / "data" / "private_information_dev.tsv"
HELD_OUT = Path(__file__).parent / "data" / "private_information_held_out.tsv"
ARTICLE = Path(django_settings.BASE_DIR) / "articles" / "content" / "magnesium-for-fibromyalgia.md"
PHONE = "My number is 555 0134, text me any time."


def _rows(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_the_labelled_set_has_its_promised_make_up():
    rows = _rows()
    negatives = [row for row in rows if row["label"] == "0"]
    assert len(rows) >= 150
    assert len(negatives) >= len(rows) / 2
    kinds = {row["category"] for row in rows if row["label"] == "1"}
    assert kinds == {"phone", "email", "address", "birth_date", "third_party"}


def test_the_blind_sets_are_half_hard_negatives_and_hold_the_disguised_kinds():
    for path, size in ((DEV, 300), (HELD_OUT, 200)):
        rows = _rows(path)
        assert len(rows) == size
        assert sum(row["label"] == "0" for row in rows) == size / 2
        categories = {row["category"] for row in rows}
        assert {"obfuscated", "spanish", "named_doctor", "public_contact"} <= categories


@pytest.mark.parametrize("path", [DATA, DEV, HELD_OUT], ids=["first", "dev", "held-out"])
def test_recall_is_at_least_95_percent_with_at_most_5_percent_false_prompts(path):
    rows = _rows(path)
    positives = [row["text"] for row in rows if row["label"] == "1"]
    negatives = [row["text"] for row in rows if row["label"] == "0"]
    missed = [text for text in positives if not find_private_information(text)]
    prompted = [text for text in negatives if find_private_information(text)]
    assert len(missed) <= 0.05 * len(positives), missed
    assert len(prompted) <= 0.05 * len(negatives), prompted


def test_the_articles_own_text_asks_nothing():
    assert find_private_information(ARTICLE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Call me on 07700 900123 please", "phone", "07700 900123"),
        ("my number is 555 0134", "phone", "555 0134"),
        ("Email me at jane.doe@example.org", "email", "jane.doe@example.org"),
        ("write to jane at example dot org", "email", "jane at example dot org"),
        ("I live at 22 Baker Street now", "address", "22 Baker Street"),
        ("Vivo en la calle Mayor 12.", "address", "calle Mayor 12"),
        ("I was born on 12 March 1984.", "birth_date", "born on 12 March 1984"),
        ("My sister Jane has lupus.", "third_party", "My sister Jane has"),
        ("Dr. Patel told me to stop.", "third_party", "Dr. Patel told me"),
    ],
)
def test_each_kind_is_found_with_its_words(text, kind, found):
    findings = find_private_information(text)
    assert [(finding.kind, finding.text) for finding in findings] == [(kind, found)]
    assert text[findings[0].start : findings[0].end].startswith(found)


@pytest.mark.parametrize(
    "text",
    [
        "I take 10 mg of amitriptyline at night.",
        "Diagnosed in 2009, worse between 2019 2020 and 2021.",
        "PMID 12345678 is the trial.",
        "doi:10.1016/j.jpain.2019.05.013",
        "Dr. Staud's study was small.",
        "As Dr. Staud et al. wrote, levels vary.",
        "My sister has fibro too.",
        "My doctor told me to try it.",
        "Eur J Pain 2015;19(10):1423-1435.",
    ],
)
def test_ordinary_comments_ask_nothing(text):
    assert find_private_information(text) == []


def test_the_prompt_names_everything_that_was_found():
    findings = find_private_information("Call 07700 900123 or mail a@b.org")
    assert describe(findings) == "a phone number and an email address"


# --- Posting -------------------------------------------------------------------------


@pytest.fixture
def regular(db, article, member, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 1
    make_comment(article, member, "An earlier, approved comment.")
    return member


def test_private_information_asks_first_and_stores_nothing(regular, article):
    with pytest.raises(PostingRefused) as refused:
        post_comment(author=regular, article=article, body=PHONE)
    assert refused.value.code == "confirm_privacy"
    assert "a phone number" in refused.value.message
    assert not Comment.objects.filter(body_source=PHONE).exists()


def test_posted_anyway_it_is_held_with_the_reason(regular, article):
    comment = post_comment(author=regular, article=article, body=PHONE, privacy_confirmed=True)
    assert (comment.status, comment.hold_reason) == (CommentStatus.PENDING, HOLD_PRIVATE)
    assert comment.matched_text == "555 0134"
    assert "phone number" in comment.matched_rule


def test_an_ordinary_comment_is_published(regular, article):
    comment = post_comment(author=regular, article=article, body="I take 10 mg, since 2019.")
    assert comment.status == CommentStatus.PUBLISHED


def test_dosing_and_privacy_both_ask_and_the_hold_names_private_information(regular, article):
    body = "Take 400 mg every night. Call me on 07700 900123."
    first = screen_comment(author=regular, article=article, body_source=body)
    assert first.action == "confirm_dosing"
    second = screen_comment(
        author=regular, article=article, body_source=body, dosing_confirmed=True
    )
    assert second.action == "confirm_privacy"
    third = screen_comment(
        author=regular,
        article=article,
        body_source=body,
        dosing_confirmed=True,
        privacy_confirmed=True,
    )
    assert (third.action, third.hold_reason) == ("hold", HOLD_PRIVATE)


def test_an_edit_adding_private_information_asks_then_holds(member, article):
    comment = make_comment(article, member, "Fine words.")
    with pytest.raises(EditRefused) as refused:
        edit_comment(comment=comment, editor=member, body=PHONE)
    assert refused.value.code == "confirm_privacy"
    comment.refresh_from_db()
    assert comment.body_source == "Fine words."
    edited = edit_comment(comment=comment, editor=member, body=PHONE, privacy_confirmed=True)
    assert (edited.status, edited.hold_reason) == (CommentStatus.PENDING, HOLD_PRIVATE)


def test_a_held_private_comment_ranks_as_private_information_in_the_queue(
    regular, article, moderator
):
    make_comment(article, regular, "Waiting for a new member.", status=CommentStatus.PENDING)
    held = post_comment(author=regular, article=article, body=PHONE, privacy_confirmed=True)
    page = queue_page(moderator=moderator, page_number=1)
    assert page.object_list[0].comment == held
    assert page.object_list[0].hold_label == "Private information"
    filtered = queue_page(moderator=moderator, page_number=1, reason="private_info")
    assert [item.comment for item in filtered.object_list] == [held]


# --- The composer --------------------------------------------------------------------


def test_the_prompt_marks_what_was_found_and_keeps_the_text_and_choices(client, regular, article):
    client.force_login(regular)
    body = "Call me <b>now</b> on 07700 900123"
    response = client.post(create_url(article), post_data(body, kind="experience"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your comment seems to include a phone number" in html
    assert "<mark>07700 900123</mark>" in html
    assert "Call me &lt;b&gt;now&lt;/b&gt; on" in html  # the member's text, escaped
    assert "Call me &lt;b&gt;now&lt;/b&gt; on 07700 900123</textarea>" in html
    assert '<option value="experience" selected>' in html
    assert 'name="privacy_confirmed" value="1"' in html
    assert "Post anyway" in html
    assert 'href="#id_body"' in html
    assert not Comment.objects.filter(body_source=body).exists()


def test_post_anyway_holds_and_says_it_awaits_review(client, regular, article):
    client.force_login(regular)
    response = client.post(
        create_url(article), post_data(PHONE, privacy_confirmed="1"), follow=True
    )
    comment = Comment.objects.get(body_source=PHONE)
    assert (comment.status, comment.hold_reason) == (CommentStatus.PENDING, HOLD_PRIVATE)
    assert "awaiting review" in response.content.decode()


def test_the_prompt_is_not_offered_before_screening_asks(client, regular, article):
    client.force_login(regular)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Post anyway" not in html
