"""The `viral_article` scenario (issue 20): anonymous readers (wrk, as in
`anonymous_article`) on the article while signed-in members add 20 comments a second.

Posters are threads of this process sending the real comment form (session cookie, CSRF
token, a fresh form token) at a fixed pace, each comment carrying a unique marker. One
post in `SAMPLE_EVERY` is followed by a sampler that reads the anonymous page where a new
comment shows first (`?sort=newest`, first page) every 20 ms until the marker is there:
`freshness` is the time from the post's redirect to that page showing it. Both pages are
anonymous pages cached and coalesced alike (forum/pagecache/anonymous.py).
"""

import gzip
import http.client
import secrets
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

POSTS_PER_SECOND = 20
SAMPLE_EVERY = 4
POLL_SECONDS = 0.02
GIVE_UP_SECONDS = 10.0


def _request(port: int, method: str, path: str, *, headers: dict, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Posters:
    """Posts at POSTS_PER_SECOND until stopped; samples freshness on some posts."""

    def __init__(self, *, port: int, article_url: str, sessions: list) -> None:
        self.port = port
        self.article_url = article_url
        self.sessions = sessions
        self.nonce = secrets.token_hex(4)
        self.posted = 0
        self.errors = 0
        self.freshness: list[float] = []
        self.unseen = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=8)
        # Samplers poll for up to GIVE_UP_SECONDS: on their own threads, so a slow page
        # never holds back the posting pace.
        self.samplers = ThreadPoolExecutor(max_workers=8)
        self.thread = threading.Thread(target=self._pace, daemon=True)

    def start(self) -> None:
        self.started = time.monotonic()
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.pool.shutdown(wait=True)
        self.samplers.shutdown(wait=True)
        self.seconds = time.monotonic() - self.started

    def _pace(self) -> None:
        number = 0
        while not self.stopping.is_set():
            due = self.started + number / POSTS_PER_SECOND
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            self.pool.submit(self._post, number)
            number += 1

    def _post(self, number: int) -> None:
        session = self.sessions[number % len(self.sessions)]
        marker = f"viral-{self.nonce}-{number}"
        form = {
            "csrfmiddlewaretoken": session.csrf_token,
            "body": f"Comment {marker}: magnesium helped my sleep, and the pain eased.",
            "kind": "experience",
            "source": "",
            "form_token": str(uuid.uuid4()),
        }
        headers = {
            "Cookie": session.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": f"127.0.0.1:{self.port}",
        }
        try:
            status, _, _ = _request(
                self.port,
                "POST",
                f"{self.article_url}comments/",
                headers=headers,
                body=urlencode(form),
            )
        except OSError:
            status = 0
        redirected = time.monotonic()
        with self.lock:
            if status == 302:
                self.posted += 1
            else:
                self.errors += 1
        if status == 302 and number % SAMPLE_EVERY == 0:
            self.samplers.submit(self._sample, marker, redirected)

    def _sample(self, marker: str, since: float) -> None:
        headers = {"Accept-Encoding": "gzip", "Host": f"127.0.0.1:{self.port}"}
        needle = marker.encode()
        while time.monotonic() - since < GIVE_UP_SECONDS:
            try:
                status, got, body = _request(
                    self.port, "GET", f"{self.article_url}?sort=newest", headers=headers
                )
            except OSError:
                status, got, body = 0, {}, b""
            if status == 200:
                if got.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if needle in body:
                    with self.lock:
                        self.freshness.append(time.monotonic() - since)
                    return
            time.sleep(POLL_SECONDS)
        with self.lock:
            self.unseen += 1


def measure_viral(server, *, dataset, sessions: list, options, label: str = "viral_article"):
    """wrk's anonymous readers on the article while Posters run; figures as `measure`'s,
    plus the posting rate and freshness."""
    from tests.benchmarks.run import count_queries, run_wrk
    from tests.benchmarks.scenarios import SCENARIOS, lua_script

    readers = SCENARIOS[1]
    article_url = dataset.article.get_absolute_url()
    script = lua_script(
        readers, paths=[article_url], sessions=[], nonce=secrets.token_hex(4), threads=2
    )
    queries = count_queries(readers, paths=[article_url], sessions=[])["queries"]
    posters = Posters(port=server.port, article_url=article_url, sessions=sessions)
    boots = server.worker_boots()
    posters.start()
    try:
        figures = run_wrk(server, script, seconds=options.duration, options=options, label=label)
    finally:
        posters.stop()
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    fresh = sorted(posters.freshness)
    return {
        "available": True,
        "rps": round(figures["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "errors": errors,
        "queries": queries,  # a reader's warm request, in-process
        "status": 200,
        "requests": figures["requests"],
        "kb_per_response": round(figures["bytes"] / max(figures["requests"], 1) / 1024, 1),
        "rss_mb": server.worker_rss_mb(),
        "worker_restarts": server.worker_boots() - boots,
        "posts": posters.posted,
        "posts_per_s": round(posters.posted / posters.seconds, 1),
        "post_errors": posters.errors,
        "freshness_samples": len(fresh),
        "freshness_unseen": posters.unseen,
        "freshness_p50_s": round(statistics.median(fresh), 3) if fresh else None,
        "freshness_p99_s": round(_percentile(fresh, 0.99), 3) if fresh else None,
        "freshness_max_s": round(fresh[-1], 3) if fresh else None,
    }


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values (with few samples: the largest ones)."""
    rank = max(1, min(len(values), round(fraction * len(values) + 0.5)))
    return values[rank - 1]
