"""The Excel form (download, fill, upload back) and the official .docx, over real HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.indicators.models import Indicator
from dxgov.reporting import document, excel
from dxgov.reporting.models import DataValue, Report, ReportDefinition
from dxgov.testing import reporting as t
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

PERIOD = "202503"
ALL: dict[str, t.Typed] = {"RIO-HS": "1", "RIO-TL": ("1", "2"), "RIO-KH": "không"}
COUNT_ROW, RATIO_ROW, YES_ROW = excel.FIRST_ROW, excel.FIRST_ROW + 1, excel.FIRST_ROW + 2


@pytest.fixture
def form(coordinator: User) -> dict[str, Any]:
    count = t.count_indicator(
        coordinator, "RIO-HS", name="Số hồ sơ tiếp nhận", max_value=Decimal(100000)
    )
    ratio = t.ratio_indicator(coordinator, "RIO-TL", name="Tỷ lệ hồ sơ trực tuyến")
    yes = t.indicator(coordinator, "RIO-KH", value_type="boolean", name="Có kế hoạch")
    definition = t.definition(coordinator, "RIO-BC", [count, ratio, yes])
    return {"definition": definition, "count": count, "ratio": ratio, "yes": yes}


def _url(definition: ReportDefinition, agency: str = t.PHUTHO, period: str = PERIOD) -> str:
    return reverse(
        "reporting_files:form_xlsx",
        kwargs={"definition_id": definition.pk, "agency_code": agency, "period": period},
    )


def _download(user: User, definition: ReportDefinition) -> bytes:
    response = client_for(user).get(_url(definition))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    return response.content


def _fill(data: bytes, cells: dict[str, Any]) -> bytes:
    workbook = load_workbook(BytesIO(data))
    sheet = workbook[excel.SHEET_TITLE]
    for ref, value in cells.items():
        sheet[ref] = value
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(user: User, definition: ReportDefinition, data: bytes, *, dry_run: bool) -> Any:
    body: dict[str, Any] = {"file": SimpleUploadedFile("bieu.xlsx", data)}
    if dry_run:
        body["dry_run"] = "on"
    return client_for(user).post(_url(definition), body)


def _values() -> dict[str, tuple[Any, ...]]:
    return {
        v.indicator.code: (v.value, v.numerator, v.denominator, v.version)
        for v in DataValue.objects.select_related("indicator").filter(agency__code=t.PHUTHO)
    }


# --- the workbook -----------------------------------------------------------------------------


def test_the_download_has_the_header_rows_and_locked_cells(
    form: dict[str, Any], phutho_officer: User
) -> None:
    t.enter(phutho_officer, form["definition"], t.PHUTHO, PERIOD, {"RIO-HS": "1.200"})
    sheet = load_workbook(BytesIO(_download(phutho_officer, form["definition"])))[excel.SHEET_TITLE]
    text = " ".join(str(c.value) for row in sheet.iter_rows(max_row=6) for c in row if c.value)
    assert "Ủy ban nhân dân tỉnh Phú Thọ" in text
    assert "Tháng 3/2025 (202503)" in text
    assert "15/02/2025 – 14/03/2025" in text  # the Art. 12 cut-off window
    assert "Hạn gửi báo cáo:" in text
    assert [sheet.cell(excel.HEADER_ROW, c).value for c in (1, 4, 5, 6)] == [
        "Mã chỉ tiêu",
        "Giá trị",
        "Tử số",
        "Mẫu số",
    ]
    assert sheet[f"A{COUNT_ROW}"].value == "RIO-HS"
    assert sheet[f"D{COUNT_ROW}"].value == 1200
    assert sheet[f"H{COUNT_ROW}"].value == 1  # the stored value's version, hidden
    assert sheet[f"H{RATIO_ROW}"].value is None
    assert sheet.column_dimensions["H"].hidden
    assert sheet.protection.sheet
    assert sheet["B2"].protection.locked and sheet[f"A{COUNT_ROW}"].protection.locked
    assert not sheet[f"D{COUNT_ROW}"].protection.locked
    assert not sheet[f"E{RATIO_ROW}"].protection.locked
    assert sheet[f"D{RATIO_ROW}"].protection.locked  # a ratio's value is computed
    hints = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert hints[f"D{COUNT_ROW}"].operator == "lessThanOrEqual"
    assert hints[f"D{COUNT_ROW}"].formula1 == "100000"
    assert hints[f"D{YES_ROW}"].type == "list"


def test_round_trip_saves_the_filled_values(form: dict[str, Any], phutho_officer: User) -> None:
    data = _fill(
        _download(phutho_officer, form["definition"]),
        {
            f"D{COUNT_ROW}": 1200,
            f"E{RATIO_ROW}": 900,
            f"F{RATIO_ROW}": 1200,
            f"D{YES_ROW}": "Có",
            f"G{COUNT_ROW}": "Số liệu một cửa",
        },
    )
    response = _upload(phutho_officer, form["definition"], data, dry_run=False)
    assert response.status_code == 200
    assert not response.context["result"].errors
    values = _values()
    assert values["RIO-HS"][0] == Decimal(1200)
    assert values["RIO-TL"][:3] == (Decimal(75), Decimal(900), Decimal(1200))
    assert values["RIO-KH"][0] == Decimal(1)
    assert DataValue.objects.get(indicator__code="RIO-HS").comment == "Số liệu một cửa"
    # Downloaded again, the form shows what was saved; uploaded unchanged, nothing changes.
    again = _download(phutho_officer, form["definition"])
    _upload(phutho_officer, form["definition"], again, dry_run=False)
    assert _values() == values


def test_a_bad_cell_is_named_and_nothing_is_saved(
    form: dict[str, Any], phutho_officer: User
) -> None:
    data = _fill(
        _download(phutho_officer, form["definition"]),
        {f"D{COUNT_ROW}": 250000, f"E{RATIO_ROW}": 900, f"F{RATIO_ROW}": 0},
    )
    response = _upload(phutho_officer, form["definition"], data, dry_run=False)
    page = response.content.decode()
    assert response.status_code == 200
    assert [e.cell for e in response.context["result"].errors] == [
        f"D{COUNT_ROW}",
        f"F{RATIO_ROW}",
    ]
    assert f"<td>D{COUNT_ROW}</td>" in page  # above the maximum
    assert f"<td>F{RATIO_ROW}</td>" in page  # a zero denominator
    assert not DataValue.objects.exists()
    assert not Report.objects.exists()


def test_text_that_is_not_a_number_is_refused_at_its_cell(
    form: dict[str, Any], phutho_officer: User
) -> None:
    data = _fill(_download(phutho_officer, form["definition"]), {f"D{COUNT_ROW}": "nhiều"})
    page = _upload(phutho_officer, form["definition"], data, dry_run=False).content.decode()
    assert f"<td>D{COUNT_ROW}</td>" in page
    assert not DataValue.objects.exists()


def test_dry_run_checks_and_saves_nothing(form: dict[str, Any], phutho_officer: User) -> None:
    data = _fill(_download(phutho_officer, form["definition"]), {f"D{COUNT_ROW}": 1200})
    response = _upload(phutho_officer, form["definition"], data, dry_run=True)
    assert response.status_code == 200
    assert response.context["result"].outcome.created == ["RIO-HS"]
    assert response.context["result"].dry_run
    assert not DataValue.objects.exists()
    assert not Report.objects.exists()


def test_a_value_changed_after_the_download_is_a_conflict(
    form: dict[str, Any], phutho_officer: User, phutho_leader: User
) -> None:
    t.enter(phutho_officer, form["definition"], t.PHUTHO, PERIOD, {"RIO-HS": "100"})
    data = _download(phutho_officer, form["definition"])  # version 1 of RIO-HS
    t.enter(phutho_leader, form["definition"], t.PHUTHO, PERIOD, {"RIO-HS": "150"})  # version 2
    filled = _fill(data, {f"D{COUNT_ROW}": 120})
    response = _upload(phutho_officer, form["definition"], filled, dry_run=False)
    errors = response.context["result"].errors
    assert [e.cell for e in errors] == [f"D{COUNT_ROW}"]
    assert _values()["RIO-HS"][0] == Decimal(150)  # the leader's figure stands


def test_a_form_of_another_period_or_a_foreign_file_is_refused(
    form: dict[str, Any], phutho_officer: User
) -> None:
    other = reverse(
        "reporting_files:form_xlsx",
        kwargs={
            "definition_id": form["definition"].pk,
            "agency_code": t.PHUTHO,
            "period": "202504",
        },
    )
    data = client_for(phutho_officer).get(other).content
    response = _upload(phutho_officer, form["definition"], data, dry_run=False)
    assert "202504" in str(response.context["result"].errors[0])
    pdf = client_for(phutho_officer).post(
        _url(form["definition"]), {"file": SimpleUploadedFile("bieu.xlsx", b"%PDF-1.7\n")}
    )
    assert pdf.context["result"].errors
    assert not DataValue.objects.exists()


def test_form_scope_and_roles(
    form: dict[str, Any], phutho_officer: User, phutho_viewer: User, dienbien_officer: User
) -> None:
    assert client_for(dienbien_officer).get(_url(form["definition"])).status_code == 404
    assert client_for(phutho_viewer).get(_url(form["definition"])).status_code == 200
    data = _fill(_download(phutho_officer, form["definition"]), {f"D{COUNT_ROW}": 5})
    assert _upload(phutho_viewer, form["definition"], data, dry_run=False).status_code == 403
    assert _upload(dienbien_officer, form["definition"], data, dry_run=False).status_code == 404
    # A period of another frequency, or an agency that does not send the report: no such form.
    wrong = _url(form["definition"], period="2025Q1")
    assert client_for(phutho_officer).get(wrong).status_code == 404
    assert client_for(phutho_officer).get(_url(form["definition"], "SO-25-KHCN")).status_code == 404
    assert not DataValue.objects.exists()


def test_parse_form_never_raises_on_garbage() -> None:
    for data in (b"", b"PK\x03\x04broken", b"not a workbook", excel.form_workbook(_sheet())[:500]):
        parsed = excel.parse_form(data)
        assert parsed.errors and not parsed.rows


def _sheet() -> excel.FormSheet:
    return excel.FormSheet(
        definition_id=1,
        definition_code="X",
        definition_name="X",
        agency_code="A",
        agency_name="A",
        period_code=PERIOD,
        period_label="Tháng 3/2025",
        cutoff_start=date(2025, 2, 15),
        cutoff_end=date(2025, 3, 14),
        due_date=date(2025, 3, 18),
        rows=[excel.FormRow(code="A1", name="=HYPERLINK(1)", unit="", value_type="count")],
    )


def test_user_text_never_becomes_a_formula() -> None:
    sheet = load_workbook(BytesIO(excel.form_workbook(_sheet())))[excel.SHEET_TITLE]
    assert sheet[f"B{excel.FIRST_ROW}"].data_type == "s"


# --- the official document --------------------------------------------------------------------


def _docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    doc = Document(BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = []
    for table in doc.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            tables.append(cells)
            paragraphs.extend(cells)
    return "\n".join(paragraphs), tables


def test_document_holds_the_header_table_and_signature(
    form: dict[str, Any],
    coordinator: User,
    phutho_officer: User,
    phutho_leader: User,
    phutho_viewer: User,
) -> None:
    definition = form["definition"]
    count: Indicator = form["count"]
    t.approved_report(
        phutho_officer, phutho_leader, definition, t.PHUTHO, "202403", ALL | {"RIO-HS": "800"}
    )
    report = t.approved_report(
        phutho_officer,
        phutho_leader,
        definition,
        t.PHUTHO,
        PERIOD,
        {"RIO-HS": "1.200", "RIO-TL": ("900", "1200"), "RIO-KH": "có"},
    )
    t.target(coordinator, count, 2025, "12000", agency_code=t.PHUTHO, revised="15000")
    response = client_for(phutho_viewer).get(
        reverse("reporting_files:report_document", kwargs={"report_id": report.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == document.DOCX_CONTENT_TYPE
    text, rows = _docx_text(response.content)
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số:      /BC-UBND",
        "BÁO CÁO",
        "Báo cáo RIO-BC",
        "Tháng 3/2025",
        "từ ngày 15/02/2025 đến ngày 14/03/2025",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
    ):
        assert expected in text, expected
    assert "Phú Thọ, ngày " in text
    leader_name = phutho_leader.full_name or phutho_leader.get_username()
    assert leader_name in text
    header = next(r for r in rows if r[0] == "STT")
    assert header[1] == "Chỉ tiêu"
    line = next(r for r in rows if r[1] == "Số hồ sơ tiếp nhận")
    # this period, the year's target as first approved and as revised, the same month of 2024
    assert line[2:7] == ["hồ sơ", "1.200", "12.000", "15.000", "800"]
    ratio = next(r for r in rows if r[1] == "Tỷ lệ hồ sơ trực tuyến")
    assert ratio[3] == "75,0 (900,0/1.200,0)"
    assert next(r for r in rows if r[1] == "Có kế hoạch")[3] == "Có"
    # Times New Roman throughout, 13–14 pt in the body.
    doc = Document(BytesIO(response.content))
    assert {run.font.name for p in doc.paragraphs for run in p.runs} == {document.FONT}


def test_document_number_when_set_and_scope(
    form: dict[str, Any], phutho_officer: User, dienbien_officer: User, phutho_leader: User
) -> None:
    report = t.approved_report(
        phutho_officer, phutho_leader, form["definition"], t.PHUTHO, PERIOD, ALL
    )
    url = reverse("reporting_files:report_document", kwargs={"report_id": report.pk})
    assert client_for(dienbien_officer).get(url).status_code == 404
    Report.objects.filter(pk=report.pk).update(document_number="15/BC-UBND")
    text, _rows = _docx_text(client_for(phutho_officer).get(url).content)
    assert "Số: 15/BC-UBND" in text


def test_date_line_and_numbers_follow_decree_30() -> None:
    assert document.date_line("Phú Thọ", date(2026, 3, 20)) == "Phú Thọ, ngày 20 tháng 3 năm 2026"
    assert document.date_line("Hà Nội", date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert document.date_line("Hà Nội", date(2026, 11, 9)) == "Hà Nội, ngày 09 tháng 11 năm 2026"
    assert document.number_line("", "BC-UBND") == "Số:      /BC-UBND"
    assert document.format_number(Decimal("1234567.85"), 1) == "1.234.567,9"
    assert document.format_number(Decimal("-1200"), 0) == "-1.200"
    assert document.format_number(None) == ""
