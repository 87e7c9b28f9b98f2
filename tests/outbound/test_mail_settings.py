"""E-mail is configured by ``EMAIL_URL`` or the usual ``EMAIL_*`` variables, into Django 6.1's
``MAILERS`` (without the deprecated settings, so without deprecation warnings)."""

from __future__ import annotations

import warnings

import pytest
from django.utils.deprecation import RemovedInDjango2028Warning
from pytest_django.fixtures import Settings

from servicetickets.core.env import SMTP_BACKEND, env_mailers, mailer_from_url
from servicetickets.notifications.models import Kind
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.outbound.conftest import SmtpServer, mail_to, run_worker, schedule

_EMAIL_VARS = (
    "EMAIL_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
)


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in _EMAIL_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_variables_no_mailer(environ: pytest.MonkeyPatch) -> None:
    assert env_mailers() == {}


def test_smtp_url_with_starttls_and_credentials(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("EMAIL_URL", "smtp://desk%40example.com:p%3Ass@mail.example.com:587?tls=1")

    assert env_mailers() == {
        "default": {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {
                "host": "mail.example.com",
                "port": 587,
                "username": "desk@example.com",
                "password": "p:ss",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 10,
            },
        }
    }


def test_smtps_url_is_tls_from_the_start_and_keeps_the_default_port() -> None:
    options = mailer_from_url("smtps://mail.example.com")["OPTIONS"]

    assert (options["use_ssl"], options["use_tls"]) == (True, False)
    assert "port" not in options  # Django picks 465
    assert "username" not in options


def test_console_url_prints_messages() -> None:
    assert mailer_from_url("console://") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "smtp://",
        "smtp://mail.example.com:notaport",
        "smtp://mail.example.com?tls=1&ssl=1",
        "smtp://mail.example.com?timeout=soon",
    ],
)
def test_a_wrong_url_names_the_variable(url: str) -> None:
    with pytest.raises(RuntimeError, match="EMAIL_URL"):
        mailer_from_url(url)


def test_email_variables_without_url(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("EMAIL_HOST", "mail.example.com")
    environ.setenv("EMAIL_PORT", "2525")
    environ.setenv("EMAIL_HOST_USER", "desk")
    environ.setenv("EMAIL_HOST_PASSWORD", "secret")
    environ.setenv("EMAIL_USE_SSL", "true")

    assert env_mailers()["default"]["OPTIONS"] == {
        "host": "mail.example.com",
        "port": 2525,
        "username": "desk",
        "password": "secret",
        "use_tls": False,
        "use_ssl": True,
        "timeout": 10,
    }


def test_url_wins_over_variables(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("EMAIL_URL", "smtp://url.example.com")
    environ.setenv("EMAIL_HOST", "host.example.com")

    assert env_mailers()["default"]["OPTIONS"]["host"] == "url.example.com"


def test_tls_and_ssl_together_are_refused(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("EMAIL_HOST", "mail.example.com")
    environ.setenv("EMAIL_USE_TLS", "1")
    environ.setenv("EMAIL_USE_SSL", "1")

    with pytest.raises(RuntimeError, match="EMAIL_USE_TLS"):
        env_mailers()


@pytest.mark.django_db
def test_sending_raises_no_deprecation_warning(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango2028Warning)
        schedule(kind=Kind.URGED, ticket=ticket, actor=people.requester, to=[people.handler])
        run_worker()

    assert len(smtp.to("hank@example.com")) == 1
