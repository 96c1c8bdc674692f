"""Class 6, "Spreadsheet cells that become formulas", both ways.

In: a cell holding a formula that no spreadsheet program has computed (a deadline
``=DATE(2026,12,31)`` in a file written by a program) was read as an empty cell, "no deadline",
or as a cleared figure on the report form. It is refused, naming the cell and the formula, on
the task import (parser, action, page) and on the report form; a formula whose value was
computed (the file saved by Excel or LibreOffice) is read as that value.

Out: every export (task list, statistics, report form, dashboard tables, Decision 766 tables, any
CSV) writes text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return escaped with
a quote and typed as text, so that no formula comes alive when an official edits the cell.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dxgov.accounts.models import User
from dxgov.core import spreadsheets, xlsx
from dxgov.core.tests.hostile import workbooks
from dxgov.dashboard import tables
from dxgov.directives import actions
from dxgov.directives import excel as task_excel
from dxgov.directives.excel import CONTENT, DEADLINE, IMPORT_HEADERS
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.orgunits.models import Agency
from dxgov.reporting import excel as form_excel
from dxgov.reporting.models import DataValue
from dxgov.scoring import exports as score_exports
from dxgov.testing import reporting as t
from dxgov.testing.clients import client_for

TODAY = date(2025, 9, 1)
ROW = ["155/NQ-CP", "Kết nối cơ sở dữ liệu dân cư", t.PHUTHO, "", "30/09/2025", "", ""]


def _tasks_file(**cells: Any) -> bytes:
    """The import template with one task row (row 2); ``cells`` by column letter."""
    workbook = load_workbook(io.BytesIO(task_excel.import_template()))
    sheet = workbook.worksheets[0]
    for column, value in enumerate(ROW, start=1):
        sheet.cell(row=2, column=column).value = value
    for ref, value in cells.items():
        sheet[ref] = value  # openpyxl writes "=…" as a formula, with no computed value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _raw_tasks_file(deadline_cell: str) -> bytes:
    """The header row and one task, with the deadline cell's XML as given."""
    header = "".join(
        f'<c r="{xlsx.column_letter(n)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for n, h in enumerate(IMPORT_HEADERS, start=1)
    )
    values = "".join(
        f'<c r="{xlsx.column_letter(n)}2" t="inlineStr"><is><t>{v}</t></is></c>'
        for n, v in enumerate(ROW[:4], start=1)
    )
    rows = f'<row r="1">{header}</row><row r="2">{values}{deadline_cell}</row>'
    return workbooks.package([("Nhiệm vụ", workbooks.sheet_xml(rows))])


# --- in: the task import ---------------------------------------------------------------------


def test_a_deadline_formula_without_a_value_is_refused_at_its_cell() -> None:
    rows, errors = task_excel.parse_import(_tasks_file(E2="=DATE(2026,12,31)"))
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [(2, DEADLINE)]
    assert "E2" in errors[0].reason and "=DATE(2026,12,31)" in errors[0].reason


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="E2"><f>DATE(2026,12,31)</f></c>',  # no <v> at all
        '<c r="E2"><f>DATE(2026,12,31)</f><v></v></c>',  # an empty one (what openpyxl writes)
        '<c r="E2"><f t="shared" si="0"/></c>',  # a shared formula's follower
    ],
)
def test_every_form_of_an_uncomputed_formula_is_refused(cell: str) -> None:
    rows, errors = task_excel.parse_import(_raw_tasks_file(cell))
    assert rows == [] and [(e.row, e.column) for e in errors] == [(2, DEADLINE)]
    assert "E2" in errors[0].reason


def test_a_formula_with_its_computed_value_is_read_as_that_value() -> None:
    computed = '<c r="E2"><f>DATE(2026,12,31)</f><v>46387</v></c>'  # as Excel saves it
    rows, errors = task_excel.parse_import(_raw_tasks_file(computed))
    assert errors == [] and rows[0]["deadline"] == date(2026, 12, 31)
    # A formula computed to an empty text is an empty cell, computed: no deadline.
    blank = '<c r="E2" t="str"><f>IF(1,"","")</f><v></v></c>'
    rows, errors = task_excel.parse_import(_raw_tasks_file(blank))
    assert errors == [] and rows[0]["deadline"] is None


def test_a_formula_anywhere_a_task_is_read_is_refused_but_not_elsewhere() -> None:
    rows, errors = task_excel.parse_import(_tasks_file(B2='=CONCAT("Kết nối ","dân cư")'))
    assert [(e.row, e.column) for e in errors] == [(2, CONTENT)]
    # A column the import does not read (a numbering column right of the table) is left alone.
    rows, errors = task_excel.parse_import(_tasks_file(H2="=ROW()-1"))
    assert errors == [] and len(rows) == 1


@pytest.fixture
def directive(db: Any, coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=date(2025, 7, 1),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Nghị quyết phiên họp Chính phủ thường kỳ tháng 6",
    )


@pytest.mark.django_db
def test_the_import_action_and_page_refuse_it_and_create_nothing(
    coordinator: User, directive: Directive
) -> None:
    data = _tasks_file(E2="=DATE(2026,12,31)")
    result = actions.import_tasks(acting_user=coordinator, data=data, dry_run=False, today=TODAY)
    assert result.created == 0 and [(e.row, e.column) for e in result.errors] == [(2, DEADLINE)]
    response = client_for(coordinator).post(
        reverse("directives:task_import"),
        {"file": SimpleUploadedFile("nhiem-vu.xlsx", data), "dry_run": ""},
    )
    assert "E2" in response.content.decode()
    assert not Task.objects.exists()
    # The same row with the date itself is imported.
    good = actions.import_tasks(
        acting_user=coordinator, data=_tasks_file(), dry_run=False, today=TODAY
    )
    assert good.created == 1


# --- in: the report form ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_form_refuses_a_formula_cell_without_a_value(
    coordinator: User, phutho_officer: User
) -> None:
    count = t.count_indicator(coordinator, "HX-CT")
    regime = t.definition(coordinator, "HX-FX", [count])
    t.enter(phutho_officer, regime, t.PHUTHO, "202503", {"HX-CT": "40"})
    url = reverse(
        "reporting_files:form_xlsx",
        kwargs={"definition_id": regime.pk, "agency_code": t.PHUTHO, "period": "202503"},
    )
    client = client_for(phutho_officer)
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    workbook[form_excel.SHEET_TITLE][f"D{form_excel.FIRST_ROW}"] = "=20*2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = client.post(url, {"file": SimpleUploadedFile("bieu.xlsx", buffer.getvalue())})
    [error] = result.context["result"].errors
    assert (error.row, error.column) == (form_excel.FIRST_ROW, form_excel.VALUE)
    assert f"D{form_excel.FIRST_ROW}" in error.message and "=20*2" in error.message
    stored = DataValue.objects.get(indicator=count)
    assert stored.value == 40 and stored.version == 1  # neither cleared nor changed


# --- out: every export -----------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
# Control characters an .xlsx cannot hold are dropped first; the formula behind them is not.
HIDDEN = ["\x00=1", "\x01\x02+1"]


def _xlsx_texts(data: bytes) -> list[tuple[Any, str]]:
    """Every non-empty cell of every sheet: (value, type)."""
    book = load_workbook(io.BytesIO(data))
    return [
        (cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _assert_escaped(found: list[tuple[Any, str]], text: str) -> None:
    visible = spreadsheets.cell_value(text)
    assert (visible, "s") in found, found
    assert not any(
        isinstance(v, str) and v.startswith(spreadsheets.FORMULA_STARTS) for v, _ in found
    )
    assert all(kind != "f" for _v, kind in found)


@pytest.mark.parametrize("text", DANGEROUS + HIDDEN)
def test_every_xlsx_export_writes_such_text_as_escaped_text(text: str) -> None:
    rows = [{"directive": "34/CT-TTg", "content": text, "lead_agency": text, "status": text}]
    _assert_escaped(_xlsx_texts(task_excel.tasks_workbook(rows)), text)
    stats = {"Theo cơ quan": {text: {"Giao": 4}}, text: 3}
    _assert_escaped(_xlsx_texts(task_excel.statistics_workbook(stats)), text)
    table = tables.Table(text, [text, "Giá trị"])
    table.rows.append([tables.cell(text), tables.cell("−3", raw=Decimal(-3))])
    _assert_escaped(_xlsx_texts(tables.to_xlsx(table)), text)
    _assert_escaped(_xlsx_texts(score_exports.workbook([("Điểm", [text], [[text, -1]])])), text)
    form = form_excel.FormSheet(
        definition_id=1,
        definition_code="X",
        definition_name=text,
        agency_code="A",
        agency_name=text,
        period_code="202503",
        period_label="Tháng 3/2025",
        cutoff_start=date(2025, 2, 15),
        cutoff_end=date(2025, 3, 14),
        due_date=date(2025, 3, 18),
        rows=[
            form_excel.FormRow(code="A1", name=text, unit=text, value_type="count", comment=text)
        ],
    )
    _assert_escaped(_xlsx_texts(form_excel.form_workbook(form)), text)


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_csv_export_writes_such_text_escaped(text: str) -> None:
    table = tables.Table("Bảng", [text])
    table.rows.append([tables.cell(text)])
    for data in (
        tables.to_csv(table),
        score_exports.table_csv([text], [[text, -1]]),
        spreadsheets.csv_bytes([text], [[text]]),
    ):
        cells = [
            c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for c in row
        ]
        assert "'" + text in cells
        assert not any(c.startswith(spreadsheets.FORMULA_STARTS) for c in cells if c != "-1")


@pytest.mark.django_db
def test_a_task_exported_through_the_page_is_text_to_our_reader_too(
    coordinator: User, directive: Directive
) -> None:
    hostile = '=HYPERLINK("http://evil.example","Bấm vào đây")'
    actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content=hostile,
        lead_agency=Agency.objects.get(code=t.PHUTHO),
        today=TODAY,
    )
    data = client_for(coordinator).get(reverse("directives:task_export")).content
    assert ("'" + hostile, "s") in _xlsx_texts(data)
    [sheet] = xlsx.read_workbook(data).sheets
    assert "'" + hostile in sheet.rows[1]  # a text cell, no formula element: not Uncomputed


def test_openpyxl_itself_would_have_made_a_formula() -> None:
    """Why the guard exists: the same text written plainly is a live formula."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = DANGEROUS[0]
    assert sheet["A1"].data_type == "f"


@pytest.mark.parametrize("title", ["Tỷ lệ DVC [mức 4]: 50%?", "'a/b\\c*'", "\x00", "=1" * 40])
def test_a_sheet_name_from_user_text_never_breaks_an_export(title: str) -> None:
    """A table's caption (an indicator's name) becomes a sheet's name: Excel forbids some
    characters there, and openpyxl refused them with a ValueError (a 500)."""
    table = tables.Table(title, ["Tên"])
    table.rows.append([tables.cell("x")])
    [sheet] = load_workbook(io.BytesIO(tables.to_xlsx(table))).worksheets
    assert sheet.title == spreadsheets.sheet_title(title)
    assert len(score_exports.workbook([(title, ["a"], []), (title, ["b"], [])])) > 0
    assert len(task_excel.statistics_workbook({title: {"x": 1}, title + " ": {"y": 2}})) > 0
