"""What any ticket history must satisfy, read back from the database: the ticket's fields are
exactly what its timeline says the services did."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from servicetickets.tickettypes.models import TicketType

CLOSING = {
    "reject": Resolution.REJECTED,
    "cancel": Resolution.CANCELLED,
    "confirm": Resolution.RESOLVED,
    "auto_confirm": Resolution.RESOLVED,
}


def assert_consistent(tickets: list[Ticket], *, now: datetime) -> None:
    """Fail with the ticket number and the rule it breaks."""
    timelines: dict[int, list[TimelineEntry]] = defaultdict(list)
    for entry in TimelineEntry.objects.filter(ticket__in=tickets).order_by("at", "id"):
        timelines[entry.ticket_id].append(entry)
    handlers: dict[int, set[int]] = defaultdict(set)
    for type_id, user_id in TicketType.handlers.through.objects.values_list(
        "tickettype_id", "user_id"
    ):
        handlers[type_id].add(user_id)
    for ticket in tickets:
        problem = _problem(ticket, timelines[ticket.pk], handlers[ticket.ticket_type_id], now)
        assert problem is None, f"{ticket.number}: {problem}"


def _problem(
    t: Ticket, timeline: list[TimelineEntry], handlers: set[int], now: datetime
) -> str | None:
    if not timeline or timeline[0].action != "submit":
        return "the first entry is not submit"
    first = timeline[0]
    if (first.at, first.actor_id, first.to_state) != (t.submitted_at, t.requester_id, "pending"):
        return "submit entry does not match the ticket"
    state, accepted, processed, processed_by, closed = "", None, None, None, None
    assignee, closed_by, returns, previous = None, None, 0, first.at
    received_by = None
    for entry in timeline:
        if entry.at < previous:
            return "timeline goes back in time"
        previous = entry.at
        if entry.from_state != state:
            return f"{entry.action} starts from {entry.from_state}, not {state}"
        if entry.action == "claim":
            assignee = entry.actor_id
            if accepted is None:
                accepted, received_by = entry.at, entry.actor_id
        elif entry.action == "transfer":
            assignee = entry.target_id
            if state == State.PENDING and accepted is None:
                accepted, received_by = entry.at, entry.target_id
        elif entry.action == "complete":
            processed, processed_by = entry.at, entry.actor_id
        elif entry.action == "return":
            assignee, returns = processed_by, returns + 1
            if entry.target_id != processed_by:
                return "a return did not go back to the processor"
        elif entry.action in CLOSING:
            closed = entry.at
            closed_by = None if entry.action == "auto_confirm" else entry.actor_id
            if t.resolution != CLOSING[entry.action]:
                return f"resolution {t.resolution} after {entry.action}"
        state = entry.to_state
    checks = {
        "state": (t.state, state),
        "assignee": (t.assignee_id, assignee),
        "processed_by": (t.processed_by_id, processed_by),
        "closed_by": (t.closed_by_id, closed_by),
        "accepted_at": (t.accepted_at, accepted),
        "received_by": (t.received_by_id, received_by),
        "processed_at": (t.processed_at, processed),
        "closed_at": (t.closed_at, closed),
        "return_count": (t.return_count, returns),
    }
    for name, (stored, replayed) in checks.items():
        if stored != replayed:
            return f"{name} is {stored}, its timeline says {replayed}"
    stamps = [s for s in (t.submitted_at, t.accepted_at, t.processed_at, t.closed_at) if s]
    if stamps != sorted(stamps) or stamps[-1] > now:
        return "times are not in order or lie in the future"
    if t.rating is not None and timeline[-1].action != "confirm":
        return "rated without a confirmation"
    if t.state != State.CLOSED and t.resolution:
        return "an open ticket has a resolution"
    timeout = timedelta(days=t.desk.confirm_timeout_days)
    if t.state == State.TO_CONFIRM and t.processed_at and t.processed_at <= now - timeout:
        return "waits for confirmation past the desk's timeout"
    if t.state == State.PROCESSING and t.assignee_id not in handlers:
        return "the assignee of an open ticket is not a handler of its type"
    return None
