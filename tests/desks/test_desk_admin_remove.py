"""desk_admin_remove: a site admin takes someone off a desk's admins; what they set up stays."""

from __future__ import annotations

from servicetickets.desks.selectors import is_desk_admin
from servicetickets.desks.services import desk_admin_remove
from tests.conftest import People


def test_removed_admin_no_longer_administers_the_desk(people: People) -> None:
    desk_admin_remove(desk=people.desk, user=people.admin)

    assert not people.desk.admins.filter(pk=people.admin.pk).exists()
    assert not is_desk_admin(user=people.admin, desk_id=people.desk.pk)


def test_removing_someone_who_is_not_an_admin_is_harmless(people: People) -> None:
    desk_admin_remove(desk=people.desk, user=people.outsider)

    assert list(people.desk.admins.all()) == [people.admin]


def test_the_desks_ticket_types_stay_when_its_admin_goes(people: People) -> None:
    desk_admin_remove(desk=people.desk, user=people.admin)

    assert people.desk.ticket_types.filter(pk=people.ticket_type.pk).exists()
