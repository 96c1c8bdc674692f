"""Issue 16 §3: the task league table ranked "Ủy ban nhân dân tỉnh Ninh Thuận", which ceased to
exist on 1 July 2025, first, beside today's agencies, without saying so. By default it now ranks
today's agencies, a ceased agency's tasks counted for its successor and marked; the agencies as
they were stay one click away. Page and .xlsx."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.directives import actions, summary
from dxgov.directives.models import Directive, DirectiveKind
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

NINH_THUAN, KHANH_HOA, PHU_THO = "UBND-T58-CU", "UBND-T56", "UBND-T25"


def test_regrouping_onto_today_s_agencies() -> None:
    today_of = summary.agencies_of_today({"A-CU": "B-CU", "B-CU": "C", "X-CU": "Y"})
    assert today_of == {"A-CU": "C", "B-CU": "C", "X-CU": "Y"}
    counts, taken = summary.regroup(
        {"A-CU": {"done_on_time": 2}, "C": {"done_on_time": 1, "open": 1}, "Z": {"open": 3}},
        today_of,
    )
    assert counts == {"C": {"done_on_time": 3, "open": 1}, "Z": {"open": 3}}
    assert taken == {"C": ["A-CU"]}
    assert summary.agencies_of_today({"P": "Q", "Q": "P"}) == {"P": "P", "Q": "Q"}


@pytest.fixture
def tasks(coordinator: User, phutho_officer: User) -> None:
    """Ninh Thuận completed two tasks on time in 2024; Phú Thọ one on time and one late."""
    directive: Directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="05/CT-TTg",
        issued_on=date(2024, 1, 2),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị về chuyển đổi số",
    )
    plan = [
        (NINH_THUAN, date(2024, 6, 30), date(2024, 6, 1)),
        (NINH_THUAN, date(2024, 9, 30), date(2024, 9, 1)),
        (PHU_THO, date(2024, 6, 30), date(2024, 6, 1)),
        (PHU_THO, date(2024, 6, 30), date(2024, 7, 15)),
    ]
    for code, deadline, completed in plan:
        task = actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=f"Nhiệm vụ của {code}",
            lead_agency=Agency.objects.get(code=code),
            deadline=deadline,
            today=date(2024, 1, 3),
        )
        # Recorded as the history it is: completion confirmed by the coordinator.
        task.status, task.completed_on = (
            "done_on_time" if completed <= deadline else "done_late",
            completed,
        )
        task.save(update_fields=["status", "completed_on"])


def _league(html: str) -> list[tuple[str, str]]:
    table = html[html.index("<h2>Bảng xếp hạng") :]
    rows = re.findall(r'<td class="num">(\d+)</td><td><a href="[^"]+">([^<]+)</a>', table)
    return [(rank, name) for rank, name in rows]


def test_today_s_agencies_by_default_the_past_one_click_away(
    coordinator: User, tasks: None
) -> None:
    client = client_for(coordinator)
    html = client.get("/directives/statistics/").content.decode()
    assert _league(html) == [
        ("1", "Ủy ban nhân dân tỉnh Khánh Hòa"),
        ("2", "Ủy ban nhân dân tỉnh Phú Thọ"),
    ]
    assert "tính cả nhiệm vụ của Ủy ban nhân dân tỉnh Ninh Thuận" in html
    as_was = re.search(r'<a href="\?([^"]*view=as_was[^"]*)">', html)
    assert as_was is not None
    past = client.get(f"/directives/statistics/?{as_was.group(1)}").content.decode()
    assert _league(past) == [
        ("1", "Ủy ban nhân dân tỉnh Ninh Thuận"),
        ("2", "Ủy ban nhân dân tỉnh Phú Thọ"),
    ]
    assert "không còn từ ngày 01/07/2025" in past

    book = load_workbook(io.BytesIO(client.get("/directives/statistics/export.xlsx").content))
    rows = list(book["Bảng xếp hạng"].iter_rows(values_only=True))
    assert rows[1][1] == "Ủy ban nhân dân tỉnh Khánh Hòa"
    assert "Ninh Thuận" in rows[1][-1] and rows[2][1] == "Ủy ban nhân dân tỉnh Phú Thọ"
    past_book = load_workbook(
        io.BytesIO(client.get("/directives/statistics/export.xlsx?view=as_was").content)
    )
    assert list(past_book["Bảng xếp hạng"].iter_rows(values_only=True))[1][1] == (
        "Ủy ban nhân dân tỉnh Ninh Thuận"
    )
