"""Operations endpoints and error pages."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_database_and_migrations() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"


def test_not_found_page_is_vietnamese() -> None:
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_api_not_found_is_json() -> None:
    response = Client().get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.json()["message"]


def test_requests_are_logged_as_json(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="dxgov.request"):
        response = Client().get("/healthz?token=secret")
    record = next(r for r in caplog.records if r.name == "dxgov.request")
    assert record.path == "/healthz" and record.status == 200  # type: ignore[attr-defined]
    assert "secret" not in record.getMessage() and "secret" not in str(record.__dict__)
    assert response["X-Request-ID"]
