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


def test_api_docs_load_nothing_from_outside(client) -> None:  # type: ignore[no-untyped-def]
    from dxgov.accounts.models import User

    client.force_login(User.objects.get(username="phutho.canbo"))
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html and "https://" not in html


def test_pages_load_nothing_from_outside(client) -> None:  # type: ignore[no-untyped-def]
    import re

    html = client.get("/accounts/login/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") or s.startswith("#") for s in sources), sources
