"""Who sees a ticket (SPEC.md §3): its requester, the handlers of its type (and former
handlers, for tickets they acted on or were handed), its desk's admins and site admins.
Everyone else is told it does not exist."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes import services as type_services
from tests.conftest import People
from tests.factories import submit
from tests.tickets.lifecycle import INVISIBLE_ROLES, STATES, VISIBLE_ROLES, Cast, ticket_in


def _numbers(api: Any, user: Any) -> set[str]:
    r = api(user).get("/tickets")
    assert r.status_code == 200, r.content
    return {t["number"] for t in r.json()["results"]}


def _remove_handler(people: People, user: Any) -> None:
    handlers = [u for u in people.ticket_type.handlers.all() if u.pk != user.pk]
    type_services.type_update(kind=people.ticket_type, handlers=handlers)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", VISIBLE_ROLES)
def test_people_who_may_see_a_ticket_read_it(cast: Cast, api: Any, role: str, state: str) -> None:
    ticket = ticket_in(cast.people, state)

    r = api(cast[role]).get(f"/tickets/{ticket.pk}")

    assert r.status_code == 200, r.content
    assert r.json()["number"] == ticket.number
    assert ticket.number in _numbers(api, cast[role])


@pytest.mark.parametrize("role", INVISIBLE_ROLES)
def test_everyone_else_is_told_it_does_not_exist(cast: Cast, api: Any, role: str) -> None:
    ticket = ticket_in(cast.people, "processing")

    r = api(cast[role]).get(f"/tickets/{ticket.pk}")

    assert r.status_code == 404
    assert r.json() == api(cast[role]).get(f"/tickets/{ticket.pk + 1000}").json()
    assert _numbers(api, cast[role]) == set()


def test_requesters_do_not_see_each_others_tickets(people: People, api: Any) -> None:
    mine = submit(people.ticket_type, people.requester)
    theirs = submit(people.ticket_type, people.outsider)

    assert _numbers(api, people.requester) == {mine.number}
    assert _numbers(api, people.outsider) == {theirs.number}
    assert api(people.requester).get(f"/tickets/{theirs.pk}").status_code == 404


def test_a_handler_of_another_type_sees_only_that_types_tickets(cast: Cast, api: Any) -> None:
    repair = submit(cast.people.ticket_type, cast.people.requester)
    network = submit(cast.other_type, cast.people.requester)

    assert _numbers(api, cast["other_type_handler"]) == {network.number}
    assert _numbers(api, cast["handler"]) == {repair.number}
    assert _numbers(api, cast["desk_admin"]) == {repair.number, network.number}


def test_former_handler_still_sees_tickets_they_acted_on_but_no_others(
    people: People, api: Any
) -> None:
    claimed = ticket_in(people, "processing")
    commented = ticket_in(people, "pending")
    services.ticket_comment(user=people.handler, ticket_id=commented.pk, text="Looking")
    untouched = ticket_in(people, "pending")

    _remove_handler(people, people.handler)

    hank = api(people.handler)
    assert hank.get(f"/tickets/{claimed.pk}").status_code == 200
    assert hank.get(f"/tickets/{commented.pk}").status_code == 200
    assert hank.get(f"/tickets/{untouched.pk}").status_code == 404
    assert _numbers(api, people.handler) == {claimed.number, commented.number}


def test_former_handler_who_was_handed_a_ticket_still_sees_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")

    _remove_handler(people, people.handler2)

    hilda = api(people.handler2)
    assert hilda.get(f"/tickets/{ticket.pk}").status_code == 200
    assert _numbers(api, people.handler2) == {ticket.number}


def test_former_handler_who_is_still_the_assignee_may_finish_the_work(
    people: People, api: Any
) -> None:
    ticket = ticket_in(people, "processing")
    _remove_handler(people, people.handler)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/complete", {"note": "Done anyway"})

    assert r.status_code == 200, r.content
    assert r.json()["processed_by"] == "hank"


def test_former_handler_may_no_longer_claim(people: People, api: Any) -> None:
    seen = ticket_in(people, "pending")
    services.ticket_comment(user=people.handler, ticket_id=seen.pk, text="Looking")
    _remove_handler(people, people.handler)

    r = api(people.handler).post(f"/tickets/{seen.pk}/claim")

    assert r.status_code == 403, r.content
    assert Ticket.objects.get(pk=seen.pk).state == "pending"


def test_tickets_of_a_deleted_type_stay_visible_to_its_handlers(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")

    type_services.type_delete(kind=people.ticket_type)

    assert api(people.handler2).get(f"/tickets/{ticket.pk}").status_code == 200
    assert _numbers(api, people.handler2) == {ticket.number}
