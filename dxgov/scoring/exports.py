"""Rankings and unit scorecards as JSON, CSV and Excel (pure: plain rows in, bytes out)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe(value: Any) -> Any:
    """A cell that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel reads UTF-8 Vietnamese


def workbook(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    book = Workbook()
    first = True
    for title, headers, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = title[:31]
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe(v) for v in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()
