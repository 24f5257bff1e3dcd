"""Fixtures for the reliability suite (marked `reliability`; run with `make reliability`
or by .ci/run on PostgreSQL). Each test starts its own processes and stops them."""

import contextlib
import os
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from tests.reliability.harness import PostgresCluster, manage, production_env, required_env

# A hard limit per test (pytest-timeout), setup and teardown included. The signal method
# fails the test in the main thread, so its `finally:` still stops the servers it started
# (the thread method would exit pytest and leave them running). A test that needs more
# says so with its own mark (test_load.py).
TEST_TIMEOUT = 180


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.reliability)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(TEST_TIMEOUT, method="signal"))


@pytest.fixture(scope="session")
def static_var_dir(tmp_path_factory):
    """collectstatic once (hashed, compressed names); every server shares the result."""
    var_dir = tmp_path_factory.mktemp("var")
    manage(production_env(var_dir=var_dir, database_url="sqlite:///:memory:"), "collectstatic",
           "--noinput", "--verbosity", "0")  # fmt: skip
    return var_dir


@pytest.fixture(scope="session")
def redis_url():
    return required_env("REDIS_URL")


@contextlib.contextmanager
def fresh_database(suffix: str):
    """A database of our own on the PostgreSQL server DATABASE_URL names, dropped after."""
    base = urllib.parse.urlsplit(required_env("DATABASE_URL"))
    if not base.scheme.startswith("postgres"):
        pytest.fail("the reliability suite needs DATABASE_URL to name PostgreSQL")
    name = f"{base.path.lstrip('/') or 'aposbook'}_{suffix}"
    admin_url = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def shared_database_url():
    with fresh_database(f"reliability_{os.getpid()}") as url:
        yield url


@pytest.fixture
def cluster():
    """A throwaway PostgreSQL cluster of the test's own, to stop and start at will."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
