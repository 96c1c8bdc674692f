"""Issue 16 §3: the 766 ranking defaulted to the running month and silently ranked 31 of the 34
provinces. Every default is now the latest complete period (reports.latest_complete_period,
also the command centre's), and the units without a score are listed with the reason."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.dashboard import sources as dashboard_sources
from dxgov.dossiers.models import SourceSystem
from dxgov.orgunits.models import Agency
from dxgov.scoring import gaps, periods, reports
from dxgov.scoring.models import MonthCounts, Score
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

BEGINS = datetime(2026, 11, 1, tzinfo=UTC)


def test_why_a_unit_is_unscored() -> None:
    before, during = BEGINS - timedelta(days=3), BEGINS + timedelta(days=3)
    assert gaps.gap(has_source=False, last_contact=None, period_begins=BEGINS, dossiers=0) == (
        gaps.Gap.NO_SOURCE
    )
    for silent in (None, before):
        assert gaps.gap(has_source=True, last_contact=silent, period_begins=BEGINS, dossiers=0) == (
            gaps.Gap.SOURCE_SILENT
        )
    assert gaps.gap(has_source=True, last_contact=during, period_begins=BEGINS, dossiers=0) == (
        gaps.Gap.NO_DOSSIERS
    )
    assert gaps.gap(has_source=True, last_contact=during, period_begins=BEGINS, dossiers=4) == (
        gaps.Gap.NOT_SCORED
    )
    with translation.override("vi"):
        assert gaps.explain(gaps.Gap.SOURCE_SILENT, datetime(2026, 10, 28, 20, tzinfo=UTC)) == (
            "hệ thống nguồn hồ sơ không gửi dữ liệu từ ngày 29/10/2026"
        )


def test_the_last_complete_period() -> None:
    today = date(2026, 12, 7)
    assert periods.last_complete("month", today) == periods.Period("month", date(2026, 11, 1))
    assert periods.last_complete("quarter", today) == periods.Period("quarter", date(2026, 7, 1))
    assert periods.last_complete("year", today) == periods.Period("year", date(2025, 1, 1))


NO_SOURCE, SILENT, NO_DOSSIERS = "UBND-T12", "UBND-T51", "UBND-T68"


@pytest.fixture
def running_month() -> periods.Period:
    """Every province scored last month; this month, all but three: Lai Châu has no source,
    Quảng Ngãi's source fell silent before the month began, Lâm Đồng's reports but received
    nothing."""
    running = periods.of("month", timezone.localdate())
    provinces = list(reports.peers("provinces"))
    assert len(provinces) == 34
    scores = []
    for period in (running.previous(), running):
        for agency in provinces:
            if period == running and agency.code in {NO_SOURCE, SILENT, NO_DOSSIERS}:
                continue
            scores.append(_score(agency, period))
    Score.objects.bulk_create(scores)
    moment = {SILENT: periods.begins(running) - timedelta(days=2), NO_DOSSIERS: timezone.now()}
    for code, contact in moment.items():
        agency = Agency.objects.get(code=code)
        source = SourceSystem.objects.create(
            code=f"SRC-{code}",
            name=f"Nguồn {code}",
            owner=agency,
            user=User.objects.create(username=f"source-{code.lower()}"),
            last_contact_at=contact,
        )
        source.agencies.add(agency)
    MonthCounts.objects.create(agency=Agency.objects.get(code="UBND-T25"), month=running.start)
    return running


def _score(agency: Agency, period: periods.Period) -> Score:
    points = Decimal(50 + agency.pk % 40)
    return Score(
        agency=agency,
        period_kind=period.kind,
        period_start=period.start,
        ruleset=reports.RULESET,
        total=points,
        publicity=0,
        progress=0,
        online=0,
        payment=0,
        digitisation=0,
        satisfaction=0,
    )


def test_every_default_is_the_last_complete_month(
    running_month: periods.Period, coordinator: User
) -> None:
    complete = running_month.previous()
    assert reports.latest_complete_period("month") == complete
    assert reports.choose_period(None) == complete
    assert dashboard_sources.ranking_766().period == complete
    client = client_for(coordinator)
    page = client.get("/scores/").content.decode()
    assert f"?period={complete.code}" in page and 'id="unranked"' not in page
    api = client.get("/api/v1/scores/ranking").json()
    assert api["period"] == complete.code and len(api["rows"]) == 34 and api["unranked"] == []


def test_the_units_left_out_are_listed_with_why(
    running_month: periods.Period, coordinator: User
) -> None:
    client = client_for(coordinator)
    code = running_month.code
    page = client.get(f"/scores/?period={code}").content.decode()
    listed = page[page.index('id="unranked"') :]
    assert "3 đơn vị chưa có điểm trong kỳ này" in listed
    assert "Ủy ban nhân dân tỉnh Lai Châu</a>: chưa kết nối hệ thống nguồn hồ sơ nào" in listed
    assert "Quảng Ngãi</a>: hệ thống nguồn hồ sơ không gửi dữ liệu từ ngày" in listed
    assert "Lâm Đồng</a>: không nhận được hồ sơ nào trong kỳ" in listed
    api = client.get("/api/v1/scores/ranking", {"period": code}).json()
    assert len(api["rows"]) == 31
    assert [(u["code"], u["gap"]) for u in api["unranked"]] == [
        (NO_SOURCE, "no_source"),
        (NO_DOSSIERS, "no_dossiers"),
        (SILENT, "source_silent"),
    ]
    book = load_workbook(
        io.BytesIO(client.get(f"/scores/export/?period={code}&format=xlsx").content)
    )
    left_out = list(book["Chưa xếp hạng"].iter_rows(values_only=True))
    assert left_out[0] == ("Mã", "Cơ quan", "Lý do") and len(left_out) == 4
    body = json.loads(client.get(f"/scores/export/?period={code}&format=json").content)
    assert len(body["unranked"]) == 3
