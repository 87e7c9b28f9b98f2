"""Small typed readers of the environment. Only ``settings`` calls them."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- E-mail ---------------------------------------------------------------------------------

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds an SMTP connection may stall before the delivery is retried later.
SMTP_TIMEOUT = 10
_TRUE = {"1", "true", "yes", "on"}


def mailer_from_url(url: str, *, name: str = "EMAIL_URL") -> dict[str, Any]:
    """One ``MAILERS`` entry from ``smtp://user:pass@host:587?tls=1``, ``smtp+tls://…``
    (STARTTLS), ``smtps://…`` (TLS from the start) or ``console://`` (print the messages)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"BACKEND": CONSOLE_BACKEND}
    if scheme not in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
        raise RuntimeError(f"{name} must start with smtp://, smtps:// or console://, got {url!r}")
    if not parts.hostname:
        raise RuntimeError(f"{name} names no mail server host")
    query = {key.lower(): value for key, value in parse_qsl(parts.query)}
    try:
        port = parts.port
        timeout = float(query.get("timeout", SMTP_TIMEOUT))
    except ValueError as exc:
        raise RuntimeError(f"{name} has an invalid port or timeout: {exc}") from exc
    use_ssl = scheme in {"smtps", "smtp+ssl"} or query.get("ssl", "").lower() in _TRUE
    use_tls = scheme == "smtp+tls" or query.get("tls", "").lower() in _TRUE
    if use_ssl and use_tls:
        raise RuntimeError(f"{name} asks for both TLS (STARTTLS) and SSL; choose one")
    return _smtp(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        timeout=timeout,
    )


def _smtp(
    *,
    host: str,
    port: int | None,
    username: str,
    password: str,
    use_tls: bool,
    use_ssl: bool,
    timeout: float,
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "host": host,
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": timeout,
    }
    if port is not None:
        options["port"] = port
    if username:
        options["username"] = username
        options["password"] = password
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}


def env_mailers() -> dict[str, dict[str, Any]]:
    """Django's ``MAILERS`` from ``EMAIL_URL`` or, without it, the usual ``EMAIL_HOST``,
    ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``,
    ``EMAIL_USE_SSL`` and ``EMAIL_TIMEOUT``. Empty (no e-mail is sent) when neither is set."""
    url = env_str("EMAIL_URL").strip()
    if url:
        return {"default": mailer_from_url(url)}
    host = env_str("EMAIL_HOST").strip()
    if not host:
        return {}
    use_tls, use_ssl = env_bool("EMAIL_USE_TLS"), env_bool("EMAIL_USE_SSL")
    if use_tls and use_ssl:
        raise RuntimeError("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other; set one")
    port = env_int("EMAIL_PORT", 0)
    return {
        "default": _smtp(
            host=host,
            port=port or None,
            username=env_str("EMAIL_HOST_USER"),
            password=env_str("EMAIL_HOST_PASSWORD"),
            use_tls=use_tls,
            use_ssl=use_ssl,
            timeout=env_int("EMAIL_TIMEOUT", SMTP_TIMEOUT),
        )
    }
