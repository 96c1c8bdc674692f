"""Task exports escape every text that would start a formula (core.spreadsheets' OWASP
rule) and keep numbers, negative ones too, as numbers."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dxgov.directives import excel

DANGEROUS = ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_task_list(text: str) -> None:
    rows = [{"directive": "34/CT-TTg", "content": text, "lead_agency": text, "progress_percent": 0}]
    sheet = load_workbook(io.BytesIO(excel.tasks_workbook(rows))).active
    assert sheet is not None
    assert (sheet["C2"].value, sheet["D2"].value) == ("'" + text, "'" + text)
    assert sheet["C2"].data_type == sheet["D2"].data_type == "s"
    assert sheet["I2"].value == 0 and sheet["I2"].data_type == "n"


@pytest.mark.parametrize("text", DANGEROUS)
def test_statistics(text: str) -> None:
    stats = {"Theo cơ quan": {text: {"Giao": 4, "Chênh lệch": -2, "Tỷ lệ": -0.5}}}
    book = load_workbook(io.BytesIO(excel.statistics_workbook(stats)))
    sheet = book["Theo cơ quan"]
    assert [c.value for c in sheet[2]] == ["'" + text, 4, -2, -0.5]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n", "n"]
