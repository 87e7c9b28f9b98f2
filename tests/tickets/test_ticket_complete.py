"""Completing (processing done): ``POST /tickets/{id}/complete {note, attachments?}``."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickets import services
from servicetickets.uploads.models import Upload
from tests.conftest import People
from tests.tickets.lifecycle import (
    assert_refused,
    recipients,
    snapshot,
    states_except,
    ticket_in,
    upload,
)


def test_assignee_completes_and_the_requester_is_asked_to_confirm(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/complete", {"note": "New toner"})

    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "to_confirm"
    assert body["processed_by"] == "hank"
    assert body["processed_at"] is not None
    assert body["assignee"] == "hank"
    assert body["resolution"] is None and body["closed_at"] is None
    entry = body["timeline"][-1]
    assert (entry["action"], entry["actor"], entry["note"]) == ("complete", "hank", "New toner")
    assert (entry["from_state"], entry["to_state"]) == ("processing", "to_confirm")
    assert entry["attachments"] == []
    assert snapshot(ticket).timeline == before.timeline + 1
    assert recipients("completed", ticket) == {"alice"}


def test_complete_keeps_accepted_at(people: People) -> None:
    ticket = ticket_in(people, "processing")

    done = services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Done")

    assert done.accepted_at == ticket.accepted_at


def test_complete_attaches_the_assignees_files(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    receipt = upload(people.handler, "receipt.txt")

    r = api(people.handler).post(
        f"/tickets/{ticket.pk}/complete", {"note": "Done", "attachments": [str(receipt.pk)]}
    )

    assert r.status_code == 200, r.content
    assert r.json()["timeline"][-1]["attachments"] == [str(receipt.pk)]
    assert Upload.objects.get(pk=receipt.pk).ticket_id == ticket.pk


def test_after_a_return_the_new_processor_and_time_are_recorded(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="Still broken")
    services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")

    done = services.ticket_complete(user=people.handler2, ticket_id=ticket.pk, note="Fixed")

    assert done.processed_by == people.handler2
    assert ticket.processed_at is not None and done.processed_at is not None
    assert done.processed_at > ticket.processed_at


@pytest.mark.parametrize("state", states_except("processing"))
def test_complete_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/complete", {"note": "Done"})

    assert_refused(r, 409, before, code="state_conflict")


@pytest.mark.parametrize(
    "body", [{}, {"note": ""}, {"note": " \n "}], ids=["missing", "empty", "blank"]
)
def test_complete_without_a_note_names_note(people: People, api: Any, body: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/complete", body)

    assert_refused(r, 422, before, field="note", code="invalid")


def test_someone_elses_upload_names_attachments(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    theirs = upload(people.requester)
    before = snapshot(ticket)

    r = api(people.handler).post(
        f"/tickets/{ticket.pk}/complete", {"note": "Done", "attachments": [str(theirs.pk)]}
    )

    assert_refused(r, 422, before, field="attachments", code="invalid")
    assert Upload.objects.get(pk=theirs.pk).ticket_id is None


def test_unknown_upload_id_names_attachments(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.handler).post(
        f"/tickets/{ticket.pk}/complete", {"note": "Done", "attachments": ["not-an-id"]}
    )

    assert_refused(r, 422, before, field="attachments", code="invalid")
