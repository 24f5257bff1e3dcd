"""Scale-out: two gunicorn servers, one PostgreSQL, one Redis, nginx round-robin in front."""

import pytest

from tests.reliability.conftest import fresh_database
from tests.reliability.harness import (
    Client,
    manage,
    prepare_database,
    production_env,
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
        prepare_database(env, members=2)
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
    assert seen_by_a and seen_by_b
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
