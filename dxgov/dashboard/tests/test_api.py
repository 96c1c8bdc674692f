"""GET /api/v1/warnings: the command centre's early warnings for other systems, per agency and
scoped like the rest of the API (an agency outside the caller's scope is a 404)."""

from __future__ import annotations

from typing import Any

import pytest

from dxgov.accounts.models import User
from dxgov.dashboard import sources
from dxgov.dashboard.tests.world import DashWorld
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/warnings"


def test_an_agencys_warnings_are_the_dashboards(world: DashWorld, dienbien_leader: User) -> None:
    client = client_for(dienbien_leader)
    response = client.get(URL, {"agency": "UBND-T11"})
    assert response.status_code == 200
    body = response.json()
    assert body["agency"] == {"code": "UBND-T11", "name": Agency.objects.get(code="UBND-T11").name}
    expected = sources.early_warnings(
        dienbien_leader, Agency.objects.get(code="UBND-T11"), body["year"]
    )
    assert [item["title"] for item in body["items"]] == [item.title for item in expected.items]
    assert body["counts"]["indicators_off_track"] == expected.indicators_off_track >= 1
    indicator = next(item for item in body["items"] if item["title"] == world.rate.name)
    assert indicator["kind"] == "indicator" and indicator["kind_label"] == "Chỉ tiêu chệch hướng"
    assert indicator["severity"] in (1, 2) and indicator["link"].startswith("/dashboard/")
    assert "chệch hướng" in body["sentence"]


def test_scope(world: DashWorld, dienbien_leader: User, coordinator: User) -> None:
    client = client_for(dienbien_leader)
    assert client.get(URL, {"agency": "UBND-T25"}).status_code == 404
    assert client.get(URL, {"agency": "ZZ-KHONG-CO"}).status_code == 404
    national = client.get(URL).json()
    assert national["agency"]["code"] == "CP"
    # Tasks, reports and sources only in the caller's scope, even on the national overview.
    assert all(
        item["agency"]["code"] in {"CP", "UBND-T11"} or item["kind"] == "indicator"
        for item in national["items"]
        if item["kind"] != "indicator"
    )
    assert client_for(coordinator).get(URL, {"agency": "UBND-T25"}).status_code == 200


def test_anonymous_is_refused(world: DashWorld, client: Any) -> None:
    assert client.get(URL).status_code == 401
