"""Configuration: malformed settings stop start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from dxgov import env


@pytest.mark.parametrize(
    ("reader", "name", "value"),
    [
        (lambda: env.env_bool("DXGOV_DEBUG", False), "DXGOV_DEBUG", "maybe"),
        (lambda: env.env_int("DXGOV_TOKEN_DAYS", 1), "DXGOV_TOKEN_DAYS", "ten"),
        (lambda: env.env_list("DXGOV_ALLOWED_HOSTS", []), "DXGOV_ALLOWED_HOSTS", "a,,b"),
        (lambda: env.env_time_zone("DXGOV_TIME_ZONE", "UTC"), "DXGOV_TIME_ZONE", "Mars/Olympus"),
        (lambda: env.env_database("DXGOV_DATABASE_URL", ""), "DXGOV_DATABASE_URL", "mysql://x/y"),
        (lambda: env.env_email("DXGOV_EMAIL_URL", ""), "DXGOV_EMAIL_URL", "pigeon://coop"),
    ],
)
def test_malformed_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    reader,
    name: str,
    value: str,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        reader()


def test_values_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DXGOV_DEBUG", "yes")
    monkeypatch.setenv("DXGOV_ALLOWED_HOSTS", "dxgov.gov.vn, 10.0.0.5")
    monkeypatch.setenv("DXGOV_DATABASE_URL", "postgresql://dx@db.local:5432/dxgov")
    monkeypatch.setenv("DXGOV_EMAIL_URL", "smtp://mailer:secret@mail.gov.vn:587/?tls=True")
    assert env.env_bool("DXGOV_DEBUG", False) is True
    assert env.env_list("DXGOV_ALLOWED_HOSTS", []) == ["dxgov.gov.vn", "10.0.0.5"]
    db = env.env_database("DXGOV_DATABASE_URL", "")
    assert db["ENGINE"] == "django.db.backends.postgresql" and db["NAME"] == "dxgov"
    mail = env.env_email("DXGOV_EMAIL_URL", "")
    assert mail["EMAIL_HOST"] == "mail.gov.vn" and mail["EMAIL_USE_TLS"] is True


def test_secret_is_required_without_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DXGOV_SECRET_KEY", raising=False)
    monkeypatch.delenv("DXGOV_SECRET_KEY_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DXGOV_SECRET_KEY"):
        env.env_secret("DXGOV_SECRET_KEY", None)


def test_secret_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("DXGOV_SECRET_KEY_FILE", str(secret))
    assert env.env_secret("DXGOV_SECRET_KEY", None) == "s3cret"


def test_the_command_refuses_to_start_on_a_bad_setting() -> None:
    environ = {**os.environ, "DXGOV_DEBUG": "perhaps", "DJANGO_SETTINGS_MODULE": "dxgov.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "dxgov.cli", "check"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "DXGOV_DEBUG" in done.stderr and "Traceback" not in done.stderr


def test_production_defaults_are_safe() -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DXGOV_")}
    environ.update(
        {
            "DXGOV_SECRET_KEY": "x" * 50,
            "DXGOV_ALLOWED_HOSTS": "dxgov.gov.vn",
            "DJANGO_SETTINGS_MODULE": "dxgov.settings",
            "DXGOV_VAR_DIR": "/tmp/dxgov-t",
        }
    )
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.TIME_ZONE)"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["False", "True", "True", "Asia/Ho_Chi_Minh"], done.stderr
