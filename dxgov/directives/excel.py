"""Excel (.xlsx) files for tasks: exports, the import template, and reading a filled template.

Pure: plain values in and out, no database. The import file refers to directives by their
number and symbol and to agencies by their code; resolving them (and every rule that needs the
database) is the job of actions.import_tasks.

The import template's column headers are fixed Vietnamese text, not translated: they are the
file format, and a file filled in under one interface language must import under the other.
Everything else a person reads (the exports' headers, the instructions sheet, the errors) goes
through gettext.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from dxgov.core import spreadsheets, xlsx
from dxgov.directives import rules
from dxgov.directives.models import TaskStatus

# --- the import template's columns (the file format) ------------------------------------

DIRECTIVE = "Số ký hiệu văn bản"
CONTENT = "Nội dung nhiệm vụ"
LEAD = "Mã cơ quan chủ trì"
COORDINATING = "Mã cơ quan phối hợp"
DEADLINE = "Thời hạn"
RESULT = "Sản phẩm/kết quả"
KEY = "Trọng tâm"

IMPORT_HEADERS: tuple[str, ...] = (DIRECTIVE, CONTENT, LEAD, COORDINATING, DEADLINE, RESULT, KEY)
# A file without these columns is refused; the others may be left out.
REQUIRED_COLUMNS: tuple[str, ...] = (DIRECTIVE, CONTENT, LEAD, DEADLINE)
# The key each column's value has in a parsed row.
ROW_KEYS: dict[str, str] = {
    DIRECTIVE: "directive_number",
    CONTENT: "content",
    LEAD: "lead_agency_code",
    COORDINATING: "coordinating_agency_codes",
    DEADLINE: "deadline",
    RESULT: "expected_result",
    KEY: "is_key",
}

# Lengths: the same as the form's and the API's (rules.CONTENT_MAX, …), one place for all.
MAX_NUMBER = rules.NUMBER_MAX
MAX_CODE = rules.AGENCY_CODE_MAX
MAX_CONTENT = rules.CONTENT_MAX
MAX_RESULT = rules.CONTENT_MAX
MAX_ROWS = 1000
# The header row may sit under a title; it is looked for in the first rows only.
HEADER_SEARCH_ROWS = 10
# Rows and columns a cell may sit in, cells (blank, formatted ones too) and what the parts may
# unpack to: the reader's caps (core.xlsx), far above a task list of MAX_ROWS rows.
MAX_SCAN = 10_000
MAX_COLUMNS = 64
MAX_CELLS = 200_000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
CAPS = xlsx.Caps(
    rows=MAX_SCAN, columns=MAX_COLUMNS, cells=MAX_CELLS, unpacked_bytes=MAX_UNPACKED_BYTES
)
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DATE_FORMAT = "DD/MM/YYYY"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class RowError:
    """One problem in an import file: the row as Excel numbers it (0: the whole file)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.reason
        if not self.column:
            return _("row %(row)d: %(reason)s") % {"row": self.row, "reason": self.reason}
        return _("row %(row)d, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


# --- writing ----------------------------------------------------------------------------


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    # Text from users is data: "=HYPERLINK(...)" must not become a live formula.
    cell = spreadsheets.put(sheet, row, column, value)
    if isinstance(value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = _DATE_FORMAT
    return cell


def _header_row(sheet: Any, headers: Sequence[str], widths: Sequence[int]) -> None:
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = _put(sheet, 1, column, header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _status_label(value: str) -> str:
    if value in TaskStatus.values:
        return str(TaskStatus(value).label)
    return value


def _agencies_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(str(item) for item in value)


def task_export_headers() -> list[str]:
    return [
        pgettext("excel column", "No."),
        pgettext("excel column", "Directive"),
        pgettext("excel column", "Task"),
        pgettext("excel column", "Lead agency"),
        pgettext("excel column", "Coordinating agencies"),
        pgettext("excel column", "Deadline"),
        pgettext("excel column", "Original deadline"),
        pgettext("excel column", "Status"),
        pgettext("excel column", "Progress (%)"),
        pgettext("excel column", "Completed on"),
        pgettext("excel column", "Key task"),
    ]


_TASK_WIDTHS = (6, 18, 60, 32, 40, 13, 13, 24, 11, 15, 12)


def tasks_workbook(rows: list[dict[str, Any]]) -> bytes:
    """A task list as .xlsx, one task a row.

    Each row dict may hold: directive (number), content, lead_agency (name),
    coordinating_agencies (names: a list or one string), deadline, original_deadline,
    completed_on (dates or None), status (a TaskStatus code, shown by its label, or any
    text), progress_percent, is_key. Missing keys give empty cells. See task_rows().
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = pgettext("excel sheet", "Tasks")
    headers = task_export_headers()
    _header_row(sheet, headers, _TASK_WIDTHS)
    for number, row in enumerate(rows, start=1):
        values = [
            number,
            row.get("directive", ""),
            row.get("content", ""),
            row.get("lead_agency", ""),
            _agencies_text(row.get("coordinating_agencies")),
            row.get("deadline"),
            row.get("original_deadline"),
            _status_label(str(row.get("status") or "")),
            row.get("progress_percent"),
            row.get("completed_on"),
            "x" if row.get("is_key") else "",
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, number + 1, column, value)
            cell.alignment = _WRAP
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    return _bytes(workbook)


def task_rows(tasks: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows for tasks_workbook from Task objects.

    Reads attributes only: load the tasks with select_related("directive", "lead_agency")
    and prefetch_related("coordinating_agencies") to avoid a query per task.
    """
    return [
        {
            "directive": task.directive.number,
            "content": task.content,
            "lead_agency": task.lead_agency.name,
            "coordinating_agencies": [agency.name for agency in task.coordinating_agencies.all()],
            "deadline": task.deadline,
            "original_deadline": task.original_deadline,
            "status": task.status,
            "progress_percent": task.progress_percent,
            "completed_on": task.completed_on,
            "is_key": task.is_key,
        }
        for task in tasks
    ]


def _table(value: Any) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows for one grouping: rows as dicts, or a mapping label → dict or value."""
    if isinstance(value, Mapping):
        items = list(value.items())
        if items and all(isinstance(v, Mapping) for _k, v in items):
            rows = [{"": label, **dict(v)} for label, v in items]
        else:
            rows = [{"": label, pgettext("excel column", "Value"): v} for label, v in items]
    else:
        rows = [dict(item) for item in value]
    headers: list[str] = []
    for row in rows:
        for key in row:
            if key not in headers:
                headers.append(key)
    label = pgettext("excel column", "Group")
    shown = [label if key == "" else str(key) for key in headers]
    return shown, [[row.get(key) for key in headers] for row in rows]


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | date | str):
        return value
    if isinstance(value, Promise):
        # A lazy label (a status's) is text; iterated as below it would become "Q, u, á".
        return str(value)
    if isinstance(value, Iterable) and not isinstance(value, bytes):
        return ", ".join(str(item) for item in value)
    return str(value)


def statistics_workbook(stats: dict[str, Any]) -> bytes:
    """Statistics as .xlsx: a sheet per grouping.

    `stats` maps a grouping's title (the sheet's name) to its table: a list of row dicts
    (keys are the column headers, in first-seen order), or a mapping from a row label to a
    dict of values or to a single value. Plain numbers or text at the top level are gathered
    on a summary sheet.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    summary = {key: value for key, value in stats.items() if not _is_table(value)}
    if summary:
        _write_table(workbook, pgettext("excel sheet", "Summary"), summary, taken)
    for title, value in stats.items():
        if _is_table(value):
            _write_table(workbook, str(title), value, taken)
    if not workbook.worksheets:
        workbook.create_sheet(pgettext("excel sheet", "Summary"))
    return _bytes(workbook)


def _is_table(value: Any) -> bool:
    if isinstance(value, Mapping):
        return True
    return isinstance(value, list | tuple) and all(isinstance(item, Mapping) for item in value)


def _write_table(workbook: Workbook, title: str, value: Any, taken: set[str]) -> None:
    sheet = workbook.create_sheet(spreadsheets.sheet_title(title, taken))
    headers, rows = _table(value)
    if not headers:
        return
    widths = [max(10, min(60, len(header) + 4)) for header in headers]
    for row in rows:
        for index, item in enumerate(row):
            widths[index] = max(widths[index], min(60, len(str(item or "")) + 2))
    _header_row(sheet, headers, widths)
    for number, row in enumerate(rows, start=2):
        for column, item in enumerate(row, start=1):
            cell = _put(sheet, number, column, _cell_value(item))
            if isinstance(item, float):
                cell.number_format = "0.0#"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


# --- the import template ----------------------------------------------------------------


def _column_guide() -> list[tuple[str, bool, str, str]]:
    """(column, required?, how to fill it in, example) for the instructions sheet."""
    yes, no = True, False
    return [
        (
            DIRECTIVE,
            yes,
            _(
                "The number and symbol of a directive already entered in the system, "
                "exactly as printed (at most %(max)d characters)."
            )
            % {"max": MAX_NUMBER},
            "155/NQ-CP",
        ),
        (
            CONTENT,
            yes,
            _("What has to be done (at most %(max)d characters).") % {"max": MAX_CONTENT},
            _("Complete the connection to the national population database"),
        ),
        (
            LEAD,
            yes,
            _("The code of the one agency that leads the task, as listed in the agency directory."),
            "UBND-T25",
        ),
        (
            COORDINATING,
            no,
            _(
                "Codes of the coordinating agencies, separated by commas; "
                "not the lead agency's own code."
            ),
            "BCA, UBND-T11",
        ),
        (
            DEADLINE,
            no,
            _(
                "The deadline as dd/mm/yyyy (e.g. 30/09/2025) or an Excel date; not before "
                "the directive's date. Leave empty for a task without a deadline."
            ),
            "30/09/2025",
        ),
        (
            RESULT,
            no,
            _("The expected product or result (at most %(max)d characters).") % {"max": MAX_RESULT},
            _("Report to the Prime Minister"),
        ),
        (KEY, no, _("Write x for a key task; leave empty otherwise."), "x"),
    ]


def import_template() -> bytes:
    """The .xlsx to fill in: a sheet of task rows and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = pgettext("excel sheet", "Tasks")
    guide = _column_guide()
    _header_row(sheet, IMPORT_HEADERS, (18, 60, 20, 28, 14, 40, 11))
    for column, (_header, required, how, _example) in enumerate(guide, start=1):
        note = _("Required. %(how)s") % {"how": how} if required else how
        sheet.cell(row=1, column=column).comment = Comment(note, "dxgov", width=300, height=120)
    deadline_column = get_column_letter(IMPORT_HEADERS.index(DEADLINE) + 1)
    # Styled on the column, not cell by cell: rows stay empty until someone fills them in.
    sheet.column_dimensions[deadline_column].number_format = _DATE_FORMAT
    key_column = get_column_letter(IMPORT_HEADERS.index(KEY) + 1)
    key_choice = DataValidation(type="list", formula1='"x"', allow_blank=True)
    key_choice.error = _("Write x for a key task; leave empty otherwise.")
    key_choice.showErrorMessage = True
    sheet.add_data_validation(key_choice)
    key_choice.add(f"{key_column}2:{key_column}{MAX_ROWS + 1}")

    help_sheet = workbook.create_sheet(pgettext("excel sheet", "Instructions"))
    _put(help_sheet, 1, 1, _("How to fill in the task import file")).font = Font(bold=True, size=14)
    intro = [
        _(
            "Enter one task per row on the first sheet, from the row under the headers. "
            "Do not rename, remove or reorder the header cells."
        ),
        _(
            "Directives must already be entered in the system; refer to them by number and "
            "symbol. Agencies are referred to by their code."
        ),
        _(
            "If any row has an error, nothing is imported: the system lists every error with "
            "its row and column; correct them and upload the file again. At most %(max)d "
            "tasks per file."
        )
        % {"max": MAX_ROWS},
    ]
    for offset, line in enumerate(intro, start=2):
        _put(help_sheet, offset, 1, line)
    top = len(intro) + 3
    columns = [_("Column"), _("Required"), _("How to fill it in"), _("Example")]
    for column, text in enumerate(columns, start=1):
        cell = _put(help_sheet, top, column, text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for offset, (header, required, how, example) in enumerate(guide, start=1):
        entry = (header, _("Yes") if required else _("No"), how, example)
        for column, text in enumerate(entry, start=1):
            _put(help_sheet, top + offset, column, text).alignment = _WRAP
    statuses_top = top + len(guide) + 2
    _put(help_sheet, statuses_top, 1, _("Task statuses")).font = Font(bold=True)
    _put(
        help_sheet,
        statuses_top + 1,
        1,
        _(
            "The status is not entered: an imported task is open within its deadline, or "
            "overdue if its deadline has already passed. The valid statuses are:"
        ),
    )
    for offset, (code, label) in enumerate(TaskStatus.choices, start=2):
        _put(help_sheet, statuses_top + offset, 1, str(label))
        _put(help_sheet, statuses_top + offset, 2, code)
    for letter, width in zip("ABCD", (28, 12, 80, 40), strict=True):
        help_sheet.column_dimensions[letter].width = width
    return _bytes(workbook)


# --- reading ----------------------------------------------------------------------------


class _Unreadable(Exception):
    """The upload is not a workbook we can read; the message says so."""


def _normal(header: Any) -> str:
    """A header compared loosely: case, spacing, a trailing (hint) and * marks ignored."""
    text = unicodedata.normalize("NFC", str(header or "")).strip()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text).rstrip("* ").strip()
    return " ".join(text.split()).casefold()


_KNOWN = {_normal(header): header for header in IMPORT_HEADERS}


def _not_a_workbook() -> str:
    return _(
        "The file is not an Excel workbook (.xlsx). Download the template, fill it in and "
        "upload it as it was saved by Excel or LibreOffice."
    )


def _read_sheets(data: bytes) -> list[list[tuple[Any, ...]]]:
    if not data:
        raise _Unreadable(_("The file is empty."))
    if not data.startswith(xlsx.ZIP_MAGIC) and not data.startswith(xlsx.OLE_MAGIC):
        raise _Unreadable(_not_a_workbook())
    try:
        workbook = xlsx.read_workbook(data, CAPS)
    except xlsx.WorkbookRefused as exc:
        # A cap's message names it; a damaged or foreign file gets the one sentence.
        raise _Unreadable(exc.message) from exc
    return [sheet.rows for sheet in workbook.sheets]


def _blank(values: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, column index of each known header) or None."""
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for column, value in enumerate(values):
            header = _KNOWN.get(_normal(value))
            if header is not None and header not in found:
                found[header] = column
        if any(header in found for header in REQUIRED_COLUMNS):
            return index, found
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


# A time of day after the date (text copied from another system) is ignored.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})" + _TIME + "$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")


def _bad_date(value: Any) -> str:
    return _(
        "“%(value)s” is not a date; write it as dd/mm/yyyy, e.g. 30/09/2025, "
        "or enter an Excel date."
    ) % {"value": _text(value)}


def parse_date(value: Any) -> date | None:
    """A deadline cell as a date (None when empty); ValueError with a readable message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, bool):
        raise ValueError(_bad_date(value))
    elif isinstance(value, int | float):
        try:
            converted = from_excel(value)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError(_bad_date(value)) from exc
        if not isinstance(converted, datetime):
            raise ValueError(_bad_date(value))
        day = converted.date()
    else:
        text = _text(value)
        dmy, ymd = _DMY.match(text), _YMD.match(text)
        if dmy:
            d, m, y = (int(part) for part in dmy.groups())
            if len(dmy.group(3)) != 4:
                raise ValueError(
                    _("Write the year in full (four digits): “%(value)s”.") % {"value": text}
                )
        elif ymd:
            y, m, d = (int(part) for part in ymd.groups())
        else:
            raise ValueError(_bad_date(value))
        try:
            day = date(y, m, d)
        except ValueError as exc:
            raise ValueError(
                _("“%(value)s” is not a day of the calendar.") % {"value": text}
            ) from exc
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(
            _("The date %(value)s is not plausible for a deadline.")
            % {"value": day.strftime("%d/%m/%Y")}
        )
    return day


def _codes(text: str) -> list[str]:
    codes: list[str] = []
    for part in re.split(r"[,;\n]", text):
        code = part.strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def _too_long(limit: int) -> str:
    return _("Too long: at most %(max)d characters.") % {"max": limit}


def _parse_row(
    number: int, values: Sequence[Any], columns: dict[str, int]
) -> tuple[dict[str, Any] | None, list[RowError]]:
    errors: list[RowError] = []
    # A formula no spreadsheet program has computed is refused at its cell (a deadline
    # =DATE(2026,12,31) must not pass for "no deadline"); its column gets no other error.
    uncomputed: set[str] = set()

    def cell(header: str) -> Any:
        index = columns.get(header)
        if index is None or index >= len(values):
            return None
        value = values[index]
        if isinstance(value, xlsx.Uncomputed):
            if header not in uncomputed:
                uncomputed.add(header)
                errors.append(RowError(number, header, xlsx.uncomputed_message(value)))
            return None
        return value

    def fail(header: str, reason: str) -> None:
        if header not in uncomputed:
            errors.append(RowError(number, header, reason))

    directive_number = _text(cell(DIRECTIVE))
    if not directive_number:
        fail(DIRECTIVE, _("Give the directive's number and symbol, e.g. 155/NQ-CP."))
    elif len(directive_number) > MAX_NUMBER:
        fail(DIRECTIVE, _too_long(MAX_NUMBER))

    content = _text(cell(CONTENT))
    if not content:
        fail(CONTENT, _("Describe the task."))
    elif len(content) > MAX_CONTENT:
        fail(CONTENT, _too_long(MAX_CONTENT))

    lead = _text(cell(LEAD))
    if not lead:
        fail(LEAD, _("Give the lead agency's code."))
    elif len(lead) > MAX_CODE or len(_codes(lead)) > 1:
        fail(LEAD, _("A task has exactly one lead agency: give one agency code."))

    coordinating = _codes(_text(cell(COORDINATING)))
    for code in coordinating:
        if len(code) > MAX_CODE:
            fail(COORDINATING, _("“%(code)s” is not an agency code.") % {"code": code[:40]})
            break
    if lead and any(code.casefold() == lead.casefold() for code in coordinating):
        fail(COORDINATING, _("The lead agency cannot also be a coordinating agency."))

    try:
        deadline = parse_date(cell(DEADLINE))
    except ValueError as exc:
        fail(DEADLINE, str(exc))
        deadline = None

    result = _text(cell(RESULT))
    if len(result) > MAX_RESULT:
        fail(RESULT, _too_long(MAX_RESULT))

    key_value = cell(KEY)
    key_text = _text(key_value).casefold()
    if key_value is True or key_text == "x":
        is_key = True
    elif key_value is None or key_value is False or key_text == "":
        is_key = False
    else:
        is_key = False
        fail(KEY, _("Write x for a key task; leave empty otherwise."))

    if errors:
        return None, errors
    return {
        "row": number,
        "directive_number": directive_number,
        "content": content,
        "lead_agency_code": lead,
        "coordinating_agency_codes": coordinating,
        "deadline": deadline,
        "expected_result": result,
        "is_key": is_key,
    }, []


def parse_import(data: bytes) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The task rows of a filled-in template, and every problem found, cell by cell.

    Each row is a dict: row (as Excel numbers it), directive_number, content,
    lead_agency_code, coordinating_agency_codes (list), deadline (date or None),
    expected_result, is_key. Rows with an error are left out of the list. A file that is
    not a readable .xlsx gives a single RowError on row 0; it never raises.
    """
    try:
        sheets = _read_sheets(data)
    except _Unreadable as exc:
        return [], [RowError(0, "", str(exc))]
    located = None
    for rows in sheets:
        found = _find_header(rows)
        if found is not None:
            located = (rows, *found)
            break
    if located is None:
        return [], [
            RowError(
                0,
                "",
                _(
                    "No task sheet found: the first row must hold the template's headers "
                    "(%(headers)s). Download the template and fill it in."
                )
                % {"headers": ", ".join(IMPORT_HEADERS)},
            )
        ]
    rows, header_index, columns = located
    header_row = header_index + 1
    missing = [header for header in REQUIRED_COLUMNS if header not in columns]
    if missing:
        return [], [
            RowError(header_row, header, _("This column is missing from the header row."))
            for header in missing
        ]
    body = [
        (header_index + 2 + offset, values)
        for offset, values in enumerate(rows[header_index + 1 :])
        if not _blank(values)
    ]
    if not body:
        return [], [
            RowError(
                0, "", _("The file holds no tasks: fill in at least one row under the headers.")
            )
        ]
    if len(body) > MAX_ROWS:
        return [], [
            RowError(
                0,
                "",
                _("The file holds more than %(max)d tasks; split it into several files.")
                % {"max": MAX_ROWS},
            )
        ]
    parsed: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, values in body:
        row, row_errors = _parse_row(number, values, columns)
        errors.extend(row_errors)
        if row is None:
            continue
        key = (
            row["directive_number"].casefold(),
            " ".join(row["content"].split()).casefold(),
            row["lead_agency_code"].casefold(),
        )
        if key in seen:
            errors.append(
                RowError(
                    number,
                    CONTENT,
                    _("The same task for the same lead agency is already on row %(row)d.")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        parsed.append(row)
    return parsed, errors
