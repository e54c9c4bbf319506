"""Outbox benchmark: notifications delivered per second to a local SMTP sink, and none delivered twice.

An aiosmtpd server on a loopback port stands in for the mail server (it accepts and counts; nothing leaves the
machine). The benchmark:
1. sets up a fresh database: PostgreSQL (`cc_notify_bench`, created through --admin-url and dropped at the end)
   and SQLite in a temporary folder, each in its own process;
2. writes N pending notifications the way the outbox does (rendered, one per address) and lets W worker
   processes drain them concurrently with `send_due` — the same claim the Celery task and the periodic scan
   use — then counts what the sink received by the X-Clientcentric-Notification header: delivered == written,
   none twice, every stored copy redacted;
3. with the sink stopped, writes M more: every delivery fails and is kept for retry with back-off; with the sink
   started again the next due scan delivers each exactly once.

Target: ≥ 100 messages/s on PostgreSQL on this 2-core machine (one SMTP message at a time per worker, every
delivery committed with its attempt before the next), no duplicates, nothing lost. The SQLite figure (the
embedded demo mode, one writer at a time) is printed for information.

    .venv/bin/python bench/notify.py [--messages 2000] [--workers 2] [--engine all|postgres|sqlite]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

TARGET_RATE = 100.0
BENCH_DB = "cc_notify_bench"


class Sink:
    """An in-process SMTP server that counts the notifications it receives."""

    def __init__(self, port: int):
        self.port = port
        self.received: Counter = Counter()
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("x-clientcentric-notification:"):
                with self.lock:
                    self.received[int(line.split(":", 1)[1])] += 1
                break
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def line(name: str, value: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("OK" if ok else "MISSED")
    print(f"{name:<44} {value:<26} {target:<22} {verdict}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_pending(count: int, start: int) -> list[int]:
    from django.db import transaction

    from clientcentric.core.services import notifications

    ids = []
    with transaction.atomic():
        for i in range(start, start + count):
            # Written as the outbox writes them; delivery is left to the workers (hold, then release).
            note = notifications.enqueue(
                channel="email",
                address=f"citizen{i}@example.ru",
                subject=f"Обращение П-{i}: в работе",
                body=f"Здравствуйте!\n\nСтатус обращения П-{i}: «в работе».\n\nhttps://portal.example.ru/appeals/П-{i}/",
                event="appeal.status_changed",
                unsubscribe_url=f"https://portal.example.ru/unsubscribe/token-{i}/",
                hold=True,
            )
            ids.append(note.pk)
    from django.utils import timezone

    from clientcentric.core.models import Notification

    Notification.objects.filter(pk__in=ids).update(state="pending", next_attempt_at=timezone.now())
    return ids


def worker(results, now_offset_seconds: float) -> None:
    from django.db import connections
    from django.utils import timezone

    connections.close_all()
    from clientcentric.core.services import notifications

    totals = Counter()
    while True:
        counts = notifications.send_due(limit=50, now=timezone.now() + timedelta(seconds=now_offset_seconds))
        totals.update(counts)
        if not any(counts.values()):
            break
    connections.close_all()
    results.put(dict(totals))


def drain(workers: int, now_offset_seconds: float = 0) -> tuple[float, Counter]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    started = time.perf_counter()
    processes = [context.Process(target=worker, args=(results, now_offset_seconds)) for _ in range(workers)]
    for p in processes:
        p.start()
    totals = Counter()
    for _ in processes:
        totals.update(results.get())
    for p in processes:
        p.join()
    return time.perf_counter() - started, totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--outage-messages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=["all", "postgres", "sqlite"], default="all")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default=BENCH_DB, help="the PostgreSQL database to create and drop")
    args = parser.parse_args()
    if args.engine == "all":
        import subprocess

        status = 0
        for engine in ("postgres", "sqlite"):
            child = [sys.executable, __file__, "--engine", engine, "--messages", str(args.messages)]
            child += ["--outage-messages", str(args.outage_messages), "--workers", str(args.workers)]
            child += ["--admin-url", args.admin_url, "--database", args.database]
            code = subprocess.call(child)
            status = status or (code if engine == "postgres" else 0)
        return status
    if args.engine == "postgres":
        import psycopg

        with psycopg.connect(args.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.database}"')
        database_url = args.admin_url.rsplit("/", 1)[0] + "/" + args.database
    try:
        return run(args, database_url if args.engine == "postgres" else "")
    finally:
        if args.engine == "postgres":
            from django.db import connections

            connections.close_all()
            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


def run(args, database_url: str) -> int:

    home = Path(tempfile.mkdtemp(prefix="cc-notify-bench-"))
    port = free_port()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "clientcentric.config.settings",
            "CLIENTCENTRIC_VAR_DIR": str(home),
            "DATABASE_URL": database_url or f"sqlite:///{home / 'bench.sqlite3'}",
            "CLIENTCENTRIC_EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "CLIENTCENTRIC_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clientcentric.core.models import Notification

    sink = Sink(port)
    sink.start()
    ok = True
    try:
        ids = write_pending(args.messages, 0)
        seconds, totals = drain(args.workers)
        rate = totals["sent"] / seconds
        twice = sum(1 for n in sink.received.values() if n > 1)
        missing = len(set(ids) - set(sink.received))
        unredacted = Notification.objects.filter(pk__in=ids).exclude(address="").count()
        engine = "PostgreSQL" if database_url else "SQLite, for information"
        print(f"Outbox → local SMTP sink ({engine}, {args.workers} workers, {args.messages} messages)")
        fast = rate >= TARGET_RATE
        line("delivered per second", f"{rate:.0f}", f"≥ {TARGET_RATE:.0f}", fast if database_url else None)
        line("machine load average (1 min, 2 cores)", f"{os.getloadavg()[0]:.1f}", "shared machine", None)
        line("delivered / written", f"{len(sink.received)} / {len(ids)}", "all", not missing)
        line("delivered twice", str(twice), "0", not twice)
        line("stored copies still holding an address", str(unredacted), "0", not unredacted)
        ok = (fast or not database_url) and not missing and not twice and not unredacted

        # The mail server goes down: everything is kept for retry; back up, each message goes out once.
        sink.stop()
        before = Counter(sink.received)
        outage = write_pending(args.outage_messages, args.messages)
        drain(args.workers)
        kept = Notification.objects.filter(pk__in=outage, state="pending", attempts=1).count()
        sink = Sink(port)
        sink.received = before
        sink.start()
        drain(args.workers, now_offset_seconds=3600)
        twice_after = sum(1 for n in sink.received.values() if n > 1)
        once = sum(1 for pk in outage if sink.received.get(pk) == 1)
        line("server down: kept for retry", f"{kept} / {len(outage)}", "all", kept == len(outage))
        line(
            "server back: delivered once",
            f"{once} / {len(outage)}",
            "all, none twice",
            once == len(outage) and not twice_after,
        )
        ok = ok and kept == len(outage) and once == len(outage) and not twice_after
    finally:
        sink.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
