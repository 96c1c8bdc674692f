"""Every chart's table, and its export (pure: plain values in, bytes out).

A block of the dashboard shows a chart and, below it, the same numbers as a table (for screen
readers and for people who would rather read numbers); the same Table is what its CSV and
Excel exports contain, so the three never disagree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

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
    return Cell("" if value is None else str(value), href, raw, css)


def _plain(value: Raw) -> Raw:
    # Spreadsheet-formula injection: text starting with = + - @ is kept as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if c.export is None else _plain(c.export) for c in row])
    # A byte-order mark so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = (table.caption or "data")[:31].replace("/", "-").replace(":", "-") or "data"
    sheet.append(table.headers)
    for row in table.rows:
        sheet.append([_plain(c.export) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
