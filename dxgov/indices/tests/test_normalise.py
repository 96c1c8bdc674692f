"""Every normalisation on hand-computed examples (indices/normalise.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.indices.definition import Direction, Method, Normalisation
from dxgov.indices.normalise import CannotNormalise, column, one


def test_points_out_of_the_maximum() -> None:
    assert one(15, Normalisation(Method.POINTS), max_points=20) == 0.75
    assert one(0, Normalisation(Method.POINTS), max_points=20) == 0.0


def test_share_is_taken_as_it_is_and_clamped() -> None:
    assert one(0.4567, Normalisation(Method.SHARE)) == 0.4567
    assert one(1.2, Normalisation(Method.SHARE)) == 1.0


def test_minmax_with_fixed_goalposts_clamps_beyond_them() -> None:
    spec = Normalisation(Method.MINMAX, lower=20, upper=70)
    assert one(45, spec) == 0.5  # (45 − 20) / 50
    assert one(10, spec) == 0.0
    assert one(90, spec) == 1.0


def test_minmax_negative_direction() -> None:
    spec = Normalisation(Method.MINMAX, Direction.NEGATIVE, lower=0, upper=40)
    assert one(10, spec) == 0.75  # 1 − 10/40


def test_minmax_with_min_equal_to_max_is_refused() -> None:
    with pytest.raises(CannotNormalise, match="min = max"):
        one(5, Normalisation(Method.MINMAX, lower=5, upper=5))


def test_distance_to_target() -> None:
    spec = Normalisation(Method.TARGET, upper=80)
    assert one(60, spec) == 0.75  # 60 / 80
    assert one(100, spec) == 1.0  # capped at the target
    # Less is better: from a base of 30 days down to a target of 10: 20 days is half way.
    down = Normalisation(Method.TARGET, lower=30, upper=10)
    assert one(20, down) == 0.5
    assert one(5, down) == 1.0


def test_binary_against_a_threshold() -> None:
    assert one(1, Normalisation(Method.BINARY, threshold=1)) == 1.0
    assert one(0, Normalisation(Method.BINARY, threshold=1)) == 0.0
    assert one(3, Normalisation(Method.BINARY, Direction.NEGATIVE, threshold=5)) == 1.0
    assert one(7, Normalisation(Method.BINARY, Direction.NEGATIVE, threshold=5)) == 0.0


def test_ratio_to_the_best() -> None:
    found = column({"a": 40.0, "b": 80.0, "c": None}, Normalisation(Method.RATIO_TO_BEST))
    assert found == {"a": 0.5, "b": 1.0, "c": None}
    lowest = column({"a": 2.0, "b": 8.0}, Normalisation(Method.RATIO_TO_BEST, Direction.NEGATIVE))
    assert lowest == {"a": 1.0, "b": 0.25}


def test_ratio_to_a_best_of_zero_is_refused() -> None:
    with pytest.raises(CannotNormalise):
        column({"a": 0.0, "b": 0.0}, Normalisation(Method.RATIO_TO_BEST))


def test_rank_spreads_units_evenly_and_ties_share_the_better_place() -> None:
    found = column({"a": 9.0, "b": 7.0, "c": 7.0, "d": 1.0, "e": 0.0}, Normalisation(Method.RANK))
    # positions 0, 1, 1, 3, 4 of 5 → 1 − p/4
    assert found == {"a": 1.0, "b": 0.75, "c": 0.75, "d": 0.25, "e": 0.0}
    assert column({"a": 3.0}, Normalisation(Method.RANK)) == {"a": 1.0}


def test_zscore_then_minmax_as_the_un_egdi() -> None:
    # mean 4, population sd 2 (values 2, 4, 6 → z −1.2247, 0, 1.2247) → 0, 0.5, 1
    found = column({"a": 2.0, "b": 4.0, "c": 6.0}, Normalisation(Method.ZSCORE_MINMAX))
    assert found == pytest.approx({"a": 0.0, "b": 0.5, "c": 1.0})
    skewed = column({"a": 0.0, "b": 1.0, "c": 10.0}, Normalisation(Method.ZSCORE_MINMAX))
    assert skewed == pytest.approx({"a": 0.0, "b": 0.1, "c": 1.0})


def test_zscore_without_spread_is_refused() -> None:
    with pytest.raises(CannotNormalise, match="min = max"):
        column({"a": 3.0, "b": 3.0}, Normalisation(Method.ZSCORE_MINMAX))


def test_floor_keeps_values_above_zero() -> None:
    spec = Normalisation(Method.MINMAX, lower=0, upper=100, floor=0.01)
    assert one(0, spec) == 0.01
    assert one(100, spec) == 1.0
    assert one(50, spec) == pytest.approx(0.505)


def test_missing_values_stay_missing() -> None:
    assert column({"a": None}, Normalisation(Method.MINMAX, lower=0, upper=1)) == {"a": None}


@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=2, max_size=20),
    st.sampled_from([Method.RATIO_TO_BEST, Method.RANK, Method.MINMAX, Method.TARGET]),
)
def test_every_result_is_between_zero_and_one(values: list[float], method: Method) -> None:
    spec = Normalisation(method, lower=0, upper=1000)
    try:
        found = column(dict(enumerate(values)), spec)
    except CannotNormalise:
        return
    assert all(v is not None and 0.0 <= v <= 1.0 for v in found.values())
