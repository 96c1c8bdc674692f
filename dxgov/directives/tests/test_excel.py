"""Excel files for tasks: exports and the template open in openpyxl and hold what was given;
an import creates every row or none, and names each bad cell by row, column and reason.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from dxgov.accounts.models import User
from dxgov.audit.chain import verify_chain
from dxgov.audit.models import AuditEvent, EventType
from dxgov.audit.record import event_as_dict
from dxgov.directives import actions, excel
from dxgov.directives.excel import (
    CONTENT,
    COORDINATING,
    DEADLINE,
    DIRECTIVE,
    IMPORT_HEADERS,
    KEY,
    LEAD,
    RESULT,
    RowError,
)
from dxgov.directives.models import Directive, DirectiveKind, Task, TaskStatus
from dxgov.orgunits.models import Agency

ISSUED = date(2025, 7, 1)
TODAY = date(2025, 9, 1)
PHU_THO, DIEN_BIEN, BCA = "UBND-T25", "UBND-T11", "BCA"

EXPORT_HEADERS = [
    "STT",
    "Văn bản",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Thời hạn ban đầu",
    "Trạng thái",
    "Tiến độ (%)",
    "Ngày hoàn thành",
    "Nhiệm vụ trọng tâm",
]


def _fill(rows: list[list[Any]], headers: tuple[str, ...] | list[str] = IMPORT_HEADERS) -> bytes:
    """The template, with `rows` written from row 2 as a person would type them."""
    workbook = load_workbook(io.BytesIO(excel.import_template()))
    sheet = workbook.worksheets[0]
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=column, value=header)
    for row_number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row_number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _good(content: str = "Kết nối cơ sở dữ liệu dân cư", **changes: Any) -> list[Any]:
    values = {
        DIRECTIVE: "155/NQ-CP",
        CONTENT: content,
        LEAD: PHU_THO,
        COORDINATING: f"{BCA}, {DIEN_BIEN}",
        DEADLINE: "30/09/2025",
        RESULT: "Báo cáo Thủ tướng",
        KEY: "x",
        **changes,
    }
    return [values[header] for header in IMPORT_HEADERS]


def _errors(errors: list[RowError]) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in errors}


# --- the template -----------------------------------------------------------------------


def test_template_round_trips_through_openpyxl() -> None:
    workbook = load_workbook(io.BytesIO(excel.import_template()))
    assert workbook.sheetnames == ["Nhiệm vụ", "Hướng dẫn"]
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(IMPORT_HEADERS)
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1  # nothing to delete before filling it in
    assert sheet["A1"].comment.text.startswith("Bắt buộc. Số, ký hiệu")
    assert sheet["D1"].comment.text.startswith("Mã các cơ quan phối hợp")
    guide = workbook["Hướng dẫn"]
    text = "\n".join(
        str(value) for row in guide.iter_rows(values_only=True) for value in row if value
    )
    for header in IMPORT_HEADERS:
        assert header in text
    for label in TaskStatus.labels:
        assert str(label) in text
    assert "Đang thực hiện trong hạn" in text
    assert "dd/mm/yyyy" in text

    # Empty, it parses to one clear error; filled in, to the rows.
    rows, errors = excel.parse_import(excel.import_template())
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [(0, "")]
    assert "không có nhiệm vụ" in errors[0].reason
    rows, errors = excel.parse_import(_fill([_good(), _good("Việc thứ hai", **{KEY: ""})]))
    assert errors == []
    assert rows == [
        {
            "row": 2,
            "directive_number": "155/NQ-CP",
            "content": "Kết nối cơ sở dữ liệu dân cư",
            "lead_agency_code": PHU_THO,
            "coordinating_agency_codes": [BCA, DIEN_BIEN],
            "deadline": date(2025, 9, 30),
            "expected_result": "Báo cáo Thủ tướng",
            "is_key": True,
        },
        {
            "row": 3,
            "directive_number": "155/NQ-CP",
            "content": "Việc thứ hai",
            "lead_agency_code": PHU_THO,
            "coordinating_agency_codes": [BCA, DIEN_BIEN],
            "deadline": date(2025, 9, 30),
            "expected_result": "Báo cáo Thủ tướng",
            "is_key": False,
        },
    ]


# --- exports ----------------------------------------------------------------------------


def test_task_export_opens_and_holds_the_rows_and_real_dates() -> None:
    rows = [
        {
            "directive": "155/NQ-CP",
            "content": "Kết nối cơ sở dữ liệu dân cư",
            "lead_agency": "Ủy ban nhân dân tỉnh Phú Thọ",
            "coordinating_agencies": ["Bộ Công an", "Ủy ban nhân dân tỉnh Điện Biên"],
            "deadline": date(2025, 12, 31),
            "original_deadline": date(2025, 9, 30),
            "status": TaskStatus.OVERDUE,
            "progress_percent": 40,
            "completed_on": None,
            "is_key": True,
        },
        {
            "directive": "34/CT-TTg",
            "content": '=HYPERLINK("http://evil.example","bấm")',
            "lead_agency": "Bộ Công an",
            "coordinating_agencies": [],
            "deadline": None,
            "original_deadline": None,
            "status": TaskStatus.DONE_ON_TIME,
            "progress_percent": 100,
            "completed_on": date(2025, 8, 15),
            "is_key": False,
        },
    ]
    sheet = load_workbook(io.BytesIO(excel.tasks_workbook(rows))).active
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K3"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    first = [cell.value for cell in sheet[2]]
    assert first == [
        1,
        "155/NQ-CP",
        "Kết nối cơ sở dữ liệu dân cư",
        "Ủy ban nhân dân tỉnh Phú Thọ",
        "Bộ Công an, Ủy ban nhân dân tỉnh Điện Biên",
        datetime(2025, 12, 31),
        datetime(2025, 9, 30),
        "Quá hạn",
        40,
        None,
        "x",
    ]
    assert sheet["F2"].is_date and sheet["F2"].number_format == "DD/MM/YYYY"
    second = [cell.value for cell in sheet[3]]
    assert second[7] == "Đã hoàn thành đúng hạn"
    assert second[9] == datetime(2025, 8, 15)
    # A user's text that looks like a formula stays text, escaped by the one guard
    # (core.spreadsheets: a single quote in front, as in every export).
    assert sheet["C3"].data_type == "s"
    assert second[2] == '\'=HYPERLINK("http://evil.example","bấm")'


def test_empty_task_export_is_still_a_workbook_with_headers() -> None:
    sheet = load_workbook(io.BytesIO(excel.tasks_workbook([]))).active
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADERS
    assert sheet.max_row == 1


def test_statistics_export_has_a_sheet_per_grouping() -> None:
    stats = {
        "Tổng số": 12,
        "Theo trạng thái": {"Quá hạn": 3, "Đang thực hiện trong hạn": 9},
        "Theo cơ quan": [
            {"Cơ quan": "UBND tỉnh Phú Thọ", "Tổng": 7, "Tỷ lệ hoàn thành (%)": 42.5},
            {"Cơ quan": "Bộ Công an", "Tổng": 5, "Tỷ lệ hoàn thành (%)": 80.0},
        ],
        "Theo tháng: 2025/09": {"09/2025": {"Giao": 4, "Hoàn thành": 1}},
    }
    workbook = load_workbook(io.BytesIO(excel.statistics_workbook(stats)))
    assert workbook.sheetnames == [
        "Tổng hợp",
        "Theo trạng thái",
        "Theo cơ quan",
        "Theo tháng- 2025-09",
    ]

    def values(name: str) -> list[list[Any]]:
        return [list(row) for row in workbook[name].iter_rows(values_only=True)]

    assert values("Tổng hợp") == [["Nhóm", "Giá trị"], ["Tổng số", 12]]
    assert values("Theo trạng thái") == [
        ["Nhóm", "Giá trị"],
        ["Quá hạn", 3],
        ["Đang thực hiện trong hạn", 9],
    ]
    assert values("Theo cơ quan") == [
        ["Cơ quan", "Tổng", "Tỷ lệ hoàn thành (%)"],
        ["UBND tỉnh Phú Thọ", 7, 42.5],
        ["Bộ Công an", 5, 80],
    ]
    assert values("Theo tháng- 2025-09") == [["Nhóm", "Giao", "Hoàn thành"], ["09/2025", 4, 1]]
    assert workbook["Theo cơ quan"].freeze_panes == "A2"


# --- parsing (pure) ---------------------------------------------------------------------


def test_each_bad_cell_is_reported_with_row_column_and_reason() -> None:
    data = _fill(
        [
            _good(),
            _good("", **{DIRECTIVE: ""}),
            _good("Việc ba", **{DEADLINE: "31/02/2025", KEY: "có"}),
            _good("Việc bốn", **{LEAD: "", COORDINATING: PHU_THO}),
            _good("Việc năm", **{DEADLINE: "30/9/25"}),
            _good("Việc sáu", **{LEAD: f"{PHU_THO}, {BCA}", COORDINATING: ""}),
            _good("x" * (excel.MAX_CONTENT + 1)),
            _good(),  # the same as row 2
        ]
    )
    rows, errors = excel.parse_import(data)
    assert [row["row"] for row in rows] == [2]
    assert _errors(errors) == {
        (3, DIRECTIVE),
        (3, CONTENT),
        (4, DEADLINE),
        (4, KEY),
        (5, LEAD),
        (6, DEADLINE),
        (7, LEAD),
        (8, CONTENT),
        (9, CONTENT),
    }
    reasons = {(e.row, e.column): e.reason for e in errors}
    assert "31/02/2025" in reasons[(4, DEADLINE)]
    assert "bốn chữ số" in reasons[(6, DEADLINE)]
    assert "dòng 2" in reasons[(9, CONTENT)]
    assert str(excel.MAX_CONTENT) in reasons[(8, CONTENT)]
    assert str(RowError(4, DEADLINE, "lý do")) == "dòng 4, cột Thời hạn: lý do"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("30/09/2025", date(2025, 9, 30)),
        ("1/2/2026", date(2026, 2, 1)),
        ("30-09-2025", date(2025, 9, 30)),
        ("30.09.2025", date(2025, 9, 30)),
        ("2025-09-30", date(2025, 9, 30)),
        ("30/09/2025 00:00:00", date(2025, 9, 30)),
        ("2025-09-30T17:30", date(2025, 9, 30)),
        (datetime(2025, 9, 30, 17, 0), date(2025, 9, 30)),
        (date(2025, 9, 30), date(2025, 9, 30)),
        (45930, date(2025, 9, 30)),  # an Excel serial number without a date format
        ("", None),
        (None, None),
    ],
)
def test_deadline_cells(cell: Any, expected: date | None) -> None:
    assert excel.parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell", ["30/13/2025", "hôm nay", "30/09/25", "2025/30/09", 12, True, "01/01/1900"]
)
def test_bad_deadline_cells(cell: Any) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        excel.parse_date(cell)


def _zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj", "không phải"),
        (bytes(range(256)) * 8, "không phải"),
        ("Số ký hiệu văn bản,Nội dung nhiệm vụ\n155/NQ-CP,Việc".encode(), "không phải"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".xls"),
        (b"", "rỗng"),
        (_zip_with("notes.txt", b"hello"), "hỏng"),
        (excel.import_template()[:2000], "hỏng"),
    ],
    ids=["pdf", "random", "csv-renamed", "old-xls", "empty", "other-zip", "truncated"],
)
def test_a_file_that_is_not_xlsx_gives_one_clear_error(data: bytes, words: str) -> None:
    rows, errors = excel.parse_import(data)
    assert rows == []
    assert len(errors) == 1
    assert errors[0].row == 0
    assert words in errors[0].reason


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (excel.MAX_UNPACKED_BYTES + 1))
    assert len(buffer.getvalue()) < 200_000
    rows, errors = excel.parse_import(buffer.getvalue())
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [(0, "")]
    assert "quá lớn" in errors[0].reason


def test_a_workbook_without_the_headers_is_refused() -> None:
    workbook = Workbook()
    workbook.active.append(["Tên", "Ngày"])
    workbook.active.append(["A", "B"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows, errors = excel.parse_import(buffer.getvalue())
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [(0, "")]
    assert "Số ký hiệu văn bản" in errors[0].reason


def test_a_missing_required_column_is_named() -> None:
    headers = [DIRECTIVE, CONTENT, "Ghi chú", COORDINATING, "Hạn", RESULT, KEY]
    rows, errors = excel.parse_import(_fill([_good()], headers))
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [(1, LEAD), (1, DEADLINE)]


def test_headers_are_matched_loosely_and_may_sit_under_a_title() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH MỤC NHIỆM VỤ GIAO NĂM 2025"])
    sheet.append([])
    sheet.append(
        [
            "STT",
            "số ký hiệu  văn bản *",
            "Nội dung nhiệm vụ",
            "Mã cơ quan chủ trì",
            "Thời hạn (dd/mm/yyyy)",
        ]
    )
    sheet.append([1, "155/NQ-CP", "Việc một", PHU_THO, datetime(2025, 9, 30)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows, errors = excel.parse_import(buffer.getvalue())
    assert errors == []
    assert [(r["row"], r["content"], r["deadline"], r["is_key"]) for r in rows] == [
        (4, "Việc một", date(2025, 9, 30), False)
    ]


def test_too_many_rows_are_refused() -> None:
    rows, errors = excel.parse_import(
        _fill([_good(f"Việc {n}") for n in range(excel.MAX_ROWS + 1)])
    )
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [(0, "")]
    assert str(excel.MAX_ROWS) in errors[0].reason


# --- the import action ------------------------------------------------------------------


@pytest.fixture
def directive(db: Any, coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=ISSUED,
        issuing_agency=Agency.objects.get(code="CP"),
        title="Nghị quyết phiên họp Chính phủ thường kỳ tháng 6",
    )


def _import(user: User, data: bytes, dry_run: bool = False) -> actions.ImportResult:
    return actions.import_tasks(acting_user=user, data=data, dry_run=dry_run, today=TODAY)


@pytest.mark.django_db
def test_import_creates_every_task_with_one_import_event(
    coordinator: User, directive: Directive
) -> None:
    data = _fill(
        [
            _good(),
            _good("Rà soát thủ tục hành chính", **{LEAD: "ubnd-t11", COORDINATING: "", KEY: ""}),
            _good("Báo cáo quý III", **{DEADLINE: "15/08/2025", DIRECTIVE: "155/nq-cp"}),
            _good("Nhiệm vụ không hạn", **{DEADLINE: None, RESULT: None}),
        ]
    )
    events_before = AuditEvent.objects.count()
    result = _import(coordinator, data)
    assert result.ok and result.errors == []
    assert result.created == 4
    tasks = list(Task.objects.filter(pk__in=result.task_ids).order_by("pk"))
    assert [t.content for t in tasks] == [
        "Kết nối cơ sở dữ liệu dân cư",
        "Rà soát thủ tục hành chính",
        "Báo cáo quý III",
        "Nhiệm vụ không hạn",
    ]
    first, second, third, fourth = tasks
    assert first.directive == directive and first.lead_agency.code == PHU_THO
    assert sorted(a.code for a in first.coordinating_agencies.all()) == [BCA, DIEN_BIEN]
    assert first.deadline == first.original_deadline == date(2025, 9, 30)
    assert first.is_key and first.expected_result == "Báo cáo Thủ tướng"
    assert first.status == TaskStatus.OPEN
    assert second.lead_agency.code == DIEN_BIEN and not second.is_key
    assert list(second.coordinating_agencies.all()) == []
    assert third.status == TaskStatus.OVERDUE  # its deadline had passed on import
    assert fourth.deadline is None and fourth.expected_result == ""
    events = list(AuditEvent.objects.order_by("seq"))[events_before:]
    assert [e.event_type for e in events] == [EventType.TASK_CREATED] * 4 + [
        EventType.TASKS_IMPORTED
    ]
    imported = events[-1]
    assert imported.actor == coordinator
    assert imported.data["count"] == 4
    assert imported.data["sha256"] == hashlib.sha256(data).hexdigest()
    assert imported.data["task_ids"] == result.task_ids
    assert verify_chain([event_as_dict(e) for e in AuditEvent.objects.order_by("seq")]) == []


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_saves_nothing_and_names_each_bad_cell(
    coordinator: User, directive: Directive
) -> None:
    dissolved = Agency.objects.filter(valid_to__lt=TODAY, successor__isnull=False).first()
    assert dissolved is not None and dissolved.successor is not None
    data = _fill(
        [
            _good(),
            _good("Việc hai", **{LEAD: "KHONG-CO"}),
            _good("Việc ba", **{DEADLINE: "31/09/2025"}),
            _good(""),
            _good("Việc năm", **{DEADLINE: "30/06/2025"}),
            _good("Việc sáu", **{DIRECTIVE: "999/QĐ-TTg", COORDINATING: "BCA, XYZ, ABC"}),
            _good("Việc bảy", **{LEAD: dissolved.code}),
            _good(),
        ]
    )
    tasks_before, events_before = Task.objects.count(), AuditEvent.objects.count()
    result = _import(coordinator, data)
    assert result.created == 0 and result.task_ids == [] and not result.ok
    assert Task.objects.count() == tasks_before
    assert AuditEvent.objects.count() == events_before
    assert [(e.row, e.column) for e in result.errors] == [
        (3, LEAD),
        (4, DEADLINE),
        (5, CONTENT),
        (6, DEADLINE),
        (7, DIRECTIVE),
        (7, COORDINATING),
        (8, LEAD),
        (9, CONTENT),
    ]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert "KHONG-CO" in reasons[(3, LEAD)]
    assert "31/09/2025" in reasons[(4, DEADLINE)]
    assert reasons[(5, CONTENT)] == "Nhập nội dung nhiệm vụ."
    assert "30/06/2025" in reasons[(6, DEADLINE)] and "01/07/2025" in reasons[(6, DEADLINE)]
    assert "999/QĐ-TTg" in reasons[(7, DIRECTIVE)]
    assert "XYZ, ABC" in reasons[(7, COORDINATING)]
    assert dissolved.successor.code in reasons[(8, LEAD)]


@pytest.mark.django_db
def test_the_same_file_twice_is_refused_the_second_time(
    coordinator: User, directive: Directive
) -> None:
    data = _fill([_good(), _good("Việc hai")])
    assert _import(coordinator, data).created == 2
    again = _import(coordinator, data)
    assert again.created == 0
    assert _errors(again.errors) == {(2, CONTENT), (3, CONTENT)}
    assert Task.objects.filter(directive=directive).count() == 2


@pytest.mark.django_db
def test_dry_run_previews_and_saves_nothing(coordinator: User, directive: Directive) -> None:
    data = _fill([_good(), _good("Báo cáo quý III", **{DEADLINE: "15/08/2025", KEY: ""})])
    tasks_before, events_before = Task.objects.count(), AuditEvent.objects.count()
    result = _import(coordinator, data, dry_run=True)
    assert result.ok and result.dry_run and result.created == 0
    assert Task.objects.count() == tasks_before
    assert AuditEvent.objects.count() == events_before
    first, second = result.preview
    assert first.row == 2
    assert first.directive_title == directive.title
    assert first.lead_agency_name == "Ủy ban nhân dân tỉnh Phú Thọ"
    assert first.coordinating_agencies == ("Bộ Công an", "Ủy ban nhân dân tỉnh Điện Biên")
    assert first.deadline == date(2025, 9, 30) and first.is_key
    assert first.status == TaskStatus.OPEN and first.status_label == "Đang thực hiện trong hạn"
    assert second.status == TaskStatus.OVERDUE and not second.is_key
    # A dry run with errors reports them and previews nothing.
    bad = _import(coordinator, _fill([_good(), _good(**{LEAD: "KHONG-CO"})]), dry_run=True)
    assert bad.preview == [] and _errors(bad.errors) == {(3, LEAD)}


@pytest.mark.django_db
def test_a_non_xlsx_upload_gives_a_clear_error(coordinator: User, directive: Directive) -> None:
    for data in (b"%PDF-1.4 fake", "Nội dung".encode() * 10, b"PK\x03\x04broken"):
        result = _import(coordinator, data)
        assert result.created == 0
        assert [(e.row, e.column) for e in result.errors] == [(0, "")]
        assert ".xlsx" in result.errors[0].reason
    assert Task.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["phutho_officer", "phutho_leader", "phutho_viewer"])
def test_only_central_roles_may_import(
    who: str, request: pytest.FixtureRequest, directive: Directive
) -> None:
    user: User = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _import(user, _fill([_good()]))
    with pytest.raises(PermissionDenied):
        _import(user, _fill([_good()]), dry_run=True)
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_admin_may_import(admin_user: User, directive: Directive) -> None:
    assert _import(admin_user, _fill([_good()])).created == 1


@pytest.mark.django_db
def test_a_failure_half_way_rolls_back_every_row(
    coordinator: User, directive: Directive, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create = actions.create_task

    def failing_on(call: int, error: Exception) -> Any:
        calls = 0

        def create(**kwargs: Any) -> Task:
            nonlocal calls
            calls += 1
            if calls == call:
                raise error
            return real_create(**kwargs)

        return create

    events_before = AuditEvent.objects.count()
    monkeypatch.setattr(
        actions, "create_task", failing_on(2, ValidationError({"deadline": "Bị từ chối."}))
    )
    result = _import(coordinator, _fill([_good(), _good("Việc hai"), _good("Việc ba")]))
    assert result.created == 0
    assert [(e.row, e.column, e.reason) for e in result.errors] == [(3, DEADLINE, "Bị từ chối.")]
    assert Task.objects.count() == 0
    assert AuditEvent.objects.count() == events_before

    # An unexpected error propagates, and the rows created before it are gone too.
    monkeypatch.setattr(actions, "create_task", failing_on(3, RuntimeError("mất kết nối")))
    with pytest.raises(RuntimeError):
        _import(coordinator, _fill([_good(), _good("Việc hai"), _good("Việc ba")]))
    assert Task.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


# --- the command ------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_imports_and_reports(
    coordinator: User, directive: Directive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "nhiem-vu.xlsx"
    good.write_bytes(_fill([_good(), _good("Việc hai")]))
    out = io.StringIO()
    call_command("tasks", "import", str(good), "--dry-run", "--user", "vpcp.dieuphoi", stdout=out)
    assert "3\t155/NQ-CP\tUBND-T25\t30/09/2025\tViệc hai" in out.getvalue()
    assert "Chạy thử: sẽ tạo 2 nhiệm vụ; chưa lưu gì." in out.getvalue()
    assert Task.objects.count() == 0
    out = io.StringIO()
    call_command("tasks", "import", str(good), "--user", "vpcp.dieuphoi", stdout=out)
    assert Task.objects.count() == 2
    assert "Đã tạo 2 nhiệm vụ." in out.getvalue()

    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(_fill([_good("Việc ba"), _good("Việc bốn", **{DEADLINE: "hôm qua"})]))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("tasks", "import", str(bad), "--user", "vpcp.dieuphoi", stderr=err)
    assert exit_info.value.code == 1
    assert "row 3, column Thời hạn: “hôm qua”" in err.getvalue()
    assert Task.objects.count() == 2

    text = tmp_path / "ghi-chu.xlsx"
    text.write_text("không phải Excel")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("tasks", "import", str(text), "--user", "vpcp.dieuphoi", stderr=err)
    assert exit_info.value.code == 1
    assert ".xlsx" in err.getvalue()


@pytest.mark.django_db
def test_command_refuses_an_officer_and_an_unknown_user(
    directive: Directive, tmp_path: Path
) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "nhiem-vu.xlsx"
    path.write_bytes(_fill([_good()]))
    with pytest.raises(CommandError, match="điều phối"):
        call_command("tasks", "import", str(path), "--user", "phutho.canbo")
    with pytest.raises(CommandError, match="no user"):
        call_command("tasks", "import", str(path), "--user", "khong.co")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("tasks", "import", str(tmp_path / "missing.xlsx"), "--user", "quantri")
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_exporting_imported_tasks_reads_them_back(
    coordinator: User, directive: Directive, django_assert_num_queries: Any
) -> None:
    result = _import(coordinator, _fill([_good(), _good("Việc hai", **{COORDINATING: ""})]))
    tasks = (
        Task.objects.filter(pk__in=result.task_ids)
        .select_related("directive", "lead_agency")
        .prefetch_related("coordinating_agencies")
        .order_by("pk")
    )
    with django_assert_num_queries(2):
        rows = excel.task_rows(tasks)
    sheet = load_workbook(io.BytesIO(excel.tasks_workbook(rows))).active
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [
        [
            1,
            "155/NQ-CP",
            "Kết nối cơ sở dữ liệu dân cư",
            "Ủy ban nhân dân tỉnh Phú Thọ",
            "Bộ Công an, Ủy ban nhân dân tỉnh Điện Biên",
            datetime(2025, 9, 30),
            datetime(2025, 9, 30),
            "Đang thực hiện trong hạn",
            0,
            None,
            "x",
        ],
        [
            2,
            "155/NQ-CP",
            "Việc hai",
            "Ủy ban nhân dân tỉnh Phú Thọ",
            None,
            datetime(2025, 9, 30),
            datetime(2025, 9, 30),
            "Đang thực hiện trong hạn",
            0,
            None,
            "x",
        ],
    ]
