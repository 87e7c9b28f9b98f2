"""Writing reminders and a user's choices about them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.notifications import broker
from servicetickets.notifications.hub import hub
from servicetickets.notifications.models import Notification, Preference
from servicetickets.notifications.selectors import preferences_of
from servicetickets.outbound.services import outward_schedule
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import visible_q


def notify(
    *, recipients: Iterable[User | None], kind: str, ticket: Ticket, actor: User | None
) -> int:
    """Remind every distinct active recipient other than the actor, by the channels each
    chose for this kind: an inbox row (pushed live after commit), e-mail, and the desk's
    webhook. Always inside the action's transaction. Returns how many inbox rows were written."""
    if not transaction.get_connection().in_atomic_block:
        # A reminder outside its action's transaction could be lost or sent for a change that
        # was rolled back. A programming error, never a user's: not translated.
        raise RuntimeError("Reminders are written in the transaction of their action.")
    seen = {actor.pk} if actor is not None else set()
    users: list[User] = []
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    if not users:
        return 0
    chosen = preferences_of(users=users, kind=kind)
    now = timezone.now()
    rows = [
        Notification(recipient=user, kind=kind, ticket=ticket, actor=actor, created_at=now)
        for user in users
        if chosen[user.pk].app
    ]
    Notification.objects.bulk_create(rows)
    outward_schedule(
        kind=kind,
        ticket=ticket,
        actor=actor,
        recipients=users,
        email_to=[user for user in users if chosen[user.pk].email],
    )
    if rows:
        transaction.on_commit(_announce)
    return len(rows)


def _announce() -> None:
    hub.wake()
    if settings.REDIS_URL:
        broker.publisher.announce()


def reminders_prune(*, user_ids: Iterable[int]) -> int:
    """Delete the users' reminders about tickets they may no longer see (after they lost a
    role), so their inbox can be counted by its index alone. Returns how many went."""
    gone = 0
    for user in User.objects.filter(pk__in=list(user_ids)):
        visible = Ticket.objects.filter(visible_q(user), pk=OuterRef("ticket_id"))
        gone += Notification.objects.filter(recipient=user).exclude(Exists(visible)).delete()[0]
    return gone


@dataclass(frozen=True)
class Choice:
    kind: str
    app: bool | None = None
    email: bool | None = None


def preferences_set(*, user: User, choices: Iterable[Choice]) -> None:
    """Change some channels of some kinds; what a choice leaves out stays as it was."""
    with transaction.atomic():
        for choice in choices:
            row, _created = Preference.objects.select_for_update().get_or_create(
                user=user, kind=choice.kind
            )
            if choice.app is not None:
                row.app = choice.app
            if choice.email is not None:
                row.email = choice.email
            row.save(update_fields=["app", "email"])


def notification_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's reminders read (reading again keeps the first time); 404 for a
    reminder that is not theirs or is about a ticket they no longer see."""
    from django.utils.translation import gettext as _

    from servicetickets.core.errors import NotFound
    from servicetickets.notifications.selectors import notification_list_for

    mine = notification_list_for(user=user).filter(pk=notification_id)
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    row = mine.select_related("ticket").first()
    if row is None:
        raise NotFound(_("No notification with that id."))
    return row


def notifications_read_all(*, user: User) -> int:
    """Mark every unread reminder of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
