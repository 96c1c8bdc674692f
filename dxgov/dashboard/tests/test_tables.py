from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from dxgov.dashboard.tables import Table, cell, to_csv, to_xlsx


def _table() -> Table:
    table = Table("Chỉ tiêu", ["Tên", "Giá trị"])
    table.rows.append([cell("Tỷ lệ", "/x/"), cell("12,5%", raw=Decimal("12.5"))])
    table.rows.append([cell("=HYPERLINK(1)"), cell("—")])
    return table


def test_csv_opens_with_numbers_and_no_formulas() -> None:
    data = to_csv(_table())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Tên", "Giá trị"], ["Tỷ lệ", "12.5"], ["'=HYPERLINK(1)", "—"]]


def test_xlsx_opens_with_numbers_as_numbers() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_table())))
    sheet = book.active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [["Tên", "Giá trị"], ["Tỷ lệ", 12.5], ["'=HYPERLINK(1)", "—"]]
