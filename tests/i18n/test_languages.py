"""The interface in English and Spanish: the reader's language (Accept-Language or the
footer's switch) decides it, the page caches keep one page per language, and an article
written in Spanish shows its page in Spanish."""

import pytest

from tests.factories import ArticleFactory, CommentFactory

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def page(article):
    return article.get_absolute_url()


def test_html_lang_follows_accept_language(client, page):
    assert b'<html lang="es">' in client.get(page, **SPANISH).content
    assert b'<html lang="en">' in client.get(page, **ENGLISH).content


def test_spanish_reader_gets_the_spanish_interface(client, page):
    html = client.get(page, **SPANISH).content.decode()
    assert "Saltar al contenido" in html
    assert "Skip to content" not in html


def test_cached_anonymous_page_is_kept_per_language(client, page, article):
    CommentFactory(article=article, body_source="First words.")
    spanish = client.get(page, **SPANISH)
    english = client.get(page, **ENGLISH)
    assert "X-Page-Cache" not in english  # not the Spanish page from the cache
    again_spanish = client.get(page, **SPANISH)
    again_english = client.get(page, **ENGLISH)
    assert again_spanish["X-Page-Cache"] == again_english["X-Page-Cache"] == "hit"
    assert again_spanish.content == spanish.content
    assert again_english.content == english.content
    assert b"Saltar al contenido" in again_spanish.content
    assert b"Skip to content" in again_english.content
    assert b"First words." in again_spanish.content


def test_pages_say_they_vary_by_language_and_cookie(client, page):
    client.get(page, **SPANISH)
    for response in (client.get(page, **SPANISH), client.get("/", **SPANISH)):
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary
        assert response["Content-Language"] == "es"


def test_footer_switch_is_a_post_form_that_needs_no_script(client, page):
    html = client.get(page).content.decode()
    assert '<form class="language-switch" method="post" action="/i18n/setlang/">' in html
    assert '<option value="es" lang="es"' in html


def test_switch_sets_the_language_and_returns_to_the_page(client, page):
    client.get(page)  # a cached English page first
    response = client.post("/i18n/setlang/", {"language": "es", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    assert client.cookies["django_language"].value == "es"
    html = client.get(page, **ENGLISH).content.decode()  # the choice beats the header
    assert '<html lang="es">' in html
    assert "Saltar al contenido" in html


def test_switch_works_without_a_csrf_token(page):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "es", "next": page})
    assert response.status_code == 302


def test_spanish_article_shows_its_page_in_spanish(client, db):
    article = ArticleFactory(language="es", headline="Lo que dice la ciencia")
    html = client.get(article.get_absolute_url(), **ENGLISH).content.decode()
    assert '<html lang="es">' in html
    assert "Saltar al contenido" in html
    assert 'lang="es"' not in html.split("<body", 1)[1].split("Lo que dice", 1)[0][-80:]


def test_english_article_is_marked_english_under_a_spanish_interface(client, page, article):
    html = client.get(page, **SPANISH).content.decode()
    assert f'<h1 id="article-title" lang="en">{article.headline}</h1>' in html
    assert '<div class="prose" lang="en">' in html
    english = client.get(page, **ENGLISH).content.decode()
    assert '<div class="prose">' in english


def test_forum_notice_stays_verbatim_in_english(client, page, settings):
    html = client.get(page, **ENGLISH).content.decode()
    assert settings.FORUM_NOTICE in html


def test_dates_follow_the_language(client, page, article):
    assert article.published_on.isoformat() == "2024-10-01"
    assert ">octubre de 2024</time>" in client.get(page, **SPANISH).content.decode()
    assert ">October 2024</time>" in client.get(page, **ENGLISH).content.decode()


def test_numbers_follow_the_language(db, settings):
    from django.utils import translation

    from forum.forms import CommentForm

    settings.FORUM_MAX_COMMENT_LENGTH = 5000
    with translation.override("es"):
        assert "Hasta 5\xa0000 caracteres" in str(CommentForm().fields["body"].help_text)
    with translation.override("en"):
        assert "Up to 5,000 characters" in str(CommentForm().fields["body"].help_text)
