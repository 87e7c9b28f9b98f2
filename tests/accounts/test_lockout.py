"""Sign-in lockout: a limit per username (any case, known or not) and per address that holds
when many attempts arrive at once, and one answer for every refusal (no user enumeration)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from servicetickets.accounts import signin
from servicetickets.accounts.models import User
from tests.concurrency import run_together
from tests.conftest import People
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "not-the-password"


class Checks:
    """Counts the password checks the sign-in form really runs (from any thread)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.count += 1
        return authenticate(*args, **kwargs)


@pytest.fixture(autouse=True)
def _quick_hashes(people: People, settings: Settings) -> None:
    """A cheap hasher: the lockout does not depend on it, and a real one costs ~1 s a check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.update(password=make_password(PASSWORD))


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Checks:
    counter = Checks()
    monkeypatch.setattr(signin, "authenticate", counter)
    return counter


def sign_in(username: str, password: str, *, ip: str = "198.51.100.7") -> Any:
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    response.signed_in = "_auth_user_id" in client.session
    return response


def later(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    """Move the clock forward."""
    moved = timezone.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def refused(response: Any) -> bool:
    return (
        response.status_code == 200
        and not response.signed_in
        and "did not match" in response.content.decode()
    )


def test_five_wrong_passwords_lock_the_username_then_the_lock_ends(
    people: People, checks: Checks, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        assert refused(sign_in("alice", WRONG))
    assert checks.count == 5

    # Locked: even the right password gets the wrong-password answer, and is never checked.
    assert refused(sign_in("alice", PASSWORD))
    assert checks.count == 5

    later(monkeypatch, 16)
    response = sign_in("alice", PASSWORD)
    assert response.status_code == 302 and response.signed_in
    assert checks.count == 6


def test_the_username_is_counted_whatever_its_case(people: People, checks: Checks) -> None:
    for name in ["alice", "Alice", "ALICE", " aLiCe", "alicE"]:
        assert refused(sign_in(name, WRONG))
    assert refused(sign_in("alice", PASSWORD))
    assert checks.count == 5


def test_fifty_wrong_passwords_at_once_get_at_most_five_checks(
    people: People, checks: Checks
) -> None:
    attempts: list[Callable[[], Any]] = [
        lambda i=i: sign_in("alice", f"{WRONG}-{i}", ip=f"203.0.113.{i}") for i in range(50)
    ]
    results = run_together(attempts)

    assert all(not isinstance(r, Exception) for r in results), results
    assert all(refused(r) for r in results)
    assert checks.count == 5
    assert refused(sign_in("alice", PASSWORD))
    assert checks.count == 5


def normalised(response: Any, username: str) -> str:
    """The page without what differs by design: the CSRF token and the typed username."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return html.replace(f'value="{username}"', 'value=""')


def test_unknown_known_and_locked_users_get_the_same_answer(people: People) -> None:
    unknown = sign_in("nobody-here", WRONG)
    known = sign_in("hank", WRONG)
    for _ in range(5):
        sign_in("alice", WRONG)
    locked = sign_in("alice", PASSWORD)
    inactive_user = people.outsider
    inactive_user.is_active = False
    inactive_user.save()
    inactive = sign_in(inactive_user.username, PASSWORD)

    answers = [
        (unknown, "nobody-here"),
        (known, "hank"),
        (locked, "alice"),
        (inactive, inactive_user.username),
    ]
    assert all(refused(r) for r, _name in answers)
    assert {normalised(r, name) for r, name in answers} == {normalised(unknown, "nobody-here")}


def test_unknown_usernames_are_locked_like_known_ones(people: People, checks: Checks) -> None:
    for _ in range(6):
        assert refused(sign_in("nobody-here", WRONG))
    assert checks.count == 5


def test_a_successful_sign_in_resets_the_username(people: People, checks: Checks) -> None:
    for _ in range(4):
        assert refused(sign_in("alice", WRONG))
    assert sign_in("alice", PASSWORD).signed_in
    for _ in range(4):
        assert refused(sign_in("alice", WRONG))
    assert sign_in("alice", PASSWORD).signed_in
    assert checks.count == 10


def test_one_address_is_limited_across_usernames(
    people: People, checks: Checks, settings: Settings
) -> None:
    settings.SIGNIN_IP_MAX_FAILURES = 10
    attacker = "192.0.2.66"
    results = run_together(
        [lambda i=i: sign_in(f"guess{i}", WRONG, ip=attacker) for i in range(30)]
    )

    assert all(refused(r) for r in results), results
    assert checks.count == 10
    # The address is locked for every username, even with the right password...
    assert refused(sign_in("hank", PASSWORD, ip=attacker))
    assert checks.count == 10
    # ...while the same person signs in from elsewhere.
    assert sign_in("hank", PASSWORD, ip="192.0.2.67").signed_in


def test_an_ipv6_client_is_counted_by_its_64_block(
    people: People, checks: Checks, settings: Settings
) -> None:
    settings.SIGNIN_IP_MAX_FAILURES = 3
    for i in range(3):
        assert refused(sign_in(f"guess{i}", WRONG, ip=f"2001:db8:1:2::{i + 1}"))
    assert refused(sign_in("hank", PASSWORD, ip="2001:db8:1:2:ffff::9"))
    assert sign_in("hank", PASSWORD, ip="2001:db8:1:3::1").signed_in
    assert checks.count == 4


def test_successes_do_not_use_up_the_address(
    people: People, checks: Checks, settings: Settings
) -> None:
    """People behind one NAT signing in all day: only failures count against the address."""
    settings.SIGNIN_IP_MAX_FAILURES = 3
    office = "192.0.2.10"
    for _ in range(5):
        assert sign_in("hank", PASSWORD, ip=office).signed_in
    for _ in range(2):
        assert refused(sign_in("hilda", WRONG, ip=office))
    assert sign_in("alice", PASSWORD, ip=office).signed_in
    assert refused(sign_in("hilda", WRONG, ip=office))
    assert refused(sign_in("alice", PASSWORD, ip=office))  # three failures: locked
