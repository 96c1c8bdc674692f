"""The one formula-injection guard (core.spreadsheets) and that every export uses it."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from dxgov.core import spreadsheets

# OWASP's list: text starting with any of these is escaped (a quote in front), whatever follows.
DANGEROUS = ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
SAFE = ["Hà Nội", "", "1=1", " -x", "'quoted", "—"]
NUMBERS = [-5, -0.25, Decimal("-12.5"), 0, 3, date(2026, 1, 31), True, None]
ROOT = Path(__file__).resolve().parents[2]
GUARD = ROOT / "core" / "spreadsheets.py"


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_a_formula_is_escaped(text: str) -> None:
    assert spreadsheets.escape(text) == "'" + text
    assert spreadsheets.unescape(spreadsheets.escape(text)) == text


@pytest.mark.parametrize("value", [*SAFE, *NUMBERS])
def test_other_text_and_every_number_stay_as_they_are(value: object) -> None:
    assert spreadsheets.escape(value) == value
    if isinstance(value, str):
        assert spreadsheets.unescape(value) == value


@given(st.text())
def test_written_text_reads_back(text: str) -> None:
    written = spreadsheets.escape(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    if not (text.startswith("'") and text[1:].startswith(spreadsheets.FORMULA_STARTS)):
        assert spreadsheets.unescape(written) == text


def test_csv_cells() -> None:
    data = spreadsheets.csv_bytes(["a", "=b"], [[*DANGEROUS, *NUMBERS]])
    assert data.startswith("\ufeff".encode())
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert header == ["a", "'=b"]
    assert row[: len(DANGEROUS)] == ["'" + text for text in DANGEROUS]
    assert row[len(DANGEROUS) :] == ["-5", "-0.25", "-12.5", "0", "3", "2026-01-31", "True", ""]


def test_xlsx_cells() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    spreadsheets.append(sheet, [*DANGEROUS, "bad\x00char"])
    for column, value in enumerate(NUMBERS, start=1):
        spreadsheets.put(sheet, 2, column, value)
    out = io.BytesIO()
    book.save(out)
    back = load_workbook(out).active
    assert back is not None
    first = next(back.iter_rows(min_row=1, max_row=1))
    assert [c.value for c in first] == ["'" + text for text in DANGEROUS] + ["badchar"]
    assert {c.data_type for c in first} == {"s"}
    second = next(back.iter_rows(min_row=2, max_row=2))
    assert [c.value for c in second][:5] == [-5, -0.25, -12.5, 0, 3]
    assert [c.data_type for c in second][:5] == ["n"] * 5


# --- no second guard ----------------------------------------------------------------------


def _sources() -> list[tuple[Path, ast.AST, bool]]:
    """Every non-test module, parsed, and whether it uses openpyxl."""
    found: list[tuple[Path, ast.AST, bool]] = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == GUARD or "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found.append((path, ast.parse(text), "openpyxl" in text))
    return found


_WORKSHEET = re.compile(r"(^|[._])(sheet|ws|worksheet)$")


def _writes_cells(node: ast.AST, openpyxl: bool) -> bool:
    """A CSV writer; in a module using openpyxl, a cell's value or type set, a cell made with
    its value, or a row appended to a worksheet."""
    if isinstance(node, ast.Attribute) and ast.unparse(node) in {"csv.writer", "csv.DictWriter"}:
        return True
    if not openpyxl:
        return False
    if isinstance(node, ast.Assign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(
            isinstance(t, ast.Attribute) and t.attr in {"value", "data_type"} for t in targets
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "cell" and any(k.arg == "value" for k in node.keywords):
            return True
        receiver = ast.unparse(node.func.value)
        return node.func.attr == "append" and _WORKSHEET.search(receiver) is not None
    return False


def _guards(node: ast.AST) -> bool:
    """A test for a formula's first character: startswith("=") or a set of = + - @."""
    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".startswith") and node.args:
        return any(f"'{c}" in ast.unparse(node.args[0]) for c in "=+@")
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        chars = {e.value for e in node.elts if isinstance(e, ast.Constant)}
        return {"=", "+", "-", "@"} <= chars or {"=", "@"} <= chars
    return False


def test_every_export_writes_its_cells_through_the_guard() -> None:
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"
        for path, tree, openpyxl in _sources()
        for node in ast.walk(tree)
        if _writes_cells(node, openpyxl) or _guards(node)
    ]
    assert offenders == []
