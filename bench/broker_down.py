"""Redis down: how long the after-commit hand-over of a notification holds a request, before and after the fix.

Every action that notifies someone (an operator taking an appeal, an answer, a reminder) commits, then hands the
outbox row to Celery. With Redis unreachable that hand-over used to wait for the result store's twenty reconnects
(~19 s) and then raise, so the request answered 500 although its change was committed. Now it gives up within the
broker connect timeout, logs, and leaves the row to the periodic scan.

The broker here is a closed loopback port (bound and released), so the refusal is immediate: the figure is the
client's own retrying, not the network's. Each configuration runs in its own process (Celery pools connections).

Target: the hand-over takes < 1 s and never raises.

    .venv/bin/python bench/broker_down.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
TARGET_SECONDS = 1.0

# The configuration before the fix: a result store on the same Redis, publish retries, kombu's default reconnects.
BEFORE = {
    "task_ignore_result": False,
    "task_publish_retry": True,
    "broker_transport_options": {},
    "broker_connection_timeout": 4.0,
}

PROBE = """
import json, os, sys, time, logging
import django
django.setup()
logging.disable(logging.CRITICAL)
from clientcentric.config.celery import app
from clientcentric.core.services import notifications
overrides = json.loads(sys.argv[1])
if overrides:
    app.conf.update(result_backend=os.environ["REDIS_URL"], **overrides)
started = time.perf_counter()
try:
    if overrides:
        from clientcentric.core.tasks import deliver_notification
        deliver_notification.delay(1)  # the hand-over as it was: nothing caught it
    else:
        notifications._enqueue(1)
    outcome = "returned"
except Exception as exc:
    outcome = "raised " + exc.__class__.__name__
print(json.dumps({"seconds": time.perf_counter() - started, "outcome": outcome}))
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(overrides: dict) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "clientcentric.config.settings",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(overrides)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"{'configuration':<34} {'hand-over':<12} {'outcome':<28} target")
    for name, overrides in (("before (result store, retries)", BEFORE), ("after (fail fast, log)", {})):
        result = run(overrides)
        ok = result["seconds"] < TARGET_SECONDS and result["outcome"] == "returned"
        verdict = "" if overrides else ("OK" if ok else "MISSED")
        figure = f"{result['seconds']:.2f} s"
        print(f"{name:<34} {figure:<12} {result['outcome']:<28} < {TARGET_SECONDS:.0f} s {verdict}")


if __name__ == "__main__":
    main()
