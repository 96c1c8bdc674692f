"""Cells of the spreadsheets the platform writes, CSV and Excel (.xlsx), safe to open.

The one guard against formula injection (OWASP, "CSV Injection"): a spreadsheet program runs
a cell whose text begins with ``=``, ``+``, ``-`` or ``@`` as a formula, and some treat a
leading tab or carriage return the same way, so text from users (a task's content, a
comment, an agency's name) could become a live ``=HYPERLINK(…)`` or worse. Such text is
escaped as OWASP advises, with a single quote in front, and an Excel cell holding it is typed
as text. Only text is escaped: numbers (negative ones too), dates and booleans are written as
themselves, so a spreadsheet still adds them up.

Every export goes through ``cell_value`` (directly, or through ``put``, ``append`` and
``csv_bytes``); a test fails when a module writes a CSV row or an Excel cell another way. A
file the platform reads back (the report form) undoes the escape with ``unescape``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from dxgov.core import formats

# The first characters that make a spreadsheet read text as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def escape(value: Any) -> Any:
    """Text that would start a formula, with a single quote in front; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def unescape(text: str) -> str:
    """Text as it was before ``escape``, for a file the platform wrote and now reads back.

    (Text that itself began with a quote before one of those characters loses that quote: the
    one case the escape cannot tell apart, and no figure or code looks like it.)
    """
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def cell_value(value: Any) -> Any:
    """A value as a cell holds it: text escaped and without the control characters an .xlsx
    cannot store (openpyxl refuses them); numbers, dates, booleans and None as they are."""
    if isinstance(value, str):
        return escape(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


# What Excel forbids in a sheet's name (openpyxl refuses it, and the export would fail).
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_LENGTH = 31


def sheet_title(title: str, taken: set[str] | None = None) -> str:
    r"""A sheet name Excel accepts for ``title``: no control or forbidden characters (``[ ] : * ?
    / \``, each a hyphen), no quote at either end, at most 31 characters, and, given the names
    ``taken`` (case-folded), not one of them (a number is added); the name is added to it."""
    clean = ILLEGAL_CHARACTERS_RE.sub("", str(title))
    base = _SHEET_TITLE_FORBIDDEN.sub("-", clean).strip().strip("'").strip()
    base = base[:SHEET_TITLE_LENGTH] or "Sheet"
    if taken is None:
        return base
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell of an openpyxl worksheet; text is stored as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    _display(cell, value)
    return cell


def _display(cell: Any, value: Any) -> None:
    """A number or a date keeps its value and gets a Vietnamese display format (1.234,5;
    dd/mm/yyyy) instead of "General" (core.formats.xlsx_format); a caller may set another."""
    shown = formats.xlsx_format(value)
    if shown is not None:
        cell.number_format = shown


def append(sheet: Any, values: Iterable[Any]) -> None:
    """Add a row under the last one of an openpyxl worksheet (text escaped, so never a formula;
    numbers and dates with their display format)."""
    row = [cell_value(value) for value in values]
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        _display(cell, value)


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file: the header line, then the rows, every cell through ``escape``.

    UTF-8 with a byte-order mark, so that Excel opens Vietnamese text as UTF-8; None is an
    empty cell.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([escape(value) for value in headers])
    for row in rows:
        writer.writerow([escape(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
