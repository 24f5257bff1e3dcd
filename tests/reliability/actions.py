"""What a simulated member does during the load test: one entry per kind of action.

Extension point: the forum adds `post_comment`, `reply`, `report` here. An action gets
the member's signed-in Client, a Random and the Ledger; it returns the responses it got.
A write that succeeded records what it wrote in `ledger.written` (e.g. the comment body,
made unique with the member's name and a counter) so the test can compare the client's
log with the database afterwards (`verify_ledger` in test_load.py): stored exactly once.
"""

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.reliability.harness import Client, Response

ARTICLE = "/science/magnesium-for-fibromyalgia/"


@dataclass
class Ledger:
    """What the clients saw: every status code, and every write the server confirmed."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    responses: list[tuple[str, str, int]] = field(default_factory=list)
    written: list[dict] = field(default_factory=list)

    def record(self, action: str, path: str, response: Response) -> Response:
        with self.lock:
            self.responses.append((action, path, response.status))
        return response


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


Action = Callable[[Client, random.Random, Ledger], None]

# (weight, action). Add the forum's writes here, e.g. (3, post_comment), (1, reply), (1, report).
CLIENT_ACTIONS: list[tuple[int, Action]] = [
    (5, read_article),
    (2, read_index),
    (1, search),
    (1, account_page),
]
