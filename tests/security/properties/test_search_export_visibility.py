"""Search and export hold exactly what the single-object check lets each person read, over
random worlds:

- a search (``q``) for a random piece of a random ticket's number, title or answer, readable
  by the person or not, alone or with random filters, lists (and counts) only readable tickets
  whose text holds it, and so finds the ticket it was cut from whenever that one is readable;
- ``GET /api/v1/tickets/export`` (read with openpyxl) has one row per ticket of the list for
  the same filters and search, in the list's order; anonymous callers are refused.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Api
from tests.security.properties.conftest import VISIBILITY
from tests.security.properties.oracle import (
    Detail,
    FilterPlan,
    filter_plans,
    list_all,
    make_query,
    note_former_sightings,
    visible_details,
)
from tests.security.properties.world import EVERYONE, World, WorldPlan, world_plans


@dataclass(frozen=True)
class Cut:
    """A piece of one ticket's text: which ticket, which text, where and how long."""

    ticket: int
    text: int
    start: int
    length: int


cuts = st.builds(
    Cut,
    ticket=st.integers(0, 11),
    text=st.integers(0, 3),
    start=st.integers(0, 30),
    length=st.integers(1, 8),
)


def texts(d: Detail) -> list[str]:
    """What a search looks through: the number, the title and every answer."""
    return [d["number"], d["title"], *(str(v) for v in d["data"].values())]


def cut_words(cut: Cut, d: Detail) -> str:
    text = texts(d)[cut.text % len(texts(d))]
    start = cut.start % len(text)
    words = text[start : start + cut.length].strip()
    return words or text.strip()


def holds(d: Detail, words: str) -> bool:
    return any(words.lower() in t.lower() for t in texts(d))


def export_numbers(api: Api, params: dict[str, str]) -> list[str]:
    r = api.get("/tickets/export", params)
    assert r.status_code == 200, (params, r.content)
    book = openpyxl.load_workbook(io.BytesIO(r.getvalue()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    column = rows[0].index("Number")
    return [str(row[column]) for row in rows[1:]]


def _check_search(
    world: World, readable: dict[str, dict[int, Detail]], cut: Cut, plan: FilterPlan | None
) -> None:
    source = readable["root"][world.tickets[cut.ticket % len(world.tickets)]]
    words = cut_words(cut, source)
    for name in EVERYONE:
        query = make_query(plan, world, name) if plan else None
        params = {**(query.params if query else {}), "q": words}
        rows, counts = list_all(Api(world.users[name]), params, 50)

        found = [row["number"] for row in rows]
        kept = [d for d in readable[name].values() if holds(d, words)]
        if query is not None:
            kept = [d for d in kept if query.keeps(d)]
        assert sorted(found) == sorted(d["number"] for d in kept), (name, params)
        assert counts == {len(kept)}, (name, params)
        if source["id"] in readable[name] and (query is None or query.keeps(source)):
            assert source["number"] in found, (name, params)


def _check_export(world: World, filters: list[dict[str, str]]) -> None:
    for name in EVERYONE:
        api = Api(world.users[name])
        for params in filters:
            rows, _counts = list_all(api, params, 200)
            assert export_numbers(api, params) == [row["number"] for row in rows], (name, params)
    assert Api(None).get("/tickets/export").status_code == 401


@VISIBILITY
@given(
    plan=world_plans(),
    cut=cuts,
    search_filter=st.none() | filter_plans,
    export_filter=filter_plans,
)
def test_search_and_export_hold_only_what_each_person_may_read(
    fresh_world: Any,
    plan: WorldPlan,
    cut: Cut,
    search_filter: FilterPlan | None,
    export_filter: FilterPlan,
) -> None:
    with fresh_world(plan) as world:
        readable = visible_details(world)
        note_former_sightings(readable)
        assert len(readable["root"]) == len(world.tickets)

        _check_search(world, readable, cut, search_filter)

        every = readable["root"]
        words = cut_words(cut, every[world.tickets[cut.ticket % len(world.tickets)]])
        exported = make_query(export_filter, world, "root").params
        _check_export(world, [{}, exported, {"q": words}])
