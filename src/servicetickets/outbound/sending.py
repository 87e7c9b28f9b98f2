"""Sending deliveries: claim in a short transaction, send outside any, record the outcome.

No transaction (and so no SQLite write lock or PostgreSQL row lock) is held over a network
call. A failed attempt is retried with exponential back-off by queueing the job again to run
later; a refusal that cannot change (a private webhook address, a 5xx SMTP answer) fails at
once.
"""

from __future__ import annotations

import http.client
import logging
import smtplib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.core.mail import EmailMessage, MailerDoesNotExist, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicetickets.desks.models import Desk
from servicetickets.outbound import netguard, webhooks
from servicetickets.outbound.models import Channel, Delivery, DeliveryState
from servicetickets.outbound.tasks import deliver

logger = logging.getLogger("servicetickets.outbound")

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
LONGEST_WAIT_SECONDS = 3600
ERROR_KEPT_CHARS = 1000


class Permanent(Exception):
    """A failure that another attempt would not change."""


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failed attempt, then 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_WAIT_SECONDS))


def deliveries_claim(*, delivery_ids: list[int]) -> tuple[str, list[Delivery]]:
    """Take the due, unsent deliveries among ``delivery_ids`` for this caller alone.

    One conditional UPDATE (its own short transaction): of two jobs racing for a delivery, the
    database lets exactly one change it. A claim older than ``CLAIM_STALE_AFTER`` is a dead
    worker's and may be taken again."""
    from servicetickets.outbound.services import CLAIM_STALE_AFTER

    token = uuid.uuid4().hex
    now = timezone.now()
    due = Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER
    )
    claimed = Delivery.objects.filter(due, pk__in=delivery_ids).update(
        state=DeliveryState.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return token, []
    rows = Delivery.objects.filter(pk__in=delivery_ids, claim=token).order_by("pk")
    return token, list(rows.select_related("desk"))


def _mine(delivery: Delivery, token: str) -> Q:
    return Q(pk=delivery.pk, claim=token, state=DeliveryState.SENDING)


def _sent(delivery: Delivery, token: str) -> None:
    Delivery.objects.filter(_mine(delivery, token)).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), last_error="", claim=""
    )


def _failed(delivery: Delivery, token: str, error: str, *, permanent: bool) -> None:
    error = error[:ERROR_KEPT_CHARS]
    if permanent or delivery.attempts >= MAX_ATTEMPTS:
        Delivery.objects.filter(_mine(delivery, token)).update(
            state=DeliveryState.FAILED, last_error=error, claim=""
        )
        facts = {"channel": delivery.channel, "id": delivery.pk, "error": error}
        if permanent:
            logger.error(_("Delivering %(channel)s %(id)s failed for good: %(error)s"), facts)
        else:
            logger.error(
                ngettext(
                    "Gave up delivering %(channel)s %(id)s after %(n)d attempt: %(error)s",
                    "Gave up delivering %(channel)s %(id)s after %(n)d attempts: %(error)s",
                    delivery.attempts,
                ),
                {**facts, "n": delivery.attempts},
            )
        return
    when = timezone.now() + retry_delay(delivery.attempts)
    # The retry's job is written with the state change: both happen, or neither.
    with transaction.atomic():
        if Delivery.objects.filter(_mine(delivery, token)).update(
            state=DeliveryState.PENDING, next_attempt_at=when, last_error=error, claim=""
        ):
            deliver.using(run_after=when).enqueue([delivery.pk])
    logger.warning(
        _(
            "Delivering %(channel)s %(id)s failed (attempt %(n)d), trying again at %(when)s: "
            "%(error)s"
        ),
        {
            "channel": delivery.channel,
            "id": delivery.pk,
            "n": delivery.attempts,
            "when": when.isoformat(timespec="seconds"),
            "error": error,
        },
    )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def deliveries_send(*, delivery_ids: list[int]) -> int:
    """Claim, send and record; returns how many were sent now."""
    token, claimed = deliveries_claim(delivery_ids=delivery_ids)
    emails = [d for d in claimed if d.channel == Channel.EMAIL]
    hooks = [d for d in claimed if d.channel == Channel.WEBHOOK]
    sent = _emails_send(emails, token) if emails else 0
    for delivery in hooks:
        sent += _webhook_send(delivery, token)
    return sent


# --- e-mail --------------------------------------------------------------------------------


def _smtp_permanent(exc: Exception) -> bool:
    """A 5xx answer will be the same next time; a 4xx, a timeout or no answer may not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, ValueError)  # a header the message cannot carry


@contextmanager
def _mailer() -> Iterator[BaseEmailBackend]:
    """The default mailer, with its connection open once for all of a job's messages."""
    mailer = mailers.default
    mailer.open()
    try:
        yield mailer
    finally:
        mailer.close()


def _message(delivery: Delivery) -> EmailMessage:
    return EmailMessage(
        subject=delivery.payload.get("subject", ""),
        body=delivery.payload.get("body", ""),
        to=[delivery.address],
        headers={
            # RFC 3834: keeps vacation responders from answering a machine.
            "Auto-Submitted": "auto-generated",
            "X-ServiceTickets-Event": delivery.kind,
            "X-ServiceTickets-Delivery": str(delivery.pk),
        },
    )


def _emails_send(deliveries: list[Delivery], token: str) -> int:
    sent = 0
    try:
        with _mailer() as mailer:
            for delivery in deliveries:
                try:
                    if mailer.send_messages([_message(delivery)]) != 1:
                        raise smtplib.SMTPException("the mailer sent nothing")
                except Exception as exc:
                    _failed(delivery, token, _describe(exc), permanent=_smtp_permanent(exc))
                    continue
                _sent(delivery, token)
                sent += 1
    except Exception as exc:  # no mailer, or no connection to it: every unsent message waits
        unsent = Delivery.objects.filter(pk__in=[d.pk for d in deliveries], claim=token)
        still = set(unsent.values_list("pk", flat=True))
        for delivery in deliveries:
            if delivery.pk in still:
                # No mailer any more: e-mail was switched off since the event.
                permanent = isinstance(exc, MailerDoesNotExist)
                _failed(delivery, token, _describe(exc), permanent=permanent)
    return sent


# --- webhook -------------------------------------------------------------------------------


def _webhook_send(delivery: Delivery, token: str) -> int:
    desk: Desk | None = delivery.desk
    if desk is None or not desk.webhook_url:
        _failed(delivery, token, "The desk has no webhook any more.", permanent=True)
        return 0
    try:
        target = netguard.target_check(desk.webhook_url)
    except netguard.Refused as exc:
        # A name that does not resolve now may tomorrow; a private address stays refused.
        _failed(delivery, token, exc.message, permanent=exc.reason != "unresolvable")
        return 0
    body = webhooks.body_bytes(delivery.pk, delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "X-ServiceTickets-Event": delivery.kind,
        "X-ServiceTickets-Delivery": str(delivery.pk),
        "X-ServiceTickets-Signature": webhooks.signature(desk.webhook_secret, body),
    }
    try:
        answer = webhooks.post(target, body=body, headers=headers)
    except (OSError, http.client.HTTPException) as exc:
        _failed(delivery, token, _describe(exc), permanent=False)
        return 0
    if not answer.ok:
        _failed(delivery, token, f"HTTP {answer.status}: {answer.text}", permanent=False)
        return 0
    _sent(delivery, token)
    return 1
