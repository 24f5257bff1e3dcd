"""Every page, read in Spanish (Accept-Language: es), shows no interface text in
English: each page's visible text (text between tags and the attributes people read) is
checked against the English of every message in the catalogue. The article's own text
(marked lang="en"), what members wrote and the support resources editors enter (content
in the language they were written in) are not interface, and are left out."""

import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from forum.models import CommentStatus
from tests.factories import CategoryFactory, CommentFactory, UserFactory, sign_in_with_second_factor
from tests.i18n.catalogue import entries
from tests.moderation.conftest import make_moderator

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Words that are the same in both languages, or names: never evidence of English.
SAME_IN_BOTH = {"AposBook", "DOI", "PubMed", "GRADE", "Markdown", "JSON", "Email", "Menu"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _VisibleText(HTMLParser):
    """Text nodes and read attributes, outside scripts, styles, English content
    (lang="en") and members' comments."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._stack: list[bool] = []  # per open element: is it left out?

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = (self._stack and self._stack[-1]) or tag in {"script", "style"}
        hidden = hidden or (tag != "html" and attributes.get("lang") == "en")
        classes = (attributes.get("class") or "").split()
        hidden = hidden or bool({"comment__body", "support__item"} & set(classes))
        if not hidden:
            self.texts += [attributes[name] for name in READ_ATTRIBUTES if attributes.get(name)]
        if tag not in VOID:
            self._stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not (self._stack and self._stack[-1]) and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_pieces() -> tuple[set[str], set[str]]:
    """(every English piece a text node could be, longer pieces to look for inside text):
    each message split at its placeholders and markup, where Spanish says it otherwise."""
    whole, phrases = set(), set()
    for entry in entries():
        if entry.msgstr.get(0) == entry.msgid:
            continue
        for english in filter(None, (entry.msgid, entry.plural)):
            for piece in re.split(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>", english):
                piece = " ".join(piece.split()).strip(" ·,.:;()")
                if re.search(r"[A-Za-z]{3}", piece) and piece not in SAME_IN_BOTH:
                    whole.add(piece)
                    if len(piece.split()) >= 4:
                        phrases.add(piece)
    return whole, phrases


def untranslated(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    whole, phrases = _english_pieces()
    found = []
    for text in parser.texts:
        bare = text.strip(" ·,.:;()")
        if bare in whole or any(phrase in text for phrase in phrases):
            found.append(text)
    return found


@pytest.fixture
def site(db, settings):
    settings.FORUM_MODERATORS_REQUIRE_2FA = True
    category = CategoryFactory(name="Vitamins and Minerals", slug="vitamins-and-minerals")
    from tests.factories import ArticleFactory, ReferenceFactory

    article = ArticleFactory(category=category, author_name="Ana", reviewer_name="Luis")
    ReferenceFactory(article=article)
    author = UserFactory(username="writer")
    first = CommentFactory(article=article, author=author, body_source="It helped my sleep.")
    CommentFactory(article=article, author=UserFactory(username="other"), parent=first)
    CommentFactory(article=article, author=author, status=CommentStatus.PENDING)
    return {"article": article, "category": category, "comment": first, "author": author}


def _page(client, url: str) -> str:
    response = client.get(url, **SPANISH, follow=True)
    assert response.status_code in {200, 404}, url
    html = response.content.decode()
    assert '<html lang="es">' in html, url
    return html


def test_public_pages_in_spanish_have_no_english_interface_text(client, site):
    article, comment = site["article"], site["comment"]
    pages = [
        "/",
        "/science/",
        site["category"].get_absolute_url(),
        article.get_absolute_url(),
        article.get_absolute_url() + "?sort=newest",
        comment.get_absolute_url(),
        "/science/search/?q=sleep",
        "/science/search/?q=the",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        f"/members/{site['author'].username}/",
        "/support/",
        "/experts/",
        "/no-such-page/",
    ]
    problems = {url: found for url in pages if (found := untranslated(_page(client, url)))}
    assert problems == {}


def test_member_pages_in_spanish_have_no_english_interface_text(client, site):
    client.force_login(site["author"])
    comment = site["comment"]
    pages = [
        site["article"].get_absolute_url(),
        "/accounts/settings/",
        f"/comments/{comment.pk}/reply/",
        f"/comments/{comment.pk}/edit/",
        f"/comments/{comment.pk}/delete/",
        "/experts/apply/",
    ]
    problems = {url: found for url in pages if (found := untranslated(_page(client, url)))}
    assert problems == {}


def test_moderation_pages_in_spanish_have_no_english_interface_text(client, site):
    moderator = make_moderator("mod_maria")
    sign_in_with_second_factor(client, moderator)
    pages = [
        "/moderation/",
        f"/moderation/comments/{site['comment'].pk}/",
        "/moderation/log/",
        "/moderation/search/?q=sleep",
        "/moderation/experts/",
    ]
    problems = {url: found for url in pages if (found := untranslated(_page(client, url)))}
    assert problems == {}


@pytest.mark.parametrize(
    "template", ["400.html", "403.html", "403_csrf.html", "404.html", "500.html", "503.html"]
)
def test_error_pages_in_spanish_have_no_english_interface_text(db, template):
    request = RequestFactory().get("/")
    with translation.override("es"):
        html = render_to_string(template, {"request": request}, request=request)
    assert untranslated(html) == []


def test_an_english_string_is_caught():
    assert untranslated('<p>Skip to content</p><p lang="en">Skip to content</p>') == [
        "Skip to content"
    ]
    assert untranslated('<button title="Formatting help">Vista previa</button>') == [
        "Formatting help"
    ]


def test_the_english_page_is_caught(client, site):
    """The same walk on the English page finds its interface text: the check can fail."""
    html = client.get(site["article"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    found = untranslated(html.content.decode())
    assert {"Skip to content", "Discussion forum", "On this page"} <= set(found)
