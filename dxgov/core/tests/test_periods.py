"""The one period code (core.periods): written one way, read in that way and, for score
periods, in the spelling scores once had; no module builds or reads a code on its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.core.periods import Frequency, period_code, split_code

F = Frequency
ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "core" / "periods.py"


@pytest.mark.parametrize(
    ("frequency", "year", "index", "code"),
    [
        (F.MONTH, 2026, 3, "202603"),
        (F.MONTH, 2026, 12, "202612"),
        (F.QUARTER, 2026, 1, "2026Q1"),
        (F.HALF_YEAR, 2026, 2, "2026S2"),
        (F.NINE_MONTHS, 2026, 1, "2026N9"),
        (F.YEAR, 2026, 1, "2026"),
    ],
)
def test_codes(frequency: Frequency, year: int, index: int, code: str) -> None:
    assert period_code(frequency, year, index) == code
    assert split_code(code) == (frequency, year, index)
    assert split_code(f" {code.lower()} ") == (frequency, year, index)
    assert split_code(code, dashed=True) == (frequency, year, index)


@pytest.mark.parametrize(
    ("old", "code"),
    [("2026-03", "202603"), ("2026-Q1", "2026Q1"), ("2026-q4", "2026Q4"), (" 2026 ", "2026")],
)
def test_the_old_score_spelling_is_read_only_when_asked(old: str, code: str) -> None:
    assert split_code(old, dashed=True) == split_code(code)
    if "-" in old:
        assert split_code(old) is None


@pytest.mark.parametrize("text", ["", "2026-", "26Q1", "2026W10", "2026-3", "２０２６", "2026Q"])
def test_text_that_names_no_period(text: str) -> None:
    assert split_code(text) is None and split_code(text, dashed=True) is None


LAST = {F.MONTH: 12, F.QUARTER: 4, F.HALF_YEAR: 2, F.NINE_MONTHS: 1, F.YEAR: 1}


@given(st.sampled_from(list(F)), st.integers(1000, 9999), st.integers(1, 12))
def test_every_code_reads_back(frequency: Frequency, year: int, index: int) -> None:
    index = min(index, LAST[frequency])
    assert split_code(period_code(frequency, year, index)) == (frequency, year, index)


# --- no second copy -----------------------------------------------------------------------


def _spec(node: ast.AST | None) -> str:
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        return ast.unparse(node.format_spec)
    return ""


def _builds_a_code(node: ast.JoinedStr) -> bool:
    """f"{year:04d}{month:02d}", f"{year}-{month:02d}", f"{year}Q{quarter}", f"{year}-Q{q}"…"""
    parts = [*node.values, None, None]
    for here, after, then in zip(parts, parts[1:], parts[2:], strict=False):
        if not isinstance(here, ast.FormattedValue):
            continue
        if isinstance(after, ast.Constant) and re.fullmatch(r"-?(Q|S|N9?)", str(after.value)):
            return then is None or isinstance(then, ast.FormattedValue)
        dash = isinstance(after, ast.Constant) and after.value == "-"
        if "04d" in _spec(here) and "02d" in _spec(then if dash else after):
            return True
    return False


def _reads_a_code(node: ast.Constant) -> bool:
    """A regular expression for codes: a four-digit year and a quarter or a two-digit month."""
    text = node.value
    return isinstance(text, str) and "\\d{4}" in text and ("Q" in text or "(\\d{2})" in text)


def test_no_module_writes_or_reads_period_codes_itself() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == DEFINITION or "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.JoinedStr) and _builds_a_code(node)) or (
                isinstance(node, ast.Constant) and _reads_a_code(node)
            ):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert found == []
