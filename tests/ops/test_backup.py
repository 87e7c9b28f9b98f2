"""``servicetickets backup`` and ``restore``: a history built through the services comes back
whole in an empty data folder and database, and a wrong or occupied target changes nothing.

The round trip follows the suite's database: SQLite in ``make test``, PostgreSQL in CI's second
pass (``DATABASE_URL``), where the restore goes into a fresh ``backup_*`` database."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.cli import main
from servicetickets.ops.backup import DUMP_NAMES
from servicetickets.tickets import services
from servicetickets.tickets.models import State, Ticket
from servicetickets.uploads.services import upload_create
from tests.conftest import People
from tests.factories import submit

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
REPORT = b"Paper path cleared; roller worn.\n" * 50

# What must come back, read with plain SQL on both sides (the same driver returns the same
# Python values): tickets, their timelines, reminders, uploads.
TABLES = {
    "tickets_ticket": "number, state, resolution, requester_id, assignee_id, title",
    "tickets_timelineentry": "ticket_id, action, from_state, to_state, actor_id, note",
    "notifications_notification": "recipient_id, kind, ticket_id, actor_id",
    "uploads_upload": "id, name, stored_name, size, ticket_id",
    "accounts_user": "id, username, password",
}


@pytest.fixture(autouse=True)
def own_folders(settings: Settings, tmp_path: Path) -> Path:
    """Uploads and exports of this test only, so the archive holds exactly this test's files."""
    settings.UPLOAD_ROOT = tmp_path / "data" / "uploads"
    settings.EXPORT_ROOT = tmp_path / "data" / "exports"
    return tmp_path / "data"


def _needs_pg_tools() -> None:
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if connection.vendor == "postgresql" and missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} not on PATH in CI")
        pytest.skip(f"{', '.join(missing)} not on PATH (install postgresql-client)")


def _attach(user: User, name: str, content: bytes) -> str:
    upload = upload_create(uploader=user, file=SimpleUploadedFile(name, content))
    return str(upload.pk)


def _history(people: People) -> dict[str, bytes]:
    """Tickets in every state, with comments, returns, ratings and two attached files; the
    reminders come from the actions. Returns each upload's stored name → bytes."""
    kind, alice, hank = people.ticket_type, people.requester, people.handler
    submit(kind, alice, title="Still waiting")
    claimed = submit(kind, alice, title="Being fixed")
    services.ticket_claim(user=hank, ticket_id=claimed.pk)
    photo = _attach(alice, "jam.png", PNG)
    services.ticket_comment(
        user=alice, ticket_id=claimed.pk, text="Here is a photo", attachments=[photo]
    )
    done = submit(kind, alice, title="Fixed, to confirm")
    services.ticket_claim(user=hank, ticket_id=done.pk)
    report = _attach(hank, "report.txt", REPORT)
    services.ticket_complete(user=hank, ticket_id=done.pk, note="Done", attachments=[report])
    closed = submit(kind, alice, title="Confirmed")
    services.ticket_transfer(user=hank, ticket_id=closed.pk, to=people.handler2.username)
    services.ticket_complete(user=people.handler2, ticket_id=closed.pk, note="Once")
    services.ticket_return(user=alice, ticket_id=closed.pk, reason="Not yet")
    services.ticket_complete(user=people.handler2, ticket_id=closed.pk, note="Twice")
    services.ticket_confirm(user=alice, ticket_id=closed.pk, rating=4, comment="Thanks")
    rejected = submit(kind, alice, title="Not ours")
    services.ticket_reject(user=hank, ticket_id=rejected.pk, reason="Wrong desk")
    cancelled = submit(kind, alice, title="Never mind")
    services.ticket_cancel(user=alice, ticket_id=cancelled.pk, reason="Solved it myself")
    assert {t.state for t in Ticket.objects.all()} == {
        State.PENDING,
        State.PROCESSING,
        State.TO_CONFIRM,
        State.CLOSED,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT stored_name FROM uploads_upload ORDER BY name")
        names = [row[0] for row in cursor.fetchall()]
    return dict(zip(names, [PNG, REPORT], strict=True))


def _rows(cursor: Any) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    for table, columns in TABLES.items():
        cursor.execute(f"SELECT {columns} FROM {table}")
        found[table] = sorted(cursor.fetchall(), key=repr)
    return found


def _pg_admin() -> Any:
    import psycopg

    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


class Target:
    """An empty data folder, and an empty database beside it (a fresh ``backup_*`` database on
    PostgreSQL, the data folder's own SQLite file otherwise), for a ``restore`` subprocess."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {**os.environ, "SERVICETICKETS_DATA": str(folder)}
        self.env.pop("DATABASE_URL", None)
        self.pg_name = ""
        if connection.vendor == "postgresql":
            params = connection.settings_dict
            self.pg_name = f"backup_{uuid.uuid4().hex[:12]}"
            with _pg_admin() as admin:
                admin.execute(f'CREATE DATABASE "{self.pg_name}"')
            auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
            host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
            self.env["DATABASE_URL"] = f"postgresql://{auth}@{host}/{self.pg_name}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "servicetickets.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as db, db.cursor() as cursor:
                return _rows(cursor)
        db = sqlite3.connect(self.folder / "servicetickets.sqlite3")
        try:
            return _rows(db.cursor())
        finally:
            db.close()

    def drop(self) -> None:
        if self.pg_name:
            with _pg_admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    made = Target(tmp_path / "restored")
    yield made
    made.drop()


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_data_folder_brings_back_every_ticket_entry_reminder_and_file(
    people: People, tmp_path: Path, target: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    _needs_pg_tools()
    files = _history(people)
    archive = tmp_path / "site.tar.gz"

    assert main(["backup", "--output", str(archive)]) == 0
    assert "6 tickets" in capsys.readouterr().out
    restored = target.run("restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    assert "6 tickets" in restored.stdout
    assert "2 uploaded files" in restored.stdout
    with connection.cursor() as cursor:
        original = _rows(cursor)
    assert len(original["tickets_ticket"]) == 6
    assert len(original["tickets_timelineentry"]) >= 16
    assert len(original["notifications_notification"]) >= 10
    assert target.rows() == original
    for stored_name, content in files.items():
        path = target.folder / "uploads" / stored_name[:2] / stored_name
        assert path.read_bytes() == content
    # The restored installation works: it signs a user in by token from the restored rows.
    token = target.run("token", "alice")
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_target_holding_data_unless_forced(
    people: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _needs_pg_tools()
    submit(people.ticket_type, people.requester, title="In the backup")
    archive = tmp_path / "site.tar.gz"
    assert main(["backup", "-o", str(archive)]) == 0
    later = submit(people.ticket_type, people.requester, title="After the backup")
    capsys.readouterr()

    refused = main(["restore", str(archive)])

    assert refused == 1
    err = capsys.readouterr().err
    assert "already holds data" in err
    assert "--force" in err
    assert "Traceback" not in err
    assert Ticket.objects.filter(pk=later.pk).exists()

    assert main(["restore", str(archive), "--force"]) == 0

    assert list(Ticket.objects.values_list("title", flat=True)) == ["In the backup"]


@pytest.mark.django_db(transaction=True)
def test_backup_never_overwrites_an_existing_file(
    people: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "site.tar.gz"
    archive.write_bytes(b"keep me")

    assert main(["backup", "-o", str(archive)]) == 1

    assert "already exists" in capsys.readouterr().err
    assert archive.read_bytes() == b"keep me"


# --- archives that must be refused, before anything changes ------------------------------


def _manifest(**changes: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": 1,
        "app": "servicetickets",
        "version": "0.1.0",
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": connection.vendor,
        "dump": DUMP_NAMES[connection.vendor],
        "dump_sha256": "0" * 64,
        "migrations": ["tickets.0001_initial"],
        "counts": {},
        "files": {},
    }
    manifest.update(changes)
    return manifest


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _refused(archive: Path, capsys: pytest.CaptureFixture[str], *, force: bool = False) -> str:
    """Run restore on the test's own database (which holds the cast): it must refuse with one
    line and leave the users as they were."""
    users = sorted(User.objects.values_list("username", flat=True))
    capsys.readouterr()

    code = main(["restore", str(archive), *(["--force"] if force else [])])

    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert sorted(User.objects.values_list("username", flat=True)) == users
    return err


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_an_archive(
    people: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(os.urandom(4096))

    assert "not a readable Service Tickets backup" in _refused(garbage, capsys)


@pytest.mark.django_db
def test_restore_refuses_a_truncated_archive(
    people: People, tmp_path: Path, own_folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _archive(
        tmp_path / "whole.tar.gz",
        {"manifest.json": json.dumps(_manifest()).encode(), "uploads/ab/abcd": os.urandom(200_000)},
    )
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[:100_000])

    assert "not a readable Service Tickets backup" in _refused(cut, capsys, force=True)
    assert not (own_folders / "uploads").exists()


@pytest.mark.django_db
def test_restore_refuses_a_foreign_archive(
    people: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = _archive(tmp_path / "photos.tar.gz", {"holiday.jpg": b"\xff\xd8\xff"})

    err = _refused(foreign, capsys)

    assert "not a readable Service Tickets backup" in err
    assert "holiday.jpg" in err


@pytest.mark.django_db
def test_restore_refuses_entries_that_leave_the_data_folder(
    people: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = _archive(
        tmp_path / "evil.tar.gz",
        {"manifest.json": json.dumps(_manifest()).encode(), "uploads/../../escaped": b"x"},
    )

    assert "unexpected entry" in _refused(evil, capsys, force=True)
    assert not list(tmp_path.rglob("escaped"))


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_database_vendor(
    people: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = _archive(
        tmp_path / "other.tar.gz",
        {"manifest.json": json.dumps(_manifest(database=other, dump=DUMP_NAMES[other])).encode()},
    )

    err = _refused(archive, capsys, force=True)

    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    assert f"holds a {names[other]} database" in err
    assert f"points to {names[connection.vendor]}" in err


@pytest.mark.django_db
def test_restore_refuses_an_unknown_format_or_a_newer_schema(
    people: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    future = _archive(
        tmp_path / "future.tar.gz", {"manifest.json": json.dumps(_manifest(format=99)).encode()}
    )
    newer = _archive(
        tmp_path / "newer.tar.gz",
        {"manifest.json": json.dumps(_manifest(migrations=["tickets.9999_future"])).encode()},
    )

    assert "format 99" in _refused(future, capsys, force=True)
    err = _refused(newer, capsys, force=True)
    assert "newer version" in err
    assert "tickets.9999_future" in err


@pytest.mark.django_db
def test_restore_refuses_a_damaged_dump_even_when_forced(
    people: People, tmp_path: Path, own_folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = _archive(
        tmp_path / "damaged.tar.gz",
        {
            "manifest.json": json.dumps(_manifest()).encode(),
            DUMP_NAMES[connection.vendor]: b"not the dump the manifest describes",
            "uploads/ab/abcd": b"a file",
        },
    )

    assert "damaged" in _refused(damaged, capsys, force=True)
    assert not (own_folders / "uploads" / "ab").exists()
