"""Source systems of Phú Thọ and Điện Biên with their tokens, and a record factory."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dxgov.accounts.models import User
from dxgov.dossiers import actions
from dxgov.dossiers.models import SourceSystem
from dxgov.orgunits.models import Agency


def make_record(code_: str, **changes: Any) -> dict[str, Any]:
    """A valid `dxgov.dossier/1` record of Phú Thọ's science department."""
    record: dict[str, Any] = {
        "code": code_,
        "procedure_code": "1.001234",
        "agency_code": "SO-25-KHCN",
        "submitted_at": "2025-07-01T08:00:00+07:00",
        "received_at": "2025-07-01T08:30:00+07:00",
        "due_at": "2025-07-10T17:00:00+07:00",
        "finished_at": "2025-07-08T10:00:00+07:00",
        "processing_time": {"value": 7, "unit": "working_day"},
        "channel": 2,
        "filed_on_dvcqg": True,
        "status_history": [
            {"status": "received", "at": "2025-07-01T08:30:00+07:00"},
            {"status": "supplement_requested", "at": "2025-07-02T09:00:00+07:00"},
            {"status": "supplement_completed", "at": "2025-07-03T09:00:00+07:00"},
            {"status": "finished", "at": "2025-07-08T10:00:00+07:00"},
        ],
        "result_code": "KQ-1",
        "result_file_url": "https://ketqua.example.vn/1.pdf",
        "has_digitised_component": False,
        "documents": [{"name": "Đơn", "digitised": True, "from_personal_store": False}],
        "vneid_authenticated": True,
        "population_db_code": None,
        "fees": [{"name": "Lệ phí", "amount": 50000}],
        "paid_online": 1,
        "synced_to_dvcqg": True,
        "rating": 5,
        "petitions": [],
        "updated_at": "2025-07-08T10:05:00+07:00",
    }
    record.update(changes)
    return record


def make_source(code: str, agency_code: str) -> tuple[SourceSystem, str]:
    admin = User.objects.get(username="quantri")
    agency = Agency.objects.get(code=agency_code)
    source = actions.create_source(
        acting_user=admin, code=code, name=f"Một cửa {agency.name}", owner=agency, agencies=[agency]
    )
    _token, raw = actions.issue_token(acting_user=admin, source=source)
    return source, raw


@pytest.fixture
def phutho_source(db: Any) -> tuple[SourceSystem, str]:
    return make_source("PT-MOTCUA", "UBND-T25")


@pytest.fixture
def dienbien_source(db: Any) -> tuple[SourceSystem, str]:
    return make_source("DB-MOTCUA", "UBND-T11")


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture(autouse=True)
def own_hooks_only() -> Any:
    """These tests see only the hooks they connect (scoring tests its own receiver)."""
    from dxgov.dossiers.signals import after_batch, before_write

    saved = list(after_batch.receivers), list(before_write.receivers)
    after_batch.receivers.clear()
    before_write.receivers.clear()
    yield after_batch
    after_batch.receivers[:], before_write.receivers[:] = saved
