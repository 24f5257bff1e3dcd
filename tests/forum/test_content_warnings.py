"""Content warnings in comments (issue 19): ":::cw Topic" ... ":::"."""

from forum.rendering import RENDERER_VERSION, render_comment


def test_content_warning_renders_a_collapsed_details():
    html = render_comment(":::cw Self-harm\nI had a bad night.\n:::\nAfter.")
    assert html.startswith(
        '<details class="content-warning"><summary>Content warning: Self-harm</summary>'
    )
    assert "<p>I had a bad night.</p>\n</details>" in html
    assert " open" not in html  # collapsed until the reader opens it
    assert html.endswith("<p>After.</p>\n")


def test_the_topic_is_escaped_and_markup_inside_is_sanitized():
    html = render_comment(':::cw <script>alert(1)</script>\n<img src=x onerror="a()">\n:::')
    assert "<script" not in html
    assert "<img" not in html
    assert "Content warning: &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_warning_without_topic_or_closing_still_hides_the_text():
    html = render_comment(":::cw\nHidden to the end.")
    assert "<summary>Content warning</summary>" in html
    assert "<p>Hidden to the end.</p>\n</details>" in html


def test_members_cannot_write_details_themselves():
    html = render_comment('<details open class="content-warning">x</details>')
    assert "<details" not in html


def test_other_classes_on_details_never_pass():
    # Only the parser rule writes the class; typed text cannot reach the attribute.
    html = render_comment(":::cw t\nx\n:::")
    assert html.count('class="content-warning"') == 1


def test_indented_or_inline_markers_stay_text():
    assert "<details" not in render_comment("    :::cw code")
    assert "<details" not in render_comment("a :::cw b")


def test_renderer_version_was_bumped_for_content_warnings():
    assert RENDERER_VERSION >= 4


def test_composer_help_explains_content_warnings(client, db):
    from django.urls import reverse

    from tests.factories import ArticleFactory, UserFactory

    article = ArticleFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("forum:comment-create", args=[article.slug]),
        {"body": "x", "form_token": "6d1f4c3e-8f6a-4c0e-9a52-0d6a8f3b1a11", "preview": "1"},
    )
    assert "<code>:::cw Topic</code>" in response.content.decode()
