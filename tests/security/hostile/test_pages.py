"""Every page and htmx fragment that shows a planted string draws it as text: no element or
attribute comes from the payload, no ``javascript:`` link, no inline script but JSON data, and
the strings each page is about read back exactly as stored."""

from __future__ import annotations

import pytest

from tests.security.hostile.markup import assert_inert, assert_shown
from tests.security.hostile.pages import FAMILIES, open_page
from tests.security.hostile.world import World


@pytest.mark.parametrize("family", FAMILIES)
def test_pages_show_hostile_strings_as_text(world: World, family: str) -> None:
    for visit in FAMILIES[family]:
        status, html = open_page(world, visit)
        refused = visit.may_refuse and 400 <= status < 500
        assert status == 200 or refused, (visit.name, status)
        page = assert_inert(html, visit.name)
        for shown in visit.shows:
            assert_shown(page, shown(world), visit.name)
