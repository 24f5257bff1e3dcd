"""The shipped gunicorn configuration recycles workers without making readers wait
(issue 20): the app is loaded in the master and warmed there, so a recycled worker is a
fork that serves at once, and the two workers' recycling is spread apart."""

import os
import runpy
from pathlib import Path

from django.db import connections
from django.template import engines
from django.urls import clear_url_caches, get_resolver

from aposbook.warmup import warm_up

CONFIG = Path(__file__).resolve().parents[2] / "aposbook" / "gunicorn.conf.py"


def test_workers_are_forks_of_a_preloaded_app_recycled_apart():
    config = runpy.run_path(str(CONFIG))
    assert config["preload_app"] is True
    assert config["max_requests"] == 2000
    # Wide enough that two workers under the same load are not recycled together.
    assert config["max_requests_jitter"] >= config["max_requests"] // 2


def test_web_processes_get_a_server_side_statement_timeout(monkeypatch):
    # setenv first, so that the test's end removes what the config sets.
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "unset")
    monkeypatch.delenv("DATABASE_STATEMENT_TIMEOUT")
    runpy.run_path(str(CONFIG))
    assert os.environ["DATABASE_STATEMENT_TIMEOUT"] == "5000"


def test_warm_up_loads_the_urls_and_templates_without_a_connection():
    # pytest-django refuses database access here: warm_up must not need it.
    connections.close_all()
    clear_url_caches()
    warm_up()
    resolver = get_resolver()
    assert resolver._populated  # reverse tables built, view modules imported
    loader = engines["django"].engine.template_loaders[0]  # the cached loader
    loader.reset()
    warm_up()
    assert "articles/article_detail.html" in loader.get_template_cache
    assert all(connection.connection is None for connection in connections.all())


def test_the_wsgi_module_warms_up_when_loaded(monkeypatch):
    called = []
    monkeypatch.setattr("aposbook.warmup.warm_up", lambda: called.append(True))
    runpy.run_module("aposbook.wsgi")
    assert called == [True]
