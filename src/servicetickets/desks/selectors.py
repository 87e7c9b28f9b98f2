"""Reads of desks and the access rules that hang on them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import Forbidden, NotFound
from servicetickets.desks.models import Desk, MenuEntry


def desk_list_for(*, user: User) -> QuerySet[Desk]:
    """Every member may open every desk's menu, so every desk is visible to the signed-in."""
    return Desk.objects.all().order_by("name")


def desk_get(*, desk_id: int) -> Desk:
    desk = Desk.objects.filter(pk=desk_id).first()
    if desk is None:
        raise NotFound(_("No desk with that id."))
    return desk


def is_desk_admin(*, user: User, desk_id: int) -> bool:
    if user.is_superuser:
        return True
    return Desk.admins.through.objects.filter(desk_id=desk_id, user_id=user.pk).exists()


def desk_get_for_admin(*, user: User, desk_id: int) -> Desk:
    """The desk if ``user`` administers it (site admins administer all); else refuse."""
    desk = desk_get(desk_id=desk_id)
    if not is_desk_admin(user=user, desk_id=desk.pk):
        raise Forbidden(_("Only an admin of this desk may do this."))
    return desk


def menu_get(*, desk: Desk) -> list[MenuEntry]:
    """Top-level entries with their children prefetched, in order."""
    return list(
        MenuEntry.objects.filter(desk=desk, parent__isnull=True)
        .select_related("ticket_type")
        .prefetch_related("children__ticket_type")
    )
