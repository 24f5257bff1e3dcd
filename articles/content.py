"""Article content files: Markdown with a small metadata header.

    ---
    category: Vitamins and Minerals
    title: Magnesium For Fibromyalgia
    headline: What science says about Magnesium For Fibromyalgia
    published: 2024-10
    disclaimer: ...
    ---
    Body in Markdown, sections start with "## ".

`load_content_files` parses every file before it writes anything, and writes all of
them in one transaction, so a malformed file leaves the database as it was.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from articles.models import Article, Category

REQUIRED_KEYS = {"category", "title", "headline", "published"}
OPTIONAL_KEYS = {"slug", "summary", "about", "status", "disclaimer", "last_reviewed"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ContentError(Exception):
    """A content file that cannot be loaded; the message names the file and the problem."""


@dataclass(frozen=True)
class ArticleContent:
    path: Path
    slug: str
    category: str
    title: str
    headline: str
    summary: str
    about: str
    status: str
    published_on: datetime.date
    last_reviewed: datetime.date | None
    disclaimer: str
    body: str
    digest: str


def _month(value: str, key: str, fail) -> datetime.date:
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    try:
        if not match:
            raise ValueError
        year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
        return datetime.date(year, month, day)
    except ValueError:
        fail(f"'{key}' must be a date like 2024-10 or 2024-10-15, not {value!r}")
        raise  # pragma: no cover - fail() always raises


def parse_content_file(path: Path) -> ArticleContent:
    def fail(problem: str):
        raise ContentError(f"{path.name}: {problem}")

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail("is not UTF-8 text")
    except OSError as error:
        fail(f"cannot be read ({error.strerror})")
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        fail("must start with a '---' line opening the metadata header")
    try:
        end = lines.index("---", 1)
    except ValueError:
        fail("the metadata header is not closed by a '---' line")
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            fail(f"line {number} is not 'key: value'")
        if key not in REQUIRED_KEYS | OPTIONAL_KEYS:
            fail(f"line {number} has an unknown key '{key}'")
        if key in meta:
            fail(f"line {number} repeats the key '{key}'")
        meta[key] = value.strip()
    missing = sorted(key for key in REQUIRED_KEYS if not meta.get(key))
    if missing:
        fail(f"the header is missing {', '.join(missing)}")
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    if not body.strip():
        fail("has no article body after the header")
    slug = meta.get("slug") or path.stem
    if not _SLUG.match(slug):
        fail(f"slug {slug!r} may only hold lowercase letters, digits and hyphens")
    status = meta.get("status", Article.Status.PUBLISHED)
    if status not in Article.Status.values:
        fail(f"status must be one of {', '.join(Article.Status.values)}, not {status!r}")
    summary = meta.get("summary") or body.split("\n\n", 1)[0].strip()
    return ArticleContent(
        path=path,
        slug=slug,
        category=meta["category"],
        title=meta["title"],
        headline=meta["headline"],
        summary=summary,
        about=meta.get("about", ""),
        status=status,
        published_on=_month(meta["published"], "published", fail),
        last_reviewed=(
            _month(meta["last_reviewed"], "last_reviewed", fail)
            if meta.get("last_reviewed")
            else None
        ),
        disclaimer=meta.get("disclaimer", ""),
        body=body,
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )


@dataclass(frozen=True)
class LoadResult:
    slug: str
    outcome: str  # "created", "updated" or "unchanged"


@transaction.atomic
def load_content_files(paths: list[Path]) -> list[LoadResult]:
    """Create or update one article per file; nothing is written unless all files parse.

    An article is only overwritten when its file changed since it was last loaded, so
    running this on every start never undoes an editor's work in the admin.
    """
    contents = [parse_content_file(path) for path in sorted(paths)]
    slugs = [content.slug for content in contents]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise ContentError(f"two files define the slug {', '.join(duplicates)}")
    results = []
    for content in contents:
        category, _ = Category.objects.get_or_create(
            name=content.category, defaults={"slug": slugify(content.category)}
        )
        article = Article.objects.filter(slug=content.slug).first()
        if article is not None and article.source_digest == content.digest:
            results.append(LoadResult(content.slug, "unchanged"))
            continue
        outcome = "created" if article is None else "updated"
        article = article or Article(slug=content.slug)
        article.category = category
        article.title = content.title
        article.headline = content.headline
        article.summary = content.summary
        article.about = content.about
        article.status = content.status
        article.published_on = content.published_on
        article.last_reviewed = content.last_reviewed
        article.disclaimer = content.disclaimer
        article.body = content.body
        article.source_digest = content.digest
        article.save()
        results.append(LoadResult(content.slug, outcome))
    return results
