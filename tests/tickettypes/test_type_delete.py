"""DELETE /types/{id}: a soft delete. The type leaves lists and configuration; its tickets stay."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.factories import submit


def _types(api: Any, user: Any, desk_id: int, **params: Any) -> list[dict[str, Any]]:
    r = api(user).get(f"/desks/{desk_id}/types", params)
    assert r.status_code == 200, r.content
    result: list[dict[str, Any]] = r.json()
    return result


def test_admin_deletes_type(people: People, api: Any) -> None:
    r = api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    assert r.status_code == 204
    assert r.content == b""


def test_deleted_type_is_kept_in_the_database(people: People, api: Any) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    kind = TicketType.objects.get(pk=people.ticket_type.pk)
    assert kind.deleted_at is not None


def test_deleted_type_leaves_the_list(people: People, api: Any) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    assert _types(api, people.admin, people.desk.pk) == []


def test_deleted_type_reappears_with_deleted_flag(people: People, api: Any) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    listed = _types(api, people.admin, people.desk.pk, deleted="true")

    assert [(t["id"], t["deleted"]) for t in listed] == [(people.ticket_type.pk, True)]


def test_list_with_deleted_also_has_the_others(people: People, api: Any, create_type: Any) -> None:
    create_type(name="Other")
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    listed = _types(api, people.admin, people.desk.pk, deleted="true")

    assert [(t["name"], t["deleted"]) for t in listed] == [("Repair", True), ("Other", False)]


def test_employees_never_see_deleted_types(people: People, api: Any) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    assert _types(api, people.requester, people.desk.pk, deleted="true") == []
    assert api(people.requester).get(f"/types/{people.ticket_type.pk}").status_code == 404


def test_admin_still_reads_the_deleted_type(people: People, api: Any) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    r = api(people.admin).get(f"/types/{people.ticket_type.pk}")

    assert r.status_code == 200
    assert r.json()["deleted"] is True


def test_tickets_of_deleted_type_stay_readable(people: People, api: Any) -> None:
    ticket = submit(people.ticket_type, people.requester)

    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    for user in (people.requester, people.handler, people.admin):
        r = api(user).get(f"/tickets/{ticket.pk}")
        assert r.status_code == 200, (user.username, r.content)
        assert r.json()["type_name"] == "Repair"


def test_tickets_of_deleted_type_stay_in_the_list(people: People, api: Any) -> None:
    ticket = submit(people.ticket_type, people.requester)
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    r = api(people.requester).get("/tickets")

    assert [t["id"] for t in r.json()["results"]] == [ticket.pk]


def test_cannot_submit_to_deleted_type(people: People, api: Any) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    r = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "x"}}
    )

    assert r.status_code == 404


def test_deleting_twice_is_not_found(people: People, api: Any) -> None:
    admin = api(people.admin)
    admin.delete(f"/types/{people.ticket_type.pk}")

    assert admin.delete(f"/types/{people.ticket_type.pk}").status_code == 404


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_non_admin_is_refused(people: People, api: Any, who: str) -> None:
    r = api(getattr(people, who)).delete(f"/types/{people.ticket_type.pk}")

    assert r.status_code == 403
    assert TicketType.objects.get(pk=people.ticket_type.pk).deleted_at is None
