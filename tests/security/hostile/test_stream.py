"""The reminder stream (Server-Sent Events) sends hostile names as JSON strings: each event is
exactly its ``id``, ``event`` and ``data`` lines, and the data reads back as the exact text the
inbox API gives."""

from __future__ import annotations

import pytest

from servicetickets.notifications import stream as stream_module
from tests.conftest import Api
from tests.notifications.streams import Stream, bearer, run
from tests.security.hostile.payloads import Payload
from tests.security.hostile.world import build


@pytest.fixture(autouse=True)
def _fast_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """A keep-alive comment soon after the replay, so the test knows the stream is idle."""
    monkeypatch.setattr(stream_module, "HEARTBEAT_SECONDS", 0.05)


@pytest.mark.django_db(transaction=True)
def test_stream_events_carry_names_as_exact_json_strings(payload: Payload) -> None:
    world = build(payload)
    inbox = Api(world.handler).get("/notifications", {"page_size": 100}).json()["results"]
    assert inbox, "the handler has reminders about the hostile tickets"
    headers = {**bearer(world.handler), "Last-Event-ID": "0"}

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            events = s.events()
            for block in s.blocks():
                lines = [line for line in block.split("\n") if line and line[0] != ":"]
                if lines:  # not a comment (keep-alive, padding)
                    assert [line.split(": ", 1)[0] for line in lines] == [
                        "id",
                        "event",
                        "data",
                    ]
            assert sorted((e["data"] for e in events), key=lambda d: d["id"]) == sorted(
                inbox, key=lambda d: d["id"]
            )
            texts = [e["data"]["text"] for e in events]
            assert f"New ticket {world.ticket.number} from {world.requester.display_name}." in texts

    run(go)
