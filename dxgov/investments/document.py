"""The weekly national disbursement report as an official document (.docx), Decree 30/2020.

Pure: a WeeklyDocument (plain values, texts already formatted) in, the bytes of a Word file
out. The letterhead (superior and issuing agency, number and symbol, national title and
motto, place and date) and the signature block are the report form's own
(`reporting.document`), so every document the platform issues looks alike; the body is
landscape A4 for the wide table: each unit's disbursement against both denominators, the
national average, above or below it, projects good / slow / unable to disburse, and the
year-end forecast.

The wording is fixed Vietnamese, not translated: it is an official document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from dxgov.reporting import document as official

DOCX_CONTENT_TYPE = official.DOCX_CONTENT_TYPE
HEADERS = (
    "STT",
    "Bộ, cơ quan, địa phương",
    "Kế hoạch Thủ tướng giao (triệu đồng)",
    "Tổng kế hoạch (triệu đồng)",
    "Giải ngân lũy kế (triệu đồng)",
    "Tỷ lệ/KH Thủ tướng giao (%)",
    "Tỷ lệ/tổng KH (%)",
    "So với bình quân cả nước",
    "Dự án tốt / chậm / không giải ngân được",
    "Dự báo đến 31/01 (%) và khả năng đạt 95%",
)
WIDTHS = (10, 55, 25, 25, 25, 20, 20, 22, 28, 37)


@dataclass(frozen=True)
class UnitRow:
    name: str
    assigned: str
    total: str
    disbursed: str
    rate_assigned: str
    rate_total: str
    against_average: str
    classes: str
    forecast: str


@dataclass(frozen=True)
class WeeklyDocument:
    plan_year: int
    week_end: date
    day: date
    place: str
    agency_name: str
    superior_name: str = ""
    number: str = ""
    national: UnitRow | None = None
    ministries: list[UnitRow] = field(default_factory=list)
    provinces: list[UnitRow] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # the findings, one paragraph each
    recipients: list[str] = field(default_factory=list)
    signer_titles: list[str] = field(default_factory=list)
    signer_name: str = ""


def _letterhead(data: WeeklyDocument) -> official.ReportDocument:
    return official.ReportDocument(
        agency_name=data.agency_name,
        report_name="",
        period_label="",
        cutoff_start=data.week_end,
        cutoff_end=data.week_end,
        day=data.day,
        place=data.place,
        number=data.number,
        symbol="BC-BTC",
        superior_name=data.superior_name,
        recipients=data.recipients,
        signer_titles=data.signer_titles,
        signer_name=data.signer_name,
    )


def _row(table: object, cells: tuple[str, ...], *, bold: bool = False) -> None:
    aligns = [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT] + [WD_ALIGN_PARAGRAPH.RIGHT] * 5
    aligns += [WD_ALIGN_PARAGRAPH.CENTER] * 3
    row = table.add_row().cells  # type: ignore[attr-defined]
    for cell, text, width, align in zip(row, cells, WIDTHS, aligns, strict=True):
        cell.width = Mm(width)
        official._cell_text(cell, text, 11, bold=bold, align=align)


def _unit_cells(number: str, unit: UnitRow) -> tuple[str, ...]:
    return (
        number,
        unit.name,
        unit.assigned,
        unit.total,
        unit.disbursed,
        unit.rate_assigned,
        unit.rate_total,
        unit.against_average,
        unit.classes,
        unit.forecast,
    )


def _table(document: object, data: WeeklyDocument) -> None:
    table = document.add_table(rows=1, cols=len(HEADERS))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header, width in zip(table.rows[0].cells, HEADERS, WIDTHS, strict=True):
        cell.width = Mm(width)
        official._cell_text(cell, header, 11, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if data.national is not None:
        _row(table, _unit_cells("", data.national), bold=True)
    for title, rows, numeral in (
        ("Các bộ, cơ quan trung ương", data.ministries, "I"),
        ("Các địa phương", data.provinces, "II"),
    ):
        _row(table, (numeral, title, "", "", "", "", "", "", "", ""), bold=True)
        for index, unit in enumerate(rows, start=1):
            _row(table, _unit_cells(str(index), unit))


def render(data: WeeklyDocument) -> bytes:
    """The weekly report as a .docx file."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = official.FONT
    normal.font.size = Pt(14)
    letterhead = _letterhead(data)
    official._header(document, letterhead)
    official._paragraph(document, "", 14)
    official._paragraph(document, "BÁO CÁO", 14, bold=True)
    official._paragraph(
        document,
        f"Tình hình giải ngân vốn đầu tư công kế hoạch năm {data.plan_year} "
        f"đến ngày {data.week_end:%d/%m/%Y}",
        14,
        bold=True,
        after=12,
    )
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    official._paragraph(
        document,
        "Thực hiện Công điện số 169/CĐ-TTg ngày 21/9/2025 của Thủ tướng Chính phủ, "
        f"{data.agency_name} báo cáo tình hình giải ngân vốn đầu tư công kế hoạch năm "
        f"{data.plan_year} của các dự án chuyển đổi số đến ngày {data.week_end:%d/%m/%Y} "
        "như sau:",
        14,
        align=justify,
        indent=True,
        after=6,
    )
    for text in data.summary:
        official._paragraph(document, text, 14, align=justify, indent=True, after=6)
    _table(document, data)
    official._paragraph(
        document,
        "Tỷ lệ giải ngân được tính trên cả hai mẫu số: kế hoạch Thủ tướng Chính phủ giao và "
        "tổng kế hoạch (gồm vốn địa phương bổ sung); kế hoạch năm được giải ngân đến hết "
        f"ngày 31/01/{data.plan_year + 1}.",
        12,
        align=justify,
        italic=True,
    )
    official._footer(document, letterhead)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
