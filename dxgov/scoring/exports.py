"""Rankings and unit scorecards as JSON, CSV and Excel (pure: plain rows in, bytes out)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from dxgov.core import spreadsheets

FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    return spreadsheets.csv_bytes(headers, rows)


def workbook(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    book = Workbook()
    first = True
    taken: set[str] = set()
    for title, headers, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = spreadsheets.sheet_title(title, taken)
        spreadsheets.append(sheet, headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            spreadsheets.append(sheet, row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()
