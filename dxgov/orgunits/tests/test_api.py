"""The unit and agency API: date-aware lookups, search, paging, clear errors."""

from __future__ import annotations

import pytest

from dxgov.accounts.models import User
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def test_code_15_is_yen_bai_before_and_lao_cai_after(phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    before = client.get("/api/v1/orgunits/15", {"on": "2025-06-30"}).json()
    after = client.get("/api/v1/orgunits/15", {"on": "2025-07-01"}).json()
    assert before["name"] == "Tỉnh Yên Bái" and before["valid_to"] == "2025-06-30"
    assert [s["name"] for s in before["succeeded_by"]] == ["Tỉnh Lào Cai"]
    assert after["name"] == "Tỉnh Lào Cai"
    assert {p["name"] for p in after["formed_from"]} == {"Tỉnh Lào Cai", "Tỉnh Yên Bái"}


@pytest.mark.parametrize(("on", "count"), [("2025-06-30", 63), ("2025-07-01", 34)])
def test_province_list_by_date(phutho_officer: User, on: str, count: int) -> None:
    body = (
        client_for(phutho_officer).get("/api/v1/orgunits", {"level": "province", "on": on}).json()
    )
    assert body["count"] == count
    assert len(body["items"]) == count


def test_communes_are_paginated_and_searchable_without_accents(phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    page = client.get("/api/v1/orgunits", {"level": "commune", "page_size": 50, "page": 2}).json()
    assert page["count"] == 3321 and len(page["items"]) == 50 and page["page"] == 2
    found = client.get("/api/v1/orgunits", {"level": "province", "q": "phu tho"}).json()
    assert [u["code"] for u in found["items"]] == ["25"]
    children = client.get("/api/v1/orgunits", {"parent": "11", "page_size": 1000}).json()
    assert children["count"] > 0
    assert all(u["parent_code"] == "11" for u in children["items"])


@pytest.mark.parametrize(
    ("path", "params", "status", "fragment"),
    [
        ("/api/v1/orgunits/15", {"on": "30/06/2025"}, 400, "YYYY-MM-DD"),
        ("/api/v1/orgunits/15", {"on": "1990-01-01"}, 400, "outside the registry"),
        ("/api/v1/orgunits", {"on": "2025-13-01"}, 400, "YYYY-MM-DD"),
        ("/api/v1/orgunits/99", {"on": "2025-07-01"}, 404, "No administrative unit has code 99"),
        ("/api/v1/orgunits/abc", {}, 404, "not a unit code"),
        ("/api/v1/orgunits/10", {"on": "2025-07-01"}, 404, "2025-06-30"),
        ("/api/v1/orgunits", {"level": "planet"}, 422, "level"),
        ("/api/v1/orgunits", {"page": 0}, 422, "page"),
    ],
)
def test_bad_input_gets_a_clear_json_message(
    phutho_officer: User, path: str, params: dict, status: int, fragment: str
) -> None:
    response = client_for(phutho_officer).get(path, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert fragment in response.json()["message"]


def test_a_code_in_use_at_another_time_says_when(phutho_officer: User) -> None:
    # Code 10 was Lào Cai until the merger; today it denotes nothing.
    message = (
        client_for(phutho_officer)
        .get("/api/v1/orgunits/10", HTTP_ACCEPT_LANGUAGE="en")
        .json()["message"]
    )
    assert "Tỉnh Lào Cai" in message and "2025-06-30" in message


def test_api_requires_authentication(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/orgunits")
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_agency_directory(phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    ministries = client.get("/api/v1/agencies", {"kind": "ministry", "on": "2025-07-01"}).json()
    assert ministries["count"] == 17
    before = client.get("/api/v1/agencies", {"kind": "ministry", "on": "2025-02-01"}).json()
    assert "BTTTT" in {a["code"] for a in before["items"]}
    assert "BNNMT" not in {a["code"] for a in before["items"]}


def test_openapi_schema_is_served(phutho_officer: User) -> None:
    schema = client_for(phutho_officer).get("/api/v1/openapi.json").json()
    assert "/api/v1/orgunits/{code}" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]
