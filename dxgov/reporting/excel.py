"""A report form as an Excel workbook (.xlsx): the pre-filled download, and reading it back.

Pure: plain values in and out, no database. exports.form_sheet reads what a form holds; the
upload is judged by the same actions.save_values as the web form (imports.import_workbook).

The sheet: a header block (agency, report, period, cut-off window, due date), then one row per
indicator from row FIRST_ROW: code, name, unit, value (counts, money, yes/no), numerator and
denominator (ratios; the value they give is in a note on the empty value cell), comment, and in
a hidden column the version of the stored value when the file was made, so a value someone
changed after the download is a conflict, not overwritten. Only the value, numerator,
denominator and comment cells of the table are unlocked; the rest of the sheet is protected
(without a password: it prevents slips, not intent). A hidden sheet names the report
definition, agency and period, and an upload for another form is refused.

Reading goes through the one bounded reader (core.xlsx, within ``CAPS``); a figure of the wrong
shape (a value in a ratio's row) is passed on and refused by the shape rule; a formula no
spreadsheet program computed is refused at its cell; emptying a figure the file showed (its
row carries a version) clears it, as on the web form.

Column headers and the header block's labels are fixed Vietnamese text, as in
directives/excel.py: they are the file format. Messages a person reads go through gettext.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dxgov.core import spreadsheets, xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- the file format ------------------------------------------------------------------------

SHEET_TITLE = "Biểu nhập số liệu"
META_SHEET = "dxgov"
HEADER_ROW = 7
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 500
MAX_COMMENT = 2000
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# The reader's caps (core.xlsx): rows and columns a cell may sit in, cells in all (blank,
# formatted ones too), what the parts may unpack to.
CAPS = xlsx.Caps(rows=1_000, columns=64, cells=50_000, unpacked_bytes=MAX_UNPACKED_BYTES)

CODE, NAME, UNIT, VALUE, NUMERATOR, DENOMINATOR, COMMENT, VERSION = range(1, 9)
HEADERS = {
    CODE: "Mã chỉ tiêu",
    NAME: "Tên chỉ tiêu",
    UNIT: "Đơn vị tính",
    VALUE: "Giá trị",
    NUMERATOR: "Tử số",
    DENOMINATOR: "Mẫu số",
    COMMENT: "Ghi chú / giải trình",
    VERSION: "Phiên bản",
}
WIDTHS = {CODE: 14, NAME: 56, UNIT: 12, VALUE: 16, NUMERATOR: 14, DENOMINATOR: 14, COMMENT: 40}
# Where a finding about a value's field points.
FIELD_COLUMN = {"value": VALUE, "numerator": NUMERATOR, "denominator": DENOMINATOR}
YES, NO = "Có", "Không"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_UNUSED_FILL = PatternFill("solid", fgColor="D9D9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class FormRow:
    """One indicator on the form with what is stored for it (None: nothing yet)."""

    code: str
    name: str
    unit: str
    value_type: str  # indicators.models.ValueType: count, ratio, money, boolean
    decimals: int = 0
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    comment: str = ""
    version: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    section: str = ""

    @property
    def is_ratio(self) -> bool:
        return self.value_type == "ratio"


@dataclass(frozen=True)
class FormSheet:
    definition_id: int
    definition_code: str
    definition_name: str
    agency_code: str
    agency_name: str
    period_code: str
    period_label: str
    cutoff_start: date
    cutoff_end: date
    due_date: date
    status_label: str = ""
    rows: list[FormRow] = field(default_factory=list)


@dataclass(frozen=True)
class CellError:
    """A problem at a cell ("D8"), a row (column empty) or in the whole file (row 0)."""

    row: int
    column: int
    message: str

    @property
    def cell(self) -> str:
        if self.row == 0:
            return ""
        if not self.column:
            return str(self.row)
        return f"{get_column_letter(self.column)}{self.row}"

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}" if self.cell else self.message


# A figure as the cell held it: a number cell as an exact Decimal, anything else as text.
Figure = Decimal | str


@dataclass(frozen=True)
class UploadRow:
    """A filled-in row: figures as the cells held them, the comment, the hidden version."""

    row: int
    code: str
    value: Figure
    numerator: Figure
    denominator: Figure
    comment: str
    version: int | None


@dataclass
class ParsedUpload:
    definition_code: str = ""
    agency_code: str = ""
    period_code: str = ""
    rows: list[UploadRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


# --- writing ----------------------------------------------------------------------------------


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    cell = spreadsheets.put(sheet, row, column, value)  # text from users is never a formula
    if isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _excel_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _shown(value: Decimal, decimals: int) -> str:
    """A ratio's value as the form shows it, with the decimal comma (at most its factor, so
    never in thousands)."""
    return f"{value:.{max(decimals, 0)}f}".replace(".", ",")


def _bound(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _hint(row: FormRow) -> tuple[str, str]:
    if row.value_type == "boolean":
        return _("Yes or no"), _("Choose %(yes)s or %(no)s.") % {"yes": YES, "no": NO}
    bounds = []
    if row.min_value is not None:
        bounds.append(_("at least %(min)s") % {"min": _excel_number(row.min_value)})
    if row.max_value is not None:
        bounds.append(_("at most %(max)s") % {"max": _excel_number(row.max_value)})
    places = _("%(n)d decimal places") % {"n": row.decimals} if row.decimals else _("whole number")
    text = ", ".join([places, *bounds])
    if row.is_ratio:
        return _("Numerator and denominator"), _(
            "Enter both; the value is computed (%(details)s)."
        ) % {"details": text}
    return _("Number"), text


def _validation(row: FormRow, cells: str) -> DataValidation:
    title, prompt = _hint(row)
    if row.value_type == "boolean":
        rule = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    else:
        kind = "whole" if row.decimals == 0 else "decimal"
        low = row.min_value if row.min_value is not None and not row.is_ratio else None
        high = row.max_value if row.max_value is not None and not row.is_ratio else None
        if low is not None and high is not None:
            rule = DataValidation(
                type=kind, operator="between", formula1=_bound(low), formula2=_bound(high)
            )
        elif low is not None:
            rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_bound(low))
        elif high is not None:
            rule = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_bound(high))
        elif row.is_ratio:
            rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0")
        else:
            rule = DataValidation(
                type=kind, operator="between", formula1="-1E+15", formula2="1E+15"
            )
        rule.allow_blank = True
    rule.promptTitle, rule.prompt = title[:32], prompt[:255]
    rule.errorTitle, rule.error = title[:32], prompt[:255]
    rule.showInputMessage = rule.showErrorMessage = True
    rule.add(cells)
    return rule


def _header_block(sheet: Any, form: FormSheet) -> None:
    _put(sheet, 1, 1, "BIỂU NHẬP SỐ LIỆU BÁO CÁO").font = _TITLE
    lines = [
        ("Cơ quan báo cáo:", f"{form.agency_name} ({form.agency_code})"),
        ("Báo cáo:", f"{form.definition_name} ({form.definition_code})"),
        ("Kỳ báo cáo:", f"{form.period_label} ({form.period_code})"),
        (
            "Thời gian chốt số liệu:",
            f"{form.cutoff_start:%d/%m/%Y} – {form.cutoff_end:%d/%m/%Y}",
        ),
        ("Hạn gửi báo cáo:", f"{form.due_date:%d/%m/%Y}"),
    ]
    for offset, (label, text) in enumerate(lines, start=2):
        _put(sheet, offset, 1, label).font = _BOLD
        _put(sheet, offset, 2, text)


def form_workbook(form: FormSheet) -> bytes:
    """The form as .xlsx, pre-filled with the stored values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _header_block(sheet, form)
    for column, header in HEADERS.items():
        cell = _put(sheet, HEADER_ROW, column, header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column in WIDTHS:
            sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[column]
    sheet.column_dimensions[get_column_letter(VERSION)].hidden = True
    for number, row in enumerate(form.rows, start=FIRST_ROW):
        _put(sheet, number, CODE, row.code)
        _put(sheet, number, NAME, row.name).alignment = _WRAP
        _put(sheet, number, UNIT, row.unit)
        inputs = (NUMERATOR, DENOMINATOR) if row.is_ratio else (VALUE,)
        for column in (VALUE, NUMERATOR, DENOMINATOR):
            cell = sheet.cell(row=number, column=column)
            if column not in inputs:
                cell.fill = _UNUSED_FILL
                continue
            cell.fill = _INPUT_FILL
            cell.protection = _UNLOCKED
            cell.number_format = _number_format(row.decimals)
        if row.is_ratio:
            _put(sheet, number, NUMERATOR, _excel_number(row.numerator))
            _put(sheet, number, DENOMINATOR, _excel_number(row.denominator))
            if row.value is not None:
                # The computed value is shown in a note, not in the cell: a ratio's value cell
                # holds nothing, and a figure typed into it is refused (validation.shape_of).
                sheet.cell(row=number, column=VALUE).comment = Comment(
                    _("Computed from the numerator and the denominator: %(value)s")
                    % {"value": _shown(row.value, row.decimals)},
                    "dxgov",
                )
        elif row.value_type == "boolean" and row.value is not None:
            _put(sheet, number, VALUE, YES if row.value else NO)
        else:
            _put(sheet, number, VALUE, _excel_number(row.value))
        comment = _put(sheet, number, COMMENT, row.comment)
        comment.protection = _UNLOCKED
        comment.alignment = _WRAP
        _put(sheet, number, VERSION, row.version)
        first, last = get_column_letter(inputs[0]), get_column_letter(inputs[-1])
        cells = f"{first}{number}" if first == last else f"{first}{number}:{last}{number}"
        sheet.add_data_validation(_validation(row, cells))
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=VALUE)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widen columns freely
    sheet.protection.formatRows = False
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    identity = (
        ("definition", form.definition_code),
        ("agency", form.agency_code),
        ("period", form.period_code),
    )
    for line, (key, value) in enumerate(identity, start=1):
        _put(meta, line, 1, key)
        _put(meta, line, 2, value)
    meta.protection.sheet = True
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(form: FormSheet) -> str:
    return f"{form.definition_code}-{form.agency_code}-{form.period_code}.xlsx"


# --- reading ----------------------------------------------------------------------------------


class _Unreadable(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    # Text the form was written with comes back as it was before the formula guard.
    return spreadsheets.unescape(unicodedata.normalize("NFC", str(value))).strip()


def _figure(value: Any) -> Figure:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # The shortest decimal that is this float: 0.1 stays 0.1, not 0.1000000000000000055.
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return _text(value)


def _unreadable() -> str:
    return _(
        "The file could not be read as an Excel workbook (.xlsx); download the form again, "
        "fill it in and upload it as saved by Excel or LibreOffice."
    )


def _load(data: bytes) -> xlsx.Workbook:
    """The form's two sheets, read by the one bounded reader (core.xlsx)."""
    try:
        return xlsx.read_workbook(data, CAPS, only={SHEET_TITLE, META_SHEET})
    except xlsx.TooLarge as exc:
        raise _Unreadable(exc.message) from exc  # names the cap
    except xlsx.WorkbookRefused as exc:
        raise _Unreadable(_unreadable()) from exc


def _version(value: Any) -> tuple[int | None, bool]:
    """The version cell as a number (None when empty), and whether it could be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    text = _text(value)
    if text.isdigit() and 0 < int(text) < 2**31:
        return int(text), True
    return None, False


def parse_form(data: bytes) -> ParsedUpload:
    """The rows of an uploaded form and every problem with the file, cell by cell; never raises."""
    parsed = ParsedUpload()
    try:
        workbook = _load(data)
    except _Unreadable as exc:
        parsed.errors.append(CellError(0, 0, str(exc)))
        return parsed
    sheet, meta = workbook.sheet(SHEET_TITLE), workbook.sheet(META_SHEET)
    if sheet is None or meta is None:
        parsed.errors.append(
            CellError(
                0,
                0,
                _(
                    "This is not a report form from the platform: download the form of "
                    "this report and period, fill it in and upload that file."
                ),
            )
        )
        return parsed
    identity = {_text(meta.value(row, 1)): _text(meta.value(row, 2)) for row in range(1, 4)}
    parsed.definition_code = identity.get("definition", "")
    parsed.agency_code = identity.get("agency", "")
    parsed.period_code = identity.get("period", "")
    header = [_text(sheet.value(HEADER_ROW, column)) for column in range(CODE, VERSION + 1)]
    if header != [HEADERS[c] for c in range(CODE, VERSION + 1)]:
        parsed.errors.append(
            CellError(
                HEADER_ROW, 0, _("The table's header row was changed; download the form again.")
            )
        )
        return parsed
    seen: dict[str, int] = {}
    for number in range(FIRST_ROW, FIRST_ROW + MAX_ROWS + 1):
        cells = [sheet.value(number, column) for column in range(CODE, VERSION + 1)]
        if _read_row(parsed, number, cells, seen) is _STOP:
            break
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(CellError(0, 0, _("The form holds no indicators.")))
    return parsed


_STOP = object()
# The cells of a row the upload reads; the name and unit are the form's own, locked.
_READ_COLUMNS = (CODE, VALUE, NUMERATOR, DENOMINATOR, COMMENT, VERSION)


def _read_row(parsed: ParsedUpload, number: int, cells: list[Any], seen: dict[str, int]) -> Any:
    """One table row into ``parsed`` (a row, or its errors); ``_STOP`` past the last row."""
    uncomputed = [
        (column, cells[column - 1])
        for column in _READ_COLUMNS
        if isinstance(cells[column - 1], xlsx.Uncomputed)
    ]
    if uncomputed:
        # A formula never computed is not an empty cell: it would clear the stored figure.
        parsed.errors.extend(
            CellError(number, column, xlsx.uncomputed_message(value))
            for column, value in uncomputed
        )
        return None
    code = _text(cells[CODE - 1])
    if not code:
        if any(_text(v) for v in cells):
            parsed.errors.append(
                CellError(number, CODE, _("A row with figures needs an indicator code."))
            )
        return None
    if number == FIRST_ROW + MAX_ROWS:
        parsed.errors.append(CellError(number, 0, _("Too many rows for a report form.")))
        return _STOP
    if code in seen:
        parsed.errors.append(
            CellError(
                number,
                CODE,
                _("This indicator is already on row %(row)d.") % {"row": seen[code]},
            )
        )
        return None
    seen[code] = number
    version, readable = _version(cells[VERSION - 1])
    if not readable:
        parsed.errors.append(
            CellError(
                number,
                VERSION,
                _("The hidden version column was changed; download the form again."),
            )
        )
        return None
    comment = _text(cells[COMMENT - 1])
    if len(comment) > MAX_COMMENT:
        parsed.errors.append(
            CellError(
                number,
                COMMENT,
                _("Too long: at most %(max)d characters.") % {"max": MAX_COMMENT},
            )
        )
        return None
    parsed.rows.append(
        UploadRow(
            row=number,
            code=code,
            value=_figure(cells[VALUE - 1]),
            numerator=_figure(cells[NUMERATOR - 1]),
            denominator=_figure(cells[DENOMINATOR - 1]),
            comment=comment,
            version=version,
        )
    )
    return None


def finding_cell(row: UploadRow, field: str, rule: str, is_ratio: bool) -> CellError:
    """Where a finding about a row points: its value, numerator, denominator or comment cell."""
    if rule == "unknown_indicator":
        column = CODE
    elif rule == "comment_required":
        column = COMMENT
    elif field in FIELD_COLUMN:
        column = FIELD_COLUMN[field]
        if is_ratio and column == VALUE and rule != "shape":
            column = NUMERATOR  # a ratio's figure is judged on its numerator's cell
    else:
        column = COMMENT if field == "comment" else (NUMERATOR if is_ratio else VALUE)
    return CellError(row.row, column, "")
