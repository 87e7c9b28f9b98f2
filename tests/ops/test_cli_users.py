"""``servicetickets user add``, ``token`` and ``migrate``, run in-process."""

from __future__ import annotations

import io

import pytest
from django.db import OperationalError
from django.test import Client

from servicetickets.accounts.models import User
from servicetickets.accounts.services import user_deactivate
from servicetickets.cli import main
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_add_creates_a_user_who_can_sign_in(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--name", "Dora D", "--email", "dora@example.com", "--password", "s3cret-pass"]

    code = main(["user", "add", "dora", *args])

    assert code == 0
    user = User.objects.get(username="dora")
    assert (user.name, user.email, user.site_admin) == ("Dora D", "dora@example.com", False)
    assert user.check_password("s3cret-pass")
    assert "dora" in capsys.readouterr().out


def test_user_add_site_admin_makes_a_site_admin() -> None:
    assert main(["user", "add", "root2", "--site-admin"]) == 0

    assert User.objects.get(username="root2").site_admin


def test_user_add_without_password_cannot_sign_in_with_one() -> None:
    assert main(["user", "add", "sso-only"]) == 0

    assert not User.objects.get(username="sso-only").has_usable_password()


def test_user_add_reads_the_password_from_stdin_when_given_dash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("piped-password\n"))

    assert main(["user", "add", "piper", "--password", "-"]) == 0

    assert User.objects.get(username="piper").check_password("piped-password")


def test_user_add_refuses_an_existing_username_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    UserFactory(username="dora")
    capsys.readouterr()

    code = main(["user", "add", "DORA"])

    assert code != 0
    err = capsys.readouterr().err
    assert "already exists" in err
    assert "Traceback" not in err
    assert User.objects.filter(username__iexact="dora").count() == 1


def test_user_add_refuses_a_short_password(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["user", "add", "shorty", "--password", "abc"])

    assert code == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert not User.objects.filter(username="shorty").exists()


def test_user_add_refuses_a_bad_email(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "eve", "--email", "not-an-address"]) == 1

    assert "e-mail" in capsys.readouterr().err


def test_token_prints_one_line_that_authenticates_against_the_api(
    capsys: pytest.CaptureFixture[str],
) -> None:
    UserFactory(username="dora")

    assert main(["token", "dora"]) == 0

    out = capsys.readouterr().out
    assert out.count("\n") == 1
    token = out.strip()
    response = Client().get("/api/v1/desks", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_token_gives_a_new_token_each_time(capsys: pytest.CaptureFixture[str]) -> None:
    UserFactory(username="dora")

    main(["token", "dora"])
    main(["token", "dora"])

    first, second = capsys.readouterr().out.split()
    assert first != second


def test_token_for_an_unknown_user_fails_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["token", "nobody"])

    assert code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "No user with that username" in captured.err


def test_token_for_a_deactivated_user_fails_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    user_deactivate(user=UserFactory(username="gone"))

    code = main(["token", "gone"])

    assert code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "deactivated" in captured.err


def test_migrate_on_an_up_to_date_database_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["migrate"]) == 0

    assert capsys.readouterr().out == "The database is up to date.\n"


def test_no_command_shows_usage_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2

    assert "usage: servicetickets" in capsys.readouterr().err


def test_a_database_failure_is_one_line_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unreachable(**kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr("servicetickets.accounts.selectors.user_get", unreachable)

    assert main(["token", "dora"]) == 1

    captured = capsys.readouterr()
    assert captured.err == "servicetickets: Database error: connection refused\n"
    assert captured.out == ""
