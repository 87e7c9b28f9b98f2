"""The database half of a backup: a consistent copy out of, and a copy back into, SQLite or
PostgreSQL (see ``backup`` for the archive around it)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
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


class BackupError(AppError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""

    code = "backup"


def sqlite_dump(name: str, target: Path) -> tuple[dict[str, int], list[str]]:
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


def postgres_dump(
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


def sqlite_restore(dump: Path, target: Path) -> None:
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


def postgres_restore(dump: Path, connection: BaseDatabaseWrapper) -> None:
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
