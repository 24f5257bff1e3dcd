"""The one door to trusted HTML.

Markdown from members (comments) and editors (articles) becomes HTML here and only
here: markdown-it-py parses CommonMark with raw HTML switched off (so typed tags are
text, never markup), then bleach cleans the result against an allowlist and linkifies
bare URLs in the same pass. Templates mark only this module's output safe.

Bump RENDERER_VERSION whenever the policy below changes; stored HTML records the
version it was made with, and `manage.py rerender_comments` brings old rows up to date.
"""

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from bleach.linkifier import URL_RE, LinkifyFilter
from bleach.sanitizer import Cleaner
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

# 3: code blocks are keyboard-focusable (<pre tabindex="0">); 4: content warnings;
# 5: @mentions of members link their page
RENDERER_VERSION = 5

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener noreferrer"

COMMENT_TAGS = frozenset(
    {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}
    # A content warning (":::cw Topic" ... ":::"): written by the parser rule below only.
    | {"details", "summary"}
)


def _focusable_block(tag: str, name: str, value: str) -> bool:
    """tabindex="0" on <pre> only: a code block that scrolls sideways must be reachable
    by keyboard (axe scrollable-region-focusable). The parser adds it (raw HTML is off,
    so members cannot); nothing else passes."""
    return name == "tabindex" and value == "0"


def _content_warning_class(tag: str, name: str, value: str) -> bool:
    return name == "class" and value == CONTENT_WARNING_CLASS


CONTENT_WARNING_CLASS = "content-warning"
MENTION_CLASS = "mention"


def _link_attribute(tag: str, name: str, value: str) -> bool:
    # class="mention" is written by the mention rule below only (raw HTML is off).
    return name in ("href", "rel", "title") or (name == "class" and value == MENTION_CLASS)


COMMENT_ATTRIBUTES = {
    "a": _link_attribute,
    "ol": ["start"],
    "pre": _focusable_block,
    "details": _content_warning_class,
}
# The parser writes exactly this for a code block (fenced or indented).
_CODE_BLOCK = "<pre><code"
_FOCUSABLE_CODE_BLOCK = '<pre tabindex="0"><code'

ARTICLE_TAGS = COMMENT_TAGS | {
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ARTICLE_ATTRIBUTES = {
    **COMMENT_ATTRIBUTES,
    # Heading ids come from _slug() below, never from the editor: Markdown with raw
    # HTML off has no syntax for attributes.
    "h2": ["id"],
    "h3": ["id"],
}

# Constructs the comment allowlist has no tag for are switched off in the parser, so
# they read as the literal text typed ("# not a heading", "![alt](url)") instead of
# being stripped into something the member never wrote.
_comment_markdown = MarkdownIt("commonmark", {"html": False}).disable(
    ["heading", "lheading", "image"]
)
_article_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

# ":::cw Topic" on a line of its own opens a content warning, ":::" closes it (or the
# comment's end does): a collapsed <details> readers open if they choose, no script.
_CW_OPEN = re.compile(r"^:::[ \t]*cw(?:[ \t]+(.*?))?[ \t]*$", re.IGNORECASE)
_CW_CLOSE = ":::"
CW_TOPIC_MAX = 100


def _line(state: Any, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _content_warning_rule(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented: a code block
    opening = _CW_OPEN.match(_line(state, start_line))
    if not opening:
        return False
    if silent:
        return True
    next_line, closed = start_line, False
    while True:
        next_line += 1
        if next_line >= end_line:
            break
        if state.sCount[next_line] < state.blkIndent and _line(state, next_line):
            break  # the enclosing list item or quote ended
        if (
            state.sCount[next_line] - state.blkIndent < 4
            and _line(state, next_line).strip() == _CW_CLOSE
        ):
            closed = True
            break
    old_parent, old_line_max = state.parentType, state.lineMax
    state.parentType, state.lineMax = "container", next_line
    token = state.push("content_warning_open", "details", 1)
    token.block, token.map = True, [start_line, next_line]
    token.info = " ".join((opening.group(1) or "").split())[:CW_TOPIC_MAX]
    state.md.block.tokenize(state, start_line + 1, next_line)
    state.push("content_warning_close", "details", -1).block = True
    state.parentType, state.lineMax = old_parent, old_line_max
    state.line = next_line + (1 if closed else 0)
    return True


def _render_content_warning_open(
    renderer: Any, tokens: list, idx: int, options: Any, env: Any
) -> str:
    topic = tokens[idx].info
    label = f"Content warning: {topic}" if topic else "Content warning"
    return f'<details class="{CONTENT_WARNING_CLASS}"><summary>{escape(label)}</summary>\n'


def _render_content_warning_close(
    renderer: Any, tokens: list, idx: int, options: Any, env: Any
) -> str:
    return "</details>\n"


_comment_markdown.block.ruler.before(
    "fence", "content_warning", _content_warning_rule, {"alt": ["paragraph", "blockquote", "list"]}
)
_comment_markdown.add_render_rule("content_warning_open", _render_content_warning_open)
_comment_markdown.add_render_rule("content_warning_close", _render_content_warning_close)


def _external_links(attrs: dict, new: bool = False) -> dict:
    """Every link members or editors write is untrusted for search engines and openers."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _absolute_links_only(attrs: dict, new: bool = False) -> dict | None:
    """Members link out, never to relative or scheme-less addresses ("%6Aavascript:…"
    is a relative path to a browser, but a trap to every later reader of the HTML).
    The one relative link is a mention's, to a member's page on this site."""
    href = attrs.get((None, "href"), "")
    if attrs.get((None, "class")) == MENTION_CLASS and _MENTION_HREF.fullmatch(href):
        return attrs
    if urlsplit(href).scheme.lower() not in ALLOWED_PROTOCOLS:
        return None  # bleach keeps the link text and drops the <a>
    return _external_links(attrs, new)


# bleach's URL pattern, also ending a bare link at the stand-ins for "<" and ">"
# (render_comment below), exactly where it ends at those characters.
_URL_RE = re.compile(URL_RE.pattern.replace('<>"]', '<>"\ue000\ue001]', 1), URL_RE.flags)


def _cleaner(tags: frozenset[str], attributes: dict, link_callback=_external_links) -> Cleaner:
    # Clean and linkify in ONE pass: a second bleach.linkify pass re-escapes entities
    # inside <code> (readers would see &lt;b&gt;). A Cleaner is not thread-safe, so
    # build one per call; it is cheap next to the Markdown parse.
    return Cleaner(
        tags=tags,
        attributes=attributes,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[
            partial(
                LinkifyFilter,
                callbacks=[link_callback],
                skip_tags=["pre", "code"],
                url_re=_URL_RE,
            )
        ],
    )


# Emphasis nested deeper than this, or beyond this many spans in one comment, reads as
# the asterisks typed. Nobody writes that on purpose, and thousands of <em> elements are
# what makes the sanitizer slow (its formatting-element bookkeeping grows quadratically).
MAX_EMPHASIS_NESTING = 4
MAX_EMPHASIS_SPANS = 200
_EMPHASIS = {"em_open": "em_close", "strong_open": "strong_close"}


def _flatten_excess_emphasis(tokens: list) -> None:
    spans = 0
    for block in tokens:
        open_flags: list[bool] = []  # one per open emphasis: was it turned into text?
        depth = 0
        for token in block.children or ():
            if token.type in _EMPHASIS:
                flatten = depth >= MAX_EMPHASIS_NESTING or spans >= MAX_EMPHASIS_SPANS
                open_flags.append(flatten)
                depth += not flatten
                spans += not flatten
            elif token.type in _EMPHASIS.values() and open_flags:
                flatten = open_flags.pop()
                depth -= not flatten
            else:
                continue
            if flatten:
                token.type, token.tag, token.nesting, token.content = "text", "", 0, token.markup


# The parser's link and emphasis rules rescan the rest of the text for each opener, so
# thousands of "[" or "*" cost seconds. Past these budgets the markers go through the
# parser as private-use stand-ins (plain text to it, cheap) and come back as the
# characters typed; real comments stay far below them.
MAX_LINK_OPENERS = 50
MAX_EMPHASIS_RUNS = 200
MAX_EMPHASIS_MARKERS = 600  # "*" and "_" characters, over all runs
# Every "<" is a stop where the parser tries its rules one by one ("<" * 5000 took
# ~20 ms); a "<" followed by another can start nothing (no autolink, raw HTML is off),
# so in a run of three or more all but the last go through as the stand-in for "&lt;",
# which they become anyway. (Inside a link address they would be encoded differently:
# nobody writes "<<<" there.)
_MARKERS = re.compile(r"\\.|\[|[*_]+|<{3,}", re.DOTALL)


def _escape_excess_markers(source: str) -> str:
    openers = runs = markers = 0
    last_closer = source.rfind("]")  # an opener after it can never become a link

    def escape(match: re.Match) -> str:
        nonlocal openers, runs, markers
        marker = match.group()
        if marker[0] == "\\":
            return marker  # already escaped by the member
        if marker[0] == "<":
            return _REFERENCES["&lt;"] * (len(marker) - 1) + "<"
        if marker == "[":
            openers += 1
            linkable = openers <= MAX_LINK_OPENERS and match.start() < last_closer
            return marker if linkable else _HIDDEN_BRACKET
        runs, markers = runs + 1, markers + len(marker)
        within = runs <= MAX_EMPHASIS_RUNS and markers <= MAX_EMPHASIS_MARKERS
        return marker if within else marker.translate(_HIDE_MARKERS)

    return _MARKERS.sub(escape, source)


_HIDE_MARKERS = {ord("*"): "\ue002", ord("_"): "\ue003"}
_HIDDEN_BRACKET = "\ue004"


# The sanitizer's tokenizer is slow on character references (thousands of "&lt;" take
# it hundreds of milliseconds), and the parser's escaped HTML is full of them. They go
# through it as private-use characters, which it copies as they are, and come back
# after. Members' own private-use characters in this range (and the stand-ins above)
# are dropped first.
# ("&amp;" stays: bare links may contain "&", and the linkifier must see it.)
_REFERENCES = {"&lt;": "\ue000", "&gt;": "\ue001"}
_REFERENCE_PATTERN = re.compile("|".join(_REFERENCES))
_RESTORE = {
    **{ord(char): reference for reference, char in _REFERENCES.items()},
    **{ord(stand_in): chr(char) for char, stand_in in _HIDE_MARKERS.items()},
    ord(_HIDDEN_BRACKET): "[",
}
_DROP_PRIVATE = dict.fromkeys(_RESTORE)


# ---- @mentions. "@name" of a member (the caller looks the names up: this module reads
# no database) becomes a link to their page; unknown names, and names in code or inside
# a link's text, stay as typed. Usernames are plain letters, digits and _ . - ; a name
# is not a mention after a letter, digit or one of those (an email address, a URL).
_MENTION = re.compile(r"(?<![A-Za-z0-9_.@/-])@([A-Za-z0-9_.-]+)")
_MENTION_HREF = re.compile(r"/members/[A-Za-z0-9_.-]+/")


def mention_candidates(source: str) -> set[str]:
    """Lower-cased names the text may mention (each as typed, and without the full
    stops or dashes that may end a sentence), for the caller to look up."""
    names: set[str] = set()
    for match in _MENTION.finditer(source):
        name = match.group(1).lower()
        names.add(name)
        if stripped := name.rstrip(".-"):
            names.add(stripped)
    return names


def _mention_at(text: str, members: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, member's name) for each mention of a known member in a text run."""
    found = []
    for match in _MENTION.finditer(text):
        typed = match.group(1)
        name = typed if typed.lower() in members else typed.rstrip(".-")
        if name and name.lower() in members:
            found.append((match.start(), match.start() + 1 + len(name), members[name.lower()]))
    return found


def _mention_rule(state: Any) -> None:
    """A core rule after inline parsing: splits text tokens at mentions, and records the
    names mentioned outside quotes in env["mentioned"] (a quote repeats someone else's
    words: quoting a mention must not notify again)."""
    members = state.env.get("members")
    if not members:
        return
    mentioned: list[str] = state.env.setdefault("mentioned", [])
    quote_depth = 0
    for block in state.tokens:
        if block.type == "blockquote_open":
            quote_depth += 1
        elif block.type == "blockquote_close":
            quote_depth -= 1
        if block.type != "inline" or not block.children:
            continue
        children: list = []
        in_link = 0
        for token in block.children:
            in_link += token.type == "link_open"
            in_link -= token.type == "link_close"
            found = _mention_at(token.content, members) if token.type == "text" else []
            if in_link or not found:
                children.append(token)
                continue
            position = 0
            for start, end, name in found:
                children.append(_text_token(token.content[position:start]))
                link = Token("html_inline", "", 0)
                href = reverse("member-detail", args=[name])
                link.content = (
                    f'<a href="{escape(href)}" class="{MENTION_CLASS}">'
                    f"{escape(token.content[start:end])}</a>"
                )
                children.append(link)
                if not quote_depth and name not in mentioned:
                    mentioned.append(name)
                position = end
            children.append(_text_token(token.content[position:]))
        block.children = children


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


_comment_markdown.core.ruler.push("mentions", _mention_rule)


def mentions_in(source: str, members: Mapping[str, str]) -> list[str]:
    """The members (names as in `members`' values) a comment mentions outside quotes,
    in the order written."""
    if not members:
        return []
    env: dict[str, Any] = {"members": members}
    _comment_markdown.parse(_escape_excess_markers(source.translate(_DROP_PRIVATE)), env)
    return list(env.get("mentioned", []))


def render_comment(source: str, members: Mapping[str, str] | None = None) -> str:
    """A member's Markdown as sanitized HTML, ready to store in body_html. `members`:
    the known members the text may mention, by lower-cased name (forum.notifications
    .mention_targets); without it, "@name" stays text."""
    source = _escape_excess_markers(source.translate(_DROP_PRIVATE))
    tokens = _comment_markdown.parse(source, {"members": members or {}})
    _flatten_excess_emphasis(tokens)
    html = _comment_markdown.renderer.render(tokens, _comment_markdown.options, {})
    html = html.replace(_CODE_BLOCK, _FOCUSABLE_CODE_BLOCK)
    html = _REFERENCE_PATTERN.sub(lambda match: _REFERENCES[match.group()], html)
    cleaner = _cleaner(COMMENT_TAGS, COMMENT_ATTRIBUTES, link_callback=_absolute_links_only)
    return cleaner.clean(html).translate(_RESTORE)


def marked_spans(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """The text, escaped, with each (start, end) span in <mark>: the private information
    the composer's prompt found, shown in the member's own words. Spans are sorted and
    never overlap (forum.moderation.privacy keeps them so)."""
    pieces: list[str] = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


@dataclass(frozen=True)
class RenderedArticle:
    html: str
    toc: list[dict[str, str]]  # [{"id": ..., "title": ...}] for each ## heading


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def render_article(source: str) -> RenderedArticle:
    """An editor's Markdown as sanitized HTML plus a table of contents of its ## headings.

    Editors get a richer allowlist (headings, tables) but the same sanitizer,
    so a compromised editor account still cannot put script on the page.
    """
    tokens = _article_markdown.parse(source)
    toc: list[dict[str, str]] = []
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in {"h2", "h3"}:
            title = tokens[index + 1].content
            anchor = base = _slug(title)
            counter = 2
            while anchor in used:
                anchor, counter = f"{base}-{counter}", counter + 1
            used.add(anchor)
            token.attrSet("id", anchor)
            if token.tag == "h2":
                toc.append({"id": anchor, "title": title})
    html = _article_markdown.renderer.render(tokens, _article_markdown.options, {})
    html = html.replace(_CODE_BLOCK, _FOCUSABLE_CODE_BLOCK)
    return RenderedArticle(html=_cleaner(ARTICLE_TAGS, ARTICLE_ATTRIBUTES).clean(html), toc=toc)


def highlight_span(text: str, needle: str) -> SafeString:
    """The text, escaped, with each occurrence of `needle` (any case) in <mark>: how the
    moderation queue shows what matched in a member's words."""
    if not needle:
        return mark_safe(escape(text))
    pieces: list[str] = []
    position = 0
    for match in re.finditer(re.escape(needle), text, re.IGNORECASE):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def trusted(html: str) -> SafeString:
    """Mark HTML that this module produced (and a model stored) as safe for templates."""
    return mark_safe(html)


def with_csrf_token(fragment: SafeString, *, placeholder: str, token: str) -> SafeString:
    """A cached fragment rendered by an autoescaping template (the moderation queue's
    page), with this request's CSRF token where the fragment has its placeholder.

    The cache never holds a token: the fragment is rendered with a random placeholder in
    its place. It comes back from the cache still a SafeString (pickling keeps the type),
    but str.replace returns a plain str, hence the marking here. Only a SafeString is
    taken, so nothing unescaped is promoted; the placeholder must be a long alphanumeric
    run (it replaces text, never markup) and the token goes in escaped.
    """
    if not isinstance(fragment, SafeString):
        raise TypeError("with_csrf_token takes a fragment rendered by a template")
    if not (placeholder.isascii() and placeholder.isalnum() and len(placeholder) >= 16):
        raise ValueError("the placeholder must be at least 16 ASCII letters or digits")
    return mark_safe(fragment.replace(placeholder, escape(token)))


# Search snippets (forum/search) come from the database engines with the matched words
# between these private-use characters, and fragments joined by the third; the text
# they mark was cleared of them first, so every one is the engine's.
SNIPPET_MARK_START = "\ue010"
SNIPPET_MARK_END = "\ue011"
SNIPPET_FRAGMENTS = "\ue012"
_SNIPPET_PARTS = re.compile(f"([{SNIPPET_MARK_START}{SNIPPET_MARK_END}{SNIPPET_FRAGMENTS}])")


def search_snippet(text: str) -> SafeString:
    """A search snippet as HTML: the text escaped, the matched words in <mark>.
    Marks always pair up (a stray end is dropped, an open one is closed)."""
    out: list[str] = []
    open_mark = False
    for part in _SNIPPET_PARTS.split(text):
        if part == SNIPPET_MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == SNIPPET_MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif part == SNIPPET_FRAGMENTS:
            if open_mark:
                out.append("</mark>")
                open_mark = False
            out.append(" … ")
        else:
            out.append(escape(part))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))


# The escapes django.utils.html.json_script applies, so "</script>" in any string
# cannot end the script element early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> SafeString:
    """Serialize structured data for a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))
