"""Backup and restore benchmark: seconds to back up and to restore a database of N appeals, and the archive's size.

1. A fresh database: SQLite in a temporary folder, or PostgreSQL `cc_backup_bench` (created through --admin-url and
   dropped at the end, with its restore target `cc_backup_bench_restored`).
2. Migrate, register 20 appeals through the services, then double the appeals and their history with
   INSERT … SELECT until there are at least N (the bench's own shortcut to volume; the application writes through
   its services).
3. Time `backup` (the dump or the online copy, the manifest's counts and checksums, the tar) and `restore` into a
   second, empty database (extraction, checks, load, every table counted and checksummed again).

Target: each of backup and restore of 100 000 appeals within 60 s on this 2-core machine.

    .venv/bin/python bench/backup.py [--appeals 100000] [--engine sqlite|postgres]
        [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--database cc_backup_bench]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

TARGET_SECONDS = 60.0
BENCH_DB = "cc_backup_bench"


def _admin(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(statement)


def _double(table: str, columns: list[str]) -> None:
    from django.db import connection

    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{table}"')  # noqa: S608


def _fill(appeals: int) -> int:
    from django.core.management import call_command
    from django.db import transaction

    from clientcentric.appeals import services
    from clientcentric.appeals.models import Appeal, AppealEvent

    call_command("migrate", verbosity=0)
    for n in range(20):
        services.receive_appeal(
            services.AppealInput(
                channel="portal",
                text=f"Во дворе дома {n} по улице Лесной третью неделю не работает фонарь у подъезда",
                contact_email=f"person{n}@example.ru",
            )
        )
    appeal_columns = [f.column for f in Appeal._meta.concrete_fields if not f.primary_key]
    event_columns = [f.column for f in AppealEvent._meta.concrete_fields if not f.primary_key]
    while Appeal.objects.count() < appeals:
        with transaction.atomic():
            _double(Appeal._meta.db_table, appeal_columns)
            _double(AppealEvent._meta.db_table, event_columns)
    return Appeal.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default=BENCH_DB, help="PostgreSQL: the bench database's name.")
    args = parser.parse_args()
    bench_db = args.database
    work = Path(tempfile.mkdtemp(prefix="cc-backup-bench-"))
    os.environ["CLIENTCENTRIC_VAR_DIR"] = str(work / "var")
    base = args.admin_url.rsplit("/", 1)[0]
    if args.engine == "postgres":
        for name in (bench_db, f"{bench_db}_restored"):
            _admin(args.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            _admin(args.admin_url, f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"{base}/{bench_db}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
    import django

    django.setup()
    from django.db import connection

    from clientcentric.core import backup

    try:
        count = _fill(args.appeals)
        started = time.perf_counter()
        manifest = backup.backup(work / "bench.tar")
        backed_up = time.perf_counter() - started
        size = Path(manifest["path"]).stat().st_size
        target = {**connection.settings_dict}
        target["NAME"] = (
            f"{bench_db}_restored" if args.engine == "postgres" else str(work / "restored.sqlite3")
        )
        started = time.perf_counter()
        summary = backup.restore(manifest["path"], database=target, media_root=work / "restored-media")
        restored = time.perf_counter() - started
    finally:
        connection.close()
        if args.engine == "postgres":
            for name in (bench_db, f"{bench_db}_restored"):
                _admin(args.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{args.engine}: {count} appeals, {summary.tables} tables, {summary.rows} rows, archive {size / 1e6:.1f} MB"
    )
    for label, seconds in (("backup", backed_up), ("restore", restored)):
        verdict = "meets" if seconds <= TARGET_SECONDS else "MISSES"
        print(f"  {label}: {seconds:.1f} s ({verdict} the target of {TARGET_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
