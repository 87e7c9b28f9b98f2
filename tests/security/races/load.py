"""A load of submissions and actions from several client threads against a server, recording
what each request got: the answer's status, or None when no answer came (the server died)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx

from tests.security.races.conftest import Caller


@dataclass(frozen=True)
class Sent:
    step: str  # "submit" or the action's name
    ticket_id: int | None  # None for a submission that got no answer
    marker: str  # the submission's title, or the comment's text
    status: int | None  # None: no answer, so it may or may not have happened
    body: dict[str, Any] | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and self.status < 300


class Load:
    """Client threads, each walking tickets through submit, claim, comment, transfer, complete
    and confirm (requester alice, handlers hank and hilda) until stopped or the server dies."""

    def __init__(self, *, alice: Caller, hank: Caller, hilda: Caller, type_id: int) -> None:
        self.alice, self.hank, self.hilda, self.type_id = alice, hank, hilda, type_id
        self.sent: list[Sent] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self, clients: int) -> None:
        self.threads = [threading.Thread(target=self._client, args=(n,)) for n in range(clients)]
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def successes(self) -> int:
        with self.lock:
            return sum(s.succeeded for s in self.sent)

    def _client(self, n: int) -> None:
        round_ = 0
        while not self.stop.is_set():
            round_ += 1
            title = f"Load {n}-{round_}"
            submitted = self._send(
                "submit",
                None,
                title,
                self.alice,
                f"/types/{self.type_id}/tickets",
                {"title": title, "data": {"summary": title}},
            )
            if submitted is None:
                return
            ticket_id = submitted["id"]
            note = f"Note {n}-{round_}"
            for step, caller, body in (
                ("claim", self.hank, {}),
                ("comment", self.alice, {"text": note}),
                ("transfer", self.hank, {"to": "hilda", "note": "Yours"}),
                ("complete", self.hilda, {"note": "Done"}),
                ("confirm", self.alice, {"rating": 5}),
            ):
                path = f"/tickets/{ticket_id}/{step}"
                if self._send(step, ticket_id, note, caller, path, body) is None:
                    return

    def _send(
        self,
        step: str,
        ticket_id: int | None,
        marker: str,
        caller: Caller,
        path: str,
        body: dict[str, Any],
    ) -> dict[str, Any] | None:
        """The answer's body on success; None (and the client stops) otherwise."""
        try:
            response = caller.post(path, body)
        except httpx.HTTPError:
            self._record(Sent(step, ticket_id, marker, None))
            return None
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            answer = {}
        sent = Sent(step, ticket_id or answer.get("id"), marker, response.status_code, answer)
        self._record(sent)
        return answer if sent.succeeded else None

    def _record(self, sent: Sent) -> None:
        with self.lock:
            self.sent.append(sent)
