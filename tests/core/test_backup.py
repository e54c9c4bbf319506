"""Backup and restore: a round trip keeps every table's rows, and the platform works on the restored database.

Runs on the database the suite runs on: SQLite by default, PostgreSQL (pg_dump, pg_restore) with a postgres
DATABASE_URL. A separate target database gets a name unique to the test.
"""

import io
import json
import os
import sqlite3
import tarfile
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.appeals import services as appeals_services
from clientcentric.appeals.models import Appeal
from clientcentric.core import backup as backups
from clientcentric.core.models import Notification
from clientcentric.core.services import notifications

TEXT = "Во дворе дома 5 по улице Лесной третью неделю не работает фонарь у подъезда"


@pytest.fixture(autouse=True)
def _eager_mail_and_english(monkeypatch, settings, tmp_path):
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    # The messages are matched as the command line shows them (Django's commands run untranslated).
    with translation.override("en"):
        yield


@pytest.fixture
def filled(transactional_db, registry, agency, settings):
    """A little of everything, written through the services: appeals, a token, a message still to send, a file."""
    token, _plain = accounts_services.issue_token(
        name="Городская система 112", agency=agency, scopes=[ApiScope.APPEALS_WRITE]
    )
    appeals = [
        appeals_services.receive_appeal(
            appeals_services.AppealInput(
                channel="api", text=f"{TEXT}, заявка {n}", contact_email="a@example.ru"
            ),
            source=token,
            idempotency_key=f"key-{n}",
        ).appeal
        for n in range(3)
    ]
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("down")):
        waiting = notifications.notify_email(
            "b@example.ru", "Ответ на обращение", "Ваше обращение рассмотрено."
        )
    (settings.MEDIA_ROOT / "appeals").mkdir(parents=True)
    (settings.MEDIA_ROOT / "appeals" / "фото.jpg").write_bytes(b"\xff\xd8 photo")
    return {"token": token, "appeals": appeals, "waiting": waiting}


def _tables(database: dict) -> dict:
    if backups.vendor_of(database) == "postgresql":
        with backups._pg_connect(database) as conn:
            return backups.pg_tables(conn)
    conn = sqlite3.connect(str(database["NAME"]), uri=True)
    try:
        return backups.sqlite_tables(conn)
    finally:
        conn.close()


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the suite's kind, dropped afterwards."""
    current = connection.settings_dict
    if connection.vendor != "postgresql":
        yield {**current, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    name = f"{current['NAME']}_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    target = {**current, "NAME": name}
    admin = {**current, "NAME": "postgres"}
    with backups._pg_connect(admin, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    yield target
    with backups._pg_connect(admin, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name))
        )


def test_a_round_trip_into_a_fresh_database_keeps_every_table_and_file(filled, fresh_database, tmp_path):
    manifest = backups.backup(tmp_path / "backup.tar")
    assert manifest["tables"]["appeals_appeal"]["rows"] == 3
    assert manifest["tables"] == _tables(connection.settings_dict)
    assert "appeals.0001_initial" in manifest["migrations"]

    media = tmp_path / "restored-media"
    summary = backups.restore(tmp_path / "backup.tar", database=fresh_database, media_root=media)

    assert _tables(fresh_database) == manifest["tables"]
    assert summary.tables == len(manifest["tables"]) and summary.media_files == 1
    assert (media / "appeals" / "фото.jpg").read_bytes() == b"\xff\xd8 photo"
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(tmp_path / "backup.tar", database=fresh_database, media_root=tmp_path / "other")
    backups.restore(tmp_path / "backup.tar", database=fresh_database, media_root=media, force=True)
    assert _tables(fresh_database) == manifest["tables"]


def test_intake_replays_and_the_outbox_work_on_the_restored_database(filled, tmp_path, settings):
    archive = tmp_path / "backup.tar.gz"
    manifest = backups.backup(archive)
    _drop_everything(connection.settings_dict)
    (settings.MEDIA_ROOT / "appeals" / "фото.jpg").unlink()

    backups.restore(archive)

    assert _tables(connection.settings_dict) == manifest["tables"]
    assert (settings.MEDIA_ROOT / "appeals" / "фото.jpg").exists()
    token = filled["token"]
    # A retried key from before the backup finds its appeal; a new appeal gets the next number.
    replay = appeals_services.receive_appeal(
        appeals_services.AppealInput(channel="api", text=f"{TEXT}, заявка 1", contact_email="a@example.ru"),
        source=token,
        idempotency_key="key-1",
    )
    assert not replay.created and replay.appeal.pk == filled["appeals"][1].pk
    new = appeals_services.receive_appeal(
        appeals_services.AppealInput(channel="api", text=TEXT, contact_email="a@example.ru"),
        source=token,
        idempotency_key="key-new",
    )
    assert new.created and new.appeal.pk > max(a.pk for a in filled["appeals"])
    assert Appeal.objects.count() == 4
    # The message that waited for a retry at backup time goes out from the restored outbox.
    result = notifications.send_due(now=timezone.now() + timedelta(hours=1))
    assert result["sent"] >= 1
    assert Notification.objects.get(pk=filled["waiting"].pk).state == Notification.State.SENT
    assert any(message.to == ["b@example.ru"] for message in mail.outbox)


def _drop_everything(database: dict) -> None:
    if backups.vendor_of(database) == "postgresql":
        connection.close()
        with backups._pg_connect(database, autocommit=True) as conn:
            conn.execute(backups._PG_EMPTY_SCHEMA)
        return
    conn = sqlite3.connect(str(database["NAME"]), uri=True)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        names = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for (name,) in names:
            conn.execute(f'DROP TABLE "{name}"')
        conn.commit()
    finally:
        conn.close()


# --- refusals: nothing is touched -----------------------------------------------------------------------------


def test_a_missing_or_unreadable_archive_is_refused_clearly(db, tmp_path):
    with pytest.raises(backups.BackupError, match="No backup archive"):
        backups.restore(tmp_path / "nowhere.tar")
    (tmp_path / "junk.tar").write_bytes(b"not a tar at all" * 100)
    with pytest.raises(backups.BackupError, match="not a readable backup archive"):
        backups.restore(tmp_path / "junk.tar")
    with tarfile.open(tmp_path / "other.tar", "w") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(backups.BackupError, match="no manifest"):
        backups.restore(tmp_path / "other.tar")


def test_a_damaged_database_file_is_refused_before_the_database_is_touched(filled, tmp_path):
    backups.backup(tmp_path / "good.tar")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(tmp_path / "good.tar") as good, tarfile.open(damaged, "w") as bad:
        for member in good.getmembers():
            data = good.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            bad.addfile(member, io.BytesIO(data))
    before = _tables(connection.settings_dict)
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.restore(damaged, force=True)
    assert _tables(connection.settings_dict) == before


def test_a_non_empty_database_is_kept_without_force_and_a_wrong_kind_is_refused(filled, tmp_path):
    backups.backup(tmp_path / "backup.tar")
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(tmp_path / "backup.tar")
    manifest = backups.read_manifest(tmp_path / "backup.tar")
    other = {"postgresql": "sqlite", "sqlite": "postgresql"}[manifest["database"]["vendor"]]
    manifest["database"]["vendor"] = other
    rewritten = tmp_path / "other-kind.tar"
    with tarfile.open(tmp_path / "backup.tar") as source, tarfile.open(rewritten, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(backups.BackupError, match="holds a"):
        backups.restore(rewritten, force=True)
