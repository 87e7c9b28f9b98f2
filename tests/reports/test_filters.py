"""The report filters: a type (deleted ones too), and every bad value refused with the error
body naming the filter, never an empty success."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickettypes.services import type_delete
from tests.conftest import Api
from tests.factories import TicketTypeFactory
from tests.reports.conftest import World
from tests.reports.helpers import REPORTS, claim, new_ticket, report, rows
from tests.tickets.lifecycle import assert_error


def test_a_type_filter_counts_that_type_only(world: World) -> None:
    p = world.people
    other = TicketTypeFactory(desk=world.desk, name="Access", handlers=[p.handler2])
    new_ticket(world.kind, p.requester)
    claim(new_ticket(other, p.requester), p.handler2)

    assert report(p.admin, "status", type=other.pk)["total"] == 1
    assert report(p.admin, "status", type=world.kind.pk, desk=world.desk.pk)["total"] == 1
    assert set(rows(p.admin, "status-by-person", type=other.pk)) == {"hilda"}


def test_a_deleted_type_is_still_offered_and_reported(world: World) -> None:
    p = world.people
    old = TicketTypeFactory(desk=world.desk, name="Old", handlers=[p.handler])
    claim(new_ticket(old, p.requester), p.handler)
    type_delete(kind=old)

    offered = Api(p.admin).get(f"/desks/{world.desk.pk}/types", {"deleted": "true"}).json()
    status = report(p.admin, "status", type=old.pk)
    by_person = rows(p.admin, "status-by-person", type=old.pk)

    assert {t["name"]: t["deleted"] for t in offered} == {"Repair": False, "Old": True}
    assert (status["total"], status["processing"]) == (1, 1)
    assert by_person["hank"]["processing"] == 1
    # Its tickets stay in the desk's reports too.
    assert report(p.admin, "status")["total"] == 1


BAD_FILTERS: list[tuple[dict[str, Any], str]] = [
    ({"desk": "IT"}, "desk"),
    ({"desk": 999999}, "desk"),
    ({"type": "repair"}, "type"),
    ({"type": 999999}, "type"),
    ({"desk": 10**20}, "desk"),
    ({"type": -(10**20)}, "type"),
    ({"submitted_from": "yesterday"}, "submitted_from"),
    ({"submitted_from": "2025-02-30"}, "submitted_from"),
    ({"submitted_to": "31/01/2025"}, "submitted_to"),
    ({"submitted_to": "2025-01-31T25:00"}, "submitted_to"),
    ({"submitted_to": "2025-01-31T10:00" + "0" * 50}, "submitted_to"),
    ({"submitted_from": "0001-01-01T00:00+05:00"}, "submitted_from"),
    ({"submitted_to": "0001-03-01"}, "submitted_to"),
    ({"submitted_to": "9999-12-31"}, "submitted_to"),
    ({"submitted_from": "2025-02-01", "submitted_to": "2025-01-31"}, "submitted_from"),
]


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize(("params", "field"), BAD_FILTERS)
def test_a_bad_filter_is_refused_naming_it(
    world: World, name: str, params: dict[str, Any], field: str
) -> None:
    r = Api(world.people.site_admin).get(f"/reports/{name}", params)

    assert_error(r, 400, field=field, code="bad_request")


@pytest.mark.parametrize("name", REPORTS)
def test_a_type_of_another_desk_than_the_desk_filter_is_refused(world: World, name: str) -> None:
    params = {"desk": world.desk.pk, "type": world.other_type.pk}

    r = Api(world.people.site_admin).get(f"/reports/{name}", params)

    assert_error(r, 400, field="type", code="bad_request")
