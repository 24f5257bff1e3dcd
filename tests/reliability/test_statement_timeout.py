"""A web process's statements are cancelled by PostgreSQL itself after
DATABASE_STATEMENT_TIMEOUT (gunicorn.conf.py sets it), from the settings down to the
server; a process without the variable (commands, the task worker) has no limit."""

from tests.reliability.harness import production_env, required_env, shell_output

PROBE = """
from django.db import connection, OperationalError
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    shown = cursor.fetchone()[0]
    try:
        cursor.execute("SELECT pg_sleep(1)")
        outcome = "finished"
    except OperationalError as error:
        outcome = "cancelled" if "statement timeout" in str(error) else repr(error)
print(shown, outcome)
"""


def test_the_server_cancels_a_long_statement_only_where_the_limit_is_set(tmp_path):
    database_url = required_env("DATABASE_URL")
    web = production_env(
        var_dir=tmp_path, database_url=database_url, DATABASE_STATEMENT_TIMEOUT="100"
    )
    assert shell_output(web, PROBE) == "100ms cancelled"
    command = production_env(var_dir=tmp_path, database_url=database_url)
    command.pop("DATABASE_STATEMENT_TIMEOUT", None)
    assert shell_output(command, PROBE) == "0 finished"
