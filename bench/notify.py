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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_pending(count: int, start: int) -> list[int]:
    from django.db import transaction

    from clientcentric.core import notifications

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
    from clientcentric.core import notifications

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
    args = parser.parse_args()
    if args.engine == "all":
        import subprocess

        status = 0
        for engine in ("postgres", "sqlite"):
            child = [sys.executable, __file__, "--engine", engine, "--messages", str(args.messages)]
            child += ["--outage-messages", str(args.outage_messages), "--workers", str(args.workers)]
            child += ["--admin-url", args.admin_url]
            code = subprocess.call(child)
            status = status or (code if engine == "postgres" else 0)
        return status
    if args.engine == "postgres":
        import psycopg

        with psycopg.connect(args.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        database_url = args.admin_url.rsplit("/", 1)[0] + "/" + BENCH_DB
    try:
        return run(args, database_url if args.engine == "postgres" else "")
    finally:
        if args.engine == "postgres":
            from django.db import connections

            connections.close_all()
            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


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
        engine = "PostgreSQL" if database_url else "SQLite (for information)"
        print(f"Outbox → local SMTP sink ({engine}, {args.workers} workers, {args.messages} messages)")
        print(
            f"{'delivered per second':<44} {rate:<26.0f} {'≥ ' + str(int(TARGET_RATE)):<22} {'OK' if rate >= TARGET_RATE else 'MISSED'}"
        )
        print(
            f"{'delivered / written':<44} {f'{len(sink.received)} / {len(ids)}':<26} {'all':<22} {'OK' if not missing else 'MISSED'}"
        )
        print(f"{'delivered twice':<44} {twice:<26} {'0':<22} {'OK' if not twice else 'MISSED'}")
        print(
            f"{'stored copies still holding an address':<44} {unredacted:<26} {'0':<22} {'OK' if not unredacted else 'MISSED'}"
        )
        ok = rate >= TARGET_RATE and not missing and not twice and not unredacted

        # The mail server goes down: everything is kept for retry; back up, each message goes out once.
        sink.stop()
        before = Counter(sink.received)
        outage = write_pending(args.outage_messages, args.messages)
        _s, down = drain(args.workers)
        kept = Notification.objects.filter(pk__in=outage, state="pending", attempts=1).count()
        sink = Sink(port)
        sink.received = before
        sink.start()
        _s, recovered = drain(args.workers, now_offset_seconds=3600)
        twice_after = sum(1 for n in sink.received.values() if n > 1)
        delivered_after = sum(1 for pk in outage if sink.received.get(pk) == 1)
        print(
            f"{'server down: kept for retry':<44} {f'{kept} / {len(outage)}':<26} {'all':<22} {'OK' if kept == len(outage) else 'MISSED'}"
        )
        print(
            f"{'server back: delivered once':<44} {f'{delivered_after} / {len(outage)}':<26} {'all, none twice':<22} {'OK' if delivered_after == len(outage) and not twice_after else 'MISSED'}"
        )
        ok = ok and kept == len(outage) and delivered_after == len(outage) and not twice_after
    finally:
        sink.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
