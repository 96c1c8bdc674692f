"""Authentication hardening: a second factor for leaders, lockout after failures, token limits."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts import actions, ratelimit
from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.demo.users import DEMO_TOTP_KEY_HEX
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(username: str, password: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    return client


def test_leader_must_give_the_code_before_anything(password: str) -> None:
    client = _sign_in("phutho.lanhdao", password)
    page = client.get("/directives/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/")
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and "xác thực" in api.json()["message"]
    device = TOTPDevice.objects.get(user__username="phutho.lanhdao", confirmed=True)
    assert device.key == DEMO_TOTP_KEY_HEX  # the published demo key
    wrong = client.post("/accounts/2fa/", {"token": "000000", "next": "/directives/"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles: after a wrong code the next try must wait a second
    right = client.post("/accounts/2fa/", {"token": _code(device), "next": "/directives/"})
    assert right.status_code == 302 and right["Location"] == "/directives/"
    assert client.get("/directives/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_officer_needs_no_second_factor(password: str) -> None:
    client = _sign_in("phutho.canbo", password)
    assert client.get("/directives/").status_code == 200


def test_enrolment_for_a_leader_without_an_authenticator(phutho_leader: User) -> None:
    TOTPDevice.objects.filter(user=phutho_leader).delete()
    client = client_for(phutho_leader, second_factor=False)
    page = client.get("/accounts/2fa/")
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("</head>")[1]
    device = TOTPDevice.objects.get(user=phutho_leader, confirmed=False)
    client.post("/accounts/2fa/", {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        event_type=EventType.TWO_FACTOR_ENABLED, target_id=str(phutho_leader.pk)
    ).exists()
    assert client.get("/units/").status_code == 200


def test_open_redirect_is_refused(password: str) -> None:
    client = _sign_in("phutho.lanhdao", password)
    device = TOTPDevice.objects.get(user__username="phutho.lanhdao", confirmed=True)
    response = client.post(
        "/accounts/2fa/", {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_admin_resets_a_lost_authenticator(admin_user: User, phutho_leader: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.reset_two_factor(acting_user=admin_user, user=phutho_leader, reason=" ")
    actions.reset_two_factor(acting_user=admin_user, user=phutho_leader, reason="Mất điện thoại")
    assert not TOTPDevice.objects.filter(user=phutho_leader).exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures(password: str) -> None:
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "hcm.canbo", "password": "sai"})
    locked = client.post("/accounts/login/", {"username": "hcm.canbo", "password": password})
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same computer is not locked.
    other = Client().post("/accounts/login/", {"username": "hcm.lanhdao", "password": password})
    assert other.status_code == 302


def test_window_counter() -> None:
    cache.clear()
    start = 1_800_000_000.0  # the start of a minute
    assert all(ratelimit.allow("k", 3, now=start + i) for i in range(3))
    assert not ratelimit.allow("k", 3, now=start + 4)
    assert ratelimit.allow("k", 3, now=start + 60)  # the next minute starts afresh
    assert ratelimit.seconds_left_in_window(now=start + 15) == 45


@override_settings(DXGOV_TOKEN_RATE_PER_MINUTE=5)
def test_token_over_its_limit_gets_429(phutho_officer: User) -> None:
    cache.clear()
    _, raw = actions.create_token(acting_user=None, user=phutho_officer, name="sync")
    _, other = actions.create_token(acting_user=None, user=phutho_officer, name="other")
    client = Client()
    statuses = [
        client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code for _ in range(7)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    limited = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert int(limited["Retry-After"]) > 0 and limited.json()["message"]
    # Each token has its own allowance.
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
