"""Excel through the pages: export follows filters and scope; import checks, previews, refuses."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.directives import actions
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def directive(coordinator: User) -> Directive:
    directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=date(2021, 11, 1),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Nghị quyết về chuyển đổi số",
    )
    for code in ("UBND-T25", "UBND-T11"):
        actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=f"Nhiệm vụ {code}",
            lead_agency=Agency.objects.get(code=code),
            deadline=timezone.localdate() + timedelta(days=10),
        )
    return directive


def _sheet(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_export_holds_only_the_tasks_in_scope(phutho_officer: User, directive: Directive) -> None:
    response = client_for(phutho_officer).get("/directives/tasks/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = str(_sheet(response.content))
    assert "Nhiệm vụ UBND-T25" in text and "Nhiệm vụ UBND-T11" not in text


def test_export_follows_the_filters(coordinator: User, directive: Directive) -> None:
    rows = _sheet(
        client_for(coordinator).get("/directives/tasks/export.xlsx", {"agency": "UBND-T11"}).content
    )
    assert "Nhiệm vụ UBND-T11" in str(rows) and "Nhiệm vụ UBND-T25" not in str(rows)


def test_statistics_export_opens(coordinator: User, directive: Directive) -> None:
    response = client_for(coordinator).get("/directives/statistics/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) >= 2
    assert "Ủy ban nhân dân tỉnh Điện Biên" in str(
        [list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets]
    )


def _filled_template(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(client_template()))
    sheet = workbook.worksheets[0]
    header_row = next(
        i
        for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        if row and any(cell and "Nội dung" in str(cell) for cell in row)
    )
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=header_row + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def client_template() -> bytes:
    from dxgov.directives import excel

    return excel.import_template()


def test_import_page_dry_run_then_import(coordinator: User, directive: Directive) -> None:
    client = client_for(coordinator)
    assert client.get("/directives/tasks/import/template.xlsx").status_code == 200
    data = _filled_template(
        [
            [
                "155/NQ-CP",
                "Xây dựng kho dữ liệu dùng chung",
                "BCA",
                "",
                "31/12/2026",
                "Kho dữ liệu",
                "x",
            ]
        ]
    )
    before = Task.objects.count()
    dry = client.post(
        "/directives/tasks/import/", {"file": SimpleUploadedFile("nv.xlsx", data), "dry_run": "on"}
    )
    assert "Xây dựng kho dữ liệu dùng chung" in dry.content.decode()
    assert Task.objects.count() == before
    client.post("/directives/tasks/import/", {"file": SimpleUploadedFile("nv.xlsx", data)})
    assert Task.objects.count() == before + 1


@pytest.mark.parametrize(
    ("bad_row", "fragments"),
    [
        (
            ["155/NQ-CP", "Nhiệm vụ sai", "BCA", "", "31/13/2026", "", ""],
            ["Thời hạn", "31/13/2026"],
        ),
        (["155/NQ-CP", "Nhiệm vụ sai", "KHONG-CO", "", "31/12/2026", "", ""], ["KHONG-CO"]),
    ],
)
def test_import_page_shows_cell_errors_and_saves_nothing(
    coordinator: User, directive: Directive, bad_row: list[object], fragments: list[str]
) -> None:
    data = _filled_template(
        [["155/NQ-CP", "Nhiệm vụ tốt", "BCA", "", "31/12/2026", "", ""], bad_row]
    )
    before = Task.objects.count()
    html = (
        client_for(coordinator)
        .post("/directives/tasks/import/", {"file": SimpleUploadedFile("nv.xlsx", data)})
        .content.decode()
    )
    assert "Chưa lưu gì" in html
    assert all(fragment in html for fragment in fragments)
    assert '<td class="num">3</td>' in html  # the bad row, as Excel numbers it
    assert Task.objects.count() == before


def test_officer_cannot_import(phutho_officer: User) -> None:
    assert client_for(phutho_officer).get("/directives/tasks/import/").status_code == 403


def test_statistics_export_by_status_has_one_status_a_row(
    coordinator: User, directive: Directive
) -> None:
    # Issue 16 §3: each status name was split into one character per cell.
    response = client_for(coordinator).get("/directives/statistics/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Theo trạng thái"].iter_rows(values_only=True))
    assert rows[0] == ("Nhóm", "Giá trị")
    by_status = {row[0]: row[1] for row in rows[1:]}
    assert all(len(row) == 2 for row in rows)
    assert by_status["Quá hạn"] == 0
    assert sum(by_status.values()) == 2
