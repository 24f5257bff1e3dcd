"""Crisis language and its follow-up (issue 19)."""

import csv
import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.management.commands.train_crisis_model import article_sentences, training_sets
from forum.models import (
    Comment,
    CommentStatus,
    CrisisCase,
    CrisisPhrase,
    ModerationAction,
    Notification,
    OnCallModerator,
    ReportReason,
    SupportResource,
)
from forum.moderation import crisis_cases
from forum.moderation.crisis import find_crisis_language, support_resources
from forum.moderation.errors import ActionRefused
from forum.moderation.queue import queue_comments
from forum.moderation.reports import report_comment
from forum.services import post_comment
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment
from tests.moderation.crisis_fixtures import install_crisis_defaults

Kind = ModerationAction.Kind
DATA = Path(__file__).parent / "data"
LABELLED = DATA / "crisis_language.tsv"
# The sets the shipped model is trained on (manage.py train_crisis_model): the first
# labelled set, and blind batches written in December 2026 by helpers who saw neither
# the patterns nor the other batches (half hard negatives, plus ordinary comments).
TRAINING = training_sets()
# Sets kept for measuring: never trained on, never used to tune a pattern. The honest
# figures (README, "Crisis language") are these; the floors are today's measure less a
# margin, so a change that makes crisis language worse on unseen text fails here.
HELD_OUT = DATA / "crisis_language_held_out.tsv"
UNSEEN = [HELD_OUT, *sorted((DATA / "crisis_fresh").glob("test_*.tsv"))]
UNSEEN_RECALL_FLOOR = 0.90
UNSEEN_FALSE_PROMPT_CEILING = 0.05
RECALL_TARGET = 0.95
FALSE_PROMPT_TARGET = 0.05


@pytest.fixture(autouse=True)
def crisis_list(db):
    install_crisis_defaults()


def _rows(path: Path = LABELLED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _measure(rows: list[dict[str, str]]) -> tuple[float, float, list[str], list[str]]:
    positives = [row for row in rows if row["label"] == "1"]
    negatives = [row for row in rows if row["label"] == "0"]
    missed = [row["text"] for row in positives if find_crisis_language(row["text"]) is None]
    prompted = [row["text"] for row in negatives if find_crisis_language(row["text"])]
    return 1 - len(missed) / len(positives), len(prompted) / len(negatives), missed, prompted


# ---- the labelled set ------------------------------------------------------------------


def test_labelled_set_is_big_enough_and_mostly_hard_negatives():
    rows = _rows()
    negatives = [row for row in rows if row["label"] == "0"]
    categories = {row["category"] for row in rows if row["label"] == "1"}
    assert len(rows) >= 150
    assert len(negatives) >= len(rows) / 2
    assert {"implicit", "obfuscated", "typo", "spanish"} <= categories


def test_crisis_language_meets_its_targets_on_the_training_sets():
    rows = [row for path in TRAINING for row in _rows(path)]
    recall, false_prompts, missed, prompted = _measure(rows)
    assert recall >= RECALL_TARGET, f"recall {recall:.1%}; missed: {missed}"
    assert false_prompts <= FALSE_PROMPT_TARGET, f"false prompts {false_prompts:.1%}: {prompted}"


def test_unseen_text_stays_above_its_floor():
    rows = [row for path in UNSEEN for row in _rows(path)]
    assert len(UNSEEN) >= 3
    assert len(rows) >= 500
    assert {row["label"] for row in rows} == {"0", "1"}
    recall, false_prompts, missed, prompted = _measure(rows)
    assert recall >= UNSEEN_RECALL_FLOOR, f"unseen recall {recall:.1%}; missed: {missed}"
    assert false_prompts <= UNSEEN_FALSE_PROMPT_CEILING, (
        f"unseen false prompts {false_prompts:.1%}: {prompted}"
    )


def test_the_articles_own_text_is_not_crisis_language():
    sentences = [s for s, _label in article_sentences()]
    assert len(sentences) > 40
    assert [s for s in sentences if s.strip() and find_crisis_language(s)] == []


# ---- detection rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to end my life.",
        "I keep thinking I should kill myself.",
        "There is no reason to live.",
        "I can't go on.",
        "Everyone would be better off without me.",  # implicit
        "I want to k1ll mys3lf",  # disguised
        "feeling s u i c i d a l again, sorry",
        "i want to kill myslef",  # typo
        "Me quiero morir.",  # Spanish
    ],
)
def test_crisis_language_is_found(text):
    assert find_crisis_language(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "This pain is killing me.",
        "I'm dying to try the glycinate form.",
        "Magnesium overdose is rare with healthy kidneys.",
        "Suicide prevention belongs in chronic pain care.",
        "Patients who reported suicidal thoughts were referred.",
        "I take 400 mg before bed.",
        "I'm not suicidal, just tired of the flares.",
        "I can't go on the trip this year.",
        "Este dolor me está matando.",
    ],
)
def test_idioms_facts_and_research_are_not_crisis_language(text):
    assert find_crisis_language(text) is None


def test_the_match_is_the_members_own_words():
    text = "Honestly. I w4nt to K1LL   myself tonight."
    match = find_crisis_language(text)
    assert match is not None
    assert text[match.start : match.end] == match.text
    assert "K1LL" in match.text
    assert "myself" in match.text


def test_a_moderators_safe_phrase_stops_a_crisis_phrase():
    text = "I could kill myself for forgetting the pills again"
    assert find_crisis_language(text) is not None
    CrisisPhrase.objects.create(
        pattern="could kill myself for forgetting", kind=CrisisPhrase.Kind.SAFE
    )
    assert find_crisis_language(text) is None


def test_a_shipped_phrase_in_words_the_model_reads_as_safe_is_not_flagged():
    # "want to die" matches a shipped phrase; "laughing at this thread" is an idiom.
    assert find_crisis_language("I want to die laughing at this thread") is None


def test_a_moderators_own_phrase_flags_until_it_is_made_inactive():
    # A moderator's own phrase, for words nothing else reads as crisis.
    phrase = CrisisPhrase.objects.create(pattern="going to the garden centre", note="local")
    text = "I'm going to the garden centre on Sunday."
    assert find_crisis_language(text).rule == "local"
    # Saved as the admin saves it (the signal tells every worker's kept list).
    phrase.active = False
    phrase.save()
    assert find_crisis_language(text) is None


# ---- admin: a bad pattern is refused with the reason -----------------------------------


def test_admin_refuses_a_pattern_that_does_not_compile(admin_client):
    url = reverse("admin:forum_crisisphrase_add")
    data = {"pattern": "(end my life", "is_regex": "on", "kind": "crisis", "language": "en"}
    response = admin_client.post(url, {**data, "note": "", "active": "on"})
    assert response.status_code == 200
    assert "This is not a valid regular expression" in response.content.decode()
    assert "(end my life" in response.content.decode()  # the input is kept
    assert not CrisisPhrase.objects.filter(pattern="(end my life").exists()


def test_admin_refuses_a_pattern_that_matches_everything(admin_client):
    url = reverse("admin:forum_crisisphrase_add")
    data = {"pattern": "x*", "is_regex": "on", "kind": "crisis", "language": "en", "active": "on"}
    response = admin_client.post(url, data)
    assert "matches an empty text" in response.content.decode()
    assert not CrisisPhrase.objects.filter(pattern="x*").exists()


# ---- support resources -----------------------------------------------------------------


def test_default_resources_begin_with_immediate_danger():
    first = support_resources("")[0]
    assert first.description.startswith(
        "If you are in immediate danger, call your local emergency number"
    )


def test_unknown_or_empty_country_falls_back_to_the_default():
    default = [row.pk for row in support_resources("")]
    assert [row.pk for row in support_resources("ZZ")] == default
    assert [row.pk for row in support_resources("  ")] == default
    assert all(row.country == "" for row in support_resources("ZZ"))


def test_the_default_comes_first_then_the_countrys_resources():
    rows = support_resources("gb")
    assert rows[0].description.startswith("If you are in immediate danger")
    assert rows[-1].country == "GB"
    assert {row.country for row in rows} == {"GB", ""}


def test_support_page_uses_the_browser_language_region(client):
    response = client.get(reverse("forum:support"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    html = response.content.decode()
    assert "Samaritans" in html
    assert "If you are in immediate danger" in html
    response = client.get(reverse("forum:support"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Samaritans" not in response.content.decode()
    assert "<iframe" not in html
    assert "<script src" not in html.replace("/static/", "")


# ---- while writing ---------------------------------------------------------------------


@pytest.fixture
def writer(db):
    return UserFactory(username="writer")


def _compose(client, article, body, **extra):
    return client.post(
        reverse("forum:comment-create", args=[article.slug]),
        {"body": body, "form_token": "6d1f4c3e-8f6a-4c0e-9a52-0d6a8f3b1a11", **extra},
    )


def test_preview_shows_support_resources_above_the_composer(client, writer, article):
    client.force_login(writer)
    response = _compose(client, article, "I can't go on like this.", preview="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('id="support"') < html.index('id="composer"')
    assert "You can still post your comment as usual" in html
    assert "I can&#x27;t go on like this." in html  # the text is kept
    assert not Comment.objects.exists()


def test_preview_of_an_ordinary_comment_shows_no_resources(client, writer, article):
    client.force_login(writer)
    response = _compose(client, article, "This pain is killing me today.", preview="1")
    assert 'id="support"' not in response.content.decode()


def test_posting_crisis_language_publishes_and_shows_resources_again(
    client, writer, article, moderator
):
    Comment.objects.create(
        article=article, author=writer, body_source="earlier", body_html="<p>earlier</p>"
    )  # an approved comment: the new one is not premoderated
    client.force_login(writer)
    response = _compose(client, article, "Everyone would be better off without me.", post="1")
    comment = Comment.objects.get(body_source__startswith="Everyone")
    assert comment.status == CommentStatus.PUBLISHED  # never refused for this
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('forum:support')}?posted={comment.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Your comment is posted" in page
    assert "If you are in immediate danger" in page
    case = CrisisCase.objects.get(comment=comment)
    assert case.source == CrisisCase.Source.LANGUAGE
    assert case.matched_text == "Everyone would be better off without me"


def test_a_held_comment_still_opens_a_case(writer, article):
    comment = post_comment(author=writer, article=article, body="I want to end my life.")
    assert comment.status == CommentStatus.PENDING  # a first comment is premoderated
    assert CrisisCase.objects.open().filter(comment=comment).exists()


# ---- the queue -------------------------------------------------------------------------


def test_possible_crisis_comes_first_in_the_queue(article, writer, member):
    reported = make_comment(article, writer, "Buy my pills at example.com")
    report_comment(comment=reported, reporter=member, reason=ReportReason.PRIVATE_INFO)
    held = make_comment(article, writer, "Held.", status=CommentStatus.PENDING)
    crisis = post_comment(
        author=UserFactory(), article=article, body="I don't want to live anymore"
    )
    ordered = list(queue_comments().values_list("pk", flat=True))
    assert ordered[0] == crisis.pk
    assert set(ordered[1:]) == {reported.pk, held.pk}


def test_queue_item_highlights_the_match_and_offers_the_actions(client, moderator, article, writer):
    from tests.factories import sign_in_with_second_factor

    comment = make_comment(article, writer, "Some days <b>I want to die</b>, honestly.")
    crisis_cases.flag_crisis_language(comment)
    sign_in_with_second_factor(client, moderator)
    html = client.get(reverse("forum:moderation-queue")).content.decode()
    assert "Possible crisis" in html
    assert "Someone may be at risk." in html
    # The queue lists summaries; the item's own page holds the match and the actions.
    html = client.get(reverse("forum:moderation-item", args=[comment.pk])).content.decode()
    assert "&lt;b&gt;I <mark>want to die</mark>&lt;/b&gt;" in html  # escaped, then marked
    assert "Send resources again" in html
    assert "Message the member" in html
    assert "Claim" in html


# ---- reports ---------------------------------------------------------------------------


def test_crisis_report_sends_the_author_resources_at_once_without_naming_the_reporter(
    article, writer, member, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    comment = make_comment(article, writer, "Rough week.")
    with django_capture_on_commit_callbacks(execute=True):
        report_comment(comment=comment, reporter=member, reason=ReportReason.CRISIS)
    to_author = [mail for mail in mailoutbox if mail.to == [writer.email]]
    assert len(to_author) == 1
    body = to_author[0].body
    assert "If you are in immediate danger, call your local emergency number" in body
    assert "you have done nothing wrong" in body
    assert member.username not in body
    assert "report" not in body.lower()
    notice = Notification.objects.get(recipient=writer)
    assert notice.kind == Notification.Kind.SUPPORT
    assert notice.actor is None
    assert member.username not in notice.text
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED  # no decision


def test_second_crisis_report_sends_nothing_more_to_the_author(
    article, writer, member, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    comment = make_comment(article, writer, "Rough week.")
    with django_capture_on_commit_callbacks(execute=True):
        report_comment(comment=comment, reporter=member, reason=ReportReason.CRISIS)
        report_comment(comment=comment, reporter=UserFactory(), reason=ReportReason.CRISIS)
    assert len([mail for mail in mailoutbox if mail.to == [writer.email]]) == 1
    assert CrisisCase.objects.filter(comment=comment).count() == 1


def test_reporter_is_shown_the_resources(client, article, writer, member):
    comment = make_comment(article, writer, "Rough week.")
    client.force_login(member)
    response = client.post(
        reverse("forum:comment-report", args=[comment.pk]), {"reason": "crisis", "note": ""}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "If you think someone is in immediate danger" in page
    assert "does not say who reported" in page


# ---- on call and escalation ------------------------------------------------------------


def test_on_call_moderators_are_paged_at_once(
    article, writer, moderator, second_moderator, django_capture_on_commit_callbacks, mailoutbox
):
    crisis_cases.set_on_call(moderator=second_moderator, on_call=True)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=writer, article=article, body="I want to kill myself")
    assert [mail.to for mail in mailoutbox] == [[second_moderator.email]]
    assert "urgent" in mailoutbox[0].subject
    assert ModerationAction.objects.filter(kind=Kind.CRISIS_PAGE, message="mod_omar").exists()


def test_nobody_on_call_pages_every_moderator(
    article, writer, moderator, second_moderator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(author=writer, article=article, body="I want to kill myself")
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [moderator.email, second_moderator.email]
    )


def test_unclaimed_case_escalates_to_all_moderators_after_the_window(
    time_machine,
    settings,
    article,
    writer,
    moderator,
    second_moderator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    settings.FORUM_CRISIS_ESCALATE_MINUTES = 15
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    crisis_cases.set_on_call(moderator=moderator, on_call=True)
    post_comment(author=writer, article=article, body="I want to kill myself")
    mailoutbox.clear()
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 14, tzinfo=datetime.UTC), tick=False)
    assert crisis_cases.escalate_unclaimed() == 0
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert crisis_cases.escalate_unclaimed() == 1
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [moderator.email, second_moderator.email]
    )
    assert crisis_cases.escalate_unclaimed() == 0  # once per case
    assert ModerationAction.objects.filter(kind=Kind.CRISIS_ESCALATE).count() == 1


def test_a_claimed_case_does_not_escalate(time_machine, article, writer, moderator):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    comment = post_comment(author=writer, article=article, body="I want to kill myself")
    case = CrisisCase.objects.get(comment=comment)
    crisis_cases.claim_case(case_id=case.pk, moderator=moderator)
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
    assert crisis_cases.escalate_unclaimed() == 0


def test_a_second_moderator_cannot_claim_a_claimed_case(
    article, writer, moderator, second_moderator
):
    comment = post_comment(author=writer, article=article, body="I want to kill myself")
    case = CrisisCase.objects.get(comment=comment)
    crisis_cases.claim_case(case_id=case.pk, moderator=moderator)
    with pytest.raises(ActionRefused, match="mod_maria has already claimed"):
        crisis_cases.claim_case(case_id=case.pk, moderator=second_moderator)


def test_on_call_toggle(client, moderator):
    from tests.factories import sign_in_with_second_factor

    sign_in_with_second_factor(client, moderator)
    client.post(reverse("forum:moderation-on-call"), {"on_call": "1"})
    assert OnCallModerator.objects.filter(moderator=moderator).exists()
    client.post(reverse("forum:moderation-on-call"), {"on_call": "0"})
    assert not OnCallModerator.objects.exists()


# ---- follow-up steps -------------------------------------------------------------------


@pytest.fixture
def case(article, writer):
    comment = post_comment(author=writer, article=article, body="I can't go on.")
    return CrisisCase.objects.get(comment=comment)


def test_emergency_contact_is_recorded_as_its_own_action(case, moderator):
    when = timezone.now() - datetime.timedelta(minutes=3)
    contact = crisis_cases.record_emergency_contact(
        case_id=case.pk,
        moderator=moderator,
        service="Police (999)",
        reason="Named a plan.",
        contacted_at=when,
    )
    assert (contact.moderator, contact.service, contact.contacted_at) == (
        moderator,
        "Police (999)",
        when,
    )
    action = ModerationAction.objects.get(kind=Kind.EMERGENCY)
    assert action.moderator == moderator
    assert action.reason == "Contacted Police (999)"
    assert "Named a plan." in action.message


def test_emergency_form_without_a_service_keeps_the_input(client, case, moderator):
    from tests.factories import sign_in_with_second_factor

    sign_in_with_second_factor(client, moderator)
    response = client.post(
        reverse("forum:moderation-crisis", args=[case.pk, "emergency"]),
        {"service": "", "contacted_at": "2026-03-02T09:05", "reason": "Named a plan."},
    )
    assert response.status_code == 400
    assert "Please say which service you contacted." in response.content.decode()
    assert "Named a plan." in response.content.decode()
    assert not ModerationAction.objects.filter(kind=Kind.EMERGENCY).exists()


def test_send_resources_again_emails_and_notifies(
    case, moderator, writer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        crisis_cases.resend_resources(case_id=case.pk, moderator=moderator)
    assert [mail.to for mail in mailoutbox if mail.to == [writer.email]] == [[writer.email]]
    assert "asked us to send this again" in mailoutbox[-1].body
    assert Notification.objects.filter(recipient=writer, kind=Notification.Kind.SUPPORT).exists()
    assert ModerationAction.objects.filter(kind=Kind.RESOURCES_SENT, moderator=moderator).exists()


def test_message_the_member_is_private_and_logged(case, moderator, writer):
    crisis_cases.message_member(case_id=case.pk, moderator=moderator, text="We're thinking of you.")
    notice = Notification.objects.get(recipient=writer, kind=Notification.Kind.MODERATOR_MESSAGE)
    assert notice.text == "We're thinking of you."
    action = ModerationAction.objects.get(kind=Kind.MEMBER_MESSAGED)
    assert action.message == "We're thinking of you."
    assert action.moderator == moderator


def test_an_empty_message_is_refused(case, moderator):
    with pytest.raises(ActionRefused, match="Please write the message"):
        crisis_cases.message_member(case_id=case.pk, moderator=moderator, text="  ")
    assert not Notification.objects.filter(kind=Notification.Kind.MODERATOR_MESSAGE).exists()


def test_closing_a_case_takes_it_out_of_the_queue(case, moderator):
    assert case.comment_id in set(queue_comments().values_list("pk", flat=True)) or (
        case.comment.status == CommentStatus.PENDING
    )
    crisis_cases.close_case(case_id=case.pk, moderator=moderator, note="Talked to them.")
    assert not CrisisCase.objects.open().exists()
    assert ModerationAction.objects.filter(
        kind=Kind.CRISIS_CLOSE, message="Talked to them."
    ).exists()
    with pytest.raises(ActionRefused, match="already closed"):
        crisis_cases.claim_case(case_id=case.pk, moderator=moderator)


def test_resources_admin_is_for_content_editors(admin_client):
    response = admin_client.post(
        reverse("admin:forum_supportresource_add"),
        {"country": "ie", "name": "Pieta", "description": "Call 1800 247 247.", "position": 0},
    )
    assert response.status_code == 302
    assert SupportResource.objects.get(name="Pieta").country == "IE"


def test_opening_a_case_schedules_the_escalation_check_on_the_worker(
    settings, article, writer, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.FORUM_CRISIS_ESCALATE_MINUTES = 15
    with django_capture_on_commit_callbacks(execute=True):
        comment = post_comment(author=writer, article=article, body="I want to kill myself")
    case = CrisisCase.objects.get(comment=comment)
    scheduled = [
        result
        for result in default_task_backend.results
        if result.task.name == "escalate_crisis_cases"
    ]
    assert len(scheduled) == 1
    assert scheduled[0].task.run_after >= case.created_at + datetime.timedelta(minutes=15)


def test_screening_reads_the_crisis_list_in_one_query(db, django_assert_num_queries):
    """Posting cost 70 extra queries in the benchmark: each phrase's note was loaded on
    its own. The whole list (the shipped defaults here) is one query."""
    install_crisis_defaults()
    assert CrisisPhrase.objects.filter(active=True).count() > 50
    with django_assert_num_queries(1):
        assert find_crisis_language("Magnesium helped my sleep a little.") is None


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "filler", ["last post ", "saving my pills ", "hoping i ", "i used to ", "word word. "]
)
def test_a_long_repetitive_comment_is_screened_without_runaway_backtracking(filler):
    """A pattern written carelessly ("[^.!?]*" leading) took seconds per 5,000-character
    comment, at posting time; the bound turns a runaway pattern into a failure."""
    text = (filler * 600)[:5000]
    for _ in range(5):
        find_crisis_language(text + str(_))  # a new text each time: no answer kept
    assert find_crisis_language("I want to end my life.") is not None
