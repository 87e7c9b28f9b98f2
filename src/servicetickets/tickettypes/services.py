"""Changes to ticket types: create, edit (form versions), publish, unpublish, soft delete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.audit.services import audit_record, created, diff
from servicetickets.core.errors import Conflict, Invalid
from servicetickets.core.text import check_text
from servicetickets.desks.models import Desk, MenuEntry
from servicetickets.forms.fields import parse_fields
from servicetickets.notifications.services import reminders_prune
from servicetickets.tickettypes.models import FormVersion, TicketType, TypeState

NAME_MAX = 12
DESCRIPTION_MAX = 140


def _clean_name(name: str) -> str:
    name = name.strip()
    check_text(name, field="name", single_line=True)
    if not name:
        raise Invalid(_("Name is required."), field="name")
    if len(name) > NAME_MAX:
        raise Invalid(_("Name must be at most %(n)d characters.") % {"n": NAME_MAX}, field="name")
    return name


def _clean_description(description: str) -> str:
    description = description.strip()
    check_text(description, field="description", single_line=False)
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(
            _("Description must be at most %(n)d characters.") % {"n": DESCRIPTION_MAX},
            field="description",
        )
    return description


def _name_taken(*, desk: Desk, name: str, exclude_id: int | None = None) -> bool:
    qs = TicketType.objects.filter(desk=desk, name__iexact=name, deleted_at__isnull=True)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def _duplicate_name() -> Conflict:
    return Conflict(
        _("This desk already has a ticket type with that name."), field="name", code="exists"
    )


@transaction.atomic
def type_create(
    *,
    desk: Desk,
    name: str,
    description: str = "",
    fields: list[Any] | None = None,
    handlers: list[User] | None = None,
    response_target: timedelta | None = None,
    processing_target: timedelta | None = None,
    actor: User | None = None,
) -> TicketType:
    name = _clean_name(name)
    description = _clean_description(description)
    parsed = parse_fields(fields if fields is not None else [])
    # Lock the desk so two admins cannot both create the 15th type.
    Desk.objects.select_for_update().filter(pk=desk.pk).first()
    limit = settings.MAX_TICKET_TYPES
    if TicketType.objects.filter(desk=desk, deleted_at__isnull=True).count() >= limit:
        raise Conflict(
            _("A desk has at most %(n)d ticket types; delete one first.") % {"n": limit},
            code="limit_reached",
        )
    if _name_taken(desk=desk, name=name):
        raise _duplicate_name()
    try:
        with transaction.atomic():
            kind = TicketType.objects.create(
                desk=desk,
                name=name,
                description=description,
                response_target=response_target,
                processing_target=processing_target,
            )
    except IntegrityError as exc:
        raise _duplicate_name() from exc
    FormVersion.objects.create(ticket_type=kind, version=1, fields=[f.to_json() for f in parsed])
    kind.handlers.set(handlers or [])
    _audit(
        kind,
        "type.create",
        actor,
        created(
            {
                "name": name,
                "description": description,
                "response_target": response_target,
                "processing_target": processing_target,
                "fields": _labels([f.to_json() for f in parsed]),
                "handlers": _usernames(handlers or []),
            }
        ),
    )
    return kind


def _labels(fields: list[dict[str, Any]]) -> list[str]:
    """A form as the audit log keeps it: its field labels, in order."""
    return [str(f.get("label", f.get("key", ""))) for f in fields]


def _usernames(users: Any) -> list[str]:
    return sorted(u.username for u in users)


def _details(kind: TicketType) -> dict[str, Any]:
    return {
        "name": kind.name,
        "description": kind.description,
        "response_target": kind.response_target,
        "processing_target": kind.processing_target,
    }


def _audit(kind: TicketType, action: str, actor: User | None, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="type",
        target_id=kind.pk,
        label=kind.name,
        desk=kind.desk,
        changes=changes,
    )


@transaction.atomic
def type_update(
    *,
    kind: TicketType,
    name: str | None = None,
    description: str | None = None,
    fields: Any = None,
    handlers: list[User] | None = None,
    targets: dict[str, timedelta | None] | None = None,
    actor: User | None = None,
) -> TicketType:
    """Edit a type. New fields on a type that has tickets make a new form version, so every
    ticket keeps the form it was submitted with. ``targets`` sets the SLA targets it names
    (``response_target``, ``processing_target``; None removes one); tickets already submitted
    keep the due times they were given.

    The audit log gets one entry per kind of change made (details, form, handlers), none when
    nothing changed."""
    kind = TicketType.objects.select_for_update().get(pk=kind.pk)
    details_before = _details(kind)
    version_before = kind.version
    changed: list[str] = []
    form_change: dict[str, Any] = {}
    handlers_change: dict[str, Any] = {}
    if name is not None:
        kind.name = _clean_name(name)
        if _name_taken(desk=kind.desk, name=kind.name, exclude_id=kind.pk):
            raise _duplicate_name()
        changed.append("name")
    if description is not None:
        kind.description = _clean_description(description)
        changed.append("description")
    if fields is not None:
        stored = [f.to_json() for f in parse_fields(fields)]
        current = FormVersion.objects.get(ticket_type=kind, version=kind.version)
        if stored != current.fields:
            form_change = {"fields": {"before": _labels(current.fields), "after": _labels(stored)}}
            if _labels(current.fields) == _labels(stored):
                # Same labels, other properties (kinds, options, rules): say it changed.
                form_change = {"fields": "changed"}
            if kind.tickets.exists():
                kind.version += 1
                FormVersion.objects.create(ticket_type=kind, version=kind.version, fields=stored)
                changed.append("version")
            else:
                current.fields = stored
                current.save(update_fields=["fields"])
    for key, value in (targets or {}).items():
        if key not in ("response_target", "processing_target"):
            raise ValueError(key)  # a programming error
        setattr(kind, key, value)
        changed.append(key)
    if handlers is not None:
        if kind.state == TypeState.PUBLISHED and not any(u.is_active for u in handlers):
            raise Invalid(_("A published type needs at least one handler."), field="handlers")
        before = set(kind.handlers.values_list("pk", flat=True))
        names_before = _usernames(kind.handlers.all())
        kind.handlers.set(handlers)
        reminders_prune(user_ids=before - {u.pk for u in handlers})
        handlers_change = diff({"handlers": names_before}, {"handlers": _usernames(handlers)})
    if changed:
        try:
            with transaction.atomic():
                kind.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as exc:
            raise _duplicate_name() from exc
    details_change = diff(details_before, _details(kind))
    if details_change:
        _audit(kind, "type.update", actor, details_change)
    if form_change:
        if kind.version != version_before:
            form_change["version"] = {"before": version_before, "after": kind.version}
        _audit(kind, "type.form", actor, form_change)
    if handlers_change:
        _audit(kind, "type.handlers", actor, handlers_change)
    return kind


@transaction.atomic
def type_publish(*, kind: TicketType, actor: User | None = None) -> TicketType:
    if not kind.handlers.filter(is_active=True).exists():
        raise Conflict(_("Name at least one handler before publishing."), field="handlers")
    if kind.state != TypeState.PUBLISHED:
        before = kind.state
        kind.state = TypeState.PUBLISHED
        kind.save(update_fields=["state", "updated_at"])
        _audit(kind, "type.publish", actor, diff({"state": before}, {"state": kind.state}))
    return kind


@transaction.atomic
def type_unpublish(*, kind: TicketType, actor: User | None = None) -> TicketType:
    if kind.state != TypeState.PUBLISHED:
        raise Conflict(_("Only a published type can be unpublished."), field="state")
    before = kind.state
    kind.state = TypeState.UNPUBLISHED
    kind.save(update_fields=["state", "updated_at"])
    _menu_drop(kind)
    _audit(kind, "type.unpublish", actor, diff({"state": before}, {"state": kind.state}))
    return kind


@transaction.atomic
def type_delete(*, kind: TicketType, actor: User | None = None) -> None:
    """Soft delete: the type leaves menus and configuration; its tickets and reports stay."""
    kind.deleted_at = timezone.now()
    kind.save(update_fields=["deleted_at", "updated_at"])
    _menu_drop(kind)
    _audit(kind, "type.delete", actor, {"deleted": {"before": False, "after": True}})


def _menu_drop(kind: TicketType) -> None:
    """Remove the type's menu entries, and groups left empty by that (a menu never holds an
    empty group, so what GET returns can always be PUT back)."""
    parents = set(
        MenuEntry.objects.filter(ticket_type=kind, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    MenuEntry.objects.filter(ticket_type=kind).delete()
    MenuEntry.objects.filter(pk__in=parents, children__isnull=True).delete()


def type_details_problems(
    *, desk: Desk, name: str, description: str, exclude_id: int | None = None
) -> list[Invalid | Conflict]:
    """What ``type_create``/``type_update`` would refuse in a name and description, without
    saving: the admin pages call it as the person types, so the same messages show before the
    form is sent. One error at most per field."""
    errors: list[Invalid | Conflict] = []
    try:
        cleaned = _clean_name(name)
        if _name_taken(desk=desk, name=cleaned, exclude_id=exclude_id):
            errors.append(_duplicate_name())
    except Invalid as exc:
        errors.append(exc)
    try:
        _clean_description(description)
    except Invalid as exc:
        errors.append(exc)
    return errors
