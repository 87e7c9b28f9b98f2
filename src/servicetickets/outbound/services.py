"""Queueing the outward channels (e-mail, the desk's webhook) of a reminder event."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from servicetickets.accounts.models import User
from servicetickets.audit.actions import SECRET_CHANGED
from servicetickets.audit.services import audit_record, diff, url_shown
from servicetickets.core.errors import Invalid
from servicetickets.core.text import check_text
from servicetickets.desks.models import Desk
from servicetickets.outbound import netguard
from servicetickets.outbound.messages import email_payload, webhook_payload
from servicetickets.outbound.models import Channel, Delivery, DeliveryState
from servicetickets.outbound.tasks import deliver
from servicetickets.tickets.models import Ticket

# A claim older than this belongs to a worker that died mid-send; the delivery is due again.
# Far longer than a send may take (SMTP and webhook timeouts are seconds).
CLAIM_STALE_AFTER = timedelta(minutes=5)
# A pending delivery this late has lost its job (it cannot normally happen): queue it again.
PENDING_LOST_AFTER = timedelta(hours=1)
# Finished job rows are kept this long (for looking into failures), deliveries longer.
FINISHED_JOBS_KEPT = timedelta(days=7)
DELIVERIES_KEPT = timedelta(days=30)
RECOVER_BATCH = 500


def mail_configured() -> bool:
    return "default" in settings.MAILERS


def _address_ok(address: str) -> bool:
    """A plausible single address; anything with spaces or line breaks is never sent."""
    return "@" in address and not any(c.isspace() or ord(c) < 32 for c in address)


def outward_schedule(
    *, kind: str, ticket: Ticket, actor: User | None, recipients: list[User], email_to: list[User]
) -> None:
    """Called inside the action's transaction, after its inbox rows are written.

    Writes a delivery per e-mail recipient and one for the desk's webhook, and the jobs that
    send them. The database task backend writes a job as a row of this same transaction, so
    the jobs commit with the action or not at all: a rolled-back action sends nothing, and a
    committed one is never without its jobs. Nothing is written when no channel is set up."""
    emails = [u for u in email_to if u.email and _address_ok(u.email)] if mail_configured() else []
    hook = bool(ticket.desk.webhook_url)
    if not emails and not hook:
        return
    if not transaction.get_connection().in_atomic_block:
        # Programming error, never a user's: not translated.
        raise RuntimeError("Outward reminders are queued in the transaction of their action.")
    now = timezone.now()

    def delivery(channel: str, **fields: object) -> Delivery:
        return Delivery(
            channel=channel,
            kind=kind,
            ticket=ticket,
            actor=actor,
            created_at=now,
            next_attempt_at=now,
            **fields,
        )

    if emails:
        payload = email_payload(kind=kind, ticket=ticket, actor=actor)
        rows = Delivery.objects.bulk_create(
            [delivery(Channel.EMAIL, recipient=u, address=u.email, payload=payload) for u in emails]
        )
        deliver.enqueue([row.pk for row in rows])
    if hook:
        event = webhook_payload(
            kind=kind, ticket=ticket, actor=actor, recipients=recipients, at=now
        )
        row = delivery(Channel.WEBHOOK, desk=ticket.desk, payload=event)
        row.save()
        deliver.enqueue([row.pk])


def deliveries_recover(*, now: datetime | None = None) -> int:
    """Queue again deliveries whose sender died mid-send, or whose job was lost; running one
    twice is harmless (the claim lets one through). One interrupted too often fails instead.
    Returns how many were queued."""
    from servicetickets.outbound.sending import MAX_ATTEMPTS

    now = now or timezone.now()
    interrupted = Q(state=DeliveryState.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER)
    Delivery.objects.filter(interrupted, attempts__gte=MAX_ATTEMPTS).update(
        state=DeliveryState.FAILED, claim="", last_error="Interrupted on every attempt."
    )
    lost = Q(state=DeliveryState.PENDING, next_attempt_at__lt=now - PENDING_LOST_AFTER)
    stuck = Delivery.objects.filter(interrupted | lost)
    ids = list(stuck.values_list("pk", flat=True)[:RECOVER_BATCH])
    if ids:
        with transaction.atomic():
            deliver.enqueue(ids)
    return len(ids)


def outbound_tidy(*, now: datetime | None = None) -> int:
    """Forget finished jobs and old deliveries; returns how many rows went."""
    now = now or timezone.now()
    old_jobs = DBTaskResult.objects.finished().filter(finished_at__lt=now - FINISHED_JOBS_KEPT)
    old_deliveries = Delivery.objects.filter(
        state__in=[DeliveryState.SENT, DeliveryState.FAILED],
        created_at__lt=now - DELIVERIES_KEPT,
    )
    return old_jobs.delete()[0] + old_deliveries.delete()[0]


# --- a desk's webhook ------------------------------------------------------------------------

SECRET_MIN = 16


def desk_webhook_set(
    *, desk: Desk, url: str, secret: str | None = None, actor: User | None = None
) -> Desk:
    """Point the desk's webhook at ``url`` once it passes the address rules. Without a secret,
    the desk keeps the one it has, or gets a new random one."""
    url = url.strip()
    check_text(url, field="url", single_line=True)
    netguard.target_check(url)
    if secret is not None:
        check_text(secret, field="secret", single_line=True)
        if len(secret) < SECRET_MIN or any(c.isspace() for c in secret):
            raise Invalid(
                _("The secret must be at least %(n)d characters without spaces.")
                % {"n": SECRET_MIN},
                field="secret",
            )
    # The checks above (a DNS look-up among them) run before the transaction, which holds
    # only the change and its audit entry.
    with transaction.atomic():
        url_before, secret_before = desk.webhook_url, desk.webhook_secret
        desk.webhook_url = url
        desk.webhook_secret = secret or desk.webhook_secret or secrets.token_urlsafe(32)
        desk.save(update_fields=["webhook_url", "webhook_secret"])
        changes = diff({"url": url_shown(url_before)}, {"url": url_shown(url)})
        if url_before != url and "url" not in changes:
            changes["url"] = SECRET_CHANGED  # same host, another path: not which path
        if desk.webhook_secret != secret_before:
            changes["secret"] = SECRET_CHANGED
        if changes:
            _audit(desk, "desk.webhook_set", actor, changes)
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


@transaction.atomic
def desk_webhook_clear(*, desk: Desk, actor: User | None = None) -> None:
    """No more calls; deliveries still waiting fail rather than go to an address now unset."""
    url_before, secret_before = desk.webhook_url, desk.webhook_secret
    desk.webhook_url = ""
    desk.webhook_secret = ""
    desk.save(update_fields=["webhook_url", "webhook_secret"])
    if url_before or secret_before:
        changes: dict[str, object] = {"url": {"before": url_shown(url_before), "after": ""}}
        if secret_before:
            changes["secret"] = SECRET_CHANGED
        _audit(desk, "desk.webhook_clear", actor, changes)
