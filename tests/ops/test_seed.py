"""``servicetickets seed``: synthetic history that looks and behaves like the real thing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Max
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.cli import main
from servicetickets.desks.models import Desk
from servicetickets.forms.values import clean_data
from servicetickets.tickets import services
from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from servicetickets.tickettypes.models import TicketType
from servicetickets.tickettypes.selectors import form_get
from tests.ops.checks import assert_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["seed", "--tickets", "500", "--seed", "7", "--users", "30"])
    out = capsys.readouterr().out
    return {"code": code, "out": out, "tickets": list(Ticket.objects.select_related("desk"))}


def test_seed_creates_the_tickets_asked_for_and_reports_the_rate(seeded: dict[str, Any]) -> None:
    assert seeded["code"] == 0
    assert len(seeded["tickets"]) == 500
    assert "500 of 500 tickets" in seeded["out"]
    assert "Seeded 500 tickets" in seeded["out"]
    assert "tickets a second" in seeded["out"]


def test_seed_covers_every_state_and_resolution(seeded: dict[str, Any]) -> None:
    seen = Counter((t.state, t.resolution) for t in seeded["tickets"])

    for state in (State.PENDING, State.PROCESSING, State.TO_CONFIRM):
        assert seen[(state, "")] > 0, state
    for resolution in Resolution:
        assert seen[(State.CLOSED, resolution)] > 0, resolution
    assert seen[(State.CLOSED, Resolution.RESOLVED)] > len(seeded["tickets"]) / 2


def test_seeded_tickets_agree_with_their_timelines(seeded: dict[str, Any]) -> None:
    assert_consistent(seeded["tickets"], now=timezone.now())


def test_seeded_history_has_transfers_returns_ratings_and_auto_confirms(
    seeded: dict[str, Any],
) -> None:
    actions = Counter(TimelineEntry.objects.values_list("action", flat=True))
    expected = "submit claim transfer complete return confirm reject cancel auto_confirm comment"
    for action in expected.split():
        assert actions[action] > 0, action
    assert actions["submit"] == 500
    assert any(t.return_count for t in seeded["tickets"])
    assert any(t.rating for t in seeded["tickets"])


def test_seeded_times_spread_over_the_months_asked_for(seeded: dict[str, Any]) -> None:
    now = timezone.now()
    submitted = [t.submitted_at for t in seeded["tickets"]]

    assert min(submitted) >= now - timedelta(days=6 * 31)
    assert min(submitted) < now - timedelta(days=150)
    assert max(submitted) > now - timedelta(days=7)


def test_seeded_numbers_are_unique_per_desk_and_advance_the_desk_counter(
    seeded: dict[str, Any],
) -> None:
    numbers = [t.number for t in seeded["tickets"]]
    assert len(set(numbers)) == len(numbers)
    for desk in Desk.objects.all():
        top = Ticket.objects.filter(desk=desk).aggregate(top=Max("number"))["top"]
        assert top == f"{desk.code}-{desk.last_number:06d}"
        ordered = list(Ticket.objects.filter(desk=desk).order_by("number"))
        assert ordered == sorted(ordered, key=lambda t: t.submitted_at)


def test_a_ticket_submitted_after_seeding_gets_the_next_number(seeded: dict[str, Any]) -> None:
    kind = TicketType.objects.filter(deleted_at__isnull=True, state="published").first()
    assert kind is not None
    desk = kind.desk
    user = User.objects.filter(is_active=True).first()
    assert user is not None
    data = Ticket.objects.filter(ticket_type=kind, form_version=kind.version).first()
    assert data is not None

    ticket = services.ticket_submit(user=user, ticket_type_id=kind.pk, data=data.data)

    assert ticket.number == f"{desk.code}-{desk.last_number + 1:06d}"


def test_seeded_data_is_valid_for_its_form_version(seeded: dict[str, Any]) -> None:
    members = set(User.objects.values_list("username", flat=True))

    class Context:
        def member_exists(self, username: str) -> bool:
            return username in members

        def upload_problem(self, upload_ids: list[str], *, images_only: bool) -> str | None:
            return "no uploads expected"

    for ticket in seeded["tickets"][:200]:
        fields = form_get(ticket_type_id=ticket.ticket_type_id, version=ticket.form_version)
        assert clean_data(fields, ticket.data, context=Context()) == ticket.data


def test_seed_keeps_a_deleted_type_and_a_deactivated_handler_in_history(
    seeded: dict[str, Any],
) -> None:
    deleted = TicketType.objects.get(deleted_at__isnull=False)
    assert Ticket.objects.filter(ticket_type=deleted).exists()
    assert not Ticket.objects.filter(ticket_type=deleted).exclude(state=State.CLOSED).exists()
    assert Ticket.objects.filter(ticket_type=deleted, closed_at__gt=deleted.deleted_at).count() == 0
    former = User.objects.filter(is_active=False, handled_types__isnull=True)
    assert Ticket.objects.filter(processed_by__in=former).exists()
    assert not Ticket.objects.filter(assignee__in=former).exclude(state=State.CLOSED).exists()
    assert TicketType.objects.filter(version=2).exists()
    assert Ticket.objects.filter(form_version=1, ticket_type__version=2).exists()
    assert Ticket.objects.filter(form_version=2).exists()


def test_seeded_history_leaves_nothing_overdue_for_the_worker(seeded: dict[str, Any]) -> None:
    assert services.tickets_auto_confirm() == 0


def test_seeded_open_tickets_can_be_carried_on_by_the_services(seeded: dict[str, Any]) -> None:
    pending = Ticket.objects.filter(state=State.PENDING).first()
    processing = Ticket.objects.filter(state=State.PROCESSING).select_related("assignee").first()
    assert pending is not None and processing is not None
    handler = pending.ticket_type.handlers.filter(is_active=True).first()
    assert handler is not None and processing.assignee is not None

    assert services.ticket_claim(user=handler, ticket_id=pending.pk).state == State.PROCESSING
    done = services.ticket_complete(user=processing.assignee, ticket_id=processing.pk, note="ok")
    assert done.state == State.TO_CONFIRM


def test_seed_with_the_same_seed_draws_the_same_history(capsys: pytest.CaptureFixture[str]) -> None:
    def shape() -> list[tuple[str, str, int, int | None]]:
        return [
            (t.state, t.resolution, t.return_count, t.rating) for t in Ticket.objects.order_by("id")
        ]

    main(["seed", "--tickets", "60", "--seed", "3"])
    first = shape()
    main(["seed", "--tickets", "60", "--seed", "3"])

    assert shape()[60:] == first


def test_seed_refuses_more_types_than_a_desk_may_have(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["seed", "--tickets", "10", "--types", "99"])

    assert code == 1
    assert "ticket types per desk" in capsys.readouterr().err
    assert not Ticket.objects.exists()
    assert not Desk.objects.exists()


def test_seed_refuses_too_few_users_for_the_desks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--tickets", "10", "--desks", "3", "--users", "5"]) == 1

    assert "at least 11 users" in capsys.readouterr().err


def test_seed_needs_a_positive_ticket_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--tickets", "0"]) == 2

    assert "--tickets" in capsys.readouterr().err
