"""Access for the admin pages: what a person may not administer does not exist for them.

The selectors answer Forbidden to a member who may see a published type but not administer it
(right for the API); a page answers 404 instead, so it reveals nothing to people outside.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from servicetickets.core.auth import caller
from servicetickets.core.errors import Forbidden, NotFound
from servicetickets.desks.models import Desk
from servicetickets.desks.selectors import desk_get_for_admin
from servicetickets.tickettypes.models import TicketType
from servicetickets.tickettypes.selectors import type_get_for_admin
from servicetickets.web.context import Areas


def admin_type(request: HttpRequest, type_id: int) -> TicketType:
    try:
        return type_get_for_admin(user=caller(request), type_id=type_id)
    except Forbidden as exc:
        raise NotFound(_("No ticket type with that id.")) from exc


def admin_desk(request: HttpRequest, desk_id: int) -> Desk:
    try:
        return desk_get_for_admin(user=caller(request), desk_id=desk_id)
    except Forbidden as exc:
        raise NotFound(_("No desk with that id.")) from exc


def admin_desks(request: HttpRequest) -> list[Desk]:
    """The desks the person administers (all of them for a site admin); none is a 404."""
    desks = Areas(user=caller(request)).admin_desks
    if not desks:
        raise NotFound(_("You administer no desk."))
    return desks


def chosen_desk(request: HttpRequest, desks: list[Desk]) -> Desk:
    """The desk named by ``?desk=`` (one the person administers), else the first."""
    raw = request.GET.get("desk") or request.POST.get("desk")
    if not raw:
        return desks[0]
    for desk in desks:
        if str(desk.pk) == raw:
            return desk
    raise NotFound(_("No desk with that id."))
