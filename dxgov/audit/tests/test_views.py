"""The audit page: who may see it, and what it says when the ledger holds and when it does not."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from dxgov.audit.actions import create_checkpoint
from dxgov.audit.models import AuditEvent, VerificationRun
from dxgov.audit.tests.test_checkpoints import append
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def test_administrator_sees_status_checkpoint_and_latest_events(admin_user: Any) -> None:
    append(3)
    checkpoint = create_checkpoint(acting_user=admin_user)
    assert checkpoint is not None
    response = client_for(admin_user).get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sổ nhật ký kiểm toán" in html and "Chuỗi nguyên vẹn" in html
    assert f"{checkpoint.seq_from}–{checkpoint.seq_to}" in html
    assert "Đã ký điểm chốt nhật ký kiểm toán" in html  # the latest event's type
    assert 'href="/audit/"' in html  # in the navigation


def test_coordinator_sees_a_tampered_event(coordinator: Any) -> None:
    append(2)
    seq = AuditEvent.objects.get(target_type="test", target_id="1").seq
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["x", seq])
    html = client_for(coordinator).get("/audit/").content.decode()
    assert f"Sự kiện {seq} đã bị sửa đổi" in html
    assert "Chưa có điểm chốt nào được ký" in html


def test_english_switch(admin_user: Any) -> None:
    client = client_for(admin_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/audit/"})
    assert "Chain intact" in client.get("/audit/").content.decode()


@pytest.mark.parametrize("who", ["phutho_leader", "phutho_officer", "phutho_viewer"])
def test_other_roles_are_refused(who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    response = client_for(user).get("/audit/")
    assert response.status_code == 403
    assert 'href="/audit/"' not in client_for(user).get("/").content.decode()


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_large_ledger_shows_the_last_full_verification(coordinator: Any) -> None:
    with override_settings(DXGOV_AUDIT_PAGE_VERIFY_LIMIT=0):
        before = client_for(coordinator).get("/audit/").content.decode()
        assert "Chưa kiểm tra: chạy dxgov audit verify" in before  # not verified yet
        call_command("audit", "verify", stdout=io.StringIO())
        run = VerificationRun.objects.get()
        assert run.ok and run.events > 0
        after = client_for(coordinator).get("/audit/").content.decode()
    assert "Lần kiểm tra toàn bộ gần nhất" in after and "Chưa kiểm tra" not in after
    # Verifying writes nothing into the chain it judges.
    assert not AuditEvent.objects.filter(event_type="audit.verified").exists()
