"""GET /desks: every signed-in member may open every desk."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import People
from tests.factories import DeskFactory


@pytest.mark.parametrize("who", ["site_admin", "admin", "requester", "outsider"])
def test_everyone_signed_in_sees_every_desk(people: People, api: Any, who: str) -> None:
    DeskFactory(code="FAC", name="Facilities")

    r = api(getattr(people, who)).get("/desks")

    assert r.status_code == 200
    assert [(d["code"], d["name"]) for d in r.json()] == [
        ("FAC", "Facilities"),
        ("IT", "IT Assistant"),
    ]


def test_desk_has_id_code_and_name(people: People, api: Any) -> None:
    assert api(people.requester).get("/desks").json() == [
        {"id": people.desk.pk, "code": "IT", "name": "IT Assistant"}
    ]
