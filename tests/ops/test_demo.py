"""``servicetickets demo``: demo desks, people and tickets, loaded once, then served."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.cli import main
from servicetickets.desks.models import Desk, MenuEntry
from servicetickets.notifications.models import Notification
from servicetickets.ops.demo import DEMO_PASSWORD, SIGN_INS, demo_load
from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from servicetickets.tickettypes.models import TicketType
from tests.ops.checks import assert_consistent

pytestmark = pytest.mark.django_db

# Enough tickets to show what a test looks at; the full demo is loaded by the first two tests.
SMALL = 40


def test_demo_loads_once_prints_the_sign_ins_and_serves(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--port", "8123"]) == 0
    first = capsys.readouterr().out
    count = Ticket.objects.count()

    assert main(["demo", "--port", "8123"]) == 0
    second = capsys.readouterr().out

    assert "Loaded the demo" in first
    assert "already loaded" in second
    assert Ticket.objects.count() == count
    assert "http://127.0.0.1:8123/" in second
    for person in SIGN_INS:
        line = next(line for line in second.splitlines() if line.split()[:1] == [person.username])
        assert DEMO_PASSWORD in line
        assert str(person.role) in line
    assert [(c["app"], c["port"], c["workers"]) for c in served] == [
        ("servicetickets.asgi:application", 8123, 1)
    ] * 2


def test_demo_load_twice_loads_once_a_consistent_history() -> None:
    assert demo_load() is True
    tickets = list(Ticket.objects.select_related("desk"))
    assert demo_load() is False

    assert Ticket.objects.count() == len(tickets)
    assert 250 <= len(tickets) <= 350
    assert_consistent(tickets, now=timezone.now())
    seen = Counter((t.desk.code, t.state, t.resolution) for t in tickets)
    for code in ("IT", "FAC"):
        for state in (State.PENDING, State.PROCESSING, State.TO_CONFIRM):
            assert seen[(code, state, "")] > 0, (code, state)
        for resolution in Resolution:
            assert seen[(code, State.CLOSED, resolution)] > 0, (code, resolution)
    actions = set(TimelineEntry.objects.values_list("action", flat=True))
    assert {"transfer", "return", "auto_confirm", "comment", "urge"} <= actions
    oldest = min(t.submitted_at for t in tickets)
    assert (timezone.now() - oldest).days > 150


def test_demo_desks_have_their_types_menus_and_people() -> None:
    demo_load(tickets=SMALL)

    it, fac = Desk.objects.get(code="IT"), Desk.objects.get(code="FAC")
    assert it.name == "IT Assistant" and fac.name == "Facilities"
    assert set(TicketType.objects.filter(desk=it).values_list("name", flat=True)) == {
        "Fault repair",
        "Equipment",
        "Access",
    }
    assert set(TicketType.objects.filter(desk=fac).values_list("name", flat=True)) == {
        "Repairs",
        "Meeting room",
        "Purchase",
    }
    assert not TicketType.objects.exclude(state="published").exists()
    for desk in (it, fac):
        groups = MenuEntry.objects.filter(desk=desk, parent__isnull=True, ticket_type__isnull=True)
        assert groups.count() == 1
        assert MenuEntry.objects.filter(parent__in=groups).count() == 2
    assert list(it.admins.values_list("username", flat=True)) == ["itadmin"]
    assert User.objects.get(username="admin").site_admin
    assert set(
        TicketType.objects.get(desk=it, name="Fault repair").handlers.values_list(
            "username", flat=True
        )
    ) == {"hank", "hilda"}


def test_demo_people_sign_in_with_the_printed_password() -> None:
    demo_load(tickets=SMALL)

    for username in ("admin", "alice"):
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username


def test_demo_reminders_are_dated_with_their_tickets() -> None:
    demo_load(tickets=SMALL)

    now = timezone.now()
    notes = list(Notification.objects.select_related("ticket"))
    assert notes
    assert all(n.created_at >= n.ticket.submitted_at for n in notes)
    closed_unread = [n for n in notes if n.ticket.state == State.CLOSED and n.read_at is None]
    assert closed_unread == []
    assert any(n.read_at is None for n in notes)
    assert max(n.created_at for n in notes) <= now
