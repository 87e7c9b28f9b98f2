"""What each person may see, asked one ticket at a time (``GET /api/v1/tickets/{id}``, the
single-object check), and the list's filters applied to those tickets in Python: the answers
every list, count, search, report and export is held to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from hypothesis import event
from hypothesis import strategies as st

from servicetickets.desks.models import Desk
from servicetickets.tickettypes.models import TicketType
from tests.conftest import Api
from tests.security.properties.world import EVERYONE, World

Detail = dict[str, Any]
STATES = ("pending", "processing", "to_confirm", "closed")
RESOLUTIONS = ("resolved", "cancelled", "rejected")
ORDERINGS = ("submitted_at", "-submitted_at", "number", "-number", "state", "-state")


def visible_details(
    world: World, names: tuple[str, ...] = EVERYONE
) -> dict[str, dict[int, Detail]]:
    """username → the tickets they may read, each as its detail; a refusal must be the 404
    a ticket that does not exist gets."""
    out: dict[str, dict[int, Detail]] = {}
    for name in names:
        api = Api(world.users[name])
        missing = api.get(f"/tickets/{max(world.tickets) + 1000}").json()
        seen: dict[int, Detail] = {}
        for pk in world.tickets:
            r = api.get(f"/tickets/{pk}")
            assert r.status_code in (200, 404), (name, pk, r.content)
            if r.status_code == 200:
                seen[pk] = r.json()
            else:
                assert r.json() == missing, (name, pk)
        out[name] = seen
    return out


def note_former_sightings(readable: dict[str, dict[int, Detail]]) -> None:
    """Tell Hypothesis's statistics whether someone reads a ticket only because they acted on
    it or were handed it (a former handler): the rarest way to see a ticket."""
    handled = set(
        TicketType.handlers.through.objects.values_list("user__username", "tickettype_id")
    )
    admins = set(Desk.admins.through.objects.values_list("user__username", "desk_id"))
    former = any(
        name != "root"
        and d["requester"] != name
        and (name, d["type_id"]) not in handled
        and (name, d["desk_id"]) not in admins
        for name, seen in readable.items()
        for d in seen.values()
    )
    event("a former handler reads a ticket" if former else "no former handler reads one")


@dataclass(frozen=True)
class FilterPlan:
    """A random combination of the list's filters, as picks resolved against a world."""

    desk: int | None
    kind: int | None
    state: str | None
    resolution: str | None
    requester: int | None
    processor: int | None
    mine: bool
    #: Days before today of the period's bounds, and whether each is a date or a time.
    from_days: int | None
    to_days: int | None
    from_hour: int | None
    to_hour: int | None
    overdue: bool | None
    ordering: str


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


filter_plans = st.builds(
    FilterPlan,
    desk=_maybe(st.integers(0, 2)),
    kind=_maybe(st.integers(0, 3)),
    state=_maybe(st.sampled_from(STATES)),
    resolution=_maybe(st.sampled_from(RESOLUTIONS)),
    requester=_maybe(st.integers(0, len(EVERYONE) - 1)),
    processor=_maybe(st.integers(0, len(EVERYONE) - 1)),
    mine=st.booleans(),
    from_days=_maybe(st.integers(0, 45)),
    to_days=_maybe(st.integers(0, 45)),
    from_hour=_maybe(st.integers(0, 23)),
    to_hour=_maybe(st.integers(0, 23)),
    overdue=_maybe(st.booleans()),
    ordering=st.sampled_from(ORDERINGS),
)


@dataclass(frozen=True)
class Query:
    """A filter plan made concrete for one world and one viewer: the query string and the
    same filters as a test on a ticket's detail."""

    params: dict[str, str]
    start: datetime | None
    end: datetime | None
    processor: str | None

    def keeps(self, d: Detail) -> bool:
        p = self.params
        submitted = datetime.fromisoformat(d["submitted_at"])
        checks = (
            "desk" not in p or d["desk_id"] == int(p["desk"]),
            "type" not in p or d["type_id"] == int(p["type"]),
            "state" not in p or d["state"] == p["state"],
            "resolution" not in p or d["resolution"] == p["resolution"],
            "requester" not in p or d["requester"] == p["requester"],
            self.processor is None or self.processor in (d["assignee"], d["processed_by"]),
            self.start is None or submitted >= self.start,
            self.end is None or submitted <= self.end,
            "overdue" not in p or d["overdue"] == (p["overdue"] == "true"),
        )
        return all(checks)

    def expected(self, details: dict[int, Detail]) -> list[Detail]:
        """The tickets kept, in the list's order (``ordering``)."""
        kept = [d for d in details.values() if self.keeps(d)]
        return ordered(kept, self.params.get("ordering", "-submitted_at"))


def ordered(details: list[Detail], ordering: str) -> list[Detail]:
    name = ordering.lstrip("-")
    reverse = ordering.startswith("-")

    def at(d: Detail) -> datetime:
        return datetime.fromisoformat(d["submitted_at"])

    if name == "number":
        return sorted(details, key=lambda d: d["number"], reverse=reverse)
    if name == "submitted_at":
        return sorted(details, key=lambda d: (at(d), d["id"]), reverse=reverse)
    # By state, then newest first within a state.
    newest = sorted(details, key=lambda d: (at(d), d["id"]), reverse=True)
    return sorted(newest, key=lambda d: d["state"], reverse=reverse)


def bound(days: int, hour: int | None, *, end: bool) -> tuple[str, datetime]:
    """A bound ``days`` before today: a date (the whole day) or a time with an offset."""
    zone = timezone.get_default_timezone()
    day = timezone.localdate(timezone.now()) - timedelta(days=days)
    if hour is None:
        moment = datetime.combine(day, time.max if end else time.min, tzinfo=zone)
        return day.isoformat(), moment
    moment = datetime.combine(day, time(hour, 15), tzinfo=zone)
    return moment.isoformat(), moment


def make_query(plan: FilterPlan, world: World, viewer: str) -> Query:
    params: dict[str, str] = {"ordering": plan.ordering}
    kind = world.types[plan.kind % len(world.types)] if plan.kind is not None else None
    if kind is not None:
        params["type"] = str(kind.pk)
    if plan.desk is not None:
        # A type of another desk is refused (400); keep the pair consistent.
        desk = kind.desk if kind is not None else world.desks[plan.desk % len(world.desks)]
        params["desk"] = str(desk.pk)
    if plan.state:
        params["state"] = plan.state
    if plan.resolution:
        params["resolution"] = plan.resolution
    if plan.requester is not None:
        params["requester"] = EVERYONE[plan.requester]
    processor = viewer if plan.mine else None
    if processor is None and plan.processor is not None:
        processor = EVERYONE[plan.processor]
    if processor is not None:
        params["processor"] = processor
    start = end = None
    days = sorted(d for d in (plan.from_days, plan.to_days) if d is not None)
    if plan.from_days is not None:
        params["submitted_from"], start = bound(days[-1], plan.from_hour, end=False)
    if plan.to_days is not None:
        params["submitted_to"], end = bound(days[0], plan.to_hour, end=True)
    if start is not None and end is not None and start > end:
        del params["submitted_to"]
        end = None
    if plan.overdue is not None:
        params["overdue"] = "true" if plan.overdue else "false"
    return Query(params=params, start=start, end=end, processor=processor)


def list_all(api: Api, params: dict[str, str], page_size: int) -> tuple[list[Detail], set[int]]:
    """Every page of ``GET /tickets``: the rows in order, and every count the pages gave."""
    rows: list[Detail] = []
    counts: set[int] = set()
    page = 1
    while True:
        r = api.get("/tickets", {**params, "page": page, "page_size": page_size})
        assert r.status_code == 200, (params, r.content)
        body = r.json()
        counts.add(body["count"])
        rows += body["results"]
        if len(body["results"]) < page_size:
            return rows, counts
        page += 1
