"""What a member types is what readers see: formatting where allowed, literal text else."""

import pytest
from django.core.management import call_command

from forum.models import Comment
from forum.rendering import RENDERER_VERSION, render_comment
from tests.factories import CommentFactory

REL = 'rel="nofollow ugc noopener noreferrer"'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("`<b>`", "<p><code>&lt;b&gt;</code></p>\n"),
        (
            "```\n<b>bold?</b> &amp;\n```",
            '<pre tabindex="0"><code>&lt;b&gt;bold?&lt;/b&gt; &amp;amp;\n</code></pre>\n',
        ),
        ("x<y and y>z", "<p>x&lt;y and y&gt;z</p>\n"),
        ("<not> advice", "<p>&lt;not&gt; advice</p>\n"),
        ("<div>raw html</div>", "<p>&lt;div&gt;raw html&lt;/div&gt;</p>\n"),
        ("*a* **b**", "<p><em>a</em> <strong>b</strong></p>\n"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
        ("3. three", '<ol start="3">\n<li>three</li>\n</ol>\n'),
        # Constructs without an allowed tag read as typed, never stripped or escaped.
        ("# Not a heading", "<p># Not a heading</p>\n"),
        ("Title\n===", "<p>Title\n===</p>\n"),
        ("| a | b |\n|---|---|", "<p>| a | b |\n|---|---|</p>\n"),
        ("~~strike~~", "<p>~~strike~~</p>\n"),
    ],
)
def test_comment_reads_exactly_as_typed(source, expected):
    assert render_comment(source) == expected


def test_image_syntax_becomes_a_plain_link_not_an_image():
    html = render_comment("![chart](https://example.org/chart.png)")
    assert html == f'<p>!<a href="https://example.org/chart.png" {REL}>chart</a></p>\n'


@pytest.mark.parametrize(
    "source",
    [
        "[study](https://example.org/study)",
        "<https://example.org/study>",
        "see https://example.org/study",
    ],
)
def test_every_kind_of_link_is_marked_untrusted(source):
    assert f'href="https://example.org/study" {REL}' in render_comment(source)


def test_mailto_links_survive():
    assert f'href="mailto:help@example.org" {REL}' in render_comment("<help@example.org>")


def test_urls_inside_code_are_not_linked():
    assert render_comment("`https://example.org`") == "<p><code>https://example.org</code></p>\n"


@pytest.mark.django_db
def test_rerender_comments_updates_outdated_html_only():
    outdated = CommentFactory(body_source="*new*", body_html="<p>old</p>", renderer_version=1)
    current = CommentFactory(
        body_source="*kept*", body_html="<p>kept as is</p>", renderer_version=RENDERER_VERSION
    )
    call_command("rerender_comments", verbosity=0)
    outdated.refresh_from_db()
    current.refresh_from_db()
    assert outdated.body_html == "<p><em>new</em></p>\n"
    assert outdated.renderer_version == RENDERER_VERSION
    assert current.body_html == "<p>kept as is</p>"
    call_command("rerender_comments", "--all", verbosity=0)
    assert Comment.objects.get(pk=current.pk).body_html == "<p><em>kept</em></p>\n"
