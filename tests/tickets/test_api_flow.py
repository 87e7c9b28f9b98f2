"""One ticket's whole life over the API, as the people of a desk would live it."""

from __future__ import annotations

from typing import Any

from tests.conftest import People


def test_full_lifecycle_over_the_api(people: People, api: Any) -> None:
    alice, hank, hilda = api(people.requester), api(people.handler), api(people.handler2)
    type_id = people.ticket_type.pk

    r = alice.post(f"/types/{type_id}/tickets", {"data": {"summary": "Printer jammed"}})
    assert r.status_code == 201, r.content
    ticket = r.json()
    assert ticket["number"] == "IT-000001"
    assert ticket["state"] == "pending"
    assert ticket["title"] == "Printer jammed"
    tid = ticket["id"]

    r = hank.post(f"/tickets/{tid}/claim")
    assert r.status_code == 200, r.content
    assert r.json()["assignee"] == "hank"
    assert r.json()["accepted_at"] is not None

    r = hilda.post(f"/tickets/{tid}/claim")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "state_conflict"

    r = hank.post(f"/tickets/{tid}/transfer", {"to": "hilda", "note": "Yours"})
    assert r.status_code == 200, r.content
    assert r.json()["assignee"] == "hilda"

    r = hilda.post(f"/tickets/{tid}/complete", {"note": "Cleared the jam"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "to_confirm"
    assert body["processed_by"] == "hilda"

    r = alice.post(f"/tickets/{tid}/return", {"reason": "Still jams"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "processing"
    assert r.json()["assignee"] == "hilda"
    assert r.json()["return_count"] == 1

    assert hilda.post(f"/tickets/{tid}/complete", {"note": "New roller"}).status_code == 200
    r = alice.post(f"/tickets/{tid}/confirm", {"rating": 5, "comment": "Thanks"})
    assert r.status_code == 200, r.content
    final = r.json()
    assert (final["state"], final["resolution"], final["rating"]) == ("closed", "resolved", 5)
    actions = [e["action"] for e in final["timeline"]]
    assert actions == ["submit", "claim", "transfer", "complete", "return", "complete", "confirm"]

    assert api(people.outsider).get(f"/tickets/{tid}").status_code == 404
