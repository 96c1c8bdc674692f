"""Typed readers for configuration from environment variables.

Every setting comes from the environment; a malformed value stops start-up with a
message that names the variable, because a half-configured national system is worse
than one that refuses to start.
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name}={raw!r} has an empty item; separate values with commas."
        )
    return items


def env_secret(name: str, default: str | None) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            with open(file_name, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from None
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set when DXGOV_DEBUG is off.")
    return value


def env_time_zone(name: str, default: str) -> str:
    raw = os.environ.get(name, default)
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a known time zone.") from None
    return raw


def env_database(name: str, default: str) -> dict[str, object]:
    import dj_database_url

    raw = os.environ.get(name, default)
    if not raw.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not supported; use sqlite:///PATH or postgresql://USER@HOST:PORT/DB."
        )
    try:
        config: dict[str, object] = dict(dj_database_url.parse(raw, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from None
    return config


def env_email(name: str, default: str) -> dict[str, object]:
    import dj_email_url

    raw = os.environ.get(name, default)
    try:
        config: dict[str, object] = dict(dj_email_url.parse(raw))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is malformed: {exc}") from None
    if "EMAIL_BACKEND" not in config:
        raise ImproperlyConfigured(
            f"{name}={raw!r} has an unknown scheme; use smtp://, smtp+tls://, console:// or file://."
        )
    return config
