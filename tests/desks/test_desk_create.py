"""POST /desks: a site admin opens a service desk; its code prefixes ticket numbers."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.desks.models import Desk
from tests.conftest import People


def test_site_admin_creates_desk(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "FAC", "name": "Facilities"})

    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "code", "name"}
    assert (body["code"], body["name"]) == ("FAC", "Facilities")
    assert Desk.objects.get(pk=body["id"]).code == "FAC"


@pytest.mark.parametrize("code", ["AB", "ABCDEFGH"])
def test_code_of_two_to_eight_capitals_is_accepted(people: People, api: Any, code: str) -> None:
    assert api(people.site_admin).post("/desks", {"code": code, "name": "X"}).status_code == 201


@pytest.mark.parametrize(
    "code", ["", "A", "ABCDEFGHI", "fac", "Fac", "F4C", "FA C", "FÄC", "FAC\n", "FA-C"]
)
def test_bad_code_is_invalid(people: People, api: Any, code: str) -> None:
    r = api(people.site_admin).post("/desks", {"code": code, "name": "Facilities"})

    assert r.status_code == 422, r.content
    assert r.json()["error"]["field"] == "code"
    assert not Desk.objects.filter(name="Facilities").exists()


def test_duplicate_code_conflicts(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "IT", "name": "Another IT"})

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "code"
    assert Desk.objects.filter(code="IT").count() == 1


@pytest.mark.parametrize("name", ["", "   ", "n" * 61])
def test_bad_name_is_invalid(people: People, api: Any, name: str) -> None:
    r = api(people.site_admin).post("/desks", {"code": "FAC", "name": name})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "name"


def test_name_is_trimmed(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "FAC", "name": "  Facilities "})

    assert r.json()["name"] == "Facilities"


def test_missing_name_is_invalid(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "FAC"})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "name"


@pytest.mark.parametrize("who", ["admin", "requester", "handler", "outsider"])
def test_anyone_but_a_site_admin_is_refused(people: People, api: Any, who: str) -> None:
    r = api(getattr(people, who)).post("/desks", {"code": "FAC", "name": "Facilities"})

    assert r.status_code == 403
    assert not Desk.objects.filter(code="FAC").exists()


def test_new_desks_code_prefixes_its_ticket_numbers(people: People, api: Any) -> None:
    root = api(people.site_admin)
    desk = root.post("/desks", {"code": "FAC", "name": "Facilities"}).json()
    root.post(f"/desks/{desk['id']}/admins", {"username": "admin"})
    admin = api(people.admin)
    kind = admin.post(
        f"/desks/{desk['id']}/types",
        {
            "name": "Light",
            "fields": [{"key": "where", "label": "Where", "kind": "text"}],
            "handlers": ["hank"],
        },
    ).json()
    admin.post(f"/types/{kind['id']}/publish")

    r = api(people.requester).post(f"/types/{kind['id']}/tickets", {"data": {"where": "Hall"}})

    assert r.status_code == 201, r.content
    assert r.json()["number"] == "FAC-000001"
