"""Sensitivity of ranks to the weights and the missing-data rule (indices/sensitivity.py): the
ranks of each scenario and of each Monte Carlo draw are those of a direct recomputation with
the same weights and rule (aggregate + ranking)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dxgov.indices import aggregate, definition, sensitivity
from dxgov.indices.definition import MissingRule
from dxgov.indices.ranking import grouped_ranks


def edition_of(mains: dict[str, float]) -> definition.Edition:
    data: dict[str, Any] = {
        "code": "test-2025",
        "index": "test",
        "year": 2025,
        "level": "province",
        "name": "Thử",
        "scale": 1000,
        "publish": {"divide_by": 1000, "decimals": 4},
        "units": {"set": "provinces", "measured_on": "2025-12-31"},
        "nodes": [
            {
                "code": code,
                "name": code,
                "level": "main",
                "points": points,
                "normalisation": {"method": "share"},
            }
            for code, points in mains.items()
        ],
    }
    return definition.parse(data)


def inputs_for(
    edition: definition.Edition,
    values: dict[str, dict[str, float | None]],
    groups: dict[str, str] | None = None,
) -> sensitivity.Inputs:
    units = list(values)
    mains = [n.code for n in edition.scored_main_indicators()]
    matrices = {}
    for rule in (MissingRule.ZERO, MissingRule.EXCLUDE):
        found = aggregate.score_from_main_values(edition, values, missing=rule)
        rows = {u: {c: found[u].nodes[c].value for c in mains} for u in units}
        matrices[rule.value] = sensitivity.matrix(rows, units, mains)
    return sensitivity.Inputs(
        units=units,
        mains=mains,
        weights=np.array([edition.node(c).max_points or 0.0 for c in mains]),
        values=matrices,
        base_rule=MissingRule.ZERO.value,
        groups=[(groups or {}).get(u, "") for u in units],
        ranked=[True] * len(units),
        scale=edition.scale,
        divisor=edition.divisor,
        decimals=edition.decimals,
    )


def test_one_at_a_time_and_equal_weights_by_hand() -> None:
    """A (600 points) and B (400): u1 = (0.9, 0.2), u2 = (0.5, 0.7), u3 = (0.6, 0.55).
    Base: 0.62, 0.58, 0.58 → ranks 1, 2, 2. A × 0.75 (450 of 850): u1 0.5706, u2 0.5941,
    u3 0.5765 → 3, 1, 2. Equal weights: 0.55, 0.6, 0.575 → 3, 1, 2."""
    edition = edition_of({"A": 600, "B": 400})
    values: dict[str, dict[str, float | None]] = {
        "u1": {"A": 0.9, "B": 0.2},
        "u2": {"A": 0.5, "B": 0.7},
        "u3": {"A": 0.6, "B": 0.55},
    }
    result = sensitivity.analyse(inputs_for(edition, values), draws=200, seed=1)
    by_unit = {u.unit: u for u in result.units}
    assert [by_unit[u].rank for u in ("u1", "u2", "u3")] == [1, 2, 2]
    assert [by_unit[u].scenarios["A-25"] for u in ("u1", "u2", "u3")] == [3, 1, 2]
    assert [by_unit[u].scenarios["A+25"] for u in ("u1", "u2", "u3")] == [1, 3, 2]
    assert [by_unit[u].scenarios["equal"] for u in ("u1", "u2", "u3")] == [3, 1, 2]
    assert by_unit["u1"].scenario_range == (1, 3)
    for unit in result.units:
        assert unit.low is not None and unit.high is not None
        assert 1 <= unit.low <= unit.high <= 3
        assert unit.top == 1.0  # three units: always in the top 10


def test_every_draw_matches_a_direct_recomputation() -> None:
    rng = np.random.default_rng(7)
    edition = edition_of({"A": 200, "B": 400, "C": 300, "D": 100})
    values: dict[str, dict[str, float | None]] = {
        f"u{i:02}": {code: round(float(rng.uniform(0.1, 0.95)), 4) for code in "ABCD"}
        for i in range(14)
    }
    values["u03"]["B"] = None  # missing: the rule matters for this unit
    values["u05"]["C"] = values["u06"]["C"] = None
    groups = {unit: ("g1" if i % 3 else "g2") for i, unit in enumerate(values)}
    inputs = inputs_for(edition, values, groups)
    result = sensitivity.analyse(inputs, draws=60, seed=3, keep_draws=True)
    assert result.draw_weights is not None and result.draw_rules is not None
    assert result.draw_ranks is not None
    for d in range(60):
        weights = dict(zip(inputs.mains, result.draw_weights[d], strict=True))
        rule = MissingRule(result.rules[int(result.draw_rules[d])])
        direct = aggregate.score_from_main_values(edition, values, missing=rule, weights=weights)
        ranks = grouped_ranks({u: r.published for u, r in direct.items()}, groups)
        assert {u: int(result.draw_ranks[i, d]) for i, u in enumerate(inputs.units)} == ranks


def test_intervals_and_top_ten() -> None:
    edition = edition_of({"A": 500, "B": 500})
    values: dict[str, dict[str, float | None]] = {
        f"u{i:02}": {"A": 1 - i / 20, "B": 1 - i / 20} for i in range(15)
    }
    # u15 is first on A, last on B: its rank moves with the weights.
    values["u15"] = {"A": 1.0, "B": 0.1}
    result = sensitivity.analyse(inputs_for(edition, values), draws=2000, seed=5)
    by_unit = {u.unit: u for u in result.units}
    assert by_unit["u00"].low == by_unit["u00"].high == 1
    assert by_unit["u00"].top == 1.0
    assert by_unit["u14"].top == 0.0
    mover = by_unit["u15"]
    assert mover.low is not None and mover.high is not None and mover.low < mover.high
    assert 0.0 < (mover.top or 0.0) < 1.0


def test_a_unit_without_any_value_has_no_rank() -> None:
    edition = edition_of({"A": 500, "B": 500})
    values: dict[str, dict[str, float | None]] = {
        "u1": {"A": 0.5, "B": 0.5},
        "u2": {"A": None, "B": None},
    }
    inputs = inputs_for(edition, values)
    inputs.base_rule = MissingRule.EXCLUDE.value
    result = sensitivity.analyse(inputs, draws=10, rules=[MissingRule.EXCLUDE.value])
    by_unit = {u.unit: u for u in result.units}
    assert by_unit["u2"].rank is None and by_unit["u2"].low is None
    assert by_unit["u1"].rank == 1


def test_publication_rounding_is_the_same_as_aggregates() -> None:
    edition = edition_of({"A": 1000})
    inputs = inputs_for(edition, {"u": {"A": 0.45675}})
    found = sensitivity.published(np.array([[0.45675], [0.45674999]]), inputs)
    assert found.tolist() == [[4568], [4567]]
    assert aggregate.published_units(0.45675, 4) == 4568


@pytest.mark.parametrize("draws", [1, 3])
def test_small_runs(draws: int) -> None:
    edition = edition_of({"A": 500, "B": 500})
    inputs = inputs_for(edition, {"u1": {"A": 0.5, "B": 0.4}, "u2": {"A": 0.3, "B": 0.6}})
    assert len(sensitivity.analyse(inputs, draws=draws).units) == 2
