"""POST /types/{id}/publish and /unpublish: draft → published → unpublished (→ published)."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.factories import TicketTypeFactory


def _draft(people: People, handlers: list[Any] | None = None) -> TicketType:
    return TicketTypeFactory(
        desk=people.desk,
        name="Draft",
        handlers=[people.handler] if handlers is None else handlers,
        publish=False,
    )


def test_admin_publishes_draft(people: People, api: Any) -> None:
    kind = _draft(people)

    r = api(people.admin).post(f"/types/{kind.pk}/publish")

    assert r.status_code == 200, r.content
    assert r.json()["state"] == "published"
    assert r.json()["id"] == kind.pk


def test_publishing_needs_a_handler(people: People, api: Any) -> None:
    kind = _draft(people, handlers=[])

    r = api(people.admin).post(f"/types/{kind.pk}/publish")

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "handlers"
    assert TicketType.objects.get(pk=kind.pk).state == "draft"


def test_publishing_needs_an_active_handler(people: People, api: Any) -> None:
    kind = _draft(people, handlers=[people.outsider])
    api(people.site_admin).delete("/users/olga")

    r = api(people.admin).post(f"/types/{kind.pk}/publish")

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "handlers"


def test_publishing_a_published_type_keeps_it_published(people: People, api: Any) -> None:
    r = api(people.admin).post(f"/types/{people.ticket_type.pk}/publish")

    assert r.status_code == 200
    assert r.json()["state"] == "published"


def test_admin_unpublishes_published_type(people: People, api: Any) -> None:
    r = api(people.admin).post(f"/types/{people.ticket_type.pk}/unpublish")

    assert r.status_code == 200
    assert r.json()["state"] == "unpublished"


def test_unpublished_type_can_be_published_again(people: People, api: Any) -> None:
    admin = api(people.admin)
    admin.post(f"/types/{people.ticket_type.pk}/unpublish")

    assert admin.post(f"/types/{people.ticket_type.pk}/publish").json()["state"] == "published"


def test_unpublishing_a_draft_conflicts(people: People, api: Any) -> None:
    kind = _draft(people)

    r = api(people.admin).post(f"/types/{kind.pk}/unpublish")

    assert r.status_code == 409
    assert TicketType.objects.get(pk=kind.pk).state == "draft"


def test_unpublishing_twice_conflicts(people: People, api: Any) -> None:
    admin = api(people.admin)
    admin.post(f"/types/{people.ticket_type.pk}/unpublish")

    assert admin.post(f"/types/{people.ticket_type.pk}/unpublish").status_code == 409


def test_employees_cannot_submit_to_an_unpublished_type(people: People, api: Any) -> None:
    api(people.admin).post(f"/types/{people.ticket_type.pk}/unpublish")

    r = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "x"}}
    )

    assert r.status_code in (404, 409)


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_deleted_type_is_not_found(people: People, api: Any, action: str) -> None:
    admin = api(people.admin)
    admin.delete(f"/types/{people.ticket_type.pk}")

    assert admin.post(f"/types/{people.ticket_type.pk}/{action}").status_code == 404


@pytest.mark.parametrize("action", ["publish", "unpublish"])
@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_non_admin_is_refused(people: People, api: Any, action: str, who: str) -> None:
    r = api(getattr(people, who)).post(f"/types/{people.ticket_type.pk}/{action}")

    assert r.status_code == 403
    assert TicketType.objects.get(pk=people.ticket_type.pk).state == "published"
