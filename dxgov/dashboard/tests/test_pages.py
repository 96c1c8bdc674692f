"""The command centre's pages over HTTP: what each shows, scope, live refresh of one block,
exports that open."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.accounts.testing import client_for
from dxgov.dashboard.tests.world import DashWorld

pytestmark = pytest.mark.django_db


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_overview_shows_every_block(world: DashWorld, coordinator: User) -> None:
    client = client_for(coordinator)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    body = text(response)
    for block in ("warnings", "indicators", "map", "tasks", "reporting"):
        assert f'id="block-{block}"' in body
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình" in body
    assert "Quần đảo Hoàng Sa (TP Đà Nẵng)" in body
    assert "Quần đảo Trường Sa (tỉnh Khánh Hòa)" in body
    assert body.count('class="province"') == 34
