"""Django's PostgreSQL backend with a client-side deadline on every statement.

`connect_timeout` bounds a new connection and `statement_timeout` a slow query, but both need a server that
answers: when PostgreSQL (or the network, or a pooler in between) stops answering, a pooled connection waits in
`recv()` for as long as the kernel keeps the socket, minutes, and so does every request and health check on it.
Here a timer shuts the socket down once a statement has run past its deadline; the waiting call then fails with
an OperationalError like any lost connection, which the pages and the API answer with 503, and Django replaces
the connection on the next request. Statements that finish in time cost one timer each.
"""

import os
import socket
import threading
from contextlib import contextmanager

from django.db.backends.postgresql import base

from clientcentric.core.logging import get_logger

log = get_logger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    """Reads two keys of its DATABASES entry that psycopg never sees (settings.py sets them): CLIENT_STATEMENT_DEADLINE
    for a statement, CLIENT_HEALTH_CHECK_DEADLINE for the `SELECT 1` that tests a pooled connection; seconds."""

    def __init__(self, settings_dict, alias="default"):
        super().__init__(settings_dict, alias)
        self.execute_wrappers.append(self._within_statement_deadline)

    def _within_statement_deadline(self, execute, sql, params, many, context):
        with deadline(self.connection, self.settings_dict.get("CLIENT_STATEMENT_DEADLINE")):
            return execute(sql, params, many, context)

    def is_usable(self):
        # Django asks this before a pooled connection's first query of a request: a frozen server must not hang it.
        with deadline(self.connection, self.settings_dict.get("CLIENT_HEALTH_CHECK_DEADLINE")):
            return super().is_usable()


@contextmanager
def deadline(raw_connection, seconds: float):
    """Shut `raw_connection`'s socket down if the block is still running after `seconds`."""
    if raw_connection is None or not seconds:
        yield
        return
    state = {"done": False}
    lock = threading.Lock()

    def sever():
        with lock:
            if state["done"]:
                return
            state["done"] = True
        log.warning("database_deadline_exceeded", seconds=seconds)
        _shut_down(raw_connection)

    timer = threading.Timer(seconds, sever)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
        timer.cancel()


def _shut_down(raw_connection) -> None:
    try:
        descriptor = raw_connection.pgconn.socket
    except Exception:  # already closed: nothing waits on it
        return
    # A duplicate descriptor, so closing it leaves psycopg's own alone; the shutdown reaches the shared socket.
    duplicate = socket.socket(fileno=os.dup(descriptor))
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()
