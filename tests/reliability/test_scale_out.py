"""Scale-out: two gunicorn servers, one PostgreSQL, one Redis, nginx round-robin in front."""

import time
import uuid

import pytest

from tests.reliability.actions import ARTICLE
from tests.reliability.conftest import fresh_database
from tests.reliability.harness import (
    Client,
    approve_members,
    find_form,
    manage,
    prepare_database,
    production_env,
    shell_output,
    start_gunicorn,
    start_nginx,
)

# The adapter's wording of allauth's "too many failed logins" refusal.
TOO_MANY = "Too many failed sign-in attempts"


@pytest.fixture(scope="module")
def cluster_of_two(tmp_path_factory, static_var_dir, redis_url):
    tmp_path = tmp_path_factory.mktemp("scaleout")
    with fresh_database("scaleout") as database_url:
        env = production_env(var_dir=static_var_dir, database_url=database_url, redis_url=redis_url)
        # member1 is locked out by the failed sign-in test; member2 writes comments.
        prepare_database(env, members=3)
        approve_members(env, members=3)
        started = []
        try:
            for name in ("app-a", "app-b"):
                started.append(start_gunicorn(env, log_dir=tmp_path, workers=2, name=name))
            nginx, lb_port = start_nginx([port for _, port in started], work_dir=tmp_path / "lb")
            started.append((nginx, lb_port))
            yield env, started[0], started[1], lb_port
        finally:
            for process, _ in reversed(started):
                process.stop()


def test_session_signed_in_through_one_server_works_on_the_other(cluster_of_two):
    _, (_, port_a), (_, port_b), lb_port = cluster_of_two
    on_a = Client(port_a)
    on_a.sign_in("member0")
    on_b = Client(port_b, cookies=dict(on_a.cookies))
    page = on_b.get("/accounts/email/")
    assert page.status == 200
    assert "member0" in page.text
    through_lb = Client(lb_port, cookies=dict(on_a.cookies))
    for _ in range(4):
        assert "member0" in through_lb.get("/accounts/email/").text


def test_load_balancer_spreads_requests_over_both_servers(cluster_of_two):
    _, (app_a, _), (app_b, _), lb_port = cluster_of_two
    client = Client(lb_port)
    for number in range(6):
        assert client.get("/", headers={"X-Request-ID": f"lb-probe-{number}"}).status == 200
    seen_by_a = {n for n in range(6) if f"[lb-probe-{n}]" in app_a.log()}
    seen_by_b = {n for n in range(6) if f"[lb-probe-{n}]" in app_b.log()}
    assert seen_by_a
    assert seen_by_b
    assert seen_by_a | seen_by_b == set(range(6))
    assert not seen_by_a & seen_by_b


def test_failed_sign_in_limit_counts_across_both_servers(cluster_of_two):
    # allauth allows 5 failed sign-ins per account per 5 minutes (ACCOUNT_RATE_LIMITS);
    # spread over two servers (two workers each) the sixth is still refused.
    _, (_, port_a), (_, port_b), _ = cluster_of_two
    # allauth keys the counter by site and account; both servers answer the same name.
    clients = [Client(port_a, host="localhost"), Client(port_b, host="localhost")]
    for attempt in range(5):
        response = clients[attempt % 2].post_form(
            "/accounts/login/", {"login": "member1", "password": f"wrong-{attempt}"}
        )
        assert response.status == 200
        assert TOO_MANY not in response.text
    refused = clients[1].post_form(
        "/accounts/login/", {"login": "member1", "password": "wrong-again"}
    )
    assert TOO_MANY in refused.text


def test_cache_is_shared_between_processes(cluster_of_two):
    # Every process reads the same Redis: a value one process stores, another reads.
    env, *_ = cluster_of_two
    use_cache = "from django.core.cache import cache; "
    manage(env, "shell", "-c", use_cache + "cache.set('probe', 'x1', 60)")
    out = manage(env, "shell", "-c", use_cache + "print(cache.get('probe'))")
    assert out.strip().splitlines()[-1] == "x1"


# Behind the load balancer every server sees the public name; pages cached under it are
# shared through Redis, so a stale copy would show whichever server answers.
PUBLIC_HOST = "localhost"


def anonymous_read(port: int) -> str:
    """A first-time reader: no cookies, so whatever is cached for anonymous readers."""
    page = Client(port, host=PUBLIC_HOST).get(ARTICLE)
    assert page.status == 200
    return page.text


def shows_within_a_second(port: int, text: str, *, present: bool = True) -> str:
    """An anonymous page through `port` that shows `text` (or no longer does) within a
    second: re-rendering a changing discussion is coalesced (FORUM_RENDER_COALESCE_MS),
    so the page made a moment before may be sent meanwhile."""
    deadline = time.monotonic() + 1.0
    while True:
        page = anonymous_read(port)
        if (text in page) == present or time.monotonic() > deadline:
            return page
        time.sleep(0.05)


def post_through(member: Client, text: str, *, parent: int | None = None) -> int:
    form_page = member.get(f"/comments/{parent}/reply/" if parent else ARTICLE)
    action, form = find_form(form_page.text, having="form_token")
    posted = member.request("POST", action, form={**form, "body": text, "post": "1"})
    assert posted.status == 302, posted.status
    return int(posted.header("Location").split("/")[2])


def test_discussion_changes_through_one_server_show_through_the_other_within_a_second(
    cluster_of_two,
):
    _, (_, port_a), (_, port_b), lb_port = cluster_of_two
    ports = {"a": port_a, "b": port_b, "load balancer": lb_port}
    # Each server (and the balancer, twice: once per server) has served the page
    # before the change, so a cached copy would now be stale.
    for port in [port_a, port_b, lb_port, lb_port]:
        anonymous_read(port)
    author_on_b = Client(port_b, host=PUBLIC_HOST)
    author_on_b.sign_in("member2")
    reader_on_a = Client(port_a, host=PUBLIC_HOST)
    reader_on_a.sign_in("member0")
    reader_on_a.get(ARTICLE)

    first = f"Posted through server B, {uuid.uuid4().hex}"
    comment_id = post_through(author_on_b, first)
    for name, port in [*ports.items(), ("load balancer", lb_port)]:
        assert first in shows_within_a_second(port, first), f"anonymous readers through {name}"
    assert first in reader_on_a.get(ARTICLE).text, "a signed-in reader through A"
    author_on_a = Client(port_a, host=PUBLIC_HOST, cookies=dict(author_on_b.cookies))
    assert first in author_on_a.get(ARTICLE).text, "the author, through the other server"

    # And the other way round: a reply through A shows through B; deleting it through
    # B takes it away through A within a second (signed-in readers: at once).
    reply = f"Replied through server A, {uuid.uuid4().hex}"
    reply_id = post_through(author_on_a, reply, parent=comment_id)
    assert f'id="comment-{reply_id}"' in shows_within_a_second(port_b, reply)
    assert reply in shows_within_a_second(port_a, reply)
    deleted = author_on_b.post_form(
        f"/comments/{reply_id}/delete/", {}, form_page=f"/comments/{reply_id}/delete/"
    )
    assert deleted.status == 302
    for name, port in [*ports.items(), ("load balancer", lb_port)]:
        page = shows_within_a_second(port, reply, present=False)
        assert reply not in page, f"a deleted reply still shows through {name}"
        assert first in page


def test_posting_limit_counts_across_both_servers(cluster_of_two):
    # FORUM_POST_RATE allows 5 comments a minute per member, counted from the stored
    # comments in the shared database: spread over two servers (two workers each) the
    # sixth is refused, and not stored.
    env, (_, port_a), (_, port_b), _ = cluster_of_two
    # The limit counts member0's comments stored in the last minute, and earlier tests on
    # this cluster posted as member0: wait until the newest of them is a minute old.
    newest = (
        "from django.utils import timezone; from forum.models import Comment; "
        "last = Comment.objects.filter(author__username='member0').order_by('-created_at')"
        ".values_list('created_at', flat=True).first(); "
        "print((timezone.now() - last).total_seconds() if last else 999)"
    )
    age = float(shell_output(env, newest))
    if age < 61:
        time.sleep(61 - age)
    on_a = Client(port_a, host=PUBLIC_HOST)
    on_a.sign_in("member0")
    on_b = Client(port_b, host=PUBLIC_HOST, cookies=dict(on_a.cookies))
    for number in range(5):
        post_through([on_a, on_b][number % 2], f"Comment {number} of five, {uuid.uuid4().hex}")
    action, form = find_form(on_b.get(ARTICLE).text, having="form_token")
    sixth = f"One too many, {uuid.uuid4().hex}"
    refused = on_b.request("POST", action, form={**form, "body": sixth, "post": "1"})
    assert refused.status == 429
    assert "You are posting too fast" in refused.text
    assert sixth in refused.text  # the member's text stays in the form
    count = f"print(Comment.objects.filter(body_source={sixth!r}).count())"
    assert shell_output(env, "from forum.models import Comment; " + count) == "0"
