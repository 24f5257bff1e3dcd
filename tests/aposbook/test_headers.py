"""Security headers, cookies and same-origin resources on every kind of page."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.factories import ReferenceFactory

PAGES = {
    "home": "/",
    "science": "/science/",
    "category": "/science/topics/{category}/",
    "article": "/science/{article}/",
    "search": "/science/search/?q=magnesium",
    "not found": "/science/no-such-article/",
    "sign in": "/accounts/login/",
    "sign up": "/accounts/signup/",
    # The admin's sign-in redirects to allauth's (two-factor applies to staff).
    "admin sign in": "/admin/login/",
    "healthz": "/healthz",
    "readyz": "/readyz",
}


@pytest.fixture
def pages(article):
    ReferenceFactory(article=article, url="https://pubmed.ncbi.nlm.nih.gov/12345/")
    return {
        name: path.format(category=article.category.slug, article=article.slug)
        for name, path in PAGES.items()
    }


def csp_directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_sends_the_security_headers(client, pages, name):
    response = client.get(pages[name], secure=True)
    assert response.status_code in ({200, 302} if name == "admin sign in" else {200, 404}), name
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    for directive in ("img-src", "font-src", "connect-src", "manifest-src"):
        assert "'self'" in csp[directive], directive
    assert response["Cross-Origin-Resource-Policy"] == "same-site"
    assert csp["script-src"][0] == "'self'"
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    for feature in ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()"):
        assert feature in response["Permissions-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.parametrize("name", PAGES)
def test_hsts_in_production(client, pages, settings, name):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(pages[name], secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("name", PAGES)
def test_inline_scripts_carry_the_nonce_of_the_policy(client, pages, name):
    response = client.get(pages[name])
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
        if (
            " src=" in tag
            or 'type="application/ld+json"' in tag
            or 'type="application/json"' in tag
        ):
            continue  # same-origin files ('self') and data blocks need no nonce
        assert nonce, tag
        assert f'nonce="{nonce.group(1)}"' in tag, tag


class _Resources(HTMLParser):
    """Every address a page makes the browser load (or post to), and its outbound links."""

    LOADING = {"src", "srcset", "action", "formaction", "poster", "data"}

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in self.LOADING or (name == "href" and tag == "link"):
                self.loaded.append(value)
            if name == "style" or name.startswith("on"):
                self.loaded.append(f"inline {name} on <{tag}>")


@pytest.mark.parametrize("name", [n for n in PAGES if n not in {"healthz", "readyz"}])
def test_no_page_loads_anything_from_another_site(client, pages, name):
    response = client.get(pages[name])
    parser = _Resources()
    parser.feed(response.content.decode())
    own_origin = urlsplit(settings.SITE_URL).netloc
    for address in parser.loaded:
        netloc = urlsplit(address).netloc
        assert netloc in {"", "testserver", own_origin}, f"{name}: {address}"
        assert not address.startswith("//"), address
        assert not address.startswith("inline"), address


def test_cookies_are_secure_httponly_and_lax_in_production(client, settings, member):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/", secure=True)
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/login/", {"login": "alice", "password": "correct horse battery"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


def test_health_checks_answer_plain_http_while_pages_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/science/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_health_checks_are_json_and_never_cached(client, db):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"]
    assert client.get("/readyz").json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }


def test_static_files_carry_the_cross_origin_resource_policy(client, db):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Cross-Origin-Resource-Policy"] == "same-site"
