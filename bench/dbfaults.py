"""Time to a 503 with the database frozen, printed against the target of issue 17: a few seconds (≤ 6 s).

Two ways a database freezes: a new connection reaches a server that accepts and never answers (connect timeout),
and a pooled connection's server stops answering mid-life (health-check deadline, then the connect timeout).
Both are simulated in-process by a TCP proxy in front of the PostgreSQL of DATABASE_URL (the database needs no
tables), with the web process's settings: `DATABASE_URL=postgres://… python bench/dbfaults.py`.
"""

import os
import socket
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
os.environ.setdefault("CLIENTCENTRIC_LOG_LEVEL", "CRITICAL")
os.environ["CLIENTCENTRIC_SERVING"] = "true"
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("bench/dbfaults.py measures PostgreSQL's timeouts: set DATABASE_URL=postgres://…")

import django  # noqa: E402

django.setup()

from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402

TARGET_SECONDS = 6.0
PATHS = ["/healthz", "/", "/api/v1/registry/life-situations"]


class FreezableProxy:
    def __init__(self, upstream):
        self.upstream, self.frozen = upstream, threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            self.held.append(client)
            if not self.frozen.is_set():
                server = socket.create_connection(self.upstream)
                self.held.append(server)
                for pair in ((client, server), (server, client)):
                    threading.Thread(target=self._pump, args=pair, daemon=True).start()

    def _pump(self, source, target):
        while data := source.recv(65536):
            while self.frozen.is_set():
                time.sleep(0.05)
            target.sendall(data)


def time_to_answer(client, path):
    close_old_connections()  # what a new request does
    started = time.monotonic()
    status = client.get(path).status_code
    return status, time.monotonic() - started


def main() -> None:
    settings = connection.settings_dict
    proxy = FreezableProxy((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)))
    connection.close()
    settings.update(HOST="127.0.0.1", PORT=proxy.port)
    client = Client(raise_request_exception=False)
    print(
        f"connect timeout {settings['OPTIONS']['connect_timeout']} s, health-check deadline "
        f"{settings['CLIENT_HEALTH_CHECK_DEADLINE']} s, statement deadline {settings.get('CLIENT_STATEMENT_DEADLINE')} s"
    )
    missed = False
    for scenario in ("pooled connection", "new connection"):
        proxy.frozen.clear()
        connection.close()
        status, _ = time_to_answer(client, "/healthz")
        assert status == 200, f"/healthz answered {status} before the freeze"
        proxy.frozen.set()
        if scenario == "new connection":
            connection.close()
        for path in PATHS:
            status, seconds = time_to_answer(client, path)
            ok = status == 503 and seconds <= TARGET_SECONDS
            missed |= not ok
            print(
                f"frozen database, {scenario:<17} {path:<34} {status} in {seconds:5.1f} s   "
                f"target 503 ≤ {TARGET_SECONDS:.0f} s   {'OK' if ok else 'MISSED'}"
            )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
