import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from forum import search
from tests.factories import ArticleFactory, CategoryFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

NOTICE = (
    "Please remain authentic and respectful. Aposbook does not endorse any comment and is not "
    "responsible for any wrong information provided by users."
)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_ld = False


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


@pytest.fixture
def seed_article():
    call_command("load_content")
    return Article.objects.get(slug="magnesium-for-fibromyalgia")


def test_article_page_serves_the_customers_article(client, seed_article):
    response = client.get("/science/magnesium-for-fibromyalgia/")
    html = response.content.decode()
    assert response.status_code == 200
    page = parse(html)
    assert [tag for tag, _ in page.tags].count("h1") == 1
    assert re.search(r"<h1[^>]*>What science says about Magnesium For Fibromyalgia</h1>", html)
    assert "October 2024" in html
    assert NOTICE in html
    assert settings.DEFAULT_DISCLAIMER in html
    assert "Discussion forum" in html
    for heading in ("Supporting Views on", "Skeptical Views on", "Conclusion: What Science"):
        assert heading in html
    assert "Proponents of\xa0magnesium supplementation" in html


def test_article_breadcrumb_leads_home_science_center_and_category(client, seed_article):
    html = client.get(seed_article.get_absolute_url()).content.decode()
    breadcrumb = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert re.findall(r"<a href=\"([^\"]+)\">([^<]+)</a>", breadcrumb) == [
        ("/", "AposBook"),
        ("/science/", "Science Center"),
        ("/science/topics/vitamins-and-minerals/", "Vitamins and Minerals"),
    ]


def test_table_of_contents_links_to_each_section_heading(client, seed_article):
    html = client.get(seed_article.get_absolute_url()).content.decode()
    toc = html.split('class="toc"')[1].split("</nav>")[0]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert anchors[:3] == [
        "supporting-views-on-magnesium-for-fibromyalgia",
        "skeptical-views-on-magnesium-for-fibromyalgia",
        "conclusion-what-science-thinks-of-magnesium-for-fibromyalgia",
    ]
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_json_ld_describes_a_medical_web_page_about_the_article(client, seed_article):
    seed_article.reviewer_name = "Dr. Ada Reviewer"
    seed_article.last_reviewed = seed_article.published_on
    seed_article.save()
    html = client.get(seed_article.get_absolute_url()).content.decode()
    [raw] = parse(html).json_ld
    data = json.loads(raw)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2024-10-01"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr. Ada Reviewer"}
    assert data["medicalAudience"]["audienceType"] == "Patient"
    assert {thing["name"] for thing in data["about"]} == {"Fibromyalgia", "Magnesium"}
    entity = data["mainEntity"]
    assert entity["@type"] == "Article"
    assert entity["headline"] == "What science says about Magnesium For Fibromyalgia"
    assert entity["datePublished"] == "2024-10-01"
    assert entity["articleSection"] == "Vitamins and Minerals"
    assert entity["publisher"]["name"] == "AposBook"
    assert entity["discussionUrl"].endswith("/science/magnesium-for-fibromyalgia/#discussion")
    assert "dateModified" in entity
    assert isinstance(entity["commentCount"], int)


def test_json_ld_cannot_be_closed_by_article_text(client):
    article = ArticleFactory(headline="Bad </script><script>alert(1)</script> idea")
    html = client.get(article.get_absolute_url()).content.decode()
    [raw] = parse(html).json_ld
    assert "</script>" not in raw
    assert json.loads(raw)["mainEntity"]["headline"].startswith("Bad </script>")


def test_page_has_canonical_description_and_open_graph(client, seed_article):
    html = client.get(seed_article.get_absolute_url()).content.decode()
    url = "http://testserver/science/magnesium-for-fibromyalgia/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="What science says about Magnesium' in html
    assert '<meta name="description" content="Fibromyalgia is a chronic condition' in html


def test_references_show_numbered_with_doi_and_pubmed_links(client, article):
    ReferenceFactory(article=article, position=1, doi="10.1000/abc", pmid="")
    ReferenceFactory(
        article=article, position=2, doi="", pmid="123456", stance="skeptical", title="A doubt"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<li id="ref-1" value="1">' in html
    assert 'href="https://doi.org/10.1000/abc"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/123456/"' in html
    assert 'href="#references"' in html
    [raw] = parse(html).json_ld
    citations = json.loads(raw)["mainEntity"]["citation"]
    assert [citation["name"] for citation in citations] == [
        "A randomised trial of something",
        "A doubt",
    ]


def test_article_without_references_shows_no_references_section(client, seed_article):
    html = client.get(seed_article.get_absolute_url()).content.decode()
    assert 'id="references"' not in html


def test_per_article_disclaimer_overrides_the_site_default(client):
    article = ArticleFactory(disclaimer="Talk to your pharmacist first.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Talk to your pharmacist first." in html
    assert settings.DEFAULT_DISCLAIMER not in html


def test_draft_is_404_for_the_public_and_previewable_by_staff(client, staff):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert b"only staff can see it" in response.content
    assert b'<meta name="robots" content="noindex">' in response.content


def test_unknown_slug_is_a_friendly_404(client, db):
    response = client.get("/science/no-such-article/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_future_article_is_not_yet_public(client):
    import datetime

    article = ArticleFactory(published_on=timezone.localdate() + datetime.timedelta(days=3))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_home_lists_latest_published_articles_only(client, seed_article):
    ArticleFactory(status=Article.Status.DRAFT, headline="Secret draft")
    html = client.get("/").content.decode()
    assert "What science says about Magnesium For Fibromyalgia" in html
    assert "Fibromyalgia is a chronic condition" in html
    assert "Vitamins and Minerals" in html
    assert "October 2024" in html
    assert "Secret draft" not in html


def test_science_index_groups_articles_by_category(client, seed_article):
    ArticleFactory(category=CategoryFactory(name="Herbs"), headline="What science says about Sage")
    html = client.get(reverse("articles:index")).content.decode()
    assert html.index("Herbs") < html.index("Sage") < html.index("Vitamins and Minerals")


def test_category_page_lists_its_articles(client, seed_article):
    other = ArticleFactory(category=CategoryFactory(name="Herbs"), headline="Sage for memory")
    html = client.get("/science/topics/vitamins-and-minerals/").content.decode()
    assert "Magnesium For Fibromyalgia" in html
    assert other.headline not in html
    assert client.get("/science/topics/nothing-here/").status_code == 404


def test_search_finds_articles_by_words(client, seed_article):
    search.rebuild()  # the article was saved inside the test's transaction (no commit)
    html = client.get(reverse("articles:search"), {"q": "NMDA magnesium"}).content.decode()
    assert "1 article and" in html
    assert "Magnesium For Fibromyalgia" in html
    html = client.get(reverse("articles:search"), {"q": "zebrafish"}).content.decode()
    assert "0 articles and" in html


def test_atom_feed_lists_published_articles(client, seed_article):
    ArticleFactory(status=Article.Status.DRAFT, headline="Secret draft")
    response = client.get("/feeds/science/")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<title>What science says about Magnesium For Fibromyalgia</title>" in body
    assert "Secret draft" not in body


def test_atom_feed_has_an_author_and_the_real_publication_date(client):
    from xml.etree import ElementTree

    ArticleFactory(published_on=datetime.date(2024, 10, 1), author_name="Dr. Ada Example")
    ArticleFactory(published_on=datetime.date(2024, 9, 1), author_name="")
    atom = "{http://www.w3.org/2005/Atom}"
    # Our own feed, generated by the test itself: not untrusted input.
    feed = ElementTree.fromstring(client.get("/feeds/science/").content)  # noqa: S314
    assert feed.find(f"{atom}author/{atom}name").text == "AposBook"
    first, second = feed.findall(f"{atom}entry")
    assert first.find(f"{atom}published").text == "2024-10-01T00:00:00+00:00"
    assert first.find(f"{atom}author/{atom}name").text == "Dr. Ada Example"
    assert second.find(f"{atom}published").text == "2024-09-01T00:00:00+00:00"
    for entry in (first, second):  # RFC 4287: each entry has an id, a title, an updated time
        assert entry.find(f"{atom}id").text
        assert entry.find(f"{atom}title").text
        assert entry.find(f"{atom}updated").text >= entry.find(f"{atom}published").text


def test_a_feed_reader_reads_the_atom_feed_without_complaint(client, seed_article):
    import feedparser

    ArticleFactory(published_on=datetime.date(2024, 10, 1), author_name="Dr. Ada Example")
    parsed = feedparser.parse(client.get("/feeds/science/").content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.author == "AposBook"
    entries = {entry.title: entry for entry in parsed.entries}
    assert entries["What science says about Magnesium For Fibromyalgia"].link.endswith(
        "/science/magnesium-for-fibromyalgia/"
    )
    ada = next(entry for entry in parsed.entries if entry.get("author") == "Dr. Ada Example")
    assert ada.published_parsed[:3] == (2024, 10, 1)


def test_sitemap_and_robots(client, seed_article):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/science/magnesium-for-fibromyalgia/" in sitemap
    assert "http://testserver/science/topics/vitamins-and-minerals/" in sitemap
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()


def test_robots_lets_crawlers_read_the_noindex_of_account_pages(client):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /accounts/" not in robots
    login = client.get(reverse("account_login")).content.decode()
    assert '<meta name="robots" content="noindex">' in login


def test_admin_renders_a_preview_of_the_body(client, staff, seed_article):
    client.force_login(staff)
    response = client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))
    assert response.status_code == 200
    assert b'<h2 id="supporting-views-on-magnesium-for-fibromyalgia">' in response.content


def test_editor_can_add_a_reference_in_the_admin(client, staff, seed_article):
    client.force_login(staff)
    response = client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))
    assert b"references-0-doi" in response.content
