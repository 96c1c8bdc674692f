"""Reading uploaded Excel workbooks (.xlsx) in bounded memory and time: the one reader.

Every upload the platform reads as a spreadsheet (the task import, the report form) goes
through ``read_workbook``. openpyxl, even in read-only mode, pads every row it yields to the
sheet's widest column and trusts the sheet's declared ``<dimension>``: a 33 KB file whose
rows each hold one blank cell in column XFD (the 16,384th) made it build rows 16,384 cells
wide, 738 MB for 6,000 rows. This reader parses the package's XML itself with expat, one
chunk at a time, keeps only the cells that hold something, and refuses a file beyond any of
its caps (``Caps``) with a message naming the cap:

* what the package's parts unpack to (the sizes its ZIP directory declares: zipfile never
  inflates a part past its declared size, so a lying directory only makes the part damaged);
* the sheets, and the rows and columns a cell may sit in: a cell element beyond them, blank
  or not, refuses the file, and so does a sheet's declared dimension, before its rows are
  read (the dimension is checked, never trusted: nothing is allocated from it);
* the cell and row elements parsed, and XML elements in all (which bound the time);
* the characters of one cell and of the shared strings table, and how many strings it holds;
* the longest stretch of XML between two tags (expat keeps a whole tag in memory while it
  reads it, so a 50 MB attribute would cost 50 MB).

Document type declarations, hence entity expansion, are refused.

Values are what a spreadsheet program shows: text (in NFC, the composed Unicode form every
other input is normalised to), ``int`` or ``float``, ``bool``, ``datetime`` (or ``time`` /
``timedelta``) for a number styled as a date, as openpyxl reads them; an error (``#DIV/0!``)
as its text. A formula is read as the value the program that saved the file computed; a
formula with no computed value (a file written by a program rather than saved by Excel or
LibreOffice) is an ``Uncomputed``, never an empty cell, so that no caller mistakes it for a
blank one (a deadline ``=DATE(2026,12,31)`` read as "no deadline").

Pure: bytes in, values out; no database, so a caller parses before it opens a transaction.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import (
    BUILTIN_FORMATS,
    BUILTIN_FORMATS_MAX_SIZE,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from dxgov.core import uploads

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
CHUNK = 64 * 1024
# Excel's own limits: a cell holds at most 32,767 characters, a sheet has 1,048,576 rows and
# 16,384 columns (XFD), a formula at most 8,192 characters.
EXCEL_MAX_TEXT = 32_767
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384
# Elements open at once: a sheet's cell with rich text nests six deep; beyond this, damaged.
MAX_DEPTH = 64

_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_RANGE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?")
_TEXT_TYPES = frozenset({"s", "str", "inlineStr"})


@dataclass(frozen=True)
class Caps:
    """How much of a workbook is read at most; a file beyond any cap is refused whole."""

    rows: int = 5_000
    columns: int = 64
    sheets: int = 32
    # Cell and row elements in all the sheets read (blank ones too): they bound the time.
    cells: int = 200_000
    # XML elements of every part read, anything inside a cell included.
    elements: int = 1_000_000
    unpacked_bytes: int = 50 * 1024 * 1024
    # Characters in one cell (text, or a formula), and in the shared strings all together.
    text: int = EXCEL_MAX_TEXT
    strings_chars: int = 10_000_000
    # The longest run of bytes between two "<": one text node or one tag.
    xml_run: int = 1024 * 1024


class WorkbookRefused(ValueError):
    """The upload is not read; the message says why (and, for a cap, which)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAWorkbook(WorkbookRefused):
    """Not an .xlsx package at all (another kind of file, an old .xls, nothing)."""


class Damaged(WorkbookRefused):
    """An .xlsx package that cannot be read: truncated, inconsistent, not what Excel writes."""


class TooLarge(WorkbookRefused):
    """Beyond one of the caps; the message names it."""


@dataclass(frozen=True)
class Uncomputed:
    """A cell holding a formula but no value computed by a spreadsheet program."""

    coordinate: str
    formula: str

    def __str__(self) -> str:
        return f"={self.formula}"


def uncomputed_message(cell: Uncomputed) -> str:
    """Why a formula without a computed value is refused, naming its cell."""
    return _(
        "Cell %(cell)s holds the formula %(formula)s but no value computed from it (the file "
        "was not saved by Excel or LibreOffice). Type the value itself, or open the file in "
        "Excel or LibreOffice and save it again."
    ) % {"cell": cell.coordinate, "formula": str(cell)[:80]}


@dataclass(frozen=True)
class Sheet:
    """One sheet's values: ``rows[0]`` is row 1; a row's tuple stops at its last value."""

    name: str
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def value(self, row: int, column: int) -> Any:
        """The value of a cell (1-based), None when empty."""
        if not 0 < row <= len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[column - 1] if 0 < column <= len(values) else None


@dataclass(frozen=True)
class Workbook:
    """The sheets' names in workbook order, and the sheets that were read."""

    sheet_names: list[str]
    sheets: list[Sheet]

    def sheet(self, name: str) -> Sheet | None:
        return next((sheet for sheet in self.sheets if sheet.name == name), None)


def column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _damaged() -> Damaged:
    return Damaged(_("The file could not be read as an Excel workbook (.xlsx); it may be damaged."))


# --- the budget shared by every part ---------------------------------------------------------


class _Budget:
    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.elements = 0
        self.cells = 0

    def element(self) -> None:
        self.elements += 1
        if self.elements > self.caps.elements:
            raise TooLarge(
                _(
                    "The workbook holds more than %(cap)d XML elements; at most %(cap)d are "
                    "read. Copy the table alone into a new workbook and upload that."
                )
                % {"cap": self.caps.elements}
            )

    def cell(self, sheet: str) -> None:
        self.cells += 1
        if self.cells > self.caps.cells:
            raise TooLarge(
                _(
                    "The sheet “%(sheet)s” holds more than %(cap)d cells and rows (counting "
                    "empty, formatted ones); at most %(cap)d are read. Delete what lies outside "
                    "the table, or copy the table alone into a new workbook."
                )
                % {"sheet": sheet, "cap": self.caps.cells}
            )


class _Text:
    """Character data collected up to a cap (a cell's text, a formula, a shared string)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, data: str, cap: int, refuse: Callable[[], TooLarge]) -> None:
        self.length += len(data)
        if self.length > cap:
            raise refuse()
        self.parts.append(data)

    def text(self) -> str:
        return "".join(self.parts)


# --- parsing one part ------------------------------------------------------------------------


class _Handler:
    """Receives a part's elements by local name (namespaces dropped) and its text."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _no_dtd(*_args: Any) -> None:
    # A workbook's parts never declare a document type; one that does may expand entities.
    raise _damaged()


def _parse(archive: zipfile.ZipFile, name: str, handler: _Handler, budget: _Budget) -> None:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd

    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        budget.element()
        depth += 1
        if depth > MAX_DEPTH:
            raise _damaged()  # expat keeps every open element: a workbook nests a few deep
        handler.start(_local(tag), {_local(key): value for key, value in attrs.items()})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        handler.end(_local(tag))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = handler.data
    run = 0
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                run = _check_run(chunk, run, budget.caps, name)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise _damaged() from exc
    except ValueError as exc:
        if isinstance(exc, WorkbookRefused):
            raise
        raise _damaged() from exc


def _check_run(chunk: bytes, run: int, caps: Caps, name: str) -> int:
    """The bytes since the last "<" after this chunk; refused past ``caps.xml_run``."""
    first = chunk.find(b"<")
    if first < 0:
        run += len(chunk)
    else:
        # Inside a chunk two "<" are never further apart than the chunk is long.
        if run + first > caps.xml_run:
            raise _long_run(caps, name)
        run = len(chunk) - chunk.rfind(b"<") - 1
    if run > caps.xml_run:
        raise _long_run(caps, name)
    return run


def _long_run(caps: Caps, name: str) -> TooLarge:
    return TooLarge(
        _(
            "The part %(part)s of the workbook holds more than %(cap)d KB of text or of a "
            "single tag in one piece; a spreadsheet program does not write that."
        )
        % {"part": name, "cap": caps.xml_run // 1024}
    )


# --- the package: relationships, workbook, styles, shared strings ----------------------------


class _Relationships(_Handler):
    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}  # id → (type, target)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def of_type(self, suffix: str) -> list[str]:
        return [target for kind, target in self.targets.values() if kind.endswith(suffix)]


class _WorkbookPart(_Handler):
    def __init__(self) -> None:
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sheet":
            self.sheets.append((_nfc(attrs.get("name", "")), attrs.get("id", "")))
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _Styles(_Handler):
    def __init__(self) -> None:
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []  # the number format of each cell style, by index
        self.in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "numFmt":
            self.custom[_integer(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            self.formats.append(_integer(attrs.get("numFmtId", "0")))

    def end(self, name: str) -> None:
        if name == "cellXfs":
            self.in_cell_xfs = False

    def kinds(self) -> tuple[frozenset[int], frozenset[int]]:
        """The cell styles that show a date, and those that show a duration."""
        dates, durations = set(), set()
        for index, number in enumerate(self.formats):
            code = (
                BUILTIN_FORMATS.get(number)
                if number < BUILTIN_FORMATS_MAX_SIZE
                else self.custom.get(number)
            )
            if is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
        return frozenset(dates), frozenset(durations)


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise _damaged() from exc


class _SharedStrings(_Handler):
    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.strings: list[str] = []
        self.current: _Text | None = None
        self.in_text = False
        self.phonetic = 0  # inside <rPh>: a reading aid, not part of the text
        self.total = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            if len(self.strings) >= self.caps.cells:
                raise TooLarge(
                    _(
                        "The workbook holds more than %(cap)d distinct texts; at most %(cap)d "
                        "are read."
                    )
                    % {"cap": self.caps.cells}
                )
            self.current = _Text()
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t" and self.current is not None and not self.phonetic:
            self.in_text = True

    def end(self, name: str) -> None:
        if name == "t":
            self.in_text = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si" and self.current is not None:
            self.strings.append(_nfc(self.current.text()))
            self.current = None

    def data(self, text: str) -> None:
        if not self.in_text or self.current is None:
            return
        self.total += len(text)
        if self.total > self.caps.strings_chars:
            raise TooLarge(
                _(
                    "The workbook's texts add up to more than %(cap)d characters; at most "
                    "%(cap)d are read."
                )
                % {"cap": self.caps.strings_chars}
            )
        self.current.add(text, self.caps.text, self._too_long)

    def _too_long(self) -> TooLarge:
        return _cell_too_long(self.caps, _("a text of the workbook"))


def _cell_too_long(caps: Caps, where: str) -> TooLarge:
    return TooLarge(
        _("%(where)s holds more than %(cap)d characters; at most %(cap)d are read.")
        % {"where": where, "cap": caps.text}
    )


# --- a sheet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    caps: Caps
    strings: list[str]
    date_styles: frozenset[int]
    duration_styles: frozenset[int]
    epoch: datetime


class _SheetPart(_Handler):
    def __init__(self, name: str, context: _Context, budget: _Budget) -> None:
        self.name = name
        self.context = context
        self.caps = context.caps
        self.budget = budget
        self.cells: dict[int, dict[int, Any]] = {}
        self.row = 0
        self.column = 0
        self.in_data = False
        # The cell being read.
        self.coordinate = ""
        self.kind = "n"
        self.style = 0
        self.has_value = False
        self.has_formula = False
        self.reading: _Text | None = None
        self.value_text = _Text()
        self.formula = _Text()
        self.inline = _Text()
        self.phonetic = 0

    # -- elements --

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "dimension":
            self._check_dimension(attrs.get("ref", ""))
        elif name == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif name == "row":
            self.budget.cell(self.name)
            self.row = _integer(attrs["r"]) if "r" in attrs else self.row + 1
            self.column = 0
            if not 0 < self.row <= EXCEL_MAX_ROW:
                raise _damaged()
        elif name == "c":
            self._start_cell(attrs)
        elif name == "v":
            self.has_value = True
            self.reading = self.value_text
        elif name == "f":
            self.has_formula = True
            self.reading = self.formula
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t" and not self.phonetic:
            self.reading = self.inline

    def end(self, name: str) -> None:
        if name == "sheetData":
            self.in_data = False
        elif name in ("v", "f", "t"):
            self.reading = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c" and self.in_data:
            value = self._value()
            if value is not None:
                self.cells.setdefault(self.row, {})[self.column] = value

    def data(self, text: str) -> None:
        if self.reading is not None:
            self.reading.add(text, self.caps.text, self._too_long)

    # -- the pieces --

    def _check_dimension(self, ref: str) -> None:
        found = _RANGE.fullmatch(ref.replace("$", ""))
        if found is None:
            return  # not a range Excel writes; nothing is taken from it anyway
        last_column = _column_number(found.group(3) or found.group(1))
        last_row = int(found.group(4) or found.group(2))
        if last_row > self.caps.rows or last_column > self.caps.columns:
            raise TooLarge(
                _(
                    "The sheet “%(sheet)s” declares the range %(ref)s: at most %(rows)d rows "
                    "and %(columns)d columns (up to column %(last)s) are read. Delete the rows "
                    "and columns outside the table, even empty formatted ones, or copy the "
                    "table alone into a new workbook."
                )
                % {
                    "sheet": self.name,
                    "ref": ref[:40],
                    "rows": self.caps.rows,
                    "columns": self.caps.columns,
                    "last": column_letter(self.caps.columns),
                }
            )

    def _start_cell(self, attrs: dict[str, str]) -> None:
        self.budget.cell(self.name)
        reference = attrs.get("r")
        if reference is not None:
            found = _COORDINATE.fullmatch(reference)
            if found is None:
                raise _damaged()
            self.column = _column_number(found.group(1))
            self.row = int(found.group(2))
        else:
            self.column += 1
        if not 0 < self.row <= EXCEL_MAX_ROW or not 0 < self.column <= EXCEL_MAX_COLUMN:
            raise _damaged()
        self.coordinate = f"{column_letter(self.column)}{self.row}"
        self._check_place()
        self.kind = attrs.get("t", "n")
        self.style = _integer(attrs.get("s", "0"))
        self.has_value = self.has_formula = False
        self.value_text, self.formula, self.inline = _Text(), _Text(), _Text()
        self.reading = None

    def _check_place(self) -> None:
        if self.row > self.caps.rows:
            raise TooLarge(
                _(
                    "The sheet “%(sheet)s” has a cell at %(cell)s, below row %(cap)d: at most "
                    "%(cap)d rows are read. Delete the rows under the table, even empty "
                    "formatted ones, or copy the table alone into a new workbook."
                )
                % {"sheet": self.name, "cell": self.coordinate, "cap": self.caps.rows}
            )
        if self.column > self.caps.columns:
            raise TooLarge(
                _(
                    "The sheet “%(sheet)s” has a cell at %(cell)s, right of column %(last)s: at "
                    "most %(cap)d columns are read. Delete the columns right of the table, even "
                    "empty formatted ones, or copy the table alone into a new workbook."
                )
                % {
                    "sheet": self.name,
                    "cell": self.coordinate,
                    "last": column_letter(self.caps.columns),
                    "cap": self.caps.columns,
                }
            )

    def _too_long(self) -> TooLarge:
        where = _("Cell %(cell)s of the sheet “%(sheet)s”") % {
            "cell": self.coordinate,
            "sheet": self.name,
        }
        return _cell_too_long(self.caps, where)

    def _value(self) -> Any:
        text = self.value_text.text()
        if self.has_formula and (not self.has_value or (not text and self.kind not in _TEXT_TYPES)):
            return Uncomputed(self.coordinate, _nfc(self.formula.text()))
        if self.kind == "inlineStr":
            return _nfc(self.inline.text()) or None
        if not text:
            return None
        try:
            return self._typed(text)
        except (ValueError, IndexError, KeyError, OverflowError) as exc:
            raise _damaged() from exc

    def _typed(self, text: str) -> Any:
        if self.kind == "s":
            return self.context.strings[int(text)] or None
        if self.kind == "b":
            return {"1": True, "0": False, "true": True, "false": False}[text.strip().lower()]
        if self.kind in ("str", "e"):
            return _nfc(text)
        if self.kind == "d":
            return from_ISO8601(text)
        number = float(text) if any(c in text for c in ".eE") else int(text)
        if isinstance(number, float) and not abs(number) < float("inf"):
            raise ValueError(text)  # nan and infinities are not numbers Excel writes
        if self.style in self.context.date_styles:
            try:
                return from_excel(
                    number,
                    self.context.epoch,
                    timedelta=self.style in self.context.duration_styles,
                )
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date style on a number no date has
        return number

    def sheet(self) -> Sheet:
        if not self.cells:
            return Sheet(self.name, [])
        last = max(self.cells)
        rows: list[tuple[Any, ...]] = []
        for number in range(1, last + 1):
            values = self.cells.get(number)
            if not values:
                rows.append(())
                continue
            row: list[Any] = [None] * max(values)
            for column, value in values.items():
                row[column - 1] = value
            rows.append(tuple(row))
        return Sheet(self.name, rows)


# --- the reader ------------------------------------------------------------------------------


def _open(data: bytes, caps: Caps) -> zipfile.ZipFile:
    if not data:
        raise NotAWorkbook(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise NotAWorkbook(
            _(
                "This is an old-format Excel file (.xls). Open it in Excel or LibreOffice, "
                "save it as an Excel workbook (.xlsx) and upload that."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise NotAWorkbook(_("The file is not an Excel workbook (.xlsx)."))
    directory = uploads.zip_directory_size(data)
    if directory is None:
        raise _damaged()  # no end record (truncated), or ZIP64, which no upload this size needs
    if directory > uploads.MAX_ZIP_DIRECTORY:
        # zipfile would build an object per entry of the directory before anything is read.
        raise TooLarge(
            _(
                "The workbook's table of contents is larger than %(cap)d KB; a workbook needs "
                "a few hundred bytes of it."
            )
            % {"cap": uploads.MAX_ZIP_DIRECTORY // 1024}
        )
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _damaged() from exc
    if unpacked > caps.unpacked_bytes:
        archive.close()
        # A few kilobytes can unpack to gigabytes; no form or task list needs that much.
        raise TooLarge(
            _(
                "The workbook is too large: its parts unpack to more than %(cap)d MB; at most "
                "%(cap)d MB are read."
            )
            % {"cap": caps.unpacked_bytes // (1024 * 1024)}
        )
    return archive


def _part(base: str, target: str) -> str:
    """A relationship's target as a name in the package."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _read_rels(archive: zipfile.ZipFile, part: str, budget: _Budget) -> _Relationships:
    rels = _Relationships()
    if _rels_of(part) in archive.NameToInfo:
        _parse(archive, _rels_of(part), rels, budget)
    return rels


def read_workbook(
    data: bytes, caps: Caps | None = None, *, only: Collection[str] | None = None
) -> Workbook:
    """The sheets of an .xlsx upload (those named in ``only``, or all), read within ``caps``.

    Raises ``NotAWorkbook``, ``Damaged`` or ``TooLarge`` (all ``WorkbookRefused``), whose
    message says what is wrong in words a user can act on.
    """
    caps = caps or Caps()
    budget = _Budget(caps)
    with _open(data, caps) as archive:
        root = _read_rels(archive, "", budget)
        main = root.of_type("/officeDocument")
        workbook_name = _part("", main[0]) if main else "xl/workbook.xml"
        if workbook_name not in archive.NameToInfo:
            raise _damaged()
        book = _WorkbookPart()
        _parse(archive, workbook_name, book, budget)
        if len(book.sheets) > caps.sheets:
            raise TooLarge(
                _("The workbook has %(count)d sheets; at most %(cap)d are read.")
                % {"count": len(book.sheets), "cap": caps.sheets}
            )
        rels = _read_rels(archive, workbook_name, budget)
        context = _context(archive, workbook_name, rels, book, caps, budget)
        sheets = []
        for name, relationship in book.sheets:
            if only is not None and name not in only:
                continue
            kind, target = rels.targets.get(relationship, ("", ""))
            if not kind.endswith("/worksheet"):
                continue  # a chart sheet, or a sheet the package does not hold: no cells
            part = _SheetPart(name, context, budget)
            _parse(archive, _part(workbook_name, target), part, budget)
            sheets.append(part.sheet())
    return Workbook([name for name, _id in book.sheets], sheets)


def _context(
    archive: zipfile.ZipFile,
    workbook_name: str,
    rels: _Relationships,
    book: _WorkbookPart,
    caps: Caps,
    budget: _Budget,
) -> _Context:
    strings = _SharedStrings(caps)
    for target in rels.of_type("/sharedStrings")[:1]:
        _parse(archive, _part(workbook_name, target), strings, budget)
    styles = _Styles()
    for target in rels.of_type("/styles")[:1]:
        _parse(archive, _part(workbook_name, target), styles, budget)
    dates, durations = styles.kinds()
    return _Context(
        caps=caps,
        strings=strings.strings,
        date_styles=dates,
        duration_styles=durations,
        epoch=MAC_EPOCH if book.date1904 else WINDOWS_EPOCH,
    )
