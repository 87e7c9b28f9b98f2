"""Real servers on loopback for the outward channels: an SMTP server (aiosmtpd) and an HTTP
receiver (http.server), each in a thread of the test; and a clock the test moves."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.ops import worker
from servicetickets.outbound import webhooks
from servicetickets.outbound.models import Delivery
from servicetickets.outbound.services import outward_schedule
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import submit


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- SMTP ------------------------------------------------------------------------------------


class _Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on 127.0.0.1 at a fixed port, that a test may stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = _Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        with self.inbox.lock:
            return list(self.inbox.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt, message in self.messages if address in rcpt]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """A port where the mail server is not running yet (``start()`` brings it up)."""
    server = SmtpServer()
    yield server
    server.stop()


def mail_to(settings: Settings, server: SmtpServer) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "Service Tickets <desk@example.com>"
    settings.SITE_URL = "https://tickets.example.com"


# --- HTTP receiver ---------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next status of ``answers`` (200 once they run out)."""

    port: int = 0
    answers: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.requests)


@contextmanager
def _receiving(tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with state.lock:
                state.requests.append(Received(self.path, dict(self.headers.items()), body))
                status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with _receiving() as state:
        yield state


@dataclass
class TlsReceiver:
    receiver: Receiver
    name: str  # the only name its certificate is good for


@pytest.fixture
def tls_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsReceiver]:
    """An HTTPS receiver whose certificate, from a test CA the client trusts, names
    ``hooks.example.org``."""
    ca = trustme.CA()
    name = "hooks.example.org"
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(server_tls)

    def client_tls() -> ssl.SSLContext:
        context = ssl.create_default_context()
        ca.configure_trust(context)
        return context

    monkeypatch.setattr(webhooks, "tls_context", client_tls)
    with _receiving(server_tls) as state:
        yield TlsReceiver(state, name)


# --- time and the worker ---------------------------------------------------------------------


class Clock:
    """Stands still until moved: retries come due by moving it, not by waiting."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


def run_worker() -> int:
    """What ``servicetickets worker --once`` does with queued jobs: run every due one."""
    return worker.run_tasks()


def deliveries(**filters: Any) -> list[Delivery]:
    return list(Delivery.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def ticket(people: People) -> Ticket:
    """Submitted before any channel is set up, so it queued nothing."""
    return submit(people.ticket_type, people.requester, title="Printer jammed")


def usernames(users: list[User]) -> list[str]:
    return [u.username for u in users]


def schedule(*, kind: str, ticket: Ticket, actor: User | None, to: list[User]) -> None:
    """Queue one event's outward reminders to ``to`` (all wanting e-mail), as an action would."""
    with transaction.atomic():
        outward_schedule(kind=kind, ticket=ticket, actor=actor, recipients=to, email_to=to)
