"""The report form escapes every text that would start a formula (core.spreadsheets' OWASP
rule), keeps numbers, negative ones too, as numbers, and reads its own text back unescaped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from dxgov.reporting import excel

DANGEROUS = ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _form(text: str) -> excel.FormSheet:
    return excel.FormSheet(
        definition_id=1,
        definition_code="X",
        definition_name=text,
        agency_code="A",
        agency_name="A",
        period_code="202503",
        period_label="Tháng 3/2025",
        cutoff_start=date(2025, 2, 15),
        cutoff_end=date(2025, 3, 14),
        due_date=date(2025, 3, 18),
        rows=[
            excel.FormRow(
                code="A1",
                name=text,
                unit="",
                value_type="count",
                value=Decimal(-5),
                comment=text,
                version=3,
            )
        ],
    )


@pytest.mark.parametrize("text", DANGEROUS)
def test_form_cells(text: str) -> None:
    data = excel.form_workbook(_form(text))
    sheet = load_workbook(BytesIO(data))[excel.SHEET_TITLE]
    row = excel.FIRST_ROW
    for column in (excel.NAME, excel.COMMENT):
        cell = sheet.cell(row=row, column=column)
        assert (cell.value, cell.data_type) == ("'" + text, "s")
    value = sheet.cell(row=row, column=excel.VALUE)
    assert (value.value, value.data_type) == (-5, "n")


@pytest.mark.parametrize("text", DANGEROUS)
def test_form_reads_back_what_was_written(text: str) -> None:
    parsed = excel.parse_form(excel.form_workbook(_form(text)))
    assert parsed.errors == []
    [row] = parsed.rows
    assert row.value == Decimal(-5)
    assert row.comment == text.strip()  # cells are read stripped, as before
