"""Reads of desks and the access rules that hang on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import Forbidden, NotFound
from servicetickets.desks.models import Desk, MenuEntry

if TYPE_CHECKING:
    from servicetickets.tickettypes.models import TicketType


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


def desk_list_for_site() -> QuerySet[Desk]:
    """Every desk for the site admin's overview, with its admins (``admin_list``) and the
    number of its ticket types that are not deleted (``types_count``), in two queries."""
    from django.db.models import Count, Prefetch, Q

    return (
        Desk.objects.annotate(
            types_count=Count("ticket_types", filter=Q(ticket_types__deleted_at__isnull=True))
        )
        .prefetch_related(
            Prefetch("admins", queryset=User.objects.order_by("username"), to_attr="admin_list")
        )
        .order_by("name")
    )


def desk_admin_list(*, desk: Desk) -> QuerySet[User]:
    """The desk's admins by username (deactivated ones too, so they can be taken off)."""
    return desk.admins.order_by("username")


@dataclass(frozen=True)
class OfferedEntry:
    """A menu entry as the employee portal offers it: a link to a type, or a group of them."""

    label: str
    ticket_type: TicketType | None = None
    children: tuple[OfferedEntry, ...] = ()


def menu_offered(*, desk: Desk) -> list[OfferedEntry]:
    """The desk's menu as employees may use it: only entries whose type is published and not
    deleted, and groups that still hold at least one such entry. (Unpublishing or deleting a
    type already drops its entries; this keeps the portal right even if one slipped through.)"""
    from servicetickets.tickettypes.models import TypeState

    def live(entry: MenuEntry) -> bool:
        kind = entry.ticket_type
        return kind is not None and kind.deleted_at is None and kind.state == TypeState.PUBLISHED

    offered: list[OfferedEntry] = []
    for entry in menu_get(desk=desk):
        children = tuple(
            OfferedEntry(label=child.label, ticket_type=child.ticket_type)
            for child in entry.children.all()
            if live(child)
        )
        if children:
            offered.append(OfferedEntry(label=entry.label, children=children))
        elif live(entry):
            offered.append(OfferedEntry(label=entry.label, ticket_type=entry.ticket_type))
    return offered
