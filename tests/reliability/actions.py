"""What a simulated member does during the load test: one entry per kind of action.

Extension point: the forum adds `post_comment`, `reply`, `report` here. An action gets
the member's signed-in Client, a Random and the Ledger; it returns the responses it got.
A write that succeeded records what it wrote in `ledger.written` (e.g. the comment body,
made unique with the member's name and a counter) so the test can compare the client's
log with the database afterwards (`verify_ledger` in test_load.py): stored exactly once.
"""

import random
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.reliability.harness import Client, Response, find_form

ARTICLE = "/science/magnesium-for-fibromyalgia/"
THANKS = "A moderator will review this comment."
_COMMENT_URL = re.compile(r"^/comments/(\d+)/$")
_REPLY_TO = re.compile(r'data-reply-to="(\d+)"')
_REPORT_LINK = re.compile(r'href="/comments/(\d+)/report/"')


@dataclass
class Ledger:
    """What the clients saw: every status code, and every write the server confirmed."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    responses: list[tuple[str, str, int]] = field(default_factory=list)
    written: list[dict] = field(default_factory=list)
    # Writes the server answered with a refusal (4xx): none of them may be stored.
    refused: list[dict] = field(default_factory=list)
    # How many submissions were sent again with the same form token, one after the
    # other and at the same moment.
    resent: dict[str, int] = field(default_factory=lambda: {"again": 0, "concurrently": 0})

    def record(self, action: str, path: str, response: Response) -> Response:
        with self.lock:
            self.responses.append((action, path, response.status))
        return response

    def outcome(self, entry: dict, *, stored: bool) -> None:
        with self.lock:
            (self.written if stored else self.refused).append(entry)


def read_article(client: Client, rng: random.Random, ledger: Ledger) -> None:
    response = ledger.record("read_article", ARTICLE, client.get(ARTICLE))
    assert response.status >= 500 or "Magnesium" in response.text


def read_index(client: Client, rng: random.Random, ledger: Ledger) -> None:
    path = rng.choice(["/", "/science/", "/science/topics/vitamins-and-minerals/"])
    ledger.record("read_index", path, client.get(path))


def search(client: Client, rng: random.Random, ledger: Ledger) -> None:
    path = "/science/search/?q=" + rng.choice(["magnesium", "fibromyalgia", "sleep"])
    ledger.record("search", path, client.get(path))


def account_page(client: Client, rng: random.Random, ledger: Ledger) -> None:
    # Signed in: the account page answers 200 (a lost session would redirect, 302).
    response = ledger.record("account_page", "/accounts/email/", client.get("/accounts/email/"))
    assert response.status != 302, "the member's session was lost"


def _send(client: Client, action: str, data: dict, rng: random.Random, ledger: Ledger) -> list:
    """POST a comment form; some are sent twice with the same form token, like a member
    pressing the button again after a slow answer, or twice at once (two tabs, a proxy
    retrying)."""
    roll = rng.random()
    if roll < 0.2:
        tabs = [client.twin(), client.twin()]
        answers: list = [None, None]
        barrier = threading.Barrier(2, timeout=10)

        def send(i: int) -> None:
            barrier.wait()
            answers[i] = tabs[i].request("POST", action, form=data)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(client.timeout + 15)
        assert all(answers), "a concurrent resend got no answer"
        client.cookies.update(tabs[0].cookies)
        with ledger.lock:
            ledger.resent["concurrently"] += 1
        return answers
    answers = [client.request("POST", action, form=data)]
    if roll < 0.4:
        answers.append(client.request("POST", action, form=data))
        with ledger.lock:
            ledger.resent["again"] += 1
    return answers


def _submit_comment(
    client: Client, rng: random.Random, ledger: Ledger, kind: str, page: Response
) -> None:
    action, fields = find_form(page.text, having="form_token")
    # One word the screening leaves alone (a dose would need a digit after a space).
    marker = "LT" + uuid.uuid4().hex
    data = {**fields, "body": f"Thank you, this matches what I read. {marker}", "post": "1"}
    answers = [ledger.record(kind, action, r) for r in _send(client, action, data, rng, ledger)]
    ids = {m.group(1) for r in answers if (m := _COMMENT_URL.match(r.header("Location")))}
    entry = {"kind": kind, "marker": marker, "member": client.name, "parent": fields.get("parent")}
    statuses = {r.status for r in answers}
    if ids:
        assert len(ids) == 1, f"one form, several comments: {ids}"
        ledger.outcome({**entry, "id": int(ids.pop())}, stored=True)
    elif statuses <= {400, 429}:  # posting too fast; or the parent was hidden meanwhile
        ledger.outcome({**entry, "statuses": sorted(statuses)}, stored=False)
    else:
        raise AssertionError(
            f"{kind}: unexpected answers {[(r.status, r.header('Location')) for r in answers]}"
        )


def post_comment(client: Client, rng: random.Random, ledger: Ledger) -> None:
    page = ledger.record("read_article", ARTICLE, client.get(ARTICLE))
    if page.status == 200:
        _submit_comment(client, rng, ledger, "post_comment", page)


def reply(client: Client, rng: random.Random, ledger: Ledger) -> None:
    page = ledger.record("read_article", ARTICLE, client.get(ARTICLE))
    targets = _REPLY_TO.findall(page.text)
    if not targets:
        return
    path = f"/comments/{rng.choice(targets)}/reply/"
    form_page = ledger.record("reply_form", path, client.get(path))
    if form_page.status == 200:  # 404: hidden by reports since the article page loaded
        _submit_comment(client, rng, ledger, "reply", form_page)


def report(client: Client, rng: random.Random, ledger: Ledger) -> None:
    """Report someone else's comment (once each), then read the answer on the next page."""
    page = ledger.record("read_article", ARTICLE, client.get(ARTICLE))
    done = {
        e["id"]
        for e in ledger.written + ledger.refused
        if e["member"] == client.name and e["kind"] == "report"
    }
    targets = [int(pk) for pk in _REPORT_LINK.findall(page.text) if int(pk) not in done]
    if not targets:
        return
    target = rng.choice(targets)
    path = f"/comments/{target}/report/"
    form_page = ledger.record("report_form", path, client.get(path))
    entry = {"kind": "report", "member": client.name, "id": target, "marker": ""}
    if form_page.status != 200:  # hidden by reports meanwhile: nothing to report
        return
    _, fields = find_form(form_page.text, having="note")
    entry["marker"] = marker = "LT" + uuid.uuid4().hex
    data = {**fields, "reason": rng.choice(["off_topic", "inauthentic"]), "note": marker}
    answer = ledger.record("report", path, client.request("POST", path, form=data))
    if answer.status == 404:  # hidden between the form and the POST
        ledger.outcome(entry, stored=False)
        return
    assert answer.status == 302, f"report: {answer.status}"
    # The redirect leads to the comment's page, which says whether the report was taken.
    location = answer.header("Location")
    for _ in range(3):
        landing = ledger.record("report_answer", location, client.get(location))
        location = landing.header("Location").split("#")[0]
        if landing.status != 302:
            break
    ledger.outcome(entry, stored=THANKS in landing.text)


Action = Callable[[Client, random.Random, Ledger], None]

# (weight, action): members read more than they write.
CLIENT_ACTIONS: list[tuple[int, Action]] = [
    (5, read_article),
    (2, read_index),
    (1, search),
    (1, account_page),
    (3, post_comment),
    (2, reply),
    (1, report),
]
# What anonymous readers do meanwhile.
READER_ACTIONS: list[tuple[int, Action]] = [(4, read_article), (1, read_index), (1, search)]
