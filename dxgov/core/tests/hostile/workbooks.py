"""Crafted .xlsx packages, written part by part with zipfile (openpyxl would not write them).

Each hostile workbook has two sheets named as the report form's (``Biểu nhập số liệu`` and
``dxgov``), so one file reaches the hostile sheet through both upload parsers: the task import
reads every sheet, the report form reads those two. ``ATTACKS`` maps a name to the file's maker
and the cap that must refuse it (``None``: refused as damaged, or read within the caps).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from dxgov.core.xlsx import column_letter
from dxgov.reporting import excel as form_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def sheet_xml(rows: str, dimension: str | None = None, *, prolog: str = "") -> str:
    ref = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{prolog}<worksheet xmlns="{MAIN}">{ref}<sheetData>{rows}</sheetData></worksheet>'


def package(
    sheets: list[tuple[str, str]],
    *,
    shared_strings: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An .xlsx holding ``sheets`` (name, XML) in order, and shared strings if given."""
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{DOC}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        links += f'<Relationship Id="rIdS" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    listed = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
        for n, (name, _xml) in enumerate(sheets, start=1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>{listed}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{links}</Relationships>'
        )
        for n, (_name, xml) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _meta() -> str:
    return sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>definition</t></is></c></row>')


def form_like(hostile_sheet: str, **kwargs: object) -> bytes:
    """The hostile sheet as the report form's sheet, with a small identity sheet after it."""
    return package(
        [(form_excel.SHEET_TITLE, hostile_sheet), (form_excel.META_SHEET, _meta())],
        **kwargs,  # type: ignore[arg-type]
    )


# --- the attacks ----------------------------------------------------------------------------


def xfd_rows(count: int, dimension: str | None = "A1:XFD{n}") -> bytes:
    """Each row one blank cell in the last column, XFD: 16,384 cells a row to openpyxl."""
    rows = "".join(f'<row r="{i}"><c r="XFD{i}" s="0"/></row>' for i in range(1, count + 1))
    ref = dimension.format(n=count) if dimension else None
    return form_like(sheet_xml(rows, ref))


def sparse_rows(count: int, dimension: str | None = None) -> bytes:
    """A blank, styled cell in column A of every row down to ``count``."""
    rows = "".join(f'<row r="{i}"><c r="A{i}" s="1"/></row>' for i in range(1, count + 1))
    return form_like(sheet_xml(rows, dimension))


def one_huge_string(characters: int) -> bytes:
    strings = (
        f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{"a" * characters}</t></si></sst>'
    )
    cell = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return form_like(sheet_xml(cell, "A1"), shared_strings=strings)


def many_strings(count: int) -> bytes:
    items = "<si><t>x</t></si>" * count
    strings = f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{items}</sst>'
    return form_like(
        sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=strings
    )


def many_cells(count: int) -> bytes:
    """``count`` blank cells, 64 a row: all inside the columns read."""
    letters = [column_letter(n) for n in range(1, 65)]
    rows = "".join(
        f'<row r="{i}">' + "".join(f'<c r="{c}{i}"/>' for c in letters) + "</row>"
        for i in range(1, count // 64 + 2)
    )
    return form_like(sheet_xml(rows))


def element_flood(count: int) -> bytes:
    """One cell holding ``count`` empty rich-text runs: elements that are not cells."""
    runs = "<r><t/></r>" * count
    return form_like(sheet_xml(f'<row r="1"><c r="A1" t="inlineStr"><is>{runs}</is></c></row>'))


def huge_attribute(size: int) -> bytes:
    """One tag of ``size`` bytes: expat holds a tag whole while it reads it."""
    return form_like(sheet_xml(f'<row r="1"><c r="A1" x="{"a" * size}"/></row>'))


def deep_nesting(depth: int) -> bytes:
    return form_like(
        sheet_xml("<row r='1'><c r='A1'>" + "<x>" * depth + "</x>" * depth + "</c></row>")
    )


def entity_expansion() -> bytes:
    """The billion laughs: ten entities, each ten of the one before."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    prolog = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row>'
    return form_like(sheet_xml(cell, prolog=prolog))


def crowded_directory(entries: int) -> bytes:
    """A workbook whose package lists ``entries`` empty parts besides its own (past 65,535
    entries zipfile writes a ZIP64 end record)."""
    extra = {f"xl/media/part-{n:012d}": b"" for n in range(entries)}
    return form_like(sheet_xml('<row r="1"><c r="A1"/></row>'), extra=extra)


@dataclass(frozen=True)
class Attack:
    make: Callable[[], bytes]
    # Words the refusal holds, for the task import and for the report form (the cap's number
    # and what it counts); None: refused as damaged.
    task_words: tuple[str, ...] | None
    form_words: tuple[str, ...] | None


def _caps_words(kind: str, tasks: int, form: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (kind, str(tasks)), (kind, str(form))


_COLUMNS = _caps_words("cột", 64, 64)
_ROWS = _caps_words("dòng", 10_000, 1_000)

ATTACKS: dict[str, Attack] = {
    # The files: 33 KB and 107 KB, 738 MB and 2.5 GB to openpyxl.
    "xfd-6000-rows": Attack(lambda: xfd_rows(6_000), *_COLUMNS),
    "xfd-20000-rows": Attack(lambda: xfd_rows(20_000), *_COLUMNS),
    # The dimension says one cell; the rows say otherwise. Nothing is allocated from it.
    "lying-dimension": Attack(lambda: xfd_rows(20_000, "A1"), *_COLUMNS),
    "no-dimension": Attack(lambda: xfd_rows(20_000, None), *_COLUMNS),
    "sparse-20000-rows": Attack(lambda: sparse_rows(20_000, "A1:A20000"), *_ROWS),
    "sparse-rows-lying-dimension": Attack(lambda: sparse_rows(20_000, "A1"), *_ROWS),
    "huge-shared-string": Attack(
        lambda: one_huge_string(15_000_000), ("32767", "ký tự"), ("32767", "ký tự")
    ),
    "many-shared-strings": Attack(
        lambda: many_strings(300_000), ("200000", "chuỗi"), ("50000", "chuỗi")
    ),
    "many-blank-cells": Attack(lambda: many_cells(300_000), ("200000", "ô"), ("50000", "ô")),
    "element-flood": Attack(
        lambda: element_flood(1_100_000), ("1000000", "phần tử"), ("1000000", "phần tử")
    ),
    "huge-attribute": Attack(lambda: huge_attribute(8_000_000), ("1024 KB",), ("1024 KB",)),
    "deep-nesting": Attack(lambda: deep_nesting(200_000), None, None),
    "entity-expansion": Attack(entity_expansion, None, None),
    "crowded-directory": Attack(lambda: crowded_directory(60_000), ("1024 KB",), ("1024 KB",)),
    "zip64-directory": Attack(lambda: crowded_directory(70_000), None, None),
}
