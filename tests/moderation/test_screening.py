import pytest

from forum.models import CommentStatus, WatchedWord
from forum.moderation.screening import (
    HOLD_ARTICLE,
    HOLD_CATEGORY,
    HOLD_DOSING,
    HOLD_NEW_MEMBER,
    HOLD_REMOVALS,
    HOLD_WATCHED_WORD,
    find_dosing_advice,
    needs_dosing_confirmation,
    screen_comment,
)
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment
from tests.moderation.dosing_phrasings import ADVICE, EXPERIENCE

DOSING = [
    ("Vitamin D 5000 IU every morning", "5000 IU"),
    ("vitamin d 1000 iu daily", "1000 iu"),
    ("You should take magnesium citrate.", "You should take"),
    ("you need to try glycinate", "you need to try"),
    ("Try taking it with food.", "Try taking"),
    ("Take magnesium at night. It helps.", "Take magnesium"),
    ("It helped me. Take zinc with it!", "Take zinc"),
    ("Take 400 mg before bed.", "400 mg"),
    ("The dose is 400 mg.", "400 mg"),
    ("The right dose is what your doctor says.", "The right dose is"),
]
NOT_DOSING = [
    "I have had fibromyalgia for 9 years.",
    "In 2019 my sleep got better.",
    "The 3 groups in the trial were small.",
    "Is this a 5G conspiracy?",
    "Take care, everyone.",
    "Take a look at the second study.",
    "I take it at night and it helps me.",
    "It took me 2 months to notice anything.",
    "What did you take before this?",
    "Page 12 of the review, table 4.",
    # First-person experience with doses: what the prompt asks for, so no prompt.
    "I take 400 mg before bed.",
    "Started on 250mg twice a day",
    "My doctor said 50 mcg of B12",
    "I use 100 µg of selenium",
]


def test_prompt_fires_on_advice_and_not_on_experience():
    """Issue 18: at least 90 % of advice, at most 10 % of first-person or quoted experience."""
    assert len(ADVICE) >= 30
    assert len(EXPERIENCE) >= 30
    advice_hits = [text for text in ADVICE if needs_dosing_confirmation(text)]
    experience_hits = [text for text in EXPERIENCE if needs_dosing_confirmation(text)]
    assert len(advice_hits) >= 0.9 * len(ADVICE), set(ADVICE) - set(advice_hits)
    assert len(experience_hits) <= 0.1 * len(EXPERIENCE), experience_hits


@pytest.mark.parametrize(("text", "found"), DOSING)
def test_dosing_advice_is_detected(text, found):
    assert needs_dosing_confirmation(text)
    assert find_dosing_advice(text) == found


@pytest.mark.parametrize("text", NOT_DOSING)
def test_experience_and_numbers_are_not_dosing_advice(text):
    assert not needs_dosing_confirmation(text)


@pytest.fixture
def regular(db, article):
    """A member past premoderation: one approved comment already."""
    member = UserFactory(username="regular")
    make_comment(article, member, "An earlier, approved comment.")
    return member


def test_blocking_watched_word_refuses_with_a_message(regular, article):
    WatchedWord.objects.create(pattern="buy now", action=WatchedWord.Action.BLOCK)
    screening = screen_comment(author=regular, article=article, body_source="Great stuff, BUY NOW")
    assert screening.action == "refuse"
    assert "not allowed" in screening.message


def test_holding_watched_word_holds_with_rule_and_matched_text(regular, article):
    WatchedWord.objects.create(pattern="miracle cure", note="spam phrase")
    screening = screen_comment(
        author=regular, article=article, body_source="This Miracle Cure worked."
    )
    assert screening.action == "hold"
    assert screening.comment_fields() == {
        "status": CommentStatus.PENDING,
        "hold_reason": HOLD_WATCHED_WORD,
        "matched_rule": "Watched word: miracle cure (spam phrase)",
        "matched_text": "Miracle Cure",
        # Every comment carries the respect signal's score for moderators (issue 19).
        "toxicity": 0.0,
    }


def test_watched_words_match_whole_words_only(regular, article):
    WatchedWord.objects.create(pattern="ass", action=WatchedWord.Action.BLOCK)
    screening = screen_comment(author=regular, article=article, body_source="Hard to assess.")
    assert screening.action == "publish"


def test_regex_watched_word(regular, article):
    WatchedWord.objects.create(pattern=r"whats?app\s*\+?\d+", is_regex=True)
    screening = screen_comment(
        author=regular, article=article, body_source="Contact me on WhatsApp +4412345"
    )
    assert screening.action == "hold"
    assert screening.matched_text == "WhatsApp +4412345"


def test_dosing_advice_asks_for_confirmation_then_holds(regular, article):
    text = "You should take 600 mg a day."
    first = screen_comment(author=regular, article=article, body_source=text)
    assert first.needs_dosing_confirmation
    assert "share your own experience, or cite a source" in first.message
    second = screen_comment(
        author=regular, article=article, body_source=text, dosing_confirmed=True
    )
    assert second.action == "hold"
    assert second.hold_reason == HOLD_DOSING
    assert second.matched_text == "600 mg"


def test_new_member_is_premoderated_until_enough_comments_were_approved(db, article, settings):
    settings.FORUM_PREMODERATE_UNTIL_APPROVED = 2
    newcomer = UserFactory(username="newcomer")
    assert screen_comment(author=newcomer, article=article, body_source="Hi").hold_reason == (
        HOLD_NEW_MEMBER
    )
    make_comment(article, newcomer, "approved one")
    make_comment(article, newcomer, "waiting", status=CommentStatus.PENDING)
    assert screen_comment(author=newcomer, article=article, body_source="Hi").action == "hold"
    make_comment(article, newcomer, "approved two")
    assert screen_comment(author=newcomer, article=article, body_source="Hi").action == "publish"


def test_member_with_recent_removals_goes_back_to_premoderation(regular, article):
    for text in ["ok 1", "ok 2"]:
        make_comment(article, regular, text)
    make_comment(article, regular, "bad 1", status=CommentStatus.REMOVED)
    assert screen_comment(author=regular, article=article, body_source="Hi").action == "publish"
    make_comment(article, regular, "bad 2", status=CommentStatus.REMOVED)
    screening = screen_comment(author=regular, article=article, body_source="Hi")
    assert (screening.action, screening.hold_reason) == ("hold", HOLD_REMOVALS)


def test_old_removals_outside_the_last_five_do_not_count(regular, article):
    make_comment(article, regular, "bad 1", status=CommentStatus.REMOVED)
    make_comment(article, regular, "bad 2", status=CommentStatus.REMOVED)
    for number in range(5):
        make_comment(article, regular, f"fine {number}")
    assert screen_comment(author=regular, article=article, body_source="Hi").action == "publish"


def test_premoderated_article_and_category_hold_everything(regular, article):
    article.premoderate = True
    article.save()
    assert screen_comment(author=regular, article=article, body_source="Hi").hold_reason == (
        HOLD_ARTICLE
    )
    article.premoderate = False
    article.save()
    article.category.premoderate = True
    article.category.save()
    assert screen_comment(author=regular, article=article, body_source="Hi").hold_reason == (
        HOLD_CATEGORY
    )


def test_ordinary_comment_from_a_known_member_is_published(regular, article):
    screening = screen_comment(author=regular, article=article, body_source="Thanks for this.")
    assert screening.action == "publish"
    assert screening.comment_fields()["status"] == CommentStatus.PUBLISHED
