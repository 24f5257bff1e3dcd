"""What the benchmark measures: one definition per scenario, and the wrk script for it.

A scenario names its method, the path(s) wrk cycles through, whose session signs it in
(none, "member" or "moderator") and, for a POST, its form fields. Every POST carries the
session's CSRF cookie and `csrfmiddlewaretoken`, and a fresh `form_token` (a UUID unique
per request: run nonce, wrk thread, Lua counter). In a field value `__N__` becomes a
string unique per request, so no two posted comments are identical.

The paths are the site's own: forum:comment-create, forum:comment (the permalink,
measured as the redirect it answers with: the request a reader's click makes, not the
article page it leads to), forum:moderation-queue and forum:comment-report. A path that
answers 404 is reported as "not available (404)" rather than failing the run.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FLOOR_PATH = "/__bench__/floor/"
POST_PROBE_PATH = "/__bench__/post-probe/"
PERMALINK_PATH = "/comments/{pk}/"
REPORT_PATH = "/comments/{pk}/report/"
MODERATION_QUEUE_PATH = "/moderation/"
SEARCH_PATH = "/science/search/?q={q}"
# Common words (each in tens of thousands of the comments), two words, a rare word, a
# phrase and an exclusion: what readers type, and the heavy cases for the engine.
SEARCH_QUERIES = ("magnesium", "sleep+pain", "diarrhea", "%22small+sample%22", "magnesium+-pain")
POST_COMMENT_PATH = "{article_url}comments/"

SCENARIO_NAMES = (
    "floor",
    "anonymous_article",
    "member_article",
    "permalink",
    "moderation_queue",
    "post_comment",
    "report_comment",
    "search",
)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    paths: Callable[[Any], list[str]]  # given the Dataset; rotated one per request
    method: str = "GET"
    session: str | None = None  # None (anonymous), "member" or "moderator"
    form: dict[str, str] = field(default_factory=dict)  # POST fields besides CSRF/token
    token_field: str | None = None  # the one-time form token's field name, if any
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request
    # wrk's connections (and threads) for this scenario; None: the run's (8). A latency
    # target ("a search answers in < 50 ms") is one reader's wait, not a queue's.
    connections: int | None = None


# What a browser sends: the anonymous page (and the floor, its bytes) go out gzipped.
GZIP = {"Accept-Encoding": "gzip"}


def _article(dataset) -> list[str]:
    return [dataset.article.get_absolute_url()]


SCENARIOS = (
    Scenario(
        "floor",
        "the anonymous article page's bytes from memory, through the same middleware",
        lambda dataset: [FLOOR_PATH],
        headers=GZIP,
    ),
    Scenario(
        "anonymous_article",
        "the article page with the first page of its discussion, signed out",
        _article,
        headers=GZIP,
    ),
    Scenario(
        "member_article",
        "the same page signed in as a verified member (personal controls, comment form)",
        _article,
        session="member",
    ),
    Scenario(
        "permalink",
        "one comment's permalink (its redirect to the page and anchor), over 50 comments",
        lambda dataset: [PERMALINK_PATH.format(pk=c.pk) for c in dataset.comments[::40][:50]],
    ),
    Scenario(
        "moderation_queue",
        "the moderation queue's first page, as a two-factor-verified moderator",
        lambda dataset: [MODERATION_QUEUE_PATH],
        session="moderator",
    ),
    Scenario(
        "post_comment",
        "a verified member posts a top-level comment through the real view",
        lambda dataset: [POST_COMMENT_PATH.format(article_url=dataset.article.get_absolute_url())],
        method="POST",
        session="member",
        # No dose in the text: dosing advice would stop at the confirmation prompt.
        form={
            "body": "Benchmark comment __N__: the *sleep* results match what I noticed, "
            "see [the trial](https://pubmed.ncbi.nlm.nih.gov/12345678/).\n\n"
            "- sleep better\n- less pain",
            "kind": "experience",
            "source": "",
        },
        token_field="form_token",
    ),
    Scenario(
        "report_comment",
        "a verified member reports a comment (each request a new comment/member pair)",
        lambda dataset: [REPORT_PATH.format(pk=c.pk) for c in dataset.unreported],
        method="POST",
        session="member",
        form={"reason": "off_topic", "note": "Benchmark report __N__"},
    ),
    Scenario(
        "search",
        "the search page (articles, then a page of ranked comments with snippets) over "
        "the search corpus (100,000 comments in the full run), signed out, one reader at "
        "a time: its target is the time one search takes",
        lambda dataset: [SEARCH_PATH.format(q=q) for q in SEARCH_QUERIES],
        headers=GZIP,
        connections=1,
    ),
)

POST_PROBE = Scenario(
    "post_probe",
    "harness self-check: signed-in POST with CSRF and a unique form token (expects 303)",
    lambda dataset: [POST_PROBE_PATH],
    method="POST",
    session="member",
    form={"note": "probe __N__"},
    token_field="form_token",
)

assert tuple(s.name for s in SCENARIOS) == SCENARIO_NAMES


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _urlencode(form: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(form)


LUA_TEMPLATE = """\
-- wrk script for the "{name}" scenario, written by tests/benchmarks/scenarios.py
local method = {method}
local paths = {{{paths}}}
local cookies = {{{cookies}}}   -- one signed-in session per entry, rotated
local csrf = {{{csrf}}}         -- each session's CSRF secret (cookie and form field)
local form = {form}             -- urlencoded fields; __N__ is unique per request
local token_field = {token_field}
local fixed_headers = {{{headers}}}
local nonce = {nonce}
local thread_count = {thread_count}
local counter = {start}         -- past the requests of earlier runs (warm-up)
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function request()
  counter = counter + 1
  local unique = string.format("%s-%d-%d", nonce, thread_id or 0, counter)
  local path = paths[(counter - 1) % #paths + 1]
  local headers = {{}}
  for name, value in pairs(fixed_headers) do headers[name] = value end
  local who = 0
  if #cookies > 0 then
    -- each thread its own sessions, a new one each time the path list wraps, so
    -- (path, member) pairs stay unique (one report per member and comment)
    local round = math.floor((counter - 1) / #paths)
    who = (round * thread_count + (thread_id or 1) - 1) % #cookies + 1
    headers["Cookie"] = cookies[who]
  end
  if method ~= "POST" then
    return wrk.format(method, path, headers, nil)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local body = string.gsub(form, "__N__", unique)
  if who > 0 then
    body = body .. "&csrfmiddlewaretoken=" .. csrf[who]
  end
  if token_field ~= "" then
    body = body .. "&" .. token_field .. "=" .. string.format(
      "%s-%04x-4000-8000-%012x", nonce, thread_id or 0, counter)
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50_us":%.0f,"p90_us":%.0f,"p99_us":%.0f,' ..
    '"max_us":%.0f,"mean_us":%.1f}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
"""


def lua_script(
    scenario: Scenario,
    *,
    paths: list[str],
    sessions: list,
    nonce: str,
    threads: int,
    start: int = 0,
) -> str:
    """The wrk script for one run; `nonce` (8 hex digits) makes form tokens unique per
    run, and `start` skips the (path, session) pairs an earlier run already used."""
    return LUA_TEMPLATE.format(
        name=scenario.name,
        method=_lua_string(scenario.method),
        paths=", ".join(_lua_string(p) for p in paths),
        cookies=", ".join(_lua_string(s.cookie) for s in sessions),
        csrf=", ".join(_lua_string(s.csrf_token) for s in sessions),
        form=_lua_string(_urlencode(scenario.form)),
        token_field=_lua_string(scenario.token_field or ""),
        headers=", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in scenario.headers.items()
        ),
        nonce=_lua_string(nonce),
        thread_count=threads,
        start=start,
    )
