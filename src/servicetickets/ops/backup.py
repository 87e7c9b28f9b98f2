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
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.ops.backup_db import (
    COUNTED,
    BackupError,
    postgres_dump,
    postgres_restore,
    sqlite_dump,
    sqlite_restore,
)
from servicetickets.tickets.models import Ticket
from servicetickets.uploads.models import Upload

FORMAT = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
UPLOADS = "uploads"
EXPORTS = "exports"
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
            counts, migrations = sqlite_dump(str(connection.settings_dict["NAME"]), dump)
        else:
            counts, migrations = postgres_dump(connection, dump)
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
                sqlite_restore(dump, Path(str(connection.settings_dict["NAME"])))
            else:
                postgres_restore(dump, connection)
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
