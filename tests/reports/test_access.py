"""Who reads which reports: desk admins their desks, site admins every desk, nobody else."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.reports.conftest import World
from tests.reports.helpers import REPORTS, claim, new_ticket, report
from tests.tickets.lifecycle import assert_error


@pytest.fixture
def two_desks(world: World) -> World:
    """One pending ticket on the IT desk, two on Facilities."""
    p = world.people
    new_ticket(world.kind, p.requester)
    for _ in range(2):
        new_ticket(world.other_type, p.requester)
    return world


@pytest.mark.parametrize("name", REPORTS)
def test_an_anonymous_caller_must_sign_in(world: World, name: str) -> None:
    assert_error(Api(None).get(f"/reports/{name}"), 401, code="not_authenticated")


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_people_who_administer_no_desk_are_refused(world: World, name: str, who: str) -> None:
    user = getattr(world.people, who)

    assert_error(Api(user).get(f"/reports/{name}"), 403, code="forbidden")


def test_a_desk_admin_reads_only_their_desks(two_desks: World) -> None:
    assert report(two_desks.people.admin, "status")["total"] == 1
    assert report(two_desks.other_admin, "status")["total"] == 2


def test_an_admin_of_two_desks_reads_both_or_one(two_desks: World) -> None:
    both = two_desks.people.admin
    two_desks.other_desk.admins.add(both)

    assert report(both, "status")["total"] == 3
    assert report(both, "status", desk=two_desks.other_desk.pk)["total"] == 2


def test_a_site_admin_reads_every_desk_or_one(two_desks: World) -> None:
    root = two_desks.people.site_admin

    assert report(root, "status")["total"] == 3
    assert report(root, "status", desk=two_desks.desk.pk)["total"] == 1
    assert report(root, "status", type=two_desks.other_type.pk)["total"] == 2


@pytest.mark.parametrize("name", REPORTS)
def test_a_desk_admin_may_not_ask_for_another_desk(two_desks: World, name: str) -> None:
    r = Api(two_desks.people.admin).get(f"/reports/{name}", {"desk": two_desks.other_desk.pk})

    assert_error(r, 403, field="desk", code="forbidden")


@pytest.mark.parametrize("name", REPORTS)
def test_a_desk_admin_may_not_ask_for_a_type_of_another_desk(two_desks: World, name: str) -> None:
    r = Api(two_desks.people.admin).get(f"/reports/{name}", {"type": two_desks.other_type.pk})

    assert_error(r, 403, field="type", code="forbidden")


def test_by_person_reports_of_a_desk_list_only_its_people(two_desks: World) -> None:
    p = two_desks.people
    ticket = new_ticket(two_desks.other_type, p.requester)
    claim(ticket, two_desks.other_handler)

    mine = {row["username"] for row in report(p.admin, "status-by-person")}
    theirs = {row["username"] for row in report(two_desks.other_admin, "efficiency-by-person")}
    everyone = {row["username"] for row in report(p.site_admin, "status-by-person")}

    assert (mine, theirs) == ({"hank", "hilda"}, {"fred"})
    assert everyone == {"hank", "hilda", "fred"}
