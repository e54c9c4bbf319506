"""A Celery worker killed with SIGKILL in the middle of a batch: every message reaches the gateway once, none fails.

The worker is a real `celery worker` (prefork, one child) running the periodic scan `send_due_notifications`, taken
from the broker as beat would send it. It sends through the webhook transport to an HTTP gateway in this test
process that answers slowly and records each request's Idempotency-Key. The whole worker (its process group, as
`kill -9` of a container or the OOM killer would) dies mid-chunk. Once the lease has run out the next scan, on a
second worker, recovers the claims and sends the rest.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
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


class CeleryWorker:
    """A `celery worker` process group on a queue of its own, reading the broker under this test process's prefix."""

    def __init__(self, env: dict, log: Path, queue: str, name: str):
        from clientcentric.config.celery import app

        prefix = app.conf.broker_transport_options.get("global_keyprefix", "")
        # The worker must read the keys this process publishes under (tests/conftest.py gives each test process
        # a broker prefix): set it as the worker's settings would, then start the real worker.
        code = (
            "import django; django.setup()\n"
            "from clientcentric.config.celery import app\n"
            f"app.conf.broker_transport_options = {{**app.conf.broker_transport_options, 'global_keyprefix': {prefix!r}}}\n"
            "app.worker_main(['worker', '--pool', 'prefork', '--concurrency', '1', '--queues', "
            f"{queue!r}, '--hostname', '{name}@%h', '--without-gossip', '--without-mingle', '--loglevel', 'INFO'])\n"
        )
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="a Celery worker in another process needs the broker (Redis) and a shared database; on SQLite the test "
    "database is in memory (the lease logic is tested in one process by test_notification_leases.py)",
)
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(monkeypatch, tmp_path):
    from clientcentric.core.tasks import send_due_notifications

    monkeypatch.setattr(
        notifications, "_enqueue", lambda notification_id: None
    )  # the periodic scan is the only sender here
    with transaction.atomic():
        ids = [
            notifications.enqueue(
                channel="sms", address=f"+7900{i:07d}", subject="", body=f"Сообщение {i}"
            ).pk
            for i in range(MESSAGES)
        ]
    queue = f"kill-test-{uuid.uuid4().hex}"
    logs = {name: tmp_path / f"{name}.log" for name in ("first", "second")}

    def log_tail(name: str) -> str:
        return logs[name].read_text(errors="replace")[-3000:] if logs[name].exists() else ""

    with Gateway() as gateway:
        env = _env(gateway)
        first = CeleryWorker(env, logs["first"], queue, "first")
        try:
            send_due_notifications.apply_async(queue=queue)  # what beat sends every 30 s
            # 110: in the middle of the fifth chunk of 25, away from a chunk's edge.
            _wait(lambda: gateway.received() >= 110, 120, "the first worker to be well into its batch")
            first.kill()
        except AssertionError:
            print(log_tail("first"))
            raise
        finally:
            first.stop()
        states = Counter(Notification.objects.values_list("state", flat=True))
        # Killed mid-chunk, mid-batch.
        assert states[State.SENDING] > 0 and states[State.SENT] < MESSAGES, (states, gateway.received())
        assert states[State.FAILED] == 0

        time.sleep(LEASE_SECONDS + 0.5)
        second = CeleryWorker(env, logs["second"], queue, "second")
        try:
            send_due_notifications.apply_async(queue=queue)  # beat's next scan
            _wait(
                lambda: Notification.objects.filter(state=State.SENT).count() == MESSAGES,
                180,
                "the second worker to send the rest",
            )
        except AssertionError:
            print(log_tail("second"))
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
