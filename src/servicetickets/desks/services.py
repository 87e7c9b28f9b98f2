"""Changes to desks, their admins and their menus."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import Conflict, Invalid
from servicetickets.desks.models import Desk, MenuEntry

CODE_RE = re.compile(r"^[A-Z]{2,8}$")
MENU_LABEL_MAX = 40
MENU_ENTRIES_MAX = 50


@transaction.atomic
def desk_create(*, code: str, name: str) -> Desk:
    if not CODE_RE.fullmatch(code):
        raise Invalid(_("Code must be 2 to 8 capital letters."), field="code")
    name = name.strip()
    if not 1 <= len(name) <= 60:
        raise Invalid(_("Name must be 1 to 60 characters."), field="name")
    if Desk.objects.filter(code=code).exists():
        raise Conflict(_("A desk with that code already exists."), field="code", code="exists")
    try:
        with transaction.atomic():
            return Desk.objects.create(code=code, name=name)
    except IntegrityError as exc:
        raise Conflict(
            _("A desk with that code already exists."), field="code", code="exists"
        ) from exc


def desk_admin_add(*, desk: Desk, user: User) -> None:
    if not user.is_active:
        raise Invalid(_("That user is deactivated."), field="username")
    desk.admins.add(user)


@dataclass
class MenuItem:
    label: str
    type_id: int | None = None
    children: list[MenuItem] = field(default_factory=list)


@transaction.atomic
def menu_set(*, desk: Desk, entries: list[MenuItem]) -> None:
    """Replace the desk's menu. Entries link published types of this desk; groups nest once."""
    from servicetickets.tickettypes.models import TicketType, TypeState

    published = set(
        TicketType.objects.filter(
            desk=desk, state=TypeState.PUBLISHED, deleted_at__isnull=True
        ).values_list("pk", flat=True)
    )

    def check(item: MenuItem, path: str, *, nested: bool) -> None:
        label = item.label.strip()
        if not 1 <= len(label) <= MENU_LABEL_MAX:
            raise Invalid(
                _("Label must be 1 to %(n)d characters.") % {"n": MENU_LABEL_MAX},
                field=f"{path}.label",
            )
        if item.children and nested:
            raise Invalid(_("Groups nest one level deep only."), field=f"{path}.children")
        if item.children and item.type_id is not None:
            raise Invalid(
                _("An entry is either a group or a link to a type."), field=f"{path}.type_id"
            )
        if not item.children and item.type_id is None:
            raise Invalid(
                _("Choose a ticket type or add entries to the group."), field=f"{path}.type_id"
            )
        if item.type_id is not None and item.type_id not in published:
            raise Invalid(
                _("Choose a published ticket type of this desk."), field=f"{path}.type_id"
            )
        for j, child in enumerate(item.children):
            check(child, f"{path}.children[{j}]", nested=True)

    total = len(entries) + sum(len(e.children) for e in entries)
    if total > MENU_ENTRIES_MAX:
        raise Invalid(
            _("A menu has at most %(n)d entries.") % {"n": MENU_ENTRIES_MAX}, field="entries"
        )
    for i, item in enumerate(entries):
        check(item, f"entries[{i}]", nested=False)

    MenuEntry.objects.filter(desk=desk).delete()
    for i, item in enumerate(entries):
        parent = MenuEntry.objects.create(
            desk=desk, label=item.label.strip(), ticket_type_id=item.type_id, position=i
        )
        for j, child in enumerate(item.children):
            MenuEntry.objects.create(
                desk=desk,
                parent=parent,
                label=child.label.strip(),
                ticket_type_id=child.type_id,
                position=j,
            )


@transaction.atomic
def desk_admin_remove(*, desk: Desk, user: User) -> None:
    """Take ``user`` off the desk's admins; harmless when they are not one. What they
    configured stays: only the right to change it more goes. Site admins administer every
    desk anyway, so a desk is never left without someone able to run it."""
    desk.admins.remove(user)


CONFIRM_TIMEOUT_DAYS_MAX = 365


@transaction.atomic
def desk_update(*, desk: Desk, name: str, confirm_timeout_days: int) -> Desk:
    """Rename the desk and set how many days a completed ticket waits for its requester
    before it is confirmed automatically. The code stays: ticket numbers carry it."""
    name = name.strip()
    if not 1 <= len(name) <= 60:
        raise Invalid(_("Name must be 1 to 60 characters."), field="name")
    if not 1 <= confirm_timeout_days <= CONFIRM_TIMEOUT_DAYS_MAX:
        raise Invalid(
            _("The confirm timeout must be 1 to %(n)d days.") % {"n": CONFIRM_TIMEOUT_DAYS_MAX},
            field="confirm_timeout_days",
        )
    desk.name = name
    desk.confirm_timeout_days = confirm_timeout_days
    desk.save(update_fields=["name", "confirm_timeout_days"])
    return desk
