import pytest

from articles.models import Article
from forum.rendering import json_ld, render_article
from tests.factories import ArticleFactory
from tests.html_safety import assert_inert, executable_parts


def test_article_headings_get_ids_and_a_table_of_contents():
    rendered = render_article("Intro\n\n## First part\n\ntext\n\n### Detail\n\n## First part\n")
    assert '<h2 id="first-part">First part</h2>' in rendered.html
    assert '<h3 id="detail">Detail</h3>' in rendered.html
    assert rendered.toc == [
        {"id": "first-part", "title": "First part"},
        {"id": "first-part-2", "title": "First part"},
    ]


def test_article_tables_render_for_editors():
    rendered = render_article("| Dose | Effect |\n| --- | --- |\n| low | none |\n")
    assert "<table>" in rendered.html
    assert "<td>low</td>" in rendered.html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<svg onload="alert(1)"></svg>',
        "## Heading <script>x</script>",
        '<a href="https://ok.example" onclick="steal()">x</a>',
    ],
)
def test_editor_markdown_cannot_inject_script(source):
    assert_inert(render_article(source).html)


def test_the_safety_check_itself_catches_executable_html():
    problems = executable_parts('<a href="javascript:x" onclick="y">a</a><script></script>')
    assert sorted(problems) == [
        "<script> element",
        "href='javascript:x' on <a>",
        "onclick attribute on <a>",
    ]


def test_links_in_articles_are_marked_untrusted_for_search_engines():
    html = render_article("See https://example.org/study for more.").html
    assert '<a href="https://example.org/study" rel="nofollow ugc noopener noreferrer">' in html


@pytest.mark.django_db
def test_saving_an_article_stores_its_rendered_body():
    article = ArticleFactory(body="Hello *there*\n\n## Part\n")
    stored = Article.objects.get(pk=article.pk)
    assert stored.body_html == '<p>Hello <em>there</em></p>\n<h2 id="part">Part</h2>\n'
    assert stored.toc == [{"id": "part", "title": "Part"}]
    assert stored.renderer_version >= 1


def test_json_ld_escapes_characters_that_could_end_the_script():
    out = json_ld({"name": "</script>&<b>"})
    assert out == '{"name":"\\u003C/script\\u003E\\u0026\\u003Cb\\u003E"}'
