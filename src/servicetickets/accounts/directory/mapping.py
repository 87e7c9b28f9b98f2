"""``DIRECTORY_ROLES``: which directory groups give which roles. Pure parsing, no models, so
settings can check the variable when the process starts.

Entries are separated by ``;`` (or new lines), each ``GROUP=ROLE`` where ROLE is one of
``site_admin``, ``desk_admin:DESK`` (a desk code) or ``handler:DESK/Type name``. A group may
appear in several entries. Groups match without regard to case, like LDAP's ``cn``."""

from __future__ import annotations

import re
from dataclasses import dataclass

SITE_ADMIN = "site_admin"
DESK_ADMIN = "desk_admin"
HANDLER = "handler"

# The group is everything up to the first "=" that a role follows, so groups may hold "=".
_ENTRY = re.compile(r"^(?P<group>.+?)\s*=\s*(?P<role>site_admin|desk_admin:.*|handler:.*)$")


@dataclass(frozen=True)
class RoleRule:
    """One directory group giving one role; ``desk``/``type_name`` name its target."""

    group: str
    role: str
    desk: str = ""
    type_name: str = ""


def parse_roles(text: str, *, name: str = "DIRECTORY_ROLES") -> list[RoleRule]:
    """The rules of ``text``; RuntimeError naming the bad entry (settings stops there)."""
    rules: list[RoleRule] = []
    for raw in re.split(r"[;\n]", text):
        entry = raw.strip()
        if not entry:
            continue
        match = _ENTRY.fullmatch(entry)
        if match is None:
            raise RuntimeError(
                f"{name}: {entry!r} is not GROUP=site_admin, GROUP=desk_admin:DESK "
                "or GROUP=handler:DESK/Type name"
            )
        group, role = match["group"].strip(), match["role"].strip()
        if role == SITE_ADMIN:
            rules.append(RoleRule(group=group, role=SITE_ADMIN))
            continue
        kind, _colon, target = role.partition(":")
        target = target.strip()
        if kind == DESK_ADMIN:
            if not target or "/" in target:
                raise RuntimeError(f"{name}: {entry!r} needs a desk code after desk_admin:")
            rules.append(RoleRule(group=group, role=DESK_ADMIN, desk=target))
            continue
        desk, _slash, type_name = target.partition("/")
        if not desk.strip() or not type_name.strip():
            raise RuntimeError(f"{name}: {entry!r} needs DESK/Type name after handler:")
        rules.append(
            RoleRule(group=group, role=HANDLER, desk=desk.strip(), type_name=type_name.strip())
        )
    return rules


def rules_for(rules: list[RoleRule], groups: list[str] | set[str]) -> list[RoleRule]:
    """The rules that the user's ``groups`` switch on."""
    mine = {group.casefold() for group in groups}
    return [rule for rule in rules if rule.group.casefold() in mine]
