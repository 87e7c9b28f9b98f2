"""The address rule of webhooks, with the machine's real resolver."""

from __future__ import annotations

import pytest

from servicetickets.outbound.netguard import Refused, is_public, target_check


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.0.0.1", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("255.255.255.255", False),
        ("224.0.0.251", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("::ffff:93.184.215.14", True),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url", ["http://localhost/", "http://127.0.0.1:9/", "https://[::1]/", "http://2130706433/"]
)
def test_loopback_by_any_spelling_is_refused(url: str) -> None:
    with pytest.raises(Refused) as refused:
        target_check(url, allow_private=False)

    assert refused.value.field == "url"
    assert refused.value.reason == "private"
    assert refused.value.code == "invalid"


def test_allowed_private_target_keeps_name_port_path_and_checked_addresses() -> None:
    target = target_check("http://localhost:8025/in?x=1", allow_private=True)

    assert (target.scheme, target.host, target.port, target.path) == (
        "http",
        "localhost",
        8025,
        "/in?x=1",
    )
    assert "127.0.0.1" in target.addresses or "::1" in target.addresses


def test_default_ports_and_path() -> None:
    assert target_check("https://127.0.0.1", allow_private=True).port == 443
    assert target_check("http://127.0.0.1", allow_private=True).path == "/"
