"""``servicetickets backup`` and ``restore``: the database, uploads and export files in one file.

The archive is a gzip-compressed tar, so it is one file an operator can copy anywhere and open
with ordinary tools. Its first member is ``manifest.json`` (format, vendor, applied migrations,
counts, the dump's SHA-256), so a restore can refuse a wrong archive before reading the rest;
then the database dump, then ``uploads/`` and ``exports/`` as they lie in the data folder.

Consistency while the server runs: SQLite is copied with its online backup API from a
connection of its own (one read snapshot, WAL included); PostgreSQL is dumped by ``pg_dump``
in the snapshot of a repeatable-read transaction that also counted the rows, so the manifest's
counts are exactly the dump's. The database is taken before the files: an upload's bytes are
written before its row commits, so every file the dump refers to is already on disk.

A restore checks everything it can before it changes anything: the archive is read through
(a truncated or foreign file fails here), the manifest's format, vendor and migrations are
checked, and a target that already holds data is refused without ``force``. The database is
then replaced in one step (SQLite's backup API writes the destination in one transaction;
``pg_restore --single-transaction``), and only then are the files moved into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import AppError
from servicetickets.desks.models import Desk
from servicetickets.exports.models import Export
from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.tickettypes.models import TicketType
from servicetickets.uploads.models import Upload

FORMAT = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
UPLOADS = "uploads"
EXPORTS = "exports"
#: What the manifest counts and a restore reports, by key.
COUNTED: tuple[tuple[str, type[Model]], ...] = (
    ("users", User),
    ("desks", Desk),
    ("ticket_types", TicketType),
    ("tickets", Ticket),
    ("timeline_entries", TimelineEntry),
    ("reminders", Notification),
    ("uploads", Upload),
    ("exports", Export),
)
#: A target holding a row in any of these tables holds data (a fresh ``migrate`` adds none).
HOLDING = (User, Desk, Ticket, Upload)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    counts: dict[str, int]
    files: int
    size: int


@dataclass(frozen=True)
class RestoreResult:
    vendor: str
    created_at: str
    counts: dict[str, int]
    files: int
    pending_migrations: int


def count_labels() -> dict[str, str]:
    """The counts' names as a reader sees them."""
    return {
        "users": _("users"),
        "desks": _("desks"),
        "ticket_types": _("ticket types"),
        "tickets": _("tickets"),
        "timeline_entries": _("timeline entries"),
        "reminders": _("reminders"),
        "uploads": _("uploaded files"),
        "exports": _("exports"),
    }


class BackupError(AppError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""

    code = "backup"


def _roots() -> dict[str, Path]:
    return {UPLOADS: Path(settings.UPLOAD_ROOT), EXPORTS: Path(settings.EXPORT_ROOT)}


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


# --- backup ----------------------------------------------------------------------------------


def default_output() -> Path:
    return Path.cwd() / f"servicetickets-backup-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"


def backup(output: Path | None = None) -> BackupResult:
    """Write the archive to ``output`` (never over an existing file); return what it holds."""
    connection = connections["default"]
    vendor = _vendor(connection)
    path = (output or default_output()).resolve()
    if path.exists():
        raise BackupError(_("%(path)s already exists; choose another file.") % {"path": path})
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": path.parent})
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as tmp:
        dump = Path(tmp) / DUMP_NAMES[vendor]
        if vendor == "sqlite":
            counts, migrations = _sqlite_dump(str(connection.settings_dict["NAME"]), dump)
        else:
            counts, migrations = _postgres_dump(connection, dump)
        trees = {name: _files(root) for name, root in _roots().items()}
        manifest = {
            "format": FORMAT,
            "app": "servicetickets",
            "version": _app_version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": vendor,
            "dump": dump.name,
            "dump_sha256": _sha256(dump),
            "migrations": migrations,
            "counts": counts,
            "files": {name: len(files) for name, files in trees.items()},
        }
        part = Path(tmp) / "archive.tar.gz"
        with tarfile.open(part, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for name, files in trees.items():
                root = _roots()[name]
                for file in files:
                    with contextlib.suppress(FileNotFoundError):  # removed meanwhile: not needed
                        tar.add(file, arcname=f"{name}/{file.relative_to(root).as_posix()}")
        os.replace(part, path)
    return BackupResult(
        path=path,
        vendor=vendor,
        counts=counts,
        files=sum(len(files) for files in trees.values()),
        size=path.stat().st_size,
    )


def _app_version() -> str:
    try:
        return metadata.version("servicetickets")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _sqlite_dump(name: str, target: Path) -> tuple[dict[str, int], list[str]]:
    """A consistent copy through SQLite's backup API, from a connection of its own; the counts
    and migrations are read from the copy."""
    if not Path(name).is_file():
        raise BackupError(_("The database %(path)s does not exist.") % {"path": name})
    source = sqlite3.connect(name, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        counts = {
            key: copy.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"').fetchone()[0]
            if model._meta.db_table in tables
            else 0
            for key, model in COUNTED
        }
        migrations = sorted(
            f"{app}.{migration}"
            for app, migration in copy.execute("SELECT app, name FROM django_migrations")
        )
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("Could not copy the database: %(error)s") % {"error": exc}) from exc
    finally:
        copy.close()
        source.close()
    return counts, migrations


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's environment for the configured database (no password on a command line)."""
    env = dict(os.environ)
    params = connection.settings_dict
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if params.get(key):
            env[var] = str(params[key])
    options = params.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(key):
            env[f"PG{key.upper()}"] = str(options[key])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "%(tool)s was not found on PATH. Install the PostgreSQL client tools (the "
                "server's major version or newer), e.g. the postgresql-client package."
            )
            % {"tool": name}
        )
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(args[0]).name, "error": " / ".join(lines[-3:]) or result.returncode}
        )


def _postgres_dump(
    connection: BaseDatabaseWrapper, target: Path
) -> tuple[dict[str, int], list[str]]:
    """``pg_dump`` (custom format) in the snapshot the counts were read in."""
    pg_dump = _pg_tool("pg_dump")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = {
            key: model._default_manager.using(connection.alias).count() for key, model in COUNTED
        }
        applied = MigrationRecorder(connection).applied_migrations()
        migrations = sorted(f"{app}.{name}" for app, name in applied)
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            _pg_env(connection),
        )
    return counts, migrations


# --- restore ---------------------------------------------------------------------------------


def restore(archive: Path, *, force: bool = False) -> RestoreResult:
    """Restore ``archive`` into the configured database and data folder (see the module)."""
    connection = connections["default"]
    vendor = _vendor(connection)
    with _open(archive) as tar:
        members = _members(tar)
        manifest = _manifest(tar, members)
        _check(manifest, vendor)
        dump_name = manifest["dump"]
        if not force and _holds_data(connection):
            raise BackupError(
                _(
                    "The target database, upload folder or export folder already holds data; "
                    "nothing was changed. Restore into empty ones, or add --force to replace them."
                )
            )
        staging_parent = Path(settings.UPLOAD_ROOT).parent
        staging_parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=staging_parent) as tmp:
            staging = Path(tmp)
            try:
                tar.extractall(staging, members=members, filter="data")
            except (OSError, EOFError, tarfile.TarError) as exc:
                raise _unreadable(archive, exc) from exc
            dump = staging / dump_name
            if not dump.is_file() or _sha256(dump) != manifest.get("dump_sha256"):
                raise _unreadable(archive, _("the database dump is missing or damaged"))
            connections.close_all()
            if vendor == "sqlite":
                _sqlite_restore(dump, Path(str(connection.settings_dict["NAME"])))
            else:
                _postgres_restore(dump, connection)
            files = _move_files(staging)
    connections.close_all()
    from servicetickets.ops.db import migrations_pending

    return RestoreResult(
        vendor=vendor,
        created_at=str(manifest.get("created_at", "")),
        counts={key: model._default_manager.count() for key, model in COUNTED},
        files=files,
        pending_migrations=migrations_pending(),
    )


def _unreadable(archive: Path, error: object) -> BackupError:
    return BackupError(
        _("%(path)s is not a readable Service Tickets backup (%(error)s); nothing was changed.")
        % {"path": archive, "error": error}
    )


@contextlib.contextmanager
def _open(archive: Path) -> Iterator[tarfile.TarFile]:
    if not archive.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": archive})
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise _unreadable(archive, exc) from exc
    with tar:
        yield tar


def _members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Every member, read to the end (a truncated archive fails here, before any change);
    only the manifest, one dump and plain files and folders under uploads/ and exports/."""
    try:
        members = tar.getmembers()
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise _unreadable(Path(str(tar.name)), exc) from exc
    for member in members:
        parts = PurePosixPath(member.name).parts
        allowed = (member.name == MANIFEST or member.name in DUMP_NAMES.values()) and (
            member.isfile()
        )
        if parts and parts[0] in (UPLOADS, EXPORTS) and ".." not in parts:
            allowed = member.isfile() or member.isdir()
        if not allowed or member.name.startswith("/"):
            raise _unreadable(
                Path(str(tar.name)), _("unexpected entry %(name)s") % {"name": member.name}
            )
    return members


def _manifest(tar: tarfile.TarFile, members: list[tarfile.TarInfo]) -> dict[str, Any]:
    path = Path(str(tar.name))
    member = next((m for m in members if m.name == MANIFEST), None)
    stream = tar.extractfile(member) if member else None
    if stream is None:
        raise _unreadable(path, _("no %(name)s") % {"name": MANIFEST})
    try:
        manifest = json.loads(stream.read())
    except (ValueError, OSError) as exc:
        raise _unreadable(path, exc) from exc
    if not isinstance(manifest, dict) or manifest.get("app") != "servicetickets":
        raise _unreadable(path, _("the manifest is not Service Tickets'"))
    return manifest


def _check(manifest: dict[str, Any], vendor: str) -> None:
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _(
                "This backup has format %(found)s; this version of Service Tickets reads "
                "format %(known)s. Restore it with the version that made it (%(version)s)."
            )
            % {
                "found": manifest.get("format"),
                "known": FORMAT,
                "version": manifest.get("version", "?"),
            }
        )
    found = manifest.get("database")
    if found != vendor:
        raise BackupError(
            _(
                "This backup holds a %(found)s database, but DATABASE_URL points to %(target)s. "
                "Restore it into a %(found)s database; nothing was changed."
            )
            % {"found": VENDOR_NAMES.get(str(found), str(found)), "target": VENDOR_NAMES[vendor]}
        )
    if manifest.get("dump") != DUMP_NAMES[vendor]:
        raise BackupError(_("The backup's manifest names no database dump."))
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).graph.nodes}
    unknown = sorted(set(manifest.get("migrations", [])) - known)
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version of Service Tickets (%(version)s; "
                "unknown migration %(migration)s). Upgrade first; nothing was changed."
            )
            % {"version": manifest.get("version", "?"), "migration": unknown[0]}
        )


def _holds_data(connection: BaseDatabaseWrapper) -> bool:
    """A user, desk, ticket or upload row, or any file in the upload or export folder."""
    if any(_files(root) for root in _roots().values()):
        return True
    if connection.vendor == "sqlite" and not Path(str(connection.settings_dict["NAME"])).exists():
        return False  # connecting would create it
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in HOLDING:
            if model._meta.db_table in tables:
                cursor.execute(
                    f"SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} LIMIT 1"
                )
                if cursor.fetchone():
                    return True
    return False


def _sqlite_restore(dump: Path, target: Path) -> None:
    """Copy the dump over the target with the backup API: one write transaction, so a reader
    sees the old database or the new one, and a failure leaves the old one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target, timeout=30)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=WAL")  # as the server runs it
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("Could not write the database %(path)s: %(error)s") % {"path": target, "error": exc}
        ) from exc
    finally:
        destination.close()
        source.close()


def _postgres_restore(dump: Path, connection: BaseDatabaseWrapper) -> None:
    pg_restore = _pg_tool("pg_restore")
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        _pg_env(connection),
    )


def _move_files(staging: Path) -> int:
    """Move the archive's uploads and exports into their folders (same names replaced; other
    files there are left alone). Return how many files were placed."""
    placed = 0
    for name, root in _roots().items():
        for file in _files(staging / name):
            destination = root / file.relative_to(staging / name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(file, destination)
            placed += 1
    return placed
