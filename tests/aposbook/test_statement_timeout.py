"""The server-side statement timeout web processes set (DATABASE_STATEMENT_TIMEOUT, from
gunicorn.conf.py) really makes PostgreSQL cancel a long statement. Runs in the
PostgreSQL pass of CI (.ci/run); SQLite has no such setting."""

import psycopg
import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_cancels_a_statement_that_runs_past_the_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: CI's second pass runs it")
    params = connection.get_connection_params()
    params["options"] = "-c statement_timeout=100"
    with psycopg.connect(**params) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("100ms",)
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(2)")
