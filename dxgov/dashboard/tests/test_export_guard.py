"""A chart table's CSV and Excel exports escape every text that would start a formula
(core.spreadsheets' OWASP rule) and keep numbers, negative ones too, as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dxgov.dashboard.tables import Table, cell, to_csv, to_xlsx

DANGEROUS = ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _table(text: str) -> Table:
    table = Table("Chỉ tiêu", ["Tên", "Giá trị"])
    table.rows.append([cell(text), cell("−3,5", raw=Decimal("-3.5"))])
    table.rows.append([cell("-7", raw=-7), cell("-7")])  # a number, then text that looks like one
    return table


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv(text: str) -> None:
    data = to_csv(_table(text)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows[1:] == [["'" + text, "-3.5"], ["-7", "'-7"]]


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx(text: str) -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(_table(text)))).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["'" + text, -3.5]
    assert [c.value for c in sheet[3]] == [-7, "'-7"]
    assert [c.data_type for c in sheet[2]] == ["s", "n"]
