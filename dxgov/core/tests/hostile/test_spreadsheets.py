"""Class 3, "Files that eat memory": crafted workbooks for every upload that reads one.

The issue's two files (a blank cell in column XFD on each of 6,000 or 20,000 rows: 738 MB and
2.5 GB to openpyxl, 22 s with SQLite's write lock held) and their variations — a lying or
missing dimension, sparse rows, a huge shared string, a flood of strings, cells or elements, a
huge tag, deep nesting, entity expansion, a crowded ZIP directory — are each parsed by both
upload parsers (the task import and the report form) in a fresh process whose peak memory is
measured (measure.py); each is refused, in under a second or two, with a message that names the
cap, and peak memory rises by less than ``PEAK_MB``. Then each upload path (the task import
page, the `tasks import` command, the report form's upload, attachments) refuses them the same
way, saving nothing, and neither import parses inside a database transaction.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.core import uploads, xlsx
from dxgov.core.tests.hostile import workbooks
from dxgov.core.tests.hostile.workbooks import ATTACKS
from dxgov.directives import excel as task_excel
from dxgov.directives.models import Task
from dxgov.reporting import excel as form_excel
from dxgov.reporting.models import DataValue
from dxgov.testing import reporting as t
from dxgov.testing.clients import client_for

# Far above what any of these files costs (well under 5 MB measured), far below what they cost
# before (738 MB for the smallest).
PEAK_MB = 50
SECONDS = 10
DAMAGED_TASKS = "có thể tệp đã bị hỏng"
DAMAGED_FORM = "hãy tải lại biểu mẫu"


def _measure(data: bytes, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "dxgov.core.tests.hostile.measure", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(ATTACKS))
def test_a_crafted_workbook_is_refused_in_bounded_memory_and_time(
    name: str, tmp_path: Path
) -> None:
    attack = ATTACKS[name]
    measured = _measure(attack.make(), tmp_path)
    print(name, measured["peak_mb"], "MB", measured["seconds"], "s")  # shown with -s
    assert measured["peak_mb"] < PEAK_MB
    assert measured["seconds"] < SECONDS
    for errors, words, damaged in (
        (measured["task_errors"], attack.task_words, DAMAGED_TASKS),
        (measured["form_errors"], attack.form_words, DAMAGED_FORM),
    ):
        assert len(errors) == 1, errors
        for word in words or (damaged,):
            assert word in errors[0]


def test_a_full_task_list_is_read_in_little_memory(tmp_path: Path) -> None:
    """The largest real import (1,000 tasks of 2,000 characters) for comparison: read whole."""
    workbook = load_workbook(io.BytesIO(task_excel.import_template()))
    sheet = workbook.worksheets[0]
    for row in range(2, task_excel.MAX_ROWS + 2):
        values = ["155/NQ-CP", f"Nhiệm vụ {row} " + "ư" * 1980, t.PHUTHO, "", "30/09/2026", "", ""]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    measured = _measure(buffer.getvalue(), tmp_path)
    print("1000 tasks", measured["peak_mb"], "MB", measured["seconds"], "s")
    assert measured["task_errors"] == []  # every row parsed; the database judges them later
    assert measured["peak_mb"] < PEAK_MB


def test_the_reader_never_sizes_anything_from_the_dimension() -> None:
    """A dimension within the caps that lies about the rows: the rows decide, and refuse."""
    data = workbooks.sparse_rows(20_000, dimension="A1:B2")
    with pytest.raises(xlsx.TooLarge, match="A1001"):
        xlsx.read_workbook(data, xlsx.Caps(rows=1_000))
    small = workbooks.form_like(
        workbooks.sheet_xml('<row r="3"><c r="B3"><v>7</v></c></row>', "A1:XFD1048576")
    )
    with pytest.raises(xlsx.TooLarge, match="XFD1048576"):
        xlsx.read_workbook(small)


# --- every upload path -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_import_page_refuses_the_xfd_file_naming_the_cap(coordinator: User) -> None:
    upload = SimpleUploadedFile("nhiem-vu.xlsx", workbooks.xfd_rows(20_000))
    response = client_for(coordinator).post(
        reverse("directives:task_import"), {"file": upload, "dry_run": ""}
    )
    assert response.status_code == 200
    [error] = response.context["result"].errors
    assert "XFD" in error.reason and "64" in error.reason
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_the_tasks_import_command_refuses_the_xfd_file(
    coordinator: User, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "nhiem-vu.xlsx"
    path.write_bytes(workbooks.xfd_rows(6_000, None))
    with pytest.raises(SystemExit) as exit_:
        call_command("tasks", "import", str(path), "--user", coordinator.username)
    assert exit_.value.code == 1
    assert "XFD1" in capsys.readouterr().err
    assert not Task.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["xfd-20000-rows", "sparse-rows-lying-dimension"])
def test_the_report_form_upload_refuses_the_file_naming_the_cap(
    name: str, coordinator: User, phutho_officer: User
) -> None:
    regime = t.definition(coordinator, "HX-XLSX", [t.count_indicator(coordinator, "HX-XL")])
    url = reverse(
        "reporting_files:form_xlsx",
        kwargs={"definition_id": regime.pk, "agency_code": t.PHUTHO, "period": "202503"},
    )
    upload = SimpleUploadedFile("bieu.xlsx", ATTACKS[name].make())
    result = client_for(phutho_officer).post(url, {"file": upload}).context["result"]
    [error] = result.errors
    assert all(word in error.message for word in ATTACKS[name].form_words or ())
    assert not DataValue.objects.exists()


def test_an_attachment_with_a_crowded_directory_is_refused_naming_the_cap() -> None:
    data = workbooks.crowded_directory(60_000)
    assert len(data) < 20 * 1024 * 1024  # under the upload limit: the directory is the attack
    with pytest.raises(uploads.UploadRefused, match="1024 KB"):
        uploads.check_upload("bang.xlsx", data, allowed={"xlsx"}, max_bytes=20 * 1024 * 1024)
    assert uploads.sniff(data) is None


@pytest.mark.django_db(transaction=True)
def test_no_import_parses_inside_a_transaction(
    reference_data: None, coordinator: User, phutho_officer: User, monkeypatch: Any
) -> None:
    """SQLite takes its write lock when a transaction begins: parsing must come before."""
    seen: list[bool] = []
    read = xlsx.read_workbook

    def spy(*args: Any, **kwargs: Any) -> xlsx.Workbook:
        seen.append(connection.in_atomic_block)
        return read(*args, **kwargs)

    monkeypatch.setattr(xlsx, "read_workbook", spy)
    client_for(coordinator).post(
        reverse("directives:task_import"),
        {"file": SimpleUploadedFile("a.xlsx", task_excel.import_template()), "dry_run": "on"},
    )
    regime = t.definition(coordinator, "HX-LOCK", [t.count_indicator(coordinator, "HX-LK")])
    url = reverse(
        "reporting_files:form_xlsx",
        kwargs={"definition_id": regime.pk, "agency_code": t.PHUTHO, "period": "202503"},
    )
    client = client_for(phutho_officer)
    form = client.get(url).content
    client.post(url, {"file": SimpleUploadedFile("bieu.xlsx", form)})
    assert seen == [False, False]


def test_form_reading_takes_only_its_own_sheets() -> None:
    """A third sheet, however hostile, is never parsed by the report form's upload."""
    hostile = workbooks.sheet_xml("", "A1:XFD1048576")
    data = workbooks.package(
        [
            (form_excel.SHEET_TITLE, workbooks.sheet_xml("")),
            (form_excel.META_SHEET, workbooks.sheet_xml("")),
            ("Ghi chú", hostile),
        ]
    )
    assert [s.name for s in xlsx.read_workbook(data, only={form_excel.META_SHEET}).sheets] == [
        form_excel.META_SHEET
    ]
    with pytest.raises(xlsx.TooLarge):
        xlsx.read_workbook(data)
