"""Hostile Markdown within the length limit completes and comes out bounded and inert:
past the parser's budgets, link openers and emphasis markers read as the text typed.
(How long each takes is the benchmark's business: tests/benchmarks/rendering.py.)"""

import re

import pytest
from django.conf import settings

from forum.rendering import MAX_EMPHASIS_RUNS, MAX_LINK_OPENERS, render_comment
from tests.benchmarks.rendering import hostile_inputs

TAG = re.compile(r"<(/?)([a-z0-9]+)")


def _tags(html: str) -> set[str]:
    return {name for _, name in TAG.findall(html)}


@pytest.mark.parametrize(("name", "source"), hostile_inputs().items())
def test_hostile_input_comes_out_bounded_and_inert(name, source):
    source = source[: settings.FORUM_MAX_COMMENT_LENGTH]
    html = render_comment(source)
    assert _tags(html) <= {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote"} | {
        "code",
        "pre",
        "hr",
    }
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert all(href.startswith(("https://", "http://", "mailto:")) for href in hrefs)
    assert not re.search(r"<[a-z]+ [^>]*\bon[a-z]+=", html)  # no event handlers
    assert len(html) < 10 * len(source) + 1000
    assert not re.search("[\ue000-\ue004]", html)


def test_link_openers_past_the_budget_read_as_typed():
    links = " ".join(f"[l{n}](https://example.org/{n})" for n in range(MAX_LINK_OPENERS + 10))
    html = render_comment(links)
    assert html.count(">l") == MAX_LINK_OPENERS  # link text of the Markdown links
    assert "[l55](" in html  # later ones as typed; the bare address is still linked
    assert "\\[" not in html


def test_unclosed_brackets_read_as_typed():
    assert render_comment("![[" * 10) == "<p>" + "![[" * 10 + "</p>\n"


def test_emphasis_past_the_budget_reads_as_typed():
    html = render_comment("*a* " * (MAX_EMPHASIS_RUNS // 2 + 20))
    assert html.count("<em>") == MAX_EMPHASIS_RUNS // 2
    assert html.rstrip().endswith("*a*</p>")
    assert "\\*" not in html


def test_markers_past_the_budget_read_as_typed_even_in_code():
    html = render_comment("`" + "*" * 700 + "` and " + "_" * 10)
    assert html == "<p><code>" + "*" * 700 + "</code> and " + "_" * 10 + "</p>\n"


def test_a_member_escape_is_left_alone_and_still_reads_as_typed():
    assert render_comment(r"\[not a link\](x) and \*not emphasis\*") == (
        "<p>[not a link](x) and *not emphasis*</p>\n"
    )


def test_angle_brackets_stay_escaped_and_end_a_bare_link():
    html = render_comment("<" * 3000 + " https://example.org/a<b>")
    assert html.count("&lt;") == 3001
    assert '<a href="https://example.org/a" ' in html
    assert "&lt;b&gt;" in html


def test_private_use_stand_ins_typed_by_a_member_are_dropped():
    assert render_comment("a\ue000b\ue001c") == "<p>abc</p>\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<" * 5000, "<p>" + "&lt;" * 5000 + "</p>\n"),
        ("a <<< b", "<p>a &lt;&lt;&lt; b</p>\n"),
        ("`<<<<`", "<p><code>&lt;&lt;&lt;&lt;</code></p>\n"),
        ("\\<<<<", "<p>&lt;&lt;&lt;&lt;</p>\n"),  # the escaped one stays escaped
        (
            "<<<https://example.org>",  # the run's last "<" still opens an autolink
            (
                '<p>&lt;&lt;<a href="https://example.org" rel="nofollow ugc noopener noreferrer">'
                "https://example.org</a></p>\n"
            ),
        ),
    ],
)
def test_runs_of_angle_brackets_read_as_typed(source, expected):
    # They skip the parser's rules (a "<" followed by another starts nothing), so
    # thousands of them cost what a few do; what readers see is unchanged.
    assert render_comment(source) == expected
