"""Reports count only tickets of the desks the caller administers, over random worlds: a desk
admin reads every ticket of their desk, and their reports (status, efficiency, both by person)
add up exactly those tickets in the period and the desk or type asked for; a site admin's
cover every desk. A desk or type of another desk is refused (403), everyone else is refused
(403) and anonymous callers are asked to sign in (401)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given

from servicetickets.tickets.models import Ticket
from tests.conftest import Api
from tests.security.properties.conftest import VISIBILITY
from tests.security.properties.oracle import (
    Detail,
    FilterPlan,
    Query,
    filter_plans,
    make_query,
    visible_details,
)
from tests.security.properties.world import (
    ADMINS,
    EVERYONE,
    SITE_ADMIN,
    World,
    WorldPlan,
    world_plans,
)

REPORTS = ("status", "status-by-person", "efficiency", "efficiency-by-person")
STATES = ("pending", "processing", "to_confirm", "closed")


def _rejected_by(d: Detail) -> str | None:
    entries = [e["actor"] for e in d["timeline"] if e["action"] == "reject"]
    return entries[-1] if entries else None


def _received_by(d: Detail) -> str | None:
    """Who took it out of pending: the claimer, or the target of that transfer."""
    for e in d["timeline"]:
        if e["from_state"] == "pending" and e["to_state"] == "processing":
            return e["actor"] if e["action"] == "claim" else e["target"]
    return None


def _processed(d: Detail) -> bool:
    return d["state"] == "to_confirm" or (d["state"] == "closed" and d["resolution"] == "resolved")


def expected_reports(tickets: list[Detail]) -> dict[str, Any]:
    status = Counter(d["state"] for d in tickets)
    people: dict[str, Counter[str]] = {}
    for d in tickets:
        credits = {
            "processing": d["assignee"] if d["state"] == "processing" else None,
            "to_confirm": d["processed_by"] if d["state"] == "to_confirm" else None,
            "closed": (
                d["processed_by"]
                if d["state"] == "closed" and d["resolution"] == "resolved"
                else _rejected_by(d)
                if d["resolution"] == "rejected"
                else None
            ),
            "received": _received_by(d) if d["accepted_at"] else None,
            "done": d["processed_by"] if _processed(d) else None,
        }
        for key, person in credits.items():
            if person is not None:
                people.setdefault(person, Counter())[key] += 1
    return {
        "status": {"total": len(tickets), **{s: status[s] for s in STATES}},
        "accepted": sum(d["accepted_at"] is not None for d in tickets),
        "processed": sum(_processed(d) for d in tickets),
        "people": people,
    }


def _check_person_rows(api: Api, params: dict[str, str], people: dict[str, Counter[str]]) -> None:
    status = {row["username"]: row for row in api.get("/reports/status-by-person", params).json()}
    efficiency = {
        row["username"]: row for row in api.get("/reports/efficiency-by-person", params).json()
    }
    for name in set(people) | set(status) | set(efficiency):
        want = people.get(name, Counter())
        st = status.get(name)
        credited = (st["processing"], st["to_confirm"], st["closed"]) if st else (0, 0, 0)
        assert credited == (want["processing"], want["to_confirm"], want["closed"]), name
        ef = efficiency.get(name)
        timed = (ef["received"], ef["processed"]) if ef else (0, 0)
        assert timed == (want["received"], want["done"]), (name, params)


def _check_reports(world: World, readable: dict[str, dict[int, Detail]], plan: FilterPlan) -> None:
    for name in (SITE_ADMIN, *ADMINS[: len(world.desks)]):
        api = Api(world.users[name])
        query = make_query(plan, world, name)
        params = {k: v for k, v in query.params.items() if k in ("desk", "type")}
        params |= {k: v for k, v in query.params.items() if k.startswith("submitted_")}
        mine = {
            d.pk
            for d in world.desks
            if name == SITE_ADMIN or d.admins.filter(username=name).exists()
        }
        everything = readable[SITE_ADMIN]
        in_desks = {pk: d for pk, d in readable[name].items() if d["desk_id"] in mine}
        # An admin reads every ticket of their desks.
        assert set(in_desks) == {pk for pk, d in everything.items() if d["desk_id"] in mine}
        kind = int(params.get("type", 0))
        asked = {int(params.get("desk", 0)), *(t.desk_id for t in world.types if t.pk == kind)}
        if not asked - {0} <= mine:
            for report in REPORTS:
                assert api.get(f"/reports/{report}", params).status_code == 403, (name, params)
            continue
        # Reports take the desk, the type and the period only.
        scope = Query(params=params, start=query.start, end=query.end, processor=None)
        tickets = [d for d in in_desks.values() if scope.keeps(d)]
        want = expected_reports(tickets)
        status = api.get("/reports/status", params)
        assert status.status_code == 200, status.content
        assert status.json() == want["status"], (name, params)
        efficiency = api.get("/reports/efficiency", params).json()
        assert (efficiency["accepted"], efficiency["processed"]) == (
            want["accepted"],
            want["processed"],
        ), (name, params)
        _check_person_rows(api, params, want["people"])


@VISIBILITY
@given(plan=world_plans(), report_filter=filter_plans)
def test_reports_count_only_the_desks_the_caller_administers(
    fresh_world: Any, plan: WorldPlan, report_filter: FilterPlan
) -> None:
    with fresh_world(plan) as world:
        admins = (SITE_ADMIN, *ADMINS[: len(world.desks)])
        readable = visible_details(world, admins)

        _check_reports(world, readable, report_filter)

        for name in EVERYONE:
            if name not in admins:
                r = Api(world.users[name]).get("/reports/status")
                assert r.status_code == 403, (name, r.content)
        assert Api(None).get("/reports/status").status_code == 401
        assert Ticket.objects.count() == len(world.tickets)
