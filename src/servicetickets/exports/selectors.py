"""What an export reads: exactly the caller's ticket list, and the form of a filtered type.

The rows are the list's rows (``ticket_list_for``: the same visibility, filters and order). The
form columns of a type come from its form versions the caller may look at: every version when
they may see the type itself, otherwise only the versions of tickets in their export (a
requester of a deleted type still gets their own answers, and nobody learns the form of a type
they cannot see)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import NotFound
from servicetickets.exports.columns import TICKET_VALUES, merged_fields
from servicetickets.exports.models import Export
from servicetickets.forms.fields import FieldDef, fields_from_json
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import TicketFilter, ticket_list_for
from servicetickets.tickettypes.models import FormVersion
from servicetickets.tickettypes.selectors import type_get_for


@dataclass(frozen=True)
class ExportSource:
    """The tickets of one export and the form fields that get columns (none for all types)."""

    tickets: QuerySet[Ticket]
    fields: list[FieldDef]
    zone: tzinfo
    now: datetime

    @property
    def rows(self) -> QuerySet[Ticket, tuple[object, ...]]:
        """The values the columns read, in the list's order (``data`` last, for one type)."""
        names = (*TICKET_VALUES, "data") if self.fields else TICKET_VALUES
        return self.tickets.values_list(*names)


def export_source(*, user: User, filters: TicketFilter) -> ExportSource:
    tickets = ticket_list_for(user=user, filters=filters)
    fields: list[FieldDef] = []
    if filters.ticket_type is not None:
        fields = _form_fields(user=user, type_id=filters.ticket_type, tickets=tickets)
    return ExportSource(
        tickets=tickets, fields=fields, zone=timezone.get_default_timezone(), now=timezone.now()
    )


def _form_fields(*, user: User, type_id: int, tickets: QuerySet[Ticket]) -> list[FieldDef]:
    versions = FormVersion.objects.filter(ticket_type_id=type_id).order_by("-version")
    try:
        type_get_for(user=user, type_id=type_id)
    except NotFound:
        versions = versions.filter(version__in=tickets.order_by().values("form_version"))
    return merged_fields([fields_from_json(v.fields) for v in versions.only("fields")])


def export_get_for(*, user: User, export_id: uuid.UUID) -> Export:
    """A background export, for its creator only; it does not exist for anyone else."""
    export = Export.objects.filter(pk=export_id, creator=user).first()
    if export is None:
        raise NotFound(_("No export with that id."))
    return export


def export_list_for(*, user: User) -> QuerySet[Export]:
    return Export.objects.filter(creator=user).order_by("-created_at")
