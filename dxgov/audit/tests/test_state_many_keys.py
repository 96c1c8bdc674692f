"""Reading back the live rows of many composite keys at once: the conditions are split so that
SQLite's limit on an expression's depth (1000) is never reached (the demo's first day failed
on its 6,000 data values with "Expression tree is too large")."""

from __future__ import annotations

import pytest

from dxgov.audit import state

pytestmark = pytest.mark.django_db


def test_thousands_of_key_prefixes_in_one_read() -> None:
    values = state.for_target("reporting.datavalue")
    assert values is not None and len(values.key) == 3
    keys = [f"IND{n % 7}/UBND-X{n:05d}/202611" for n in range(3000)]
    assert len(state._key_filters(values, keys)) > 1
    assert state.present(values, keys) == set()
    assert state.read_rows(values, keys) == {}
