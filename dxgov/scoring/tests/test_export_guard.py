"""Ranking and scorecard exports escape every text that would start a formula
(core.spreadsheets' OWASP rule) and keep numbers, negative ones too, as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dxgov.scoring import exports

DANGEROUS = ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
HEADERS = ["Đơn vị", "Điểm", "Chênh lệch"]


@pytest.mark.parametrize("name", DANGEROUS)
def test_csv(name: str) -> None:
    data = exports.table_csv(HEADERS, [[name, Decimal("71.25"), -1.5]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data, newline=""))) == [
        HEADERS,
        ["'" + name, "71.25", "-1.5"],
    ]


@pytest.mark.parametrize("name", DANGEROUS)
def test_xlsx(name: str) -> None:
    data = exports.workbook([("202601", HEADERS, [[name, Decimal("71.25"), -1.5]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["'" + name, 71.25, -1.5]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n"]
