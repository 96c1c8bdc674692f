"""series.points (pure): a ratio adds up by its parts; regrouping keeps the totals."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dxgov.reporting import series

parts = st.tuples(st.integers(0, 10_000), st.integers(1, 10_000)).filter(lambda p: p[0] <= p[1])


@given(st.lists(parts, min_size=1, max_size=12))
def test_a_ratio_is_total_numerator_over_total_denominator(values: list[tuple[int, int]]) -> None:
    rows = [
        series.Row(f"A{i}", "202503", None, Decimal(n), Decimal(d))
        for i, (n, d) in enumerate(values)
    ]
    (point,) = series.points(rows, ["202503"], value_type="ratio", factor=100)
    numerator = sum(n for n, _d in values)
    denominator = sum(d for _n, d in values)
    assert point.numerator == numerator and point.denominator == denominator
    assert point.reporting == len(values)
    expected = Decimal(numerator) / Decimal(denominator) * 100
    assert point.value is not None and abs(point.value - expected) < Decimal("0.000001")


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=12))
def test_regrouping_onto_successors_keeps_the_total(values: list[int]) -> None:
    rows = [series.Row(f"OLD{i}", "202506", Decimal(v)) for i, v in enumerate(values)]
    successor_of = {f"OLD{i}": f"NEW{i % 3}" for i in range(len(values))}
    (as_was,) = series.points(rows, ["202506"], value_type="count")
    (as_is,) = series.points(rows, ["202506"], value_type="count", successor_of=successor_of)
    assert as_was.value == as_is.value == sum(values)
    assert as_was.reporting == as_is.reporting == len(values)


def test_empty_periods_and_yes_no() -> None:
    rows = [
        series.Row("A", "2025", Decimal(1)),
        series.Row("B", "2025", Decimal(0)),
        series.Row("C", "2025", Decimal(1)),
        series.Row("D", "2025", None),
    ]
    yes, empty = series.points(rows, ["2025", "2026"], value_type="boolean")
    assert (yes.value, yes.reporting) == (Decimal(2), 3)  # two agencies answered yes
    assert (empty.value, empty.reporting) == (None, 0)
    (zero,) = series.points(
        [series.Row("A", "1", None, Decimal(0), Decimal(0))], ["1"], value_type="ratio"
    )
    assert zero.value is None and zero.reporting == 1  # 0 of 0: reported, no rate
