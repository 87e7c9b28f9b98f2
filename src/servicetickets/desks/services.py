"""Changes to desks, their admins and their menus."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.audit.services import audit_record, created, diff
from servicetickets.core.errors import Conflict, Invalid
from servicetickets.core.text import check_text
from servicetickets.desks.models import Desk, MenuEntry

CODE_RE = re.compile(r"^[A-Z]{2,8}$")
MENU_LABEL_MAX = 40
MENU_ENTRIES_MAX = 50


@transaction.atomic
def desk_create(*, code: str, name: str, actor: User | None = None) -> Desk:
    if not CODE_RE.fullmatch(code):
        raise Invalid(_("Code must be 2 to 8 capital letters."), field="code")
    name = name.strip()
    check_text(name, field="name", single_line=True)
    if not 1 <= len(name) <= 60:
        raise Invalid(_("Name must be 1 to 60 characters."), field="name")
    if Desk.objects.filter(code=code).exists():
        raise Conflict(_("A desk with that code already exists."), field="code", code="exists")
    try:
        with transaction.atomic():
            desk = Desk.objects.create(code=code, name=name)
    except IntegrityError as exc:
        raise Conflict(
            _("A desk with that code already exists."), field="code", code="exists"
        ) from exc
    _audit(desk, "desk.create", actor, created({"code": code, "name": name}))
    return desk


def _audit(desk: Desk, action: str, actor: User | None, changes: dict[str, object]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="desk",
        target_id=desk.pk,
        label=desk.name,
        desk=desk,
        changes=changes,
    )


def _audit_admin(desk: Desk, action: str, actor: User | None, user: User, added: bool) -> None:
    name = user.username
    audit_record(
        actor=actor,
        action=action,
        target_type="user",
        target_id=user.pk,
        label=name,
        desk=desk,
        changes={
            "admin": {"before": None, "after": name} if added else {"before": name, "after": None}
        },
    )


@transaction.atomic
def desk_admin_add(*, desk: Desk, user: User, actor: User | None = None) -> None:
    if not user.is_active:
        raise Invalid(_("That user is deactivated."), field="username")
    if desk.admins.filter(pk=user.pk).exists():
        return
    desk.admins.add(user)
    _audit_admin(desk, "desk.admin_add", actor, user, added=True)


@dataclass
class MenuItem:
    label: str
    type_id: int | None = None
    children: list[MenuItem] = field(default_factory=list)


@transaction.atomic
def menu_set(*, desk: Desk, entries: list[MenuItem], actor: User | None = None) -> None:
    """Replace the desk's menu. Entries link published types of this desk; groups nest once."""
    from servicetickets.tickettypes.models import TicketType, TypeState

    published = set(
        TicketType.objects.filter(
            desk=desk, state=TypeState.PUBLISHED, deleted_at__isnull=True
        ).values_list("pk", flat=True)
    )

    def check(item: MenuItem, path: str, *, nested: bool) -> None:
        label = item.label.strip()
        check_text(label, field=f"{path}.label", single_line=True)
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

    before = _menu_lines(desk)
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
    changes = diff({"entries": before}, {"entries": _menu_lines(desk)})
    if changes:
        _audit(desk, "menu.set", actor, changes)


def _menu_lines(desk: Desk) -> list[str]:
    """A menu as the audit log keeps it: a line per entry, ``Group > Entry`` for nested ones,
    each link followed by its type's name when the label differs."""
    rows = MenuEntry.objects.filter(desk=desk).select_related("ticket_type", "parent")
    lines: list[tuple[tuple[int, int], str]] = []
    for row in rows:
        text = row.label
        if row.ticket_type is not None and row.ticket_type.name != row.label:
            text += f" → {row.ticket_type.name}"
        if row.parent is not None:
            lines.append(((row.parent.position, row.position + 1), f"{row.parent.label} > {text}"))
        else:
            lines.append(((row.position, 0), text))
    return [text for _key, text in sorted(lines, key=lambda pair: pair[0])]


@transaction.atomic
def desk_admin_remove(*, desk: Desk, user: User, actor: User | None = None) -> None:
    """Take ``user`` off the desk's admins; harmless when they are not one. What they
    configured stays: only the right to change it more goes. Site admins administer every
    desk anyway, so a desk is never left without someone able to run it."""
    if not desk.admins.filter(pk=user.pk).exists():
        return
    desk.admins.remove(user)
    _audit_admin(desk, "desk.admin_remove", actor, user, added=False)


CONFIRM_TIMEOUT_DAYS_MAX = 365


@transaction.atomic
def desk_update(
    *, desk: Desk, name: str, confirm_timeout_days: int, actor: User | None = None
) -> Desk:
    """Rename the desk and set how many days a completed ticket waits for its requester
    before it is confirmed automatically. The code stays: ticket numbers carry it."""
    name = name.strip()
    check_text(name, field="name", single_line=True)
    if not 1 <= len(name) <= 60:
        raise Invalid(_("Name must be 1 to 60 characters."), field="name")
    if not 1 <= confirm_timeout_days <= CONFIRM_TIMEOUT_DAYS_MAX:
        raise Invalid(
            _("The confirm timeout must be 1 to %(n)d days.") % {"n": CONFIRM_TIMEOUT_DAYS_MAX},
            field="confirm_timeout_days",
        )
    before = {"name": desk.name, "confirm_timeout_days": desk.confirm_timeout_days}
    desk.name = name
    desk.confirm_timeout_days = confirm_timeout_days
    desk.save(update_fields=["name", "confirm_timeout_days"])
    changes = diff(before, {"name": name, "confirm_timeout_days": confirm_timeout_days})
    if changes:
        _audit(desk, "desk.update", actor, changes)
    return desk
