"""Background exports: ``POST /exports`` queues the list's export, the worker writes it with
progress the creator can poll, the file downloads when done, and a day later both are gone."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from servicetickets.exports import services, writing
from servicetickets.exports.models import Export
from servicetickets.ops import worker
from servicetickets.tickets import services as ticket_services
from servicetickets.tickets.models import State
from tests.conftest import People
from tests.exports.conftest import BASIC, XLSX, export, read_xlsx, rows
from tests.factories import submit
from tests.tickets.lifecycle import assert_error

pytestmark = pytest.mark.django_db


def _start(api: Any, user: Any, **params: Any) -> dict[str, Any]:
    r = api(user).post("/exports" + ("?" + _query(params) if params else ""))
    assert r.status_code == 202, r.content
    body: dict[str, Any] = r.json()
    return body


def _query(params: dict[str, Any]) -> str:
    return urlencode(params)


def _state(api: Any, user: Any, export_id: str) -> dict[str, Any]:
    r = api(user).get(f"/exports/{export_id}")
    assert r.status_code == 200, r.content
    body: dict[str, Any] = r.json()
    return body


def _download(api: Any, user: Any, export_id: str) -> Any:
    r = api(user).get(f"/exports/{export_id}/file")
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == XLSX
    return read_xlsx(b"".join(r.streaming_content))


def test_an_export_is_queued_run_by_the_worker_and_downloaded(people: People, api: Any) -> None:
    for _ in range(3):
        submit(people.ticket_type, people.requester)
    submit(people.ticket_type, people.outsider)

    started = _start(api, people.requester, ordering="number")

    assert started["state"] == "queued"
    assert (started["done"], started["total"], started["file"], started["error"]) == (
        0,
        None,
        None,
        None,
    )
    assert worker.run_tasks() == 1
    done = _state(api, people.requester, started["id"])
    assert (done["state"], done["done"], done["total"]) == ("done", 3, 3)
    assert done["file"] == f"/api/v1/exports/{started['id']}/file"
    assert done["finished_at"] is not None
    # The same file as the direct download of the same query (the requester's tickets only).
    assert rows(_download(api, people.requester, started["id"])) == rows(
        export(api, people.requester, ordering="number")
    )


def test_the_file_is_named_by_the_day(people: People, api: Any) -> None:
    started = _start(api, people.site_admin)
    worker.run_tasks()

    r = api(people.site_admin).get(f"/exports/{started['id']}/file")

    day = timezone.localdate().isoformat()
    assert started["file_name"] == f"tickets-{day}.xlsx"
    assert r["Content-Disposition"] == f'attachment; filename="tickets-{day}.xlsx"'


def test_progress_is_visible_while_the_job_runs(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        submit(people.ticket_type, people.requester)
    started = _start(api, people.site_admin)
    monkeypatch.setattr(writing, "CHUNK", 2)
    seen: list[tuple[str, int, int | None]] = []
    write_rows = writing._write_rows

    def observed(*args: Any) -> None:
        body = _state(api, people.site_admin, started["id"])
        seen.append((body["state"], body["done"], body["total"]))
        write_rows(*args)

    monkeypatch.setattr(writing, "_write_rows", observed)

    worker.run_tasks()

    assert seen == [("running", 0, 5), ("running", 2, 5), ("running", 4, 5)]
    assert _state(api, people.site_admin, started["id"])["done"] == 5


def test_only_the_creator_sees_or_downloads_an_export(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)
    started = _start(api, people.admin)
    worker.run_tasks()

    for other in (people.requester, people.site_admin, people.outsider):
        assert_error(api(other).get(f"/exports/{started['id']}"), 404)
        assert_error(api(other).get(f"/exports/{started['id']}/file"), 404)
        assert api(other).get("/exports").json() == []
    assert [e["id"] for e in api(people.admin).get("/exports").json()] == [started["id"]]


@pytest.mark.parametrize("export_id", [str(uuid.uuid4()), "not-an-id"])
def test_an_unknown_export_is_not_found(people: People, api: Any, export_id: str) -> None:
    assert_error(api(people.admin).get(f"/exports/{export_id}"), 404)
    assert_error(api(people.admin).get(f"/exports/{export_id}/file"), 404)


def test_the_file_waits_until_the_export_is_done(people: People, api: Any) -> None:
    started = _start(api, people.admin)

    assert_error(api(people.admin).get(f"/exports/{started['id']}/file"), 409, code="conflict")


@pytest.mark.parametrize(
    "query", [{"state": "bogus"}, {"requester": "nobody"}, {"submitted_from": "yesterday"}]
)
def test_bad_filters_are_refused_like_the_lists_and_nothing_is_queued(
    people: People, api: Any, query: dict[str, Any]
) -> None:
    listed = api(people.admin).get("/tickets", query)
    r = api(people.admin).post("/exports?" + _query(query))

    assert r.status_code == 400
    assert r.json() == listed.json()
    assert (Export.objects.count(), DBTaskResult.objects.count()) == (0, 0)


def test_filters_apply_in_the_job(people: People, api: Any) -> None:
    kept = submit(people.ticket_type, people.requester)
    submit(people.ticket_type, people.requester)
    ticket_services.ticket_claim(user=people.handler, ticket_id=kept.pk)

    started = _start(api, people.admin, state=State.PROCESSING, type=people.ticket_type.pk)
    worker.run_tasks()

    book = _download(api, people.admin, started["id"])
    assert [r[0] for r in rows(book)[1:]] == [kept.number]
    assert list(rows(book)[0])[: len(BASIC)] == BASIC
    assert list(rows(book)[0])[len(BASIC) :] == ["Summary", "Details"]


def test_titles_are_in_the_language_the_export_was_asked_in(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)
    r = api(people.admin).post("/exports", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 202

    worker.run_tasks()  # the worker itself runs in English

    book = _download(api, people.admin, r.json()["id"])
    with translation.override("zh-hans"):
        pending = str(State.PENDING.label)
    assert rows(book)[1][3] == pending != "Pending"


def test_a_person_may_have_three_exports_under_way(people: People, api: Any) -> None:
    for _ in range(services.UNFINISHED_PER_USER):
        _start(api, people.admin)

    assert_error(api(people.admin).post("/exports"), 429)
    _start(api, people.site_admin)  # someone else still may
    worker.run_tasks()
    _start(api, people.admin)  # and so may they, once theirs are done


def test_a_failing_job_is_marked_failed_and_leaves_no_file(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    submit(people.ticket_type, people.requester)
    started = _start(api, people.admin)

    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(services, "export_write", broken)

    worker.run_tasks()

    body = _state(api, people.admin, started["id"])
    assert (body["state"], body["file"]) == ("failed", None)
    assert body["error"]
    assert list(Path(settings.EXPORT_ROOT).iterdir()) == []


def test_a_job_run_twice_writes_once(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)
    started = _start(api, people.admin)
    worker.run_tasks()

    assert services.export_run(export_id=started["id"]) == 0
    assert _state(api, people.admin, started["id"])["done"] == 1


# --- tidying up ------------------------------------------------------------------------------


def test_exports_are_removed_with_their_files_after_a_day(people: People, api: Any) -> None:
    old = _start(api, people.admin)
    recent = _start(api, people.admin)
    worker.run_tasks()
    Export.objects.filter(pk=old["id"]).update(created_at=timezone.now() - timedelta(hours=25))
    old_file = services.file_path(uuid.UUID(old["id"]))
    assert old_file.exists()

    results = worker.run_round()

    assert results["exports_tidy"] == 1
    assert not old_file.exists()
    assert_error(api(people.admin).get(f"/exports/{old['id']}"), 404)
    assert _state(api, people.admin, recent["id"])["state"] == "done"


def test_an_export_whose_worker_died_is_marked_failed(people: People, api: Any) -> None:
    started = _start(api, people.admin)
    Export.objects.filter(pk=started["id"]).update(
        state="running", updated_at=timezone.now() - timedelta(minutes=20)
    )

    worker.run_round()

    body = _state(api, people.admin, started["id"])
    assert body["state"] == "failed"
    assert "interrupted" in body["error"]


def test_stray_files_older_than_a_day_are_removed(settings: Settings) -> None:
    root = Path(settings.EXPORT_ROOT)
    root.mkdir(parents=True)
    stray, fresh = root / "gone.xlsx.part", root / "writing.part"
    stray.write_bytes(b"x")
    fresh.write_bytes(b"x")
    day_ago = (timezone.now() - timedelta(hours=25)).timestamp()
    os.utime(stray, (day_ago, day_ago))

    services.exports_tidy()

    assert (stray.exists(), fresh.exists()) == (False, True)


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/exports"), ("get", "/exports"), ("get", f"/exports/{uuid.uuid4()}")],
)
def test_signing_in_is_required(api: Any, method: str, path: str) -> None:
    assert_error(getattr(api(None), method)(path), 401)
