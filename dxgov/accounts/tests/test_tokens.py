"""API tokens: hashed at rest, carry the user's scope, can be revoked and expire."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dxgov.accounts import actions
from dxgov.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_is_stored_only_as_a_digest(phutho_officer: User) -> None:
    token, raw = actions.create_token(acting_user=None, user=phutho_officer, name="sync")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    values = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in values


def test_bearer_token_acts_as_its_user_with_its_scope(phutho_officer: User) -> None:
    _, raw = actions.create_token(acting_user=None, user=phutho_officer, name="sync")
    client = Client()
    me = client.get("/api/v1/me", **_bearer(raw))
    assert me.status_code == 200
    assert me.json()["username"] == "phutho.canbo"
    assert me.json()["agency"]["code"] == "UBND-T25"
    assert client.get("/api/v1/agencies/UBND-T11/staff", **_bearer(raw)).status_code == 404


def test_revoked_token_is_refused(phutho_officer: User) -> None:
    token, raw = actions.create_token(acting_user=None, user=phutho_officer, name="sync")
    actions.revoke_token(acting_user=None, token=token, reason="leaked")
    response = Client().get("/api/v1/me", **_bearer(raw))
    assert response.status_code == 401
    assert "message" in response.json()


def test_expired_token_is_refused(phutho_officer: User) -> None:
    token, raw = actions.create_token(acting_user=None, user=phutho_officer, name="sync")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/me", **_bearer(raw)).status_code == 401


def test_unknown_token_is_refused() -> None:
    assert Client().get("/api/v1/me", **_bearer("dxg_forged")).status_code == 401


def test_token_of_a_deactivated_user_is_refused(phutho_officer: User) -> None:
    _, raw = actions.create_token(acting_user=None, user=phutho_officer, name="sync")
    User.objects.filter(pk=phutho_officer.pk).update(is_active=False)
    assert Client().get("/api/v1/me", **_bearer(raw)).status_code == 401


def test_cli_prints_a_working_token_once_and_lists_only_prefixes(phutho_officer: User) -> None:
    out = io.StringIO()
    call_command("token", "create", "--user", "phutho.canbo", "--name", "cli-test", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("dxg_")
    assert Client().get("/api/v1/me", **_bearer(raw)).status_code == 200
    listing = io.StringIO()
    call_command("token", "list", "--user", "phutho.canbo", stdout=listing)
    assert raw not in listing.getvalue() and raw[:10] in listing.getvalue()
    call_command("token", "revoke", "--prefix", raw[:10], stdout=io.StringIO())
    assert Client().get("/api/v1/me", **_bearer(raw)).status_code == 401


def test_session_api_writes_need_csrf(phutho_leader: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(phutho_leader)
    response = client.patch(
        "/api/v1/agencies/UBND-T25", '{"email": "a@b.vn"}', content_type="application/json"
    )
    assert response.status_code in {401, 403}
