"""Excel (.xlsx) for public investment: the import template, reading a filled one, exports.

Pure: bytes and plain values in and out, no database. Reading goes through the one capped
reader (`core.xlsx.read_workbook`); every cell written goes through `core.spreadsheets` (the
formula guard). The template's sheet names and column headers are fixed Vietnamese text, not
translated: they are the file format, and a file filled in under one interface language
imports under the other.

Three sheets, each optional: projects (with their investment decision), capital plans, and
disbursement. Values may be the codes the API uses (`central_budget`, `actual`) or the
Vietnamese short forms the instructions list (`NSTW`, `Thực hiện`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from dxgov.core import formats, spreadsheets, xlsx

PROJECTS = "Dự án"
PLANS = "Kế hoạch vốn"
DISBURSEMENT = "Giải ngân"
GUIDE = "Hướng dẫn"

# Column header → field name, per sheet (the file format).
PROJECT_COLUMNS: dict[str, str] = {
    "Mã dự án": "code",
    "Tên dự án": "name",
    "Mã chủ đầu tư": "investor",
    "Nhóm": "group",
    "Lĩnh vực": "category",
    "Mã tỉnh thực hiện": "province",
    "Số quyết định đầu tư": "number",
    "Ngày ký": "signed_on",
    "Tổng mức đầu tư": "total",
    "Ngân sách trung ương": "central_budget",
    "Ngân sách địa phương": "local_budget",
    "Vốn ODA": "oda",
    "Vốn nhà nước khác": "other_state",
    "Khởi công": "start",
    "Hoàn thành": "end",
}
PLAN_COLUMNS: dict[str, str] = {
    "Mã dự án": "project",
    "Năm kế hoạch": "plan_year",
    "Nguồn vốn": "source",
    "Loại": "kind",
    "Số tiền": "amount",
    "Trong đó Thủ tướng giao": "assigned",
    "Số quyết định": "number",
    "Ngày quyết định": "decided_on",
    "Lý do": "reason",
}
DISBURSEMENT_COLUMNS: dict[str, str] = {
    "Mã dự án": "project",
    "Năm kế hoạch": "plan_year",
    "Nguồn vốn": "source",
    "Đến ngày": "as_of",
    "Loại số liệu": "kind",
    "Lũy kế giải ngân": "value",
    "Ghi chú": "note",
}
SHEETS: dict[str, dict[str, str]] = {
    PROJECTS: PROJECT_COLUMNS,
    PLANS: PLAN_COLUMNS,
    DISBURSEMENT: DISBURSEMENT_COLUMNS,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    PROJECTS: ("code", "name", "investor", "group", "category"),
    PLANS: ("project", "plan_year", "source", "kind", "amount", "number", "decided_on"),
    DISBURSEMENT: ("project", "plan_year", "source", "as_of", "kind", "value"),
}

# The Vietnamese short forms a person may type instead of the codes.
WORDS: dict[str, dict[str, str]] = {
    "source": {
        "nstw": "central_budget",
        "ngân sách trung ương": "central_budget",
        "nsđp": "local_budget",
        "nsdp": "local_budget",
        "ngân sách địa phương": "local_budget",
        "oda": "oda",
        "khác": "other_state",
        "vốn nhà nước khác": "other_state",
    },
    "kind": {
        "ước": "estimate",
        "ước thực hiện": "estimate",
        "thực hiện": "actual",
        "giao": "initial",
        "giao kế hoạch": "initial",
        "bổ sung": "addition",
        "cắt giảm": "cut",
    },
    "group": {"qtqg": "national_key", "quan trọng quốc gia": "national_key"},
    "category": {
        "hạ tầng số": "infrastructure",
        "nền tảng": "platforms",
        "dữ liệu": "data",
        "an toàn thông tin": "cybersecurity",
        "an ninh mạng": "cybersecurity",
        "ứng dụng": "applications",
        "kỹ năng số": "skills",
    },
}

CAPS = xlsx.Caps(rows=20_000, columns=32, sheets=8, cells=400_000)
MAX_TEXT = 2000


@dataclass
class Line:
    """One filled row: its values by field, and the cell each came from."""

    sheet: str
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)

    def cell(self, name: str) -> str:
        """The cell of a field ("Giải ngân!F7"), or the row when the field has none."""
        where = self.cells.get(name)
        return f"{self.sheet}!{where}" if where else f"{self.sheet}!{self.row}"


@dataclass
class Parsed:
    lines: dict[str, list[Line]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (cell, message)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).lower()


def word(name: str, value: Any) -> str:
    """A code from a typed code or Vietnamese short form (unknown text comes back as is)."""
    text = _fold(str(value or ""))
    return WORDS.get(name, {}).get(text, str(value or "").strip())


def cell_date(value: Any) -> date | None:
    """A date cell, or text dd/mm/yyyy; None when empty. Raises ValueError when neither."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return formats.parse_date(str(value))
    except formats.InvalidDate:
        raise ValueError(str(value)) from None


def cell_year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 else None


def parse(data: bytes) -> Parsed:
    """The filled template's rows, sheet by sheet; a file that cannot be read, or a sheet
    without its columns, is a problem (no rows of it are read)."""
    parsed = Parsed()
    try:
        workbook = xlsx.read_workbook(data, CAPS, only=set(SHEETS))
    except xlsx.WorkbookRefused as exc:
        parsed.problems.append(("", exc.message))
        return parsed
    found = False
    for title, columns in SHEETS.items():
        sheet = workbook.sheet(title)
        if sheet is None:
            continue
        found = True
        _read_sheet(sheet, title, columns, parsed)
    if not found:
        parsed.problems.append(
            (
                "",
                _("The file has none of the sheets %(names)s: use the template.")
                % {"names": ", ".join(SHEETS)},
            )
        )
    return parsed


def _read_sheet(sheet: xlsx.Sheet, title: str, columns: dict[str, str], parsed: Parsed) -> None:
    header = [
        str(v).strip() if v is not None else "" for v in (sheet.rows[0] if sheet.rows else ())
    ]
    positions = {columns[h]: i for i, h in enumerate(header) if h in columns}
    missing = [
        h for h, name in columns.items() if name in REQUIRED[title] and name not in positions
    ]
    if missing:
        parsed.problems.append(
            (
                f"{title}!1",
                _("The sheet %(sheet)s lacks the columns: %(columns)s.")
                % {"sheet": title, "columns": ", ".join(missing)},
            )
        )
        return
    lines = parsed.lines.setdefault(title, [])
    for number, values in enumerate(sheet.rows[1:], start=2):
        if not any(v not in (None, "") for v in values):
            continue
        line = Line(title, number)
        for name, index in positions.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, xlsx.Uncomputed):
                parsed.problems.append(
                    (f"{title}!{value.coordinate}", xlsx.uncomputed_message(value))
                )
                value = None
            if isinstance(value, str):
                value = spreadsheets.unescape(value.strip())
                if len(value) > MAX_TEXT:
                    parsed.problems.append(
                        (
                            f"{title}!{get_column_letter(index + 1)}{number}",
                            _("At most %(count)d characters.") % {"count": MAX_TEXT},
                        )
                    )
                    value = value[:MAX_TEXT]
            line.values[name] = value
            line.cells[name] = f"{get_column_letter(index + 1)}{number}"
        lines.append(line)


# --- writing -----------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EFEDF2")


def _sheet(book: Workbook, title: str, headers: Sequence[str], first: bool = False) -> Any:
    sheet = book.active if first else book.create_sheet()
    sheet.title = spreadsheets.sheet_title(title)
    spreadsheets.append(sheet, headers)
    for column, _header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = 20
    sheet.freeze_panes = "A2"
    return sheet


def template() -> bytes:
    """The import template: the three sheets with their headers and one example row each,
    and a guide sheet."""
    book = Workbook()
    guide = _sheet(book, GUIDE, [_("How to fill in this file")], first=True)
    guide.column_dimensions["A"].width = 110
    for text in _guide_lines():
        spreadsheets.append(guide, [text])
    projects = _sheet(book, PROJECTS, list(PROJECT_COLUMNS))
    spreadsheets.append(
        projects,
        [
            "DA-MAU-01",
            "Xây dựng nền tảng dữ liệu dùng chung",
            "UBND-T25",
            "B",
            "data",
            "25",
            "101/QĐ-UBND",
            "03/06/2024",
            "20.000.000.000",
            "20.000.000.000",
            "0",
            "0",
            "0",
            "01/07/2024",
            "31/12/2026",
        ],
    )
    plans = _sheet(book, PLANS, list(PLAN_COLUMNS))
    spreadsheets.append(
        plans,
        [
            "DA-MAU-01",
            2026,
            "NSTW",
            "Giao",
            "8.000.000.000",
            "8.000.000.000",
            "2000/QĐ-UBND",
            "20/12/2025",
            "",
        ],
    )
    disbursement = _sheet(book, DISBURSEMENT, list(DISBURSEMENT_COLUMNS))
    spreadsheets.append(
        disbursement, ["DA-MAU-01", 2026, "NSTW", "06/03/2026", "Thực hiện", "1.250.000.000", ""]
    )
    return _bytes(book)


def _guide_lines() -> list[str]:
    return [
        _(
            "Fill in the sheets you need; delete the example rows. Nothing is saved unless every "
            "row of every sheet is right: the findings name each cell."
        ),
        _(
            "Amounts are whole đồng: 1.234.567.000 (dots between thousands) or a number cell; "
            "1,234.5 is refused."
        ),
        _("Dates: dd/mm/yyyy or a date cell."),
        _(
            "Funding source: NSTW (central budget), NSĐP (local budget), ODA, Khác (other state "
            "capital)."
        ),
        _("Plan kind: Giao (plan assigned), Bổ sung (addition), Cắt giảm (cut)."),
        _(
            "Disbursement kind: Ước (estimate) or Thực hiện (actual). Lũy kế giải ngân is the "
            "cumulative value disbursed in the plan year to that date."
        ),
        _(
            "Group: QTQG, A, B or C. Category: infrastructure, platforms, data, cybersecurity, "
            "applications, skills (or Hạ tầng số, Nền tảng, Dữ liệu, An toàn thông tin, Ứng dụng, "
            "Kỹ năng số)."
        ),
        _("Upload with “check only” first: nothing is saved, and every finding is listed."),
    ]


def _bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One table as a workbook (every export of the investment pages)."""
    book = Workbook()
    sheet = _sheet(book, title, headers, first=True)
    for row in rows:
        spreadsheets.append(sheet, row)
    return _bytes(book)


def tables(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Several tables, one sheet each."""
    book = Workbook()
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = _sheet(book, title, headers, first=index == 0)
        for row in rows:
            spreadsheets.append(sheet, row)
    return _bytes(book)
