"""Full-text search: the public page (articles, then visible comments), its filters and
pages, snippets highlighted through forum/rendering.py, the index following the change
hooks, and calm answers to bad queries. Runs on SQLite (FTS5) and PostgreSQL."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from forum import search
from forum.models import CommentKind, CommentStatus
from forum.rendering import SNIPPET_MARK_END, SNIPPET_MARK_START, search_snippet
from forum.search.query import MAX_QUERY_LENGTH, ONLY_COMMON_WORDS, TOO_LONG, parse_query
from forum.services import delete_comment, edit_comment, post_comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


def _results(response) -> list:
    return [result.comment for result in response.context["results"]]


@pytest.fixture
def discussion(article):
    writer = UserFactory(username="writer")
    comments = {
        "magnesium": CommentFactory(
            article=article,
            author=writer,
            body_source="Magnesium glycinate helped my muscle cramps at night.",
            kind=CommentKind.EXPERIENCE,
        ),
        "question": CommentFactory(
            article=article,
            author=writer,
            body_source="Does magnesium interact with blood pressure tablets?",
            kind=CommentKind.QUESTION,
        ),
        "held": CommentFactory(
            article=article,
            author=writer,
            body_source="Magnesium cured everything, buy my course",
            status=CommentStatus.PENDING,
        ),
        "removed": CommentFactory(
            article=article,
            author=writer,
            body_source="Magnesium removed by a moderator",
            status=CommentStatus.REMOVED,
        ),
        "other": CommentFactory(body_source="Melatonin and sleep, nothing else here."),
    }
    search.rebuild()
    return comments


def test_finds_published_comments_with_links_to_their_permalinks(client, discussion):
    response = client.get(URL, {"q": "magnesium"})
    assert response.status_code == 200
    found = _results(response)
    assert set(found) == {discussion["magnesium"], discussion["question"]}
    html = response.content.decode()
    assert f'href="{discussion["magnesium"].get_absolute_url()}"' in html


def test_never_finds_held_removed_or_deleted_comments(client, discussion):
    found = _results(client.get(URL, {"q": "cured course"}))
    assert found == []
    assert _results(client.get(URL, {"q": "moderator"})) == []


def test_matched_words_are_highlighted_and_the_text_escaped(client, article):
    CommentFactory(article=article, body_source="<script>alert(1)</script> magnesium works")
    search.rebuild()
    html = client.get(URL, {"q": "magnesium"}).content.decode()
    assert "<mark>magnesium</mark>" in html.lower()
    assert "<script>alert" not in html
    # SQLite's snippet keeps the typed tag as text (escaped); PostgreSQL's ts_headline
    # leaves tags out of snippets altogether.


def test_stemming_finds_other_forms_of_a_word(client, discussion):
    found = _results(client.get(URL, {"q": "cramp"}))
    assert found == [discussion["magnesium"]]


def test_articles_come_first_then_comments(client, discussion, article):
    response = client.get(URL, {"q": article.title.split()[0]})
    assert article in response.context["articles"]
    html = response.content.decode()
    assert html.index('id="article-results"') < html.index('id="comment-results"')


def test_filter_by_type_of_comment(client, discussion):
    response = client.get(URL, {"q": "magnesium", "type": CommentKind.QUESTION})
    assert _results(response) == [discussion["question"]]


def test_filter_by_article(client, discussion, article):
    other = ArticleFactory()
    CommentFactory(article=other, body_source="Magnesium on another article")
    search.rebuild()
    response = client.get(URL, {"q": "magnesium", "article": article.slug})
    assert set(_results(response)) == {discussion["magnesium"], discussion["question"]}
    assert len(_results(client.get(URL, {"q": "magnesium"}))) == 3


def test_unknown_filter_values_mean_any(client, discussion):
    response = client.get(URL, {"q": "magnesium", "type": "nonsense", "article": "nowhere"})
    assert len(_results(response)) == 2


def test_results_are_paginated(client, article, settings):
    settings.FORUM_SEARCH_PER_PAGE = 3
    for n in range(7):
        CommentFactory(article=article, body_source=f"Zinc lozenges, note {n}")
    search.rebuild()
    first = client.get(URL, {"q": "zinc"})
    assert len(_results(first)) == 3
    assert first.context["page"].paginator.count == 7
    third = client.get(URL, {"q": "zinc", "page": 3})
    assert len(_results(third)) == 1
    assert 'rel="prev"' in third.content.decode()


def test_phrase_or_and_exclusion(client, article):
    a = CommentFactory(article=article, body_source="Vitamin D in winter")
    b = CommentFactory(article=article, body_source="Winter vitamin routine")
    c = CommentFactory(article=article, body_source="Fish oil capsules")
    search.rebuild()
    assert _results(client.get(URL, {"q": '"vitamin d"'})) == [a]
    assert set(_results(client.get(URL, {"q": "winter -routine"}))) == {a}
    assert set(_results(client.get(URL, {"q": "capsules or routine"}))) == {b, c}


# --- Bad queries answer calmly ------------------------------------------------------


def test_empty_query_shows_the_form_only(client, discussion):
    response = client.get(URL, {"q": "   "})
    assert response.status_code == 200
    assert _results(response) == []
    assert 'id="comment-results"' not in response.content.decode()


def test_only_common_words_says_so(client, discussion):
    response = client.get(URL, {"q": "the and of it"})
    assert response.status_code == 200
    assert str(ONLY_COMMON_WORDS) in response.content.decode()
    assert _results(response) == []


def test_a_thousand_characters_is_cut_and_says_so(client, discussion):
    response = client.get(URL, {"q": "magnesium " + "x" * 990})
    assert response.status_code == 200
    assert str(TOO_LONG) in response.content.decode()
    assert len(response.context["query"].text) <= MAX_QUERY_LENGTH
    assert set(_results(response)) <= {discussion["magnesium"], discussion["question"]}


def test_unbalanced_quotes_read_as_a_phrase_to_the_end(client, discussion):
    response = client.get(URL, {"q": '"muscle cramps'})
    assert response.status_code == 200
    assert _results(response) == [discussion["magnesium"]]
    assert client.get(URL, {"q": '"""'}).status_code == 200
    assert client.get(URL, {"q": 'magnesium "'}).status_code == 200


def test_nul_in_the_address_gets_the_sites_calm_refusal(client, discussion):
    # The edge middleware answers every address with control characters this way.
    response = client.get(URL, {"q": "magnesium\x00"})
    assert response.status_code == 400
    assert "characters no page of ours uses" in response.content.decode()


def test_nul_and_control_characters_are_spaces_to_the_engine(discussion):
    # A caller past the middleware (a command, a test): PostgreSQL refuses NUL in text.
    query = parse_query("magnesium\x00glycinate\x07")
    assert "\x00" not in query.text
    found = search.search_comments(search.public_comments(search.PublicFilters()), query)
    assert list(found) == [discussion["magnesium"]]


@pytest.mark.parametrize(
    "text",
    ["NOT", "AND OR", "(", "*", "col:magnesium", "^magnesium", "NEAR(a b)", "-", "- -x", "or"],
)
def test_operator_lookalikes_never_fail(client, discussion, text):
    assert client.get(URL, {"q": text}).status_code == 200


def test_query_parser_keeps_words_and_notes():
    query = parse_query('the  "Muscle cramps" -night or sleep\x00')
    assert [t.words for t in query.terms] == [("muscle", "cramps"), ("night",), ("sleep",)]
    assert query.terms[1].negated
    assert query.terms[2].or_before
    assert not parse_query("-magnesium").searchable


# --- The index follows the change hooks ---------------------------------------------


def test_a_posted_comment_is_found_after_commit(
    client, article, django_capture_on_commit_callbacks
):
    author = UserFactory(username="poster")
    CommentFactory(article=article, author=author)  # a regular: published at once
    with django_capture_on_commit_callbacks(execute=True):
        comment = post_comment(author=author, article=article, body="Turmeric paste recipe")
    assert _results(client.get(URL, {"q": "turmeric"})) == [comment]


def test_an_edit_reindexes_and_a_deletion_hides(
    client, article, django_capture_on_commit_callbacks
):
    author = UserFactory(username="poster")
    CommentFactory(article=article, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        comment = post_comment(author=author, article=article, body="Turmeric paste recipe")
    with django_capture_on_commit_callbacks(execute=True):
        edit_comment(comment=comment, editor=author, body="Ginger tea recipe")
    assert _results(client.get(URL, {"q": "turmeric"})) == []
    assert _results(client.get(URL, {"q": "ginger"})) == [comment]
    with django_capture_on_commit_callbacks(execute=True):
        delete_comment(comment=comment, author=author)
    assert _results(client.get(URL, {"q": "ginger"})) == []


def test_an_edited_article_is_found_by_its_new_words(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article.summary = "Saffron and mood."
        article.save()
    assert article in client.get(URL, {"q": "saffron"}).context["articles"]


def test_rebuild_search_command(client, article, capsys):
    CommentFactory(article=article, body_source="Ashwagandha for stress")
    assert _results(client.get(URL, {"q": "ashwagandha"})) == []  # made without the hooks
    call_command("rebuild_search")
    assert "comments" in capsys.readouterr().out
    assert len(_results(client.get(URL, {"q": "ashwagandha"}))) == 1


def test_search_snippet_escapes_and_pairs_marks():
    html = search_snippet(f"<b>{SNIPPET_MARK_START}x{SNIPPET_MARK_END} {SNIPPET_MARK_START}y")
    assert html == "&lt;b&gt;<mark>x</mark> <mark>y</mark>"
    assert search_snippet(f"{SNIPPET_MARK_END}z") == "z"


def test_a_members_own_marker_characters_never_highlight(client, article):
    CommentFactory(
        article=article, body_source=f"{SNIPPET_MARK_START}fake{SNIPPET_MARK_END} magnesium"
    )
    search.rebuild()
    html = client.get(URL, {"q": "magnesium"}).content.decode().lower()
    assert "<mark>fake</mark>" not in html
    assert "<mark>magnesium</mark>" in html


# --- Bounded work (issue 15: < 50 ms at 100,000 comments) ------------------------------


def test_only_the_newest_matches_are_ranked_and_the_page_says_more(client, article, monkeypatch):
    monkeypatch.setattr(search, "MAX_RANKED", 3)
    old = CommentFactory(article=article, body_source="Cramps cramps cramps cramps, cramps.")
    newer = [
        CommentFactory(article=article, body_source=f"Cramps at night, note {i}.") for i in range(4)
    ]
    search.rebuild()
    everyone = search.public_comments(search.PublicFilters())
    ids, more = search.ranked_ids(everyone, parse_query("cramps"))
    assert more is True
    # The newest three are the candidates (the best-ranked old one is past the cap).
    assert sorted(ids) == sorted(c.pk for c in newer[1:])
    html = client.get(URL, {"q": "cramps"}).content.decode()
    assert "more than 3 comments" in html
    assert "add a word, or choose an article" in html
    assert f"/comments/{old.pk}/" not in html


def test_under_the_cap_every_match_is_counted_and_pages_work(client, article, settings):
    settings.FORUM_SEARCH_PER_PAGE = 2
    comments = [
        CommentFactory(article=article, body_source=f"Glycinate, try {i}.") for i in range(5)
    ]
    search.rebuild()
    first = client.get(URL, {"q": "glycinate"})
    assert "5 comments for" in first.content.decode()
    last = client.get(URL, {"q": "glycinate", "page": 3})
    assert len(_results(first)) == 2
    assert len(_results(last)) == 1
    pages = [client.get(URL, {"q": "glycinate", "page": n}) for n in (1, 2, 3)]
    seen = {c.pk for page in pages for c in _results(page)}
    assert seen == {c.pk for c in comments}


def test_a_results_page_costs_the_same_queries_for_few_or_many_matches(
    client, article, django_assert_max_num_queries
):
    for i in range(3):
        CommentFactory(article=article, body_source=f"Oxide upset my stomach {i}.")
    search.rebuild()
    client.get(URL, {"q": "oxide"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "oxide"})
    for i in range(40):
        CommentFactory(article=article, body_source=f"Oxide again, {i}.")
    search.rebuild()
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"q": "oxide"})
    assert len(many) == len(few)
    assert not any("COUNT(" in q["sql"].upper() for q in many.captured_queries)
