"""Every chart's table, and its export (pure: plain values in, bytes out).

A block of the dashboard shows a chart and, below it, the same numbers as a table (for screen
readers and for people who would rather read numbers); the same Table is what its CSV and
Excel exports contain, so the three never disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from openpyxl import Workbook

from dxgov.core import formats, spreadsheets

Raw = str | int | float | Decimal | None


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    raw: Raw = None  # the value exported (a number stays a number); `text` when None
    css: str = ""

    @property
    def export(self) -> Raw:
        return self.text if self.raw is None else self.raw


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()  # columns aligned right


def cell(value: Any, href: str = "", raw: Raw = None, css: str = "") -> Cell:
    """A cell showing `value`: a number in the page language's notation (3.092), text as is;
    `raw` is what the exports write (a number stays a number)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Cell(formats.number(value, lang=get_language()), href, raw, css)
    return Cell("" if value is None else str(value), href, raw, css)


def _plain(value: Raw) -> Raw:
    return float(value) if isinstance(value, Decimal) else value


def to_csv(table: Table) -> bytes:
    return spreadsheets.csv_bytes(
        table.headers, ([_plain(c.export) for c in row] for row in table.rows)
    )


def to_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = spreadsheets.sheet_title(table.caption or "data")
    spreadsheets.append(sheet, table.headers)
    for row in table.rows:
        spreadsheets.append(sheet, [_plain(c.export) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
