"""The queue page stays light (issue 20: 1,699 elements for 15 items, Lighthouse's
"excessive DOM"): each item is a summary with a link to its own page, where the action
forms are. Without JavaScript the link is all it takes."""

import html.parser

from forum.moderation import reports
from tests.factories import UserFactory
from tests.moderation.conftest import make_comment

QUEUE = "/moderation/"
PER_ITEM = 60


class _ItemElements(html.parser.HTMLParser):
    """Elements inside each <li class="mod-item ...">, the item included."""

    VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.counts: list[int] = []
        self.depth = 0  # open elements inside the current item

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if not self.depth and tag == "li" and "mod-item" in classes:
            self.counts.append(0)
        if not self.counts or (not self.depth and not (tag == "li" and "mod-item" in classes)):
            return
        self.counts[-1] += 1
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1


def elements_per_item(page: str) -> list[int]:
    parser = _ItemElements()
    parser.feed(page)
    return parser.counts


def busy_queue(article, author, count: int = 15) -> None:
    """Reported comments by a member with a sanction-worthy history: every action shows."""
    reporters = [UserFactory(username=f"reporter{i}") for i in range(3)]
    for n in range(count):
        comment = make_comment(article, author, f"Reported comment number {n}, quite long. " * 5)
        for reporter in reporters:
            reports.report_comment(
                comment=comment, reporter=reporter, reason="medical_harm", note="Dangerous."
            )


def test_each_queue_item_is_at_most_60_elements(mod_client, article, author):
    busy_queue(article, author)
    page = mod_client.get(QUEUE).content.decode()
    counts = elements_per_item(page)
    assert len(counts) == 15
    assert max(counts) <= PER_ITEM, counts


def test_the_queue_links_each_item_to_its_own_page_with_the_actions(mod_client, article, author):
    busy_queue(article, author, count=2)
    page = mod_client.get(QUEUE).content.decode()
    assert 'action="/moderation/comments/' not in page  # no action forms on the queue
    comment = article.comments.order_by("pk").first()
    item_url = f"/moderation/comments/{comment.pk}/"
    assert f'href="{item_url}"' in page
    item = mod_client.get(item_url)
    assert item.status_code == 200
    html = item.content.decode()
    for action in ("remove", "dismiss"):
        assert f'action="/moderation/comments/{comment.pk}/{action}/"' in html
    assert f'action="/moderation/members/{author.pk}/suspend/"' in html
    assert "Reported comment number 0" in html


def test_an_item_page_is_for_moderators_only(client, member, article, author):
    busy_queue(article, author, count=1)
    comment = article.comments.first()
    client.force_login(member)
    assert client.get(f"/moderation/comments/{comment.pk}/").status_code in (403, 404)
