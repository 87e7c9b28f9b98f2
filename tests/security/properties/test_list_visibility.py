"""Lists and counts hold exactly what the single-object check (``GET /api/v1/tickets/{id}``)
lets each person read, over random worlds:

- ``GET /api/v1/tickets``, every page, unfiltered and under random filter combinations, is the
  readable set filtered in Python, in the list's order, without duplicates across pages; its
  ``count`` is the size of that set on every page;
- the workbench's tab counts and rows, the "My tickets" counts and the data page's count are
  the sizes of the matching readable sets;
- anonymous callers are refused.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Api
from tests.security.properties import pages
from tests.security.properties.conftest import VISIBILITY
from tests.security.properties.oracle import (
    Detail,
    FilterPlan,
    filter_plans,
    list_all,
    make_query,
    note_former_sightings,
    ordered,
    visible_details,
)
from tests.security.properties.world import EVERYONE, World, WorldPlan, world_plans


def _numbers(rows: list[Detail]) -> list[str]:
    return [row["number"] for row in rows]


def _check_lists(
    world: World, readable: dict[str, dict[int, Detail]], filters: list[FilterPlan], size: int
) -> None:
    for name in EVERYONE:
        api = Api(world.users[name])
        rows, counts = list_all(api, {}, size)
        expected = ordered(list(readable[name].values()), "-submitted_at")
        assert _numbers(rows) == _numbers(expected), name
        assert counts == {len(expected)}, name
        for plan in filters:
            query = make_query(plan, world, name)
            rows, counts = list_all(api, query.params, size)
            expected = query.expected(readable[name])
            assert _numbers(rows) == _numbers(expected), (name, query.params)
            assert counts == {len(expected)}, (name, query.params)


def _check_pages(
    world: World, readable: dict[str, dict[int, Detail]], filters: list[FilterPlan], tab: str
) -> None:
    for name in EVERYONE:
        user = world.users[name]
        client = pages.signed_in(user)

        counts, rows = pages.workbench(client, tab)
        expected = pages.workbench_expected(user, readable[name])
        assert counts == {t: len(expected[t]) for t in pages.TABS}, name
        assert sorted(rows) == sorted(expected[tab]), (name, tab)

        total, chips = pages.my_tickets(client)
        mine = [d for d in readable[name].values() if d["requester"] == name]
        assert total == (len(mine) or None), name
        open_states = ("pending", "processing", "to_confirm")
        by_state = {s: sum(d["state"] == s for d in mine) for s in open_states}
        assert chips == {s: n for s, n in by_state.items() if n}, name

        for plan in filters:
            query = make_query(plan, world, name)
            shown = pages.data_count(client, query.params)
            if shown is not None:  # desk admins and site admins only
                assert shown == len(query.expected(readable[name])), (name, query.params)


@VISIBILITY
@given(
    plan=world_plans(),
    filters=st.lists(filter_plans, min_size=1, max_size=3),
    page_size=st.integers(2, 7),
    tab=st.sampled_from(pages.TABS),
)
def test_lists_and_counts_hold_only_what_each_person_may_read(
    fresh_world: Any, plan: WorldPlan, filters: list[FilterPlan], page_size: int, tab: str
) -> None:
    with fresh_world(plan) as world:
        readable = visible_details(world)
        note_former_sightings(readable)

        _check_lists(world, readable, filters, page_size)
        _check_pages(world, readable, filters, tab)

        assert Api(None).get("/tickets").status_code == 401
