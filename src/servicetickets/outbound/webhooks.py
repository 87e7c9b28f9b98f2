"""Calling a desk's webhook: the signed JSON body, and one POST to a checked address."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import ssl
from dataclasses import dataclass
from typing import Any

from servicetickets.outbound.netguard import Target

TIMEOUT_SECONDS = 5.0
# Enough of an answer to report; the rest is not read.
ANSWER_PEEK_BYTES = 512
USER_AGENT = "ServiceTickets-Webhook/1"


def body_bytes(delivery_id: int, payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed; the same on every attempt."""
    document = {"id": delivery_id, **payload}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body>``, the value of ``X-ServiceTickets-Signature``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Answer:
    status: int
    text: str  # the start of the answer's body, for the delivery's last error

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a checked address while speaking to (Host header) the URL's name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS: SNI and the certificate check are for the URL's name."""

    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, host names checked (tests may trust their own)."""
    return ssl.create_default_context()


def post(target: Target, *, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to the first of the target's addresses that accepts a connection.

    Redirects are not followed (a 3xx is a failed attempt): a redirect could lead anywhere."""
    last_error: OSError | None = None
    for address in target.addresses:
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(
                target.host,
                target.port,
                address=address,
                timeout=TIMEOUT_SECONDS,
                context=tls_context(),
            )
        else:
            connection = _PinnedHTTPConnection(
                target.host, target.port, address=address, timeout=TIMEOUT_SECONDS
            )
        try:
            try:
                connection.connect()
            except OSError as exc:  # refused or unreachable: try the next address
                last_error = exc
                continue
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={"User-Agent": USER_AGENT, **headers},
            )
            response = connection.getresponse()
            text = response.read(ANSWER_PEEK_BYTES).decode("utf-8", "replace")
            return Answer(status=response.status, text=text)
        finally:
            connection.close()
    raise last_error or OSError("no address to connect to")
