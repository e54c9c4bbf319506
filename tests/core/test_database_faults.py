"""A database that fails, freezes or restarts: pages and the API answer 503 soon, and the next requests heal.

A frozen server is simulated in-process: a TCP listener that accepts and never answers (a new connection), and a
proxy in front of PostgreSQL that stops passing bytes on (a pooled connection).
"""

import socket
import threading
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client
from django.utils import timezone

from clientcentric.appeals import policies
from clientcentric.appeals.models import Appeal
from clientcentric.core.api_errors import RETRY_AFTER_SECONDS

# Far above the few seconds a frozen database should cost (about 5 s here), far below a hang.
HANG = 20

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the timeouts and the prepared-statement path are PostgreSQL's"
)


def _failing_database():
    return mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("server closed")
    )


def test_a_page_answers_a_russian_503_when_the_database_fails(db):
    client = Client(raise_request_exception=False)
    with _failing_database():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "Сервис временно недоступен" in page and "Повторите попытку" in page


def test_an_api_path_answers_the_json_error_shape_when_the_database_fails(db):
    client = Client(raise_request_exception=False)
    with _failing_database():
        response = client.get("/api/v1/registry/life-situations")
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["error"] == "unavailable"


def test_an_error_that_is_not_the_database_stays_a_500(db):
    client = Client(raise_request_exception=False)
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=RuntimeError("bug")):
        assert client.get("/").status_code == 500
        response = client.get("/api/v1/registry/life-situations")
    assert response.status_code == 500 and response.json()["error"] in ("server_error", "error")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _FreezableProxy:
    """Passes bytes between its clients and PostgreSQL until frozen; then holds every socket open, silent."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.frozen = threading.Event()
        self.closing = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closing.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.frozen.is_set():
                continue  # accepted, never answered
            server = socket.create_connection(self.upstream)
            self.sockets.append(server)
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    def _pump(self, source, target):
        while not self.closing.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            while self.frozen.is_set() and not self.closing.is_set():
                time.sleep(0.05)
            try:
                target.sendall(data)
            except OSError:
                return

    def close(self):
        self.closing.set()
        for sock in self.sockets:
            # shutdown() first: a close() alone waits for the pump blocked in recv(), and PostgreSQL keeps the session.
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@contextmanager
def _database_through(host: str, port: int):
    """Point Django's connection at host:port for the block; the test's own database again afterwards."""
    saved = connection.settings_dict.copy()
    connection.close()
    connection.settings_dict.update(HOST=host, PORT=port)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _new_request():
    # What Django's handler does when a request starts; the test client leaves it out.
    close_old_connections()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_database_that_accepts_and_never_answers_gives_503_within_the_connect_timeout():
    listener = socket.create_server(("127.0.0.1", 0))
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    client = Client(raise_request_exception=False)
    try:
        with _database_through("127.0.0.1", listener.getsockname()[1]):
            started = time.monotonic()
            health = client.get("/healthz")
            health_seconds = time.monotonic() - started
            started = time.monotonic()
            page = client.get("/")
            page_seconds = time.monotonic() - started
    finally:
        listener.close()
        for accepted, _ in held:
            accepted.close()
    print(
        f"\nfrozen database, new connection: /healthz 503 in {health_seconds:.1f} s, / 503 in {page_seconds:.1f} s"
    )
    assert health.status_code == 503 and health["Retry-After"]
    assert health.json()["checks"]["database"].startswith("error")
    assert page.status_code == 503 and "Сервис временно недоступен" in page.content.decode()
    assert health_seconds < HANG and page_seconds < HANG


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_database_that_freezes_under_pooled_connections_gives_503_in_seconds_and_heals():
    settings = connection.settings_dict
    proxy = _FreezableProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)))
    client = Client(raise_request_exception=False)
    try:
        with _database_through("127.0.0.1", proxy.port):
            _new_request()
            assert client.get("/healthz").status_code == 200
            assert connection.connection is not None  # pooled for the next request
            proxy.frozen.set()
            _new_request()
            started = time.monotonic()
            health = client.get("/healthz")
            seconds = time.monotonic() - started
            print(f"\nfrozen database, pooled connection: /healthz 503 in {seconds:.1f} s")
            assert health.status_code == 503 and seconds < HANG
            _new_request()
            assert client.get("/api/v1/registry/life-situations").status_code == 503
            proxy.frozen.clear()
            _new_request()
            assert client.get("/healthz").status_code == 200
    finally:
        proxy.close()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_on_a_frozen_server_is_cut_at_the_client_deadline():
    settings = connection.settings_dict
    proxy = _FreezableProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)))
    try:
        with _database_through("127.0.0.1", proxy.port):
            connection.settings_dict["CLIENT_STATEMENT_DEADLINE"] = 1
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            proxy.frozen.set()
            started = time.monotonic()
            with pytest.raises(OperationalError), connection.cursor() as cursor:
                cursor.execute("SELECT 2")
            assert time.monotonic() - started < HANG
    finally:
        proxy.close()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_statement_timeout_cancels_a_slow_query():
    connection.close()
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("options")
    options["options"] = "-c statement_timeout=300"
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(10)")
        assert time.monotonic() - started < 5
    finally:
        connection.close()
        if saved is None:
            options.pop("options")
        else:
            options["options"] = saved


def _appeal():
    now = timezone.now()
    return Appeal(
        channel="portal",
        kind="written",
        text="Не горит фонарь",
        registered_at=now,
        deadline_at=now,
        policy=policies.policy_for(channel="portal", kind="written", category=""),
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_intake_fast_path_heals_after_a_database_restart():
    import psycopg

    from clientcentric.core.services import rows

    connection.close()  # a connection of this test's own, far from its CONN_MAX_AGE
    rows.insert_with_dependents(_appeal(), lambda appeal: [])
    second = _appeal()  # its policy read before the restart, as the intake caches it
    backend = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    # The pooled connection is dead, as after a restart; the next request's first statement is the fast path's.
    _new_request()
    rows.insert_with_dependents(second, lambda appeal: [])
    assert Appeal.objects.count() == 2
