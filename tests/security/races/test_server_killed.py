"""A server process killed with SIGKILL in the middle of a load of submissions and actions
loses nothing it answered and leaves nothing half done.

Several client threads walk tickets through submit, claim, comment, transfer, complete and
confirm against a real server; once the load is well under way the server is killed, then
started again on the same database. Every request answered with success is fully there (the
ticket or the change, its timeline entry, its reminders); a request in flight at the kill is
either fully there or fully absent; every ticket's state agrees with its timeline, every
reminder belongs to an entry, numbers stay unique and gapless, and the new server serves."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from tests.conftest import People
from tests.security.races.conftest import Caller, started
from tests.security.races.load import Load
from tests.servers import Server

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 6
# Answered requests before the kill: enough for tickets in every state.
KILL_AFTER = 60
LOAD_GUARD_SECONDS = 300  # a guard against a hung load, not a timing assertion

# What each entry reminds in this load, and whom: comments are alice's, so they remind the
# assignee (hank at that point); claims and confirmations remind nobody.
REMINDED = {
    "submit": ("new_ticket", ("hank", "hilda")),
    "comment": ("commented", ("hank",)),
    "transfer": ("transferred", ("hilda",)),
    "complete": ("completed", ("alice",)),
}


def test_a_killed_server_loses_no_answered_request_and_leaves_nothing_half_done(
    people: People, tmp_path: Path, server: Server
) -> None:
    load = Load(
        alice=Caller(server, people.requester),
        hank=Caller(server, people.handler),
        hilda=Caller(server, people.handler2),
        type_id=people.ticket_type.pk,
    )
    load.start(CLIENTS)
    try:
        _wait_for(lambda: load.successes() >= KILL_AFTER or not load.alive())
    finally:
        server.kill()
        load.join()
    assert load.successes() >= KILL_AFTER, [s for s in load.sent if not s.succeeded]
    assert any(s.status is None for s in load.sent), "the kill did not cut the load off"
    refused = [s for s in load.sent if s.status is not None and not s.succeeded]
    assert refused == [], "a request was refused while the server was up"

    again = started(tmp_path / "restarted.log")
    try:
        _assert_answered_requests_are_there(load)
        _assert_requests_in_flight_are_all_or_nothing(load)
        for ticket in Ticket.objects.select_related("assignee", "processed_by", "closed_by"):
            _assert_state_agrees_with_timeline(ticket)
            _assert_reminders_match_timeline(ticket)
        _assert_numbers_unique_and_gapless(people)
        _assert_serves_normally(again, people)
    finally:
        again.stop()


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + LOAD_GUARD_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the load did not get going"
        time.sleep(0.02)


def _assert_answered_requests_are_there(load: Load) -> None:
    for sent in (s for s in load.sent if s.succeeded):
        assert sent.body is not None and sent.ticket_id is not None
        ticket = Ticket.objects.filter(pk=sent.ticket_id).first()
        assert ticket is not None, sent
        if sent.step == "submit":
            assert (ticket.number, ticket.title) == (sent.body["number"], sent.marker)
        entries = TimelineEntry.objects.filter(ticket=ticket, action=sent.step)
        assert entries.count() == 1, sent
        if sent.step == "comment":
            assert entries.get().note == sent.marker


def _assert_requests_in_flight_are_all_or_nothing(load: Load) -> None:
    """Fully there is checked for every ticket below; here: there at most once."""
    for sent in (s for s in load.sent if s.status is None):
        if sent.step == "submit":
            assert Ticket.objects.filter(title=sent.marker).count() in (0, 1), sent
        else:
            assert sent.ticket_id is not None
            done = TimelineEntry.objects.filter(ticket_id=sent.ticket_id, action=sent.step)
            assert done.count() in (0, 1), sent


def _assert_state_agrees_with_timeline(ticket: Ticket) -> None:
    entries = list(ticket.timeline.select_related("actor", "target").order_by("at", "id"))
    assert entries and entries[0].action == "submit", ticket.number
    states = [("", State.PENDING)] + [(e.from_state, e.to_state) for e in entries[1:]]
    for (_, before), (after_from, _) in pairwise(states):
        assert after_from == before, (ticket.number, states)
    assert entries[-1].to_state == ticket.state, (ticket.number, states)
    actions = [e.action for e in entries]
    # The walk each client takes, cut off anywhere: the entries are a prefix of it.
    walk = ["submit", "claim", "comment", "transfer", "complete", "confirm"]
    assert actions == walk[: len(actions)], (ticket.number, actions)
    assignee = {1: None, 2: "hank", 3: "hank"}.get(len(actions), "hilda")
    assert getattr(ticket.assignee, "username", None) == assignee, (ticket.number, actions)
    assert (ticket.accepted_at is not None) == (len(actions) >= 2), ticket.number
    processed_by = getattr(ticket.processed_by, "username", None)
    assert processed_by == ("hilda" if len(actions) >= 5 else None), ticket.number
    closed = (ticket.resolution, getattr(ticket.closed_by, "username", None))
    assert closed == ((Resolution.RESOLVED, "alice") if len(actions) == 6 else ("", None)), (
        ticket.number
    )


def _assert_reminders_match_timeline(ticket: Ticket) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for action in ticket.timeline.values_list("action", flat=True):
        kind, recipients = REMINDED.get(action, ("", ()))
        expected.update((kind, who) for who in recipients)
    reminders = Notification.objects.filter(ticket=ticket).select_related("recipient")
    assert Counter((n.kind, n.recipient.username) for n in reminders) == expected, ticket.number


def _assert_numbers_unique_and_gapless(people: People) -> None:
    people.desk.refresh_from_db()
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == [f"IT-{n:06d}" for n in range(1, people.desk.last_number + 1)]


def _assert_serves_normally(server: Server, people: People) -> None:
    alice, hank = Caller(server, people.requester), Caller(server, people.handler)
    submitted = alice.post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "After the crash"}}
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["number"] == f"IT-{people.desk.last_number + 1:06d}"
    claimed = hank.post(f"/tickets/{submitted.json()['id']}/claim")
    assert (claimed.status_code, claimed.json()["assignee"]) == (200, "hank")
