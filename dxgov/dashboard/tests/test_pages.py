"""The command centre's pages over HTTP: what each shows, scope, live refresh of one block,
exports that open."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.dashboard.tests.world import DashWorld
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_overview_shows_every_block(world: DashWorld, coordinator: User) -> None:
    client = client_for(coordinator)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    body = text(response)
    for block in ("warnings", "indicators", "map", "ranking", "tasks", "reporting"):
        assert f'id="block-{block}"' in body
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình" in body
    assert "Quần đảo Hoàng Sa (TP Đà Nẵng)" in body
    assert "Quần đảo Trường Sa (tỉnh Khánh Hòa)" in body
    assert body.count('class="province"') == 34


def test_overview_numbers_link_and_blocks_refresh_alone(
    world: DashWorld, phutho_viewer: User
) -> None:
    client = client_for(phutho_viewer)
    body = text(client.get("/dashboard/"))
    assert f"/dashboard/agency/CP/indicator/{world.rate.pk}/" in body
    assert "/directives/tasks/?status=overdue" in body
    only = client.get("/dashboard/?block=tasks")
    assert only.status_code == 200
    assert text(only).lstrip().startswith('<section class="dash-block block-tasks"')
    assert client.get("/dashboard/?block=nosuch").status_code == 404


def test_map_colours_only_provinces_in_scope(world: DashWorld, phutho_viewer: User) -> None:
    body = text(client_for(phutho_viewer).get(f"/dashboard/map/?show=indicator:{world.rate.pk}"))
    # Phú Thọ is a link with its value; Điện Biên and TP.HCM are outside the viewer's scope.
    assert 'href="/dashboard/agency/UBND-T25/"' in body
    assert 'href="/dashboard/agency/UBND-T11/"' not in body
    assert "Tỉnh Điện Biên: " in body
    assert "15,0%" not in body  # Điện Biên's latest rate, shown only to those who see it
    assert body.count('class="province"') == 1


def test_coordinator_map_links_all_34(world: DashWorld, coordinator: User) -> None:
    body = text(client_for(coordinator).get(f"/dashboard/map/?show=indicator:{world.rate.pk}"))
    assert body.count('class="province"') == 34
    assert "Tỉnh Điện Biên: 15,0%" in body


def test_agency_page_drills_down_to_communes(world: DashWorld, phutho_leader: User) -> None:
    client = client_for(phutho_leader)
    response = client.get(f"/dashboard/agency/UBND-T25/?indicator={world.rate.pk}")
    assert response.status_code == 200
    body = text(response)
    assert world.commune.name in body
    assert f"/dashboard/agency/{world.commune.code}/indicator/{world.rate.pk}/" in body
    assert client.get("/dashboard/agency/UBND-T11/").status_code == 404


def test_commune_indicator_shows_values_reports_and_history(
    world: DashWorld, phutho_leader: User
) -> None:
    client = client_for(phutho_leader)
    url = f"/dashboard/agency/{world.commune.code}/indicator/{world.rate.pk}/"
    body = text(client.get(url))
    assert "/reports/" in body  # each value links to the report behind it
    assert "Số liệu thử" in body  # the change history with its comments
    assert body.count("<tr>") >= 3


def test_province_figure_counts_only_approved_reports(world: DashWorld) -> None:
    from dxgov.dashboard import sources

    fig = sources.figure(world.rate, world.pending.agency, int(world.period[:4]))
    assert fig.latest is not None and fig.latest.period != world.period  # pending: not counted
    assert fig.current == 62  # Phú Thọ's third month: 60 + 2
    national = sources.figure(world.rate, None, int(world.period[:4]))
    assert national.latest is not None and national.latest.period == world.period
    # Điện Biên 15 and TP.HCM 88 over 200 (Phú Thọ's is not approved yet): 51.5%.
    assert national.current == Decimal("51.5")


def test_exports_open(world: DashWorld, coordinator: User) -> None:
    client = client_for(coordinator)
    response = client.get("/dashboard/export/indicators.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Indicator" or rows[0][0] == "Chỉ tiêu"
    assert any("Tỷ lệ hồ sơ trực tuyến toàn trình" in row[0] for row in rows[1:])
    response = client.get(f"/dashboard/agency/UBND-T25/indicator/{world.rate.pk}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None and sheet.max_row >= 4
    assert client.get("/dashboard/export/map.xlsx?show=compliance").status_code == 200
    assert client.get("/dashboard/export/tasks.pdf").status_code == 404
    compare = client.get("/dashboard/compare/export.csv?a=UBND-T25&b=UBND-T11")
    assert compare.status_code == 200 and "Điện Biên" in compare.content.decode("utf-8-sig")


def test_compare_is_scoped(world: DashWorld, phutho_leader: User, coordinator: User) -> None:
    assert (
        client_for(coordinator).get("/dashboard/compare/?a=UBND-T25&b=UBND-T11").status_code == 200
    )
    client = client_for(phutho_leader)
    assert client.get("/dashboard/compare/?a=UBND-T25&b=UBND-T11").status_code == 404
    ok = client.get("/dashboard/compare/?a=UBND-T25&b=SO-25-KHCN")
    assert ok.status_code == 200 and 'id="block-compare"' in text(ok)


def test_wall_rotates_every_view(world: DashWorld, coordinator: User) -> None:
    body = text(client_for(coordinator).get("/dashboard/wall/?rotate=7"))
    assert 'data-rotate="7"' in body
    assert body.count('class="wall-view"') == 6  # the overview's six blocks, ranking included


def test_silhouette_is_cached_for_long(db: object, coordinator: User) -> None:
    response = client_for(coordinator).get("/dashboard/map/silhouette.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=31536000" in response["Cache-Control"]
    assert response.content.count(b"M") > 3000  # one square per commune
