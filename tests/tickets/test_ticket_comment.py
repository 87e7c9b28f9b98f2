"""Commenting on an open ticket: ``POST /tickets/{id}/comment {text, attachments?}``."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickets import services
from servicetickets.uploads.models import Upload
from tests.conftest import People
from tests.tickets.lifecycle import (
    CLOSED_STATES,
    Cast,
    api_state,
    assert_refused,
    recipients,
    snapshot,
    ticket_in,
    upload,
)


@pytest.mark.parametrize("state", ["pending", "processing", "to_confirm"])
@pytest.mark.parametrize("role", ["requester", "handler", "other_handler", "desk_admin"])
def test_participants_comment_on_an_open_ticket_without_changing_it(
    cast: Cast, api: Any, state: str, role: str
) -> None:
    ticket = ticket_in(cast.people, state)
    before = snapshot(ticket)

    r = api(cast[role]).post(f"/tickets/{ticket.pk}/comment", {"text": "  Any news?  "})

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["state"], body["resolution"]) == api_state(state)
    entry = body["timeline"][-1]
    assert (entry["action"], entry["actor"], entry["note"]) == (
        "comment",
        cast[role].username,
        "Any news?",
    )
    assert entry["from_state"] == entry["to_state"] == state
    after = snapshot(ticket)
    assert after.timeline == before.timeline + 1
    assert after.ticket == before.ticket


def test_a_handlers_comment_reaches_the_requester(people: People) -> None:
    ticket = ticket_in(people, "pending")

    services.ticket_comment(user=people.handler2, ticket_id=ticket.pk, text="Which floor?")

    assert recipients("commented", ticket) == {"alice"}


def test_the_requesters_comment_reaches_the_assignee(people: People) -> None:
    ticket = ticket_in(people, "processing")

    services.ticket_comment(user=people.requester, ticket_id=ticket.pk, text="Third floor")

    assert recipients("commented", ticket) == {"hank"}


def test_a_desk_admins_comment_reaches_requester_and_assignee(people: People) -> None:
    ticket = ticket_in(people, "processing")

    services.ticket_comment(user=people.admin, ticket_id=ticket.pk, text="Priority please")

    assert recipients("commented", ticket) == {"alice", "hank"}


@pytest.mark.parametrize("state", CLOSED_STATES)
def test_comment_is_refused_on_a_closed_ticket(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/comment", {"text": "Hello?"})

    assert_refused(r, 409, before, code="state_conflict")


@pytest.mark.parametrize(
    "body",
    [None, {}, {"text": ""}, {"text": " \n\t "}],
    ids=["no-body", "missing", "empty", "blank"],
)
def test_empty_comment_names_text(people: People, api: Any, body: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/comment", body)

    assert_refused(r, 422, before, field="text", code="invalid")


def test_comment_keeps_the_authors_files(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    screenshot = upload(people.requester, "screen.txt")

    r = api(people.requester).post(
        f"/tickets/{ticket.pk}/comment", {"text": "See", "attachments": [str(screenshot.pk)]}
    )

    assert r.status_code == 200, r.content
    assert r.json()["timeline"][-1]["attachments"] == [str(screenshot.pk)]
    assert Upload.objects.get(pk=screenshot.pk).ticket_id == ticket.pk


def test_someone_elses_upload_names_attachments(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    theirs = upload(people.outsider)
    before = snapshot(ticket)

    r = api(people.requester).post(
        f"/tickets/{ticket.pk}/comment", {"text": "See", "attachments": [str(theirs.pk)]}
    )

    assert_refused(r, 422, before, field="attachments", code="invalid")


def test_a_file_already_attached_elsewhere_names_attachments(people: People, api: Any) -> None:
    first, second = ticket_in(people, "processing"), ticket_in(people, "processing")
    screenshot = upload(people.requester)
    services.ticket_comment(
        user=people.requester, ticket_id=first.pk, text="See", attachments=[str(screenshot.pk)]
    )
    before = snapshot(second)

    r = api(people.requester).post(
        f"/tickets/{second.pk}/comment", {"text": "See", "attachments": [str(screenshot.pk)]}
    )

    assert_refused(r, 422, before, field="attachments", code="invalid")


def test_the_same_file_twice_names_attachments(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    screenshot = str(upload(people.requester).pk)
    before = snapshot(ticket)

    r = api(people.requester).post(
        f"/tickets/{ticket.pk}/comment", {"text": "See", "attachments": [screenshot, screenshot]}
    )

    assert_refused(r, 422, before, field="attachments", code="invalid")


def test_comment_with_an_unknown_property_names_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/comment", {"text": "x", "mention": "y"})

    assert_refused(r, 422, before, field="mention", code="invalid")
