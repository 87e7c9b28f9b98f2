"""Webhook addresses may only reach the public internet (no server-side request forgery).

A URL is checked when a desk admin saves it and again before every call: its host is resolved
and refused if any address is loopback, link-local, private, multicast, reserved or
unspecified (IPv4-mapped IPv6 addresses count as their IPv4 address). The call then connects
to an address that was checked, never resolving the name a second time, so a DNS answer that
changes in between (DNS rebinding) cannot redirect it. ``WEBHOOK_ALLOW_PRIVATE`` lifts the
address rule for installations whose receivers sit on their own network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from servicetickets.core.errors import Invalid


class Refused(Invalid):
    """A webhook URL that may not be called (422, ``field`` ``url``). ``reason`` tells the
    sender whether trying again later may help: ``unresolvable`` may, the others never."""

    def __init__(self, message: str, *, reason: str = "malformed") -> None:
        super().__init__(message, field="url")
        self.reason = reason


@dataclass(frozen=True)
class Target:
    scheme: str  # http or https
    host: str  # the name as written, for the Host header and the TLS certificate check
    port: int
    path: str  # path and query, never empty
    addresses: tuple[str, ...]  # every address the name resolved to, all of them checked


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (tests replace this to play a changing DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public(str(mapped))
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def url_parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of an http(s) URL without credentials; else refuse."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise Refused(_("Enter a valid http or https address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Enter a valid http or https address."))
    if parts.username is not None or parts.password is not None:
        raise Refused(_("Leave the user name and password out of the address."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def target_check(url: str, *, allow_private: bool | None = None) -> Target:
    """Resolve ``url``'s host and refuse it unless every address is public (or allowed)."""
    scheme, host, port, path = url_parse(url)
    try:
        addresses = resolve(host.strip("[]"), port)
    except (OSError, UnicodeError):
        raise Refused(
            _("The host of this address cannot be found."), reason="unresolvable"
        ) from None
    if not addresses:
        raise Refused(_("The host of this address cannot be found."), reason="unresolvable")
    allowed = settings.WEBHOOK_ALLOW_PRIVATE if allow_private is None else allow_private
    if not allowed and not all(is_public(a) for a in addresses):
        raise Refused(
            _(
                "This address leads to a loopback, link-local or private network; webhooks "
                "may only call public addresses."
            ),
            reason="private",
        )
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=tuple(addresses))
