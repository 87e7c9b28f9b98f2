"""Bringing a directory user's roles in line with their groups at every directory sign-in.

Grants and withdrawals go through the desks, ticket-type and accounts services, so the audit
log records them ("by the system"). A ``DirectoryGrant`` row marks each role the directory
gave; a role the user already had (granted by an admin) is left alone and never recorded, so
leaving the group never takes away what an admin granted."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from servicetickets.accounts.directory.mapping import (
    DESK_ADMIN,
    HANDLER,
    SITE_ADMIN,
    RoleRule,
    rules_for,
)
from servicetickets.accounts.models import DirectoryGrant, User
from servicetickets.accounts.services import user_set_site_admin
from servicetickets.core.errors import AppError
from servicetickets.desks.models import Desk
from servicetickets.desks.services import desk_admin_add, desk_admin_remove
from servicetickets.tickettypes.models import TicketType
from servicetickets.tickettypes.services import type_update

logger = logging.getLogger(__name__)


def _target(rule: RoleRule) -> str | None:
    """The grant key of a rule, or None when its desk or type does not exist (logged)."""
    if rule.role == SITE_ADMIN:
        return SITE_ADMIN
    desk = Desk.objects.filter(code=rule.desk).first()
    if desk is None:
        logger.warning("DIRECTORY_ROLES names desk %r, which does not exist", rule.desk)
        return None
    if rule.role == DESK_ADMIN:
        return f"{DESK_ADMIN}:{desk.pk}"
    kind = TicketType.objects.filter(
        desk=desk, name__iexact=rule.type_name, deleted_at__isnull=True
    ).first()
    if kind is None:
        logger.warning(
            "DIRECTORY_ROLES names type %r of desk %r, which does not exist",
            rule.type_name,
            rule.desk,
        )
        return None
    return f"{HANDLER}:{kind.pk}"


def _has(user: User, key: str) -> bool:
    role, _colon, pk = key.partition(":")
    if role == SITE_ADMIN:
        return bool(user.is_superuser)
    if role == DESK_ADMIN:
        return Desk.objects.filter(pk=pk, admins=user).exists()
    return TicketType.objects.filter(pk=pk, handlers=user).exists()


def _set(user: User, key: str, *, on: bool) -> None:
    """Grant or withdraw one role through its service (which writes the audit entry)."""
    role, _colon, pk = key.partition(":")
    if role == SITE_ADMIN:
        user_set_site_admin(user=user, site_admin=on)
        return
    if role == DESK_ADMIN:
        desk = Desk.objects.get(pk=pk)
        (desk_admin_add if on else desk_admin_remove)(desk=desk, user=user)
        return
    # Locked first, so an admin editing the handlers at the same time is not overwritten.
    kind = TicketType.objects.select_for_update().get(pk=pk)
    handlers = [u for u in kind.handlers.all() if u.pk != user.pk]
    type_update(kind=kind, handlers=[*handlers, user] if on else handlers)


def _apply(user: User, key: str, *, on: bool) -> bool:
    """One change in its own savepoint; False (logged, retried next sign-in) when a service
    refuses it, e.g. taking the last handler off a published type."""
    try:
        with transaction.atomic():
            _set(user, key, on=on)
    except AppError as exc:
        logger.warning("Directory role %s for %s not changed: %s", key, user.username, exc)
        return False
    return True


def sync_roles(user: User, groups: list[str] | set[str]) -> None:
    """Grant the roles the user's groups map to and withdraw those the directory granted
    before that no group gives any more. Deactivated users are left as they are."""
    if not user.is_active:
        return
    rules: list[RoleRule] = getattr(settings, "DIRECTORY_ROLES", [])
    wanted = {key for rule in rules_for(rules, groups) if (key := _target(rule)) is not None}
    with transaction.atomic():
        recorded = set(
            DirectoryGrant.objects.select_for_update()
            .filter(user=user)
            .values_list("key", flat=True)
        )
        for key in sorted(wanted - recorded):
            if _has(user, key):
                continue  # granted by an admin: theirs to take away, not the directory's
            if _apply(user, key, on=True):
                DirectoryGrant.objects.create(user=user, key=key)
        for key in sorted(recorded & wanted):
            # Taken away by hand while the group still gives it: the directory decides.
            if not _has(user, key):
                _apply(user, key, on=True)
        for key in sorted(recorded - wanted):
            if not _has(user, key) or _apply(user, key, on=False):
                DirectoryGrant.objects.filter(user=user, key=key).delete()
