"""Django's PostgreSQL backend with a client-side deadline on every call that waits on
the server (aposbook/deadline.py): queries, the health check before a persistent
connection is reused, and connecting (libpq's connect_timeout covers the handshake)."""

import contextlib
from typing import Any

from django.db.backends.postgresql import base

from aposbook.deadline import backend_deadline, timed_execute


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(timed_execute)

    def is_usable(self) -> bool:
        # Django pings with a raw psycopg cursor (no execute wrappers): a frozen server
        # would hold the request here, before any query of ours.
        with backend_deadline(on_stall=self._drop_connection):
            return super().is_usable()

    def _drop_connection(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            # A broken socket may refuse even to close.
            with contextlib.suppress(Exception):
                connection.close()
