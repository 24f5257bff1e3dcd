"""Hostile input: the stored HTML of a comment can execute nothing in a reader's browser."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.rendering import render_comment
from tests.html_safety import assert_inert, executable_parts

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="https://ok.example" onclick="steal()">x</a>',
    "<body onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<data:text/html,<script>alert(1)</script>>",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](https://ok.example/a.png "title" onerror=alert(1))',
    '<svg onload="alert(1)"></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x',
    '<a href=" javascript:alert(1)" x="',
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<style>body{display:none}</style>",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "[x](https://ok.example)<!-- --><script>alert(1)</script>",
    "www.example.org/<script>",
    'https://example.org/"onmouseover="alert(1)',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_inert(source):
    html = render_comment(source)
    assert_inert(html)
    # Anything typed that looks like a tag is shown as text, not silently dropped.
    assert not re.search(r"<(script|svg|math|iframe|img|style)\b", html, re.IGNORECASE)


def test_relative_and_scheme_less_links_lose_the_link_but_keep_the_text():
    assert render_comment("[home](/science/) [x](%6Aavascript:1)") == "<p>home x</p>\n"


def test_link_with_a_forbidden_scheme_keeps_its_text():
    html = render_comment("[data](data:text/html,hi) and [js](javascript:alert(1))")
    assert "javascript" not in html.split(">", 1)[0]
    assert_inert(html)
    assert "data" in html
    assert "js" in html


def test_the_safety_check_catches_entity_encoded_schemes():
    assert executable_parts('<a href="&#106;avascript:alert(1)">x</a>')


# Text made of the characters Markdown and HTML care about, so random input hits the
# parser's corners: brackets, quotes, entities, schemes, tags.
_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "[",
        "]",
        "(",
        ")",
        "!",
        "`",
        "*",
        "_",
        "&",
        "#",
        ";",
        ":",
        '"',
        "'",
        "=",
        "\n",
        " ",
        "\t",
        "\\",
        "/",
        "javascript:",
        "data:",
        "vbscript:",
        "&#106;",
        "&colon;",
        "on",
        "onerror",
        "onload=",
        "script",
        "svg",
        "math",
        "href",
        "src",
        "<a ",
        "http://",
        "https://",
        "mailto:",
        "www.",
        "x",
        "1",
        "%0a",
        "\x00",
        "\u2028",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=60).map("".join))
def test_random_input_never_yields_executable_html(source):
    html = render_comment(source)
    assert_inert(html)
    assert not re.search(r"<script", html, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", _tags(html))


def _tags(html: str) -> str:
    """Only the markup (tags and their attributes), without text between them."""
    return " ".join(re.findall(r"<[a-z][^>]*>", html, re.IGNORECASE))


PATHOLOGICAL = {
    "deep quotes": "> " * 2500 + "x",
    "deep lists": "- " * 2500 + "x",
    "open brackets": "[" * 5000,
    "bracket pairs": "[a]" * 1600,
    "unclosed links": "[a](" * 1200,
    "many links": "[a](https://example.org/) " * 180,
    "many bare urls": "https://example.org/a " * 230,
    "emphasis soup": "*_" * 2500,
    "nested emphasis": "*" * 2400 + "a" + "*" * 2400,
    "angle brackets": "<" * 5000,
    "backticks": "`" * 5000,
    "entities": "&amp;" * 1000,
}


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_renders_with_bounded_output(source):
    html = render_comment(source)
    assert_inert(html)
    # Output grows at most linearly: no nesting explosion, no runaway markup.
    assert len(html) <= 8 * len(source) + 100
    assert html.count("<blockquote>") <= 25
    assert html.count("<ul>") <= 25
    assert html.count("<em>") + html.count("<strong>") <= 200


def test_absurdly_deep_emphasis_reads_as_the_asterisks_typed():
    html = render_comment("*" * 10 + "deep" + "*" * 10)
    assert html.count("<strong>") == 4
    assert "**deep**" in html
    assert render_comment("***both***") == "<p><em><strong>both</strong></em></p>\n"


def test_code_blocks_are_keyboard_focusable_and_members_cannot_add_the_attribute():
    from forum.rendering import RENDERER_VERSION, render_article, render_comment

    assert RENDERER_VERSION >= 3
    fenced = render_comment("```\nselect * from a_very_long_table_name;\n```")
    assert fenced.startswith('<pre tabindex="0"><code>select')
    assert render_comment("    indented code").startswith('<pre tabindex="0"><code>')
    assert '<pre tabindex="0"><code>' in render_article("```\ncode\n```").html
    typed = render_comment('<pre tabindex="0" onclick="x">hi</pre>')
    assert "<pre" not in typed
    assert "&lt;pre" in typed
