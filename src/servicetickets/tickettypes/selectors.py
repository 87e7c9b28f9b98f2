"""Reads of ticket types and who may see or change them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import Forbidden, NotFound
from servicetickets.desks.selectors import is_desk_admin
from servicetickets.forms.fields import FieldDef, fields_from_json
from servicetickets.tickettypes.models import FormVersion, TicketType, TypeState


def type_list_for(
    *, user: User, desk_id: int, include_deleted: bool = False
) -> QuerySet[TicketType]:
    """Desk admins see every type of their desk; others see the published ones and the ones
    they handle."""
    qs = TicketType.objects.filter(desk_id=desk_id).prefetch_related("handlers")
    if is_desk_admin(user=user, desk_id=desk_id):
        return qs if include_deleted else qs.filter(deleted_at__isnull=True)
    visible = qs.filter(deleted_at__isnull=True)
    return visible.filter(state=TypeState.PUBLISHED) | visible.filter(handlers=user)


def type_get_for(*, user: User, type_id: int) -> TicketType:
    """A type the user may look at: admins see all of their desk's (deleted too); others see the
    published ones and the ones they handle. Anything else does not exist for them."""
    kind = TicketType.objects.select_related("desk").filter(pk=type_id).first()
    if kind is None:
        raise NotFound(_("No ticket type with that id."))
    if is_desk_admin(user=user, desk_id=kind.desk_id):
        return kind
    if kind.deleted_at is None and (
        kind.state == TypeState.PUBLISHED or kind.handlers.filter(pk=user.pk).exists()
    ):
        return kind
    raise NotFound(_("No ticket type with that id."))


def type_get_for_admin(*, user: User, type_id: int) -> TicketType:
    """A type the user administers and that is not deleted (deleted types leave configuration)."""
    kind = type_get_for(user=user, type_id=type_id)
    if not is_desk_admin(user=user, desk_id=kind.desk_id):
        raise Forbidden(_("Only an admin of this desk may do this."))
    if kind.deleted_at is not None:
        raise NotFound(_("No ticket type with that id."))
    return kind


def form_get(*, ticket_type_id: int, version: int) -> list[FieldDef]:
    row = FormVersion.objects.get(ticket_type_id=ticket_type_id, version=version)
    return fields_from_json(row.fields)


def form_version_get_for(*, user: User, type_id: int, version: int) -> FormVersion:
    """A version of a type's form, for whoever may see the type or a ticket submitted with
    that version (a requester still reads their ticket after its type was deleted)."""
    from servicetickets.tickets.models import Ticket
    from servicetickets.tickets.selectors import visible_q

    row = FormVersion.objects.filter(ticket_type_id=type_id, version=version).first()
    if row is not None:
        try:
            type_get_for(user=user, type_id=type_id)
        except NotFound:
            if not Ticket.objects.filter(
                visible_q(user), ticket_type_id=type_id, form_version=version
            ).exists():
                row = None
    if row is None:
        raise NotFound(_("No form with that version."))
    return row


def type_admin_list(*, user: User, desk_id: int) -> QuerySet[TicketType]:
    """The desk's live types for its admin page, with their handler and ticket counts, counted
    in subqueries (a join of handlers and tickets would multiply rows on a busy desk)."""
    from typing import Any

    from django.db.models import F, Func, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from servicetickets.tickets.models import Ticket

    through: Any = TicketType.handlers.through  # the stubs do not type the auto model
    handlers = (
        through.objects.filter(tickettype_id=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    tickets = (
        Ticket.objects.filter(ticket_type_id=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return (
        type_list_for(user=user, desk_id=desk_id)
        .filter(deleted_at__isnull=True)
        .annotate(
            handler_count=Coalesce(Subquery(handlers, output_field=IntegerField()), 0),
            ticket_count=Coalesce(Subquery(tickets, output_field=IntegerField()), 0),
        )
        .order_by("name")
    )


def type_get_for_submit(*, user: User, type_id: int) -> TicketType:
    """A type the user may submit a ticket of now: published and not deleted. Every member may
    submit any published type (as ``tickets.services.ticket_submit`` allows); a draft,
    unpublished or deleted type does not exist for the submission page, even for its admins."""
    kind = TicketType.objects.select_related("desk").filter(pk=type_id).first()
    if kind is None or kind.deleted_at is not None or kind.state != TypeState.PUBLISHED:
        raise NotFound(_("No ticket type with that id."))
    return kind


def published_names_by_desk(*, desk_ids: list[int]) -> dict[int, list[str]]:
    """The names of the published types of each desk, in type order: what a desk offers, in
    one query for a page of desk cards."""
    names: dict[int, list[str]] = {desk_id: [] for desk_id in desk_ids}
    rows = TicketType.objects.filter(
        desk_id__in=desk_ids, state=TypeState.PUBLISHED, deleted_at__isnull=True
    ).values_list("desk_id", "name")
    for desk_id, name in rows:
        names[desk_id].append(name)
    return names
