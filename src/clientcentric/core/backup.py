"""Backups: one tar archive with the database, the media files and a manifest that restore checks against.

The database is PostgreSQL's custom-format dump (``pg_dump -Fc``) or a copy of the SQLite file made with SQLite's
online backup, so the server may keep running while a backup is taken. The manifest records each table's row
count and checksum as of the very snapshot that was dumped (on PostgreSQL the dump and the counts share one
exported snapshot), so a restored database can be compared with what was saved, table by table.

A checksum is the sum, over a table's rows, of the first 64 bits of the MD5 of the row's text: it does not depend
on the order rows are read in, and PostgreSQL computes it without sending the rows. It compares a database with its
own backup on the same kind of server, not a PostgreSQL table with a SQLite one.

Nothing here writes through the ORM: the database is copied whole, below Django.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# Row text is rendered by the server's settings: pinning them keeps a checksum the same in every session.
PG_SESSION = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=1"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class RestoreSummary:
    created_at: str
    vendor: str
    tables: int
    rows: int
    media_files: int
    migrations: int


def vendor_of(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine or "postgis" in engine:
        return "postgresql"
    raise BackupError(_("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine})


def default_database() -> dict:
    from django.db import connections

    return connections["default"].settings_dict


# --- backup -------------------------------------------------------------------------------------------------


def backup(path, *, database: dict | None = None, media_root=None) -> dict:
    """Write one archive to ``path`` (a folder gets a dated file name); return its manifest."""
    database = database or default_database()
    vendor = vendor_of(database)
    media_root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    target = Path(path)
    if target.is_dir():
        target = target / f"clientcentric-{timezone.now():%Y%m%d-%H%M%S}.tar"
    if not target.parent.is_dir():
        raise BackupError(_("No folder %(folder)s to write the backup into.") % {"folder": target.parent})
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="clientcentric-backup-", dir=target.parent) as work:
        dump = Path(work) / DUMPS[vendor]
        if vendor == "postgresql":
            tables, migrations = _pg_dump(database, dump)
        else:
            tables, migrations = _sqlite_copy(database, dump)
        manifest = {
            "format": FORMAT,
            "clientcentric": _version("clientcentric"),
            "django": django.get_version(),
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "file": dump.name, "sha256": _file_sha256(dump)},
            "migrations": migrations,
            "tables": tables,
        }
        try:
            with tarfile.open(partial, _write_mode(target)) as archive:
                archive.add(dump, arcname=dump.name)
                manifest["media"] = _add_media(archive, media_root)
                _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    manifest["path"] = str(target)
    return manifest


def _write_mode(target: Path) -> str:
    return "w:gz" if target.name.endswith((".tar.gz", ".tgz")) else "w"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


class _Hashing:
    """A file read into the archive and hashed on the way, so each file is read once."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_media(archive: tarfile.TarFile, media_root: Path) -> dict:
    files, size = {}, 0
    if media_root.is_dir():
        for file in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
            relative = file.relative_to(media_root).as_posix()
            info = archive.gettarinfo(file, arcname=f"{MEDIA}/{relative}")
            with file.open("rb") as handle:
                hashing = _Hashing(handle)
                archive.addfile(info, hashing)
            files[relative] = hashing.digest.hexdigest()
            size += info.size
    return {"files": files, "bytes": size}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- SQLite -------------------------------------------------------------------------------------------------


def _sqlite_connect(database: dict) -> sqlite3.Connection:
    # uri=True as Django opens it, so a shared in-memory database (the tests') is the same database here.
    return sqlite3.connect(str(database["NAME"]), uri=True, timeout=30)


def _sqlite_copy(database: dict, dump: Path) -> tuple[dict, list]:
    source = _sqlite_connect(database)
    copy = sqlite3.connect(dump)
    try:
        # One step: in WAL mode the read does not hold writers back, and a copy in steps would restart at each write.
        source.backup(copy)
        return sqlite_tables(copy), _applied_migrations(copy)
    finally:
        copy.close()
        source.close()


def sqlite_tables(conn: sqlite3.Connection) -> dict:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        rows, total = 0, 0
        for row in conn.execute(f'SELECT * FROM "{name}"'):  # noqa: S608 - names come from the catalogue
            rows += 1
            total += int.from_bytes(hashlib.md5(repr(row).encode()).digest()[:8], "big", signed=True)
        tables[name] = {"rows": rows, "checksum": str(total)}
    return tables


def _applied_migrations(conn) -> list:
    try:
        rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    except Exception:  # a database never migrated has no such table (either driver's error)
        return []
    return [f"{app}.{name}" for app, name in rows]


def _sqlite_has_tables(database: dict) -> bool:
    name = str(database["NAME"])
    if not name.startswith("file:") and not Path(name).exists():
        return False
    conn = _sqlite_connect(database)
    try:
        return bool(
            conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        )
    finally:
        conn.close()


def _sqlite_restore(database: dict, dump: Path, expected: dict) -> dict:
    source = sqlite3.connect(dump)
    try:
        _compare_or_fail(expected, sqlite_tables(source), before_restore=True)
        target = _sqlite_connect(database)
        try:
            # The backup API replaces the target whole, under its lock, whether or not it held tables.
            source.backup(target)
            return sqlite_tables(target)
        finally:
            target.close()
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _pg_params(database: dict) -> dict:
    options = database.get("OPTIONS") or {}
    params = {
        "dbname": database.get("NAME") or "",
        "user": database.get("USER") or "",
        "password": database.get("PASSWORD") or "",
        "host": database.get("HOST") or "",
        "port": str(database.get("PORT") or ""),
        "sslmode": options.get("sslmode", ""),
    }
    return {key: value for key, value in params.items() if value}


def _pg_environ(database: dict) -> dict:
    # Passed in the environment, not the arguments, so the password does not show in the process list.
    names = {
        "dbname": "PGDATABASE",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
        "sslmode": "PGSSLMODE",
    }
    return {**os.environ, **{names[key]: value for key, value in _pg_params(database).items()}}


def _pg_connect(database: dict, **options):
    import psycopg

    try:
        return psycopg.connect(**_pg_params(database), options=PG_SESSION, **options)
    except psycopg.OperationalError as error:
        raise BackupError(_("Cannot connect to the database: %(error)s") % {"error": error}) from None


def _pg_program(name: str) -> str:
    folder = getattr(settings, "CLIENTCENTRIC_PG_BIN_DIR", "")
    program = str(Path(folder) / name) if folder else shutil.which(name)
    if not program or not Path(program).exists():
        raise BackupError(
            _("%(program)s is not installed: install the PostgreSQL client or set CLIENTCENTRIC_PG_BIN_DIR.")
            % {"program": name}
        )
    return program


def _pg_client_major(program: str) -> int:
    output = subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def _pg_dump(database: dict, dump: Path) -> tuple[dict, list]:
    import psycopg

    program = _pg_program("pg_dump")
    with _pg_connect(database) as conn:
        server = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
        client = _pg_client_major(program)
        if client < server:
            raise BackupError(
                _(
                    "pg_dump %(client)s cannot dump a PostgreSQL %(server)s server; install pg_dump %(server)s."
                )
                % {"client": client, "server": server}
            )
        conn.rollback()
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # The dump and the counts read one snapshot, however busy the server is meanwhile.
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        process = subprocess.Popen(
            [program, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
            env=_pg_environ(database),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            tables, migrations = pg_tables(conn), _applied_migrations(conn)
        finally:
            errors = process.communicate()[1]
        conn.rollback()
    if process.returncode != 0:
        raise BackupError(_("pg_dump failed: %(errors)s") % {"errors": errors.strip()})
    return tables, migrations


def pg_tables(conn) -> dict:
    from psycopg import sql

    names = [
        row[0]
        for row in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
        )
    ]
    tables = {}
    for name in names:
        query = sql.SQL(
            "SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint), 0)::text"
            " FROM {} AS t"
        ).format(sql.Identifier(name))
        rows, checksum = conn.execute(query).fetchone()
        tables[name] = {"rows": rows, "checksum": checksum}
    return tables


def _pg_has_tables(database: dict) -> bool:
    with _pg_connect(database) as conn:
        return bool(
            conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname = current_schema()"
            ).fetchone()[0]
        )


_PG_EMPTY_SCHEMA = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname = current_schema()
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
    LOOP
        EXECUTE format(
            CASE item.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I CASCADE'
                WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I CASCADE'
                WHEN 'S' THEN 'DROP SEQUENCE IF EXISTS %I CASCADE'
                ELSE 'DROP TABLE IF EXISTS %I CASCADE' END,
            item.relname);
    END LOOP;
END $$;
"""


def _pg_restore(database: dict, dump: Path, *, force: bool) -> dict:
    program = _pg_program("pg_restore")
    listing = subprocess.run([program, "--list", str(dump)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(_("The database dump is damaged: %(errors)s") % {"errors": listing.stderr.strip()})
    if force:
        with _pg_connect(database, autocommit=True) as conn:
            conn.execute(_PG_EMPTY_SCHEMA)
    result = subprocess.run(
        [
            program,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database.get('NAME')}",
            str(dump),
        ],
        env=_pg_environ(database),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(_("pg_restore failed: %(errors)s") % {"errors": result.stderr.strip()})
    with _pg_connect(database) as conn:
        return pg_tables(conn)


# --- restore ------------------------------------------------------------------------------------------------


def read_manifest(path) -> dict:
    """The manifest of an archive, or a BackupError saying why the file is no usable backup."""
    with _open_archive(path) as archive:
        return _manifest(archive, path)


def _open_archive(path) -> tarfile.TarFile:
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("No backup archive at %(path)s.") % {"path": path})
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(
            _("%(path)s is not a readable backup archive (%(error)s).") % {"path": path, "error": error}
        ) from None


def _manifest(archive: tarfile.TarFile, path) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except KeyError:
        raise BackupError(
            _("%(path)s has no manifest: it is not a Clientcentric backup.") % {"path": path}
        ) from None
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(
            _("The archive %(path)s is damaged (%(error)s).") % {"path": path, "error": error}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("The archive's format %(format)s is not one this version reads (%(expected)s).")
            % {"format": manifest.get("format"), "expected": FORMAT}
        )
    return manifest


def restore(path, *, database: dict | None = None, media_root=None, force: bool = False) -> RestoreSummary:
    """Restore an archive into ``database`` (the default one) and the media folder; verify; summarise.

    A database that holds any table, or a media folder that holds any file, is replaced only with ``force``.
    """
    database = database or default_database()
    vendor = vendor_of(database)
    media_root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    with _open_archive(path) as archive:
        manifest = _manifest(archive, path)
        saved = manifest["database"]
        if saved["vendor"] != vendor:
            raise BackupError(
                _("The archive holds a %(saved)s database; the target database is %(target)s.")
                % {"saved": saved["vendor"], "target": vendor}
            )
        if not force:
            if _pg_has_tables(database) if vendor == "postgresql" else _sqlite_has_tables(database):
                raise BackupError(_("The target database is not empty; restore with --force to replace it."))
            if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
                raise BackupError(
                    _("The media folder %(folder)s is not empty; restore with --force to replace it.")
                    % {"folder": media_root}
                )
        media_root.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="clientcentric-restore-", dir=media_root.parent) as work:
            work = Path(work)
            dump = _extract_database(archive, saved, work)
            media = _extract_media(archive, manifest.get("media", {}).get("files", {}), work / MEDIA)
            _close_django_connections()
            if vendor == "postgresql":
                restored = _pg_restore(database, dump, force=force)
            else:
                restored = _sqlite_restore(database, dump, manifest["tables"])
            _replace_media(media, media_root)
    mismatched = _differences(manifest["tables"], restored)
    summary = RestoreSummary(
        created_at=manifest["created_at"],
        vendor=vendor,
        tables=len(restored),
        rows=sum(table["rows"] for table in restored.values()),
        media_files=len(manifest.get("media", {}).get("files", {})),
        migrations=len(manifest.get("migrations", [])),
    )
    if mismatched:
        raise BackupError(
            _("The restored database differs from the backup in: %(tables)s.")
            % {"tables": ", ".join(mismatched)}
        )
    return summary


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def _extract_database(archive: tarfile.TarFile, saved: dict, work: Path) -> Path:
    name = saved.get("file", "")
    if name not in DUMPS.values():
        raise BackupError(_("The manifest names no database file."))
    try:
        source = archive.extractfile(archive.getmember(name))
    except KeyError:
        raise BackupError(_("The archive has no %(name)s.") % {"name": name}) from None
    dump = work / name
    with dump.open("wb") as out:
        try:
            shutil.copyfileobj(source, out, CHUNK)
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupError(_("The archive is damaged (%(error)s).") % {"error": error}) from None
    if _file_sha256(dump) != saved.get("sha256"):
        raise BackupError(_("The database file in the archive is damaged: its checksum differs."))
    return dump


def _extract_media(archive: tarfile.TarFile, files: dict, folder: Path) -> Path:
    folder.mkdir()
    for relative, expected in files.items():
        if not _safe_name(relative):
            raise BackupError(
                _("The archive names a file outside the media folder: %(name)s.") % {"name": relative}
            )
        try:
            member = archive.getmember(f"{MEDIA}/{relative}")
        except KeyError:
            raise BackupError(_("The archive lacks the media file %(name)s.") % {"name": relative}) from None
        if not member.isfile():
            raise BackupError(_("The archive lacks the media file %(name)s.") % {"name": relative})
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with archive.extractfile(member) as source, target.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected:
            raise BackupError(_("The media file %(name)s in the archive is damaged.") % {"name": relative})
    return folder


def _replace_media(restored: Path, media_root: Path) -> None:
    # Swapped in by renames, so the folder is never half old and half new.
    old = None
    if media_root.exists():
        old = restored.parent / "media-before-restore"
        os.replace(media_root, old)
    os.replace(restored, media_root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _close_django_connections() -> None:
    # An idle Django connection would hold locks on what the restore replaces; Django reconnects when asked.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()


def _compare_or_fail(expected: dict, found: dict, *, before_restore: bool) -> None:
    differing = _differences(expected, found)
    if differing and before_restore:
        raise BackupError(
            _("The database file in the archive does not match its manifest: %(tables)s.")
            % {"tables": ", ".join(differing)}
        )


def _differences(expected: dict, found: dict) -> list[str]:
    return sorted(name for name in set(expected) | set(found) if expected.get(name) != found.get(name))
