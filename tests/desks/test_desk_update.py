"""desk_update: a desk's name and confirm timeout; its code never changes."""

from __future__ import annotations

import pytest

from servicetickets.core.errors import Invalid
from servicetickets.desks.models import Desk
from servicetickets.desks.services import desk_update
from tests.conftest import People


def test_desk_gets_new_name_and_timeout(people: People) -> None:
    desk_update(desk=people.desk, name="  IT Help  ", confirm_timeout_days=3)

    desk = Desk.objects.get(pk=people.desk.pk)
    assert (desk.code, desk.name, desk.confirm_timeout_days) == ("IT", "IT Help", 3)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_timeout_outside_one_to_365_days_is_refused(people: People, days: int) -> None:
    with pytest.raises(Invalid) as caught:
        desk_update(desk=people.desk, name="IT Assistant", confirm_timeout_days=days)

    assert caught.value.field == "confirm_timeout_days"
    assert Desk.objects.get(pk=people.desk.pk).confirm_timeout_days == 7


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_name_must_be_1_to_60_characters(people: People, name: str) -> None:
    with pytest.raises(Invalid) as caught:
        desk_update(desk=people.desk, name=name, confirm_timeout_days=7)

    assert caught.value.field == "name"
    assert Desk.objects.get(pk=people.desk.pk).name == "IT Assistant"
