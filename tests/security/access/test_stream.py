"""``GET /api/v1/notifications/stream`` for each caller, through the ASGI application: nobody
signed in gets 401 and no stream; everyone signed in gets their own reminders and never the
handler's reminder about the world's ticket."""

from __future__ import annotations

import pytest
from django.utils import timezone

from servicetickets.notifications.models import Kind, Notification
from tests.factories import submit
from tests.notifications.streams import Stream, bearer, run
from tests.security.access.table import RULES
from tests.security.access.world import ANONYMOUS, CALLERS, World

pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "/api/v1/notifications/stream"
RULE = next(rule for rule in RULES if rule.path == STREAM)


@pytest.mark.parametrize("caller", CALLERS, ids=[f"GET {STREAM} [{c}]" for c in CALLERS])
def test_stream_access(caller: str) -> None:
    world = World(RULE.state)
    theirs = world.reminder.pk
    user = world.user(caller)
    own = None
    if user is not None:  # a reminder of the caller's own, after the handler's, about a
        # ticket they see (the stream, like the inbox, skips tickets the reader may not see)
        own = Notification.objects.create(
            recipient=user,
            kind=Kind.COMMENTED,
            ticket=submit(world.people.ticket_type, user),
            actor=world.cast["requester"],
            created_at=timezone.now(),
        ).pk
    headers = {"Last-Event-ID": "0", **(bearer(user) if user is not None else {})}

    async def go() -> None:
        async with Stream(STREAM, headers) as s:
            if user is None:
                await s.until(lambda: s.finished)
                assert s.status == 401
                return
            assert s.status == 200
            assert caller in RULE.allowed
            # Replayed in id order: once the caller's own newest reminder is in, everything
            # the stream would replay before it is too.
            await s.until(lambda: own in {e["id"] for e in s.events()})
            ids = {e["id"] for e in s.events()}
            assert (theirs in ids) == (caller == "handler")

    run(go)
    if caller == ANONYMOUS:
        assert caller not in RULE.allowed
