"""Roll-ups: exact sums of numerators and denominators up any tree; regrouping old provinces."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.reporting.aggregate import (
    ZERO,
    Contribution,
    CycleInHierarchy,
    NoSuccessor,
    boolean_contribution,
    count_contribution,
    ratio,
    ratio_contribution,
    regroup,
    rollup,
    total,
)


@pytest.fixture(autouse=True, scope="module")
def _english() -> Iterator[None]:
    """The messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


D = Decimal

# Phú Thọ (new) ← Phú Thọ, Vĩnh Phúc, Hòa Bình; two communes under old Phú Thọ.
TREE: dict[str, str | None] = {
    "VN": None,
    "25": "VN",
    "11": "VN",
    "25.a": "25",
    "25.b": "25",
}


def test_contribution_addition() -> None:
    a = Contribution(D(1), D(2), 1)
    b = Contribution(D(3), D(4), 2)
    assert a + b == Contribution(D(4), D(6), 3)
    assert a + ZERO == a
    assert total([a, b, a]) == Contribution(D(5), D(8), 4)
    assert total([]) == ZERO
    assert Contribution.__add__(a, 5) is NotImplemented  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        a + 5  # type: ignore[operator]


def test_contributions_of_each_value_type() -> None:
    assert count_contribution(D(12)) == Contribution(D(12), D(0), 1)
    assert ratio_contribution(D(3), D(4)) == Contribution(D(3), D(4), 1)
    assert boolean_contribution(True) == Contribution(D(1), D(1), 1)
    assert boolean_contribution(False) == Contribution(D(0), D(1), 1)
    answers = total(boolean_contribution(a) for a in [True, True, False, True])
    assert (answers.numerator, answers.reporting) == (D(3), 4)
    assert ratio(answers, 100) == D(75)


def test_ratio() -> None:
    assert ratio(Contribution(D(1), D(4), 1), 100) == D(25)
    assert ratio(Contribution(D(1), D(3), 1)) == D(1) / D(3)
    assert ratio(Contribution(D(5), D(0), 1), 100) is None
    assert ratio(ZERO) is None


def test_rollup_sums_numerators_and_denominators_never_averages_ratios() -> None:
    values = {
        "25.a": ratio_contribution(D(1), D(2)),  # 50 %
        "25.b": ratio_contribution(D(90), D(100)),  # 90 %
        "11": ratio_contribution(D(10), D(100)),
    }
    totals = rollup(TREE, values)
    assert totals["25"] == Contribution(D(91), D(102), 2)
    assert ratio(totals["25"], 100) == D(91) / D(102) * 100  # ≈ 89.2 %, not (50 + 90) / 2 = 70 %
    assert ratio(totals["25"], 100) != D(70)
    assert totals["VN"] == Contribution(D(101), D(202), 3)
    assert totals["11"] == Contribution(D(10), D(100), 1)
    assert totals["25.a"] == Contribution(D(1), D(2), 1)


def test_rollup_includes_own_values_of_inner_nodes_and_every_unit() -> None:
    values = {"25": count_contribution(D(5)), "25.a": count_contribution(D(7))}
    totals = rollup(TREE, values)
    assert totals["25"] == Contribution(D(12), D(0), 2)
    assert totals["VN"] == Contribution(D(12), D(0), 2)
    assert totals["11"] == ZERO
    assert totals["25.b"] == ZERO
    assert set(totals) == set(TREE)


def test_rollup_units_outside_the_tree_are_roots() -> None:
    totals = rollup({"a": "p"}, {"a": count_contribution(D(1)), "lonely": count_contribution(D(2))})
    assert totals == {
        "a": Contribution(D(1), D(0), 1),
        "p": Contribution(D(1), D(0), 1),
        "lonely": Contribution(D(2), D(0), 1),
    }
    assert rollup({}, {}) == {}


@pytest.mark.parametrize(
    "parent_of",
    [
        {"a": "a"},
        {"a": "b", "b": "a"},
        {"a": "b", "b": "c", "c": "b", "root": None},
    ],
)
def test_rollup_refuses_loops(parent_of: dict[str, str | None]) -> None:
    with pytest.raises(CycleInHierarchy, match="loops") as excinfo:
        rollup(parent_of, {})
    assert excinfo.value.unit in parent_of


def test_regroup_old_provinces_onto_new_ones() -> None:
    # Phú Thọ (25) ← Phú Thọ (25), Vĩnh Phúc (26), Hòa Bình (17); Điện Biên (11) unchanged.
    successor_of = {"25": "25", "26": "25", "17": "25", "11": "11"}
    old = {
        "25": ratio_contribution(D(10), D(20)),
        "26": ratio_contribution(D(30), D(40)),
        "17": ratio_contribution(D(5), D(40)),
        "11": ratio_contribution(D(1), D(10)),
    }
    new = regroup(old, successor_of)
    assert new == {"25": Contribution(D(45), D(100), 3), "11": Contribution(D(1), D(10), 1)}
    assert ratio(new["25"], 100) == D(45)
    assert regroup({}, successor_of) == {}


def test_regroup_refuses_unmapped_units() -> None:
    with pytest.raises(NoSuccessor, match="26, 99") as excinfo:
        regroup(
            {"25": ZERO, "99": ZERO, "26": ZERO},
            {"25": "25"},
        )
    assert excinfo.value.units == ["26", "99"]


# --- properties ------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**12).map(Decimal)
contributions = st.builds(
    Contribution,
    numerator=amounts,
    denominator=amounts,
    reporting=st.integers(min_value=0, max_value=1000),
)


@st.composite
def forests(draw: st.DrawFn) -> dict[str, str | None]:
    """A random forest: node i's parent is None or an earlier node."""
    size = draw(st.integers(min_value=1, max_value=15))
    parent_of: dict[str, str | None] = {}
    for i in range(size):
        choice = draw(st.none() | st.integers(min_value=0, max_value=max(i - 1, 0)))
        parent_of[f"u{i}"] = None if choice is None or i == 0 else f"u{choice}"
    return parent_of


@st.composite
def valued_forests(
    draw: st.DrawFn,
) -> tuple[dict[str, str | None], dict[str, Contribution], dict[str, Contribution]]:
    parent_of = draw(forests())
    units = sorted(parent_of)
    a = draw(st.dictionaries(st.sampled_from(units), contributions, max_size=10))
    b = draw(st.dictionaries(st.sampled_from(units), contributions, max_size=10))
    return parent_of, a, b


def descendants_or_self(unit: str, parent_of: dict[str, str | None]) -> set[str]:
    found = set()
    for candidate in parent_of:
        current: str | None = candidate
        while current is not None:
            if current == unit:
                found.add(candidate)
                break
            current = parent_of[current]
    return found


@given(valued_forests())
def test_rolled_up_ratio_is_the_ratio_of_the_subtree_sums(
    case: tuple[dict[str, str | None], dict[str, Contribution], dict[str, Contribution]],
) -> None:
    parent_of, values, _unused = case
    totals = rollup(parent_of, values)
    for unit in parent_of:
        subtree = [values[u] for u in descendants_or_self(unit, parent_of) if u in values]
        numerator = sum((c.numerator for c in subtree), D(0))
        denominator = sum((c.denominator for c in subtree), D(0))
        assert totals[unit].numerator == numerator
        assert totals[unit].denominator == denominator
        assert totals[unit].reporting == sum(c.reporting for c in subtree)
        expected = None if denominator == 0 else numerator / denominator * 100
        assert ratio(totals[unit], 100) == expected


@given(valued_forests())
def test_rollup_is_additive(
    case: tuple[dict[str, str | None], dict[str, Contribution], dict[str, Contribution]],
) -> None:
    parent_of, a, b = case
    both = {u: a.get(u, ZERO) + b.get(u, ZERO) for u in set(a) | set(b)}
    left = rollup(parent_of, both)
    ra, rb = rollup(parent_of, a), rollup(parent_of, b)
    assert left == {u: ra[u] + rb[u] for u in parent_of}


@given(valued_forests())
def test_the_roots_hold_everything(
    case: tuple[dict[str, str | None], dict[str, Contribution], dict[str, Contribution]],
) -> None:
    parent_of, values, _unused = case
    totals = rollup(parent_of, values)
    roots = [u for u, p in parent_of.items() if p is None]
    assert total(totals[r] for r in roots) == total(values.values())
    # With one root above everything, that root's total is the sum over all nodes.
    single = {**{u: (p if p is not None else "ROOT") for u, p in parent_of.items()}, "ROOT": None}
    assert rollup(single, values)["ROOT"] == total(values.values())


@given(
    st.dictionaries(st.text(min_size=1, max_size=4), contributions, max_size=20),
    st.data(),
)
def test_regroup_preserves_the_total(values: dict[str, Contribution], data: st.DataObject) -> None:
    new_units = st.sampled_from(["N1", "N2", "N3"])
    successor_of = {unit: data.draw(new_units) for unit in values}
    regrouped = regroup(values, successor_of)
    assert total(regrouped.values()) == total(values.values())
    assert set(regrouped) == set(successor_of.values())
    for new_unit, contribution in regrouped.items():
        merged = [values[u] for u, s in successor_of.items() if s == new_unit]
        assert contribution == total(merged)
