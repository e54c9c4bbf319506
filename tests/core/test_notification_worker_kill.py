"""A worker killed with SIGKILL in the middle of a batch: every message still reaches the gateway once, none fails.

The worker is a real process running the periodic scan's batch, the code the Celery task
`send_due_notifications` runs (a Celery worker killed the same way leaves the same rows behind). It sends through the webhook transport to an HTTP gateway in this test process
that answers slowly and records each request's Idempotency-Key. After the kill a second worker, started once the
lease has run out, recovers the claims and sends the rest.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection, transaction

from clientcentric.core.models import Notification
from clientcentric.core.services import notifications

State = Notification.State
MESSAGES = 300
LEASE_SECONDS = 2
SRC = str(Path(__file__).resolve().parents[2] / "src")


class Gateway:
    """An SMS gateway stand-in: records every request's key, answers after a pause like a real one."""

    def __init__(self):
        self.keys: list[str] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook name)
                self.rfile.read(int(self.headers["Content-Length"]))
                with gateway.lock:
                    gateway.keys.append(self.headers["Idempotency-Key"])
                time.sleep(0.01)
                body = json.dumps({"id": self.headers["Idempotency-Key"]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def received(self) -> int:
        with self.lock:
            return len(self.keys)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(gateway: Gateway) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": SRC,
        "DJANGO_SETTINGS_MODULE": "clientcentric.config.settings",
        "DATABASE_URL": _database_url(),
        "CLIENTCENTRIC_SMS_WEBHOOK_URL": gateway.url,
        "CLIENTCENTRIC_NOTIFICATION_LEASE_SECONDS": str(LEASE_SECONDS),
        "CLIENTCENTRIC_NOTIFICATION_CHUNK": "25",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    env.pop("http_proxy", None)
    env.pop("HTTP_PROXY", None)
    return env


class Worker:
    """One worker process running the periodic scan's batch (what the Celery task runs), logging to a file."""

    def __init__(self, env: dict, log: Path):
        code = "import django; django.setup(); from clientcentric.core.services import notifications as n; "
        code += "n.send_due(limit=100000)"
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code], env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def kill(self) -> int:
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second process must share the test database; on SQLite it is in memory (the lease logic is tested "
    "in one process by test_notification_leases.py)",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(monkeypatch, tmp_path):
    monkeypatch.setattr(
        notifications, "_enqueue", lambda notification_id: None
    )  # the scan is the worker here
    with transaction.atomic():
        ids = [
            notifications.enqueue(
                channel="sms", address=f"+7900{i:07d}", subject="", body=f"Сообщение {i}"
            ).pk
            for i in range(MESSAGES)
        ]
    with Gateway() as gateway:
        env = _env(gateway)
        first = Worker(env, tmp_path / "first.log")
        try:
            # 110: in the middle of the fifth chunk of 25, away from a chunk's edge.
            _wait(lambda: gateway.received() >= 110, 120, "the first worker to be well into its batch")
            assert first.kill() == -signal.SIGKILL
        finally:
            first.stop()
        states = Counter(Notification.objects.values_list("state", flat=True))
        # Killed mid-chunk, mid-batch.
        assert states[State.SENDING] > 0 and states[State.SENT] < MESSAGES, (states, gateway.received())
        assert states[State.FAILED] == 0

        time.sleep(LEASE_SECONDS + 0.5)
        second = Worker(env, tmp_path / "second.log")
        try:
            _wait(
                lambda: Notification.objects.filter(state=State.SENT).count() == MESSAGES,
                180,
                "the second worker to send the rest",
            )
        except AssertionError:
            print((tmp_path / "second.log").read_text(errors="replace")[-3000:])
            raise
        finally:
            second.stop()

    assert not Notification.objects.exclude(state=State.SENT).exists()
    keys = Counter(gateway.keys)
    # What the gateway delivers (one message per Idempotency-Key): each of the 300 exactly once.
    assert set(keys) == {f"notification-{pk}" for pk in ids}
    # What it was asked: once each, except at most the one request in flight when the worker died.
    repeated = [key for key, count in keys.items() if count > 1]
    assert len(repeated) <= 1 and all(keys[key] == 2 for key in repeated)
    attempts = Counter(Notification.objects.values_list("attempts", flat=True))
    assert attempts[1] >= MESSAGES - 1 and attempts[1] + attempts[2] == MESSAGES
    print(f"\nkilled mid-batch: {states[State.SENT]} sent before the kill, {states[State.SENDING]} claimed; ")
    print(f"after recovery: {MESSAGES} sent, 0 failed, {len(repeated)} repeated request(s) dropped by key")
