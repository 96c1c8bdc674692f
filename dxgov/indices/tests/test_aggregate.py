"""Aggregation, missing-data rules, pillar views, publication rounding and the definition's
own rules, on hand-computed examples (indices/definition.py, aggregate.py)."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.indices import aggregate, definition, editions
from dxgov.indices.aggregate import GeometricZero, Mark
from dxgov.indices.definition import DefinitionError, MissingRule


def small(**overrides: Any) -> dict[str, Any]:
    """Two main indicators (60 + 40 points); the first has two entered components (40 + 20),
    the second one automatic component normalised by min–max 0–100."""
    data: dict[str, Any] = {
        "code": "test-province-2025",
        "index": "test",
        "year": 2025,
        "level": "province",
        "name": "Thử",
        "scale": 100,
        "publish": {"divide_by": 100, "decimals": 4},
        "units": {"set": "provinces", "measured_on": "2025-12-31"},
        "pillars": [{"code": "P1", "name": "Một"}, {"code": "P2", "name": "Hai"}],
        "nodes": [
            {
                "code": "A",
                "name": "A",
                "level": "main",
                "points": 60,
                "pillar": "P1",
                "children": [
                    {"code": "A1", "name": "A1", "level": "component", "points": 40},
                    {"code": "A2", "name": "A2", "level": "component", "points": 20},
                ],
            },
            {
                "code": "B",
                "name": "B",
                "level": "main",
                "points": 40,
                "pillar": "P2",
                "children": [
                    {
                        "code": "B1",
                        "name": "B1",
                        "level": "component",
                        "points": 40,
                        "source": {"kind": "score766"},
                        "normalisation": {"method": "minmax", "lower": 0, "upper": 100},
                    }
                ],
            },
        ],
    }
    data.update(overrides)
    return data


def test_weighted_sum_at_every_level() -> None:
    edition = definition.parse(small())
    # A1 30/40 = 0.75, A2 10/20 = 0.5 → A = (0.75·40 + 0.5·20)/60 = 40/60; B1 = 80/100 = 0.8
    found = aggregate.score_edition(edition, {"u": {"A1": 30, "A2": 10, "B1": 80}})["u"]
    assert found.nodes["A1"].points == 30
    assert found.nodes["A"].value == pytest.approx(40 / 60)
    assert found.nodes["A"].points == pytest.approx(40)
    assert found.nodes["B"].points == pytest.approx(32)
    assert found.points == pytest.approx(72)  # 40 + 32 of 100
    assert found.published == Decimal("0.7200")


def test_missing_counts_as_zero() -> None:
    edition = definition.parse(small())
    found = aggregate.score_edition(edition, {"u": {"A1": 30, "A2": None, "B1": 80}})["u"]
    assert found.nodes["A2"].value == 0
    assert Mark.ZERO in found.nodes["A2"].marks
    assert found.points == pytest.approx(30 + 32)
    assert Mark.ZERO in found.marks  # carried up to the total


def test_missing_excluded_renormalises_the_siblings() -> None:
    data = small()
    data["nodes"][0]["children"][1]["missing"] = "exclude"
    edition = definition.parse(data)
    found = aggregate.score_edition(edition, {"u": {"A1": 30, "A2": None, "B1": 80}})["u"]
    # A is A1 alone: 0.75 (not (30 + 0)/60 = 0.5)
    assert found.nodes["A"].value == pytest.approx(0.75)
    assert found.nodes["A2"].value is None
    assert Mark.EXCLUDED in found.nodes["A2"].marks
    assert found.points == pytest.approx(0.75 * 60 + 32)


def test_a_node_with_every_child_excluded_is_excluded_from_its_parent() -> None:
    data = small()
    for child in data["nodes"][0]["children"]:
        child["missing"] = "exclude"
    edition = definition.parse(data)
    found = aggregate.score_edition(edition, {"u": {"A1": None, "A2": None, "B1": 80}})["u"]
    assert found.nodes["A"].value is None
    # The index is B alone, renormalised: 0.8 of 100 points.
    assert found.points == pytest.approx(80)


def test_missing_carried_forward_from_the_last_edition() -> None:
    data = small()
    data["nodes"][0]["children"][1]["missing"] = "carry_forward"
    edition = definition.parse(data)
    raw = {"u": {"A1": 30, "A2": None, "B1": 80}, "v": {"A1": 30, "A2": None, "B1": 80}}
    found = aggregate.score_edition(edition, raw, previous={"u": {"A2": 0.9}})
    assert found["u"].nodes["A2"].value == 0.9
    assert Mark.CARRIED in found["u"].nodes["A2"].marks
    assert found["u"].nodes["A"].points == pytest.approx(30 + 18)
    # No previous value: left out, and marked so.
    assert found["v"].nodes["A2"].value is None
    assert Mark.EXCLUDED in found["v"].nodes["A2"].marks
    assert found["v"].nodes["A"].value == pytest.approx(0.75)


def test_a_rule_given_for_the_whole_run_replaces_each_leafs() -> None:
    edition = definition.parse(small())
    raw = {"u": {"A1": 30, "A2": None, "B1": 80}}
    zero = aggregate.score_edition(edition, raw)["u"].points
    excluded = aggregate.score_edition(edition, raw, missing=MissingRule.EXCLUDE)["u"].points
    assert (zero, excluded) == (pytest.approx(62), pytest.approx(77))


def test_geometric_mean() -> None:
    data = small(aggregation="geometric")
    for node in data["nodes"]:
        node["missing"] = "exclude"
        for child in node["children"]:
            child["missing"] = "exclude"
            child["normalisation"] = {
                **child.get("normalisation", {"method": "points"}),
                "floor": 0.01,
            }
    edition = definition.parse(data)
    found = aggregate.score_edition(edition, {"u": {"A1": 40, "A2": 5, "B1": 100}})["u"]
    a2 = 0.01 + 0.99 * 0.25
    a = (1.0 ** (40 / 60)) * (a2 ** (20 / 60))
    assert found.nodes["A"].value == pytest.approx(a)
    assert found.value == pytest.approx(a**0.6 * 1.0**0.4)


def test_a_geometric_mean_over_a_possible_zero_is_refused_in_the_definition() -> None:
    with pytest.raises(DefinitionError) as refused:
        definition.parse(small(aggregation="geometric"))
    messages = " ".join(refused.value.errors.values())
    assert "never receive a zero" in messages
    assert "nodes.0.children.0.missing" in refused.value.errors
    assert "nodes.0.children.0.normalisation.floor" in refused.value.errors


def test_a_geometric_mean_that_meets_a_zero_at_run_time_is_refused() -> None:
    """A definition edited past the checks (or a floor-less share) still never yields 0."""
    edition = definition.parse(small())
    first = replace(edition.nodes[0], aggregation=definition.Aggregation.GEOMETRIC)
    geometric = replace(edition, nodes=(first, edition.nodes[1]))
    with pytest.raises(GeometricZero, match="receive a zero from A2"):
        aggregate.score_edition(geometric, {"u": {"A1": 30, "A2": 0, "B1": 80}})


def test_weights_that_do_not_add_up_are_refused() -> None:
    data = small()
    data["nodes"][0]["children"][1]["points"] = 25
    with pytest.raises(DefinitionError) as refused:
        definition.parse(data)
    assert refused.value.errors == {
        "nodes.0.children": "The points of A's parts add up to 65, not 60."
    }
    data = small()
    data["nodes"][1]["points"] = 50
    data["nodes"][1]["children"][0]["points"] = 50
    with pytest.raises(DefinitionError, match="add up to 110, not 100"):
        definition.parse(data)


def test_relative_weights_must_add_up_to_one() -> None:
    data = small()
    data["nodes"][0]["children"] = [
        {
            "code": "A1",
            "name": "A1",
            "level": "component",
            "weight": 0.7,
            "normalisation": {"method": "share"},
        },
        {
            "code": "A2",
            "name": "A2",
            "level": "component",
            "weight": 0.2,
            "normalisation": {"method": "share"},
        },
    ]
    with pytest.raises(DefinitionError, match=r"weights add up to 0\.9, not 1"):
        definition.parse(data)
    data["nodes"][0]["children"][1]["weight"] = 0.3
    edition = definition.parse(data)
    found = aggregate.score_edition(edition, {"u": {"A1": 1.0, "A2": 0.0, "B1": 50}})["u"]
    assert found.nodes["A"].value == pytest.approx(0.7)


def test_minmax_with_min_equal_to_max_is_refused_in_the_definition() -> None:
    data = small()
    data["nodes"][1]["children"][0]["normalisation"] = {"method": "minmax", "lower": 5, "upper": 5}
    with pytest.raises(DefinitionError, match="min = max"):
        definition.parse(data)


def test_pillar_views_are_scores_of_their_own_not_means_of_the_total() -> None:
    data = small()
    # Tag A2 alone to P2: P1 is A1 (share 0.4), P2 is A2 (0.2) and B1 (0.4).
    data["nodes"][0]["pillar"] = ""
    data["nodes"][0]["children"][0]["pillar"] = "P1"
    data["nodes"][0]["children"][1]["pillar"] = "P2"
    edition = definition.parse(data)
    found = aggregate.score_edition(edition, {"u": {"A1": 40, "A2": 5, "B1": 50}})["u"]
    assert found.pillars["P1"] == pytest.approx(1.0)
    assert found.pillars["P2"] == pytest.approx((0.2 * 0.25 + 0.4 * 0.5) / 0.6)
    assert found.value == pytest.approx(0.4 + 0.05 + 0.2)
    assert found.value != pytest.approx(sum(found.pillars.values()) / 2)


def test_publication_rounds_half_up_at_four_decimals() -> None:
    assert aggregate.published_units(0.45675, 4) == 4568
    assert aggregate.published_units(0.45674999, 4) == 4567
    assert aggregate.published_units(0.1 + 0.2, 4) == 3000
    edition = definition.parse(small())
    assert aggregate.publish(45.675, edition) == Decimal("0.4568")


def test_the_shipped_dti_reproduces_a_score_made_by_hand() -> None:
    """922, provinces: Σ value × points ÷ 1,000. By hand: 0.9·100 + 0.85·100 + 0.7·100 +
    0.6·100 + 0.75·100 + 0.5·200 + 0.4·150 + 0.35·150 = 592.5 → 0.5925."""
    edition = editions.load("dti-province-2024")
    values = {
        "CS1": 0.9,
        "CS2": 0.85,
        "CS3": 0.7,
        "CS4": 0.6,
        "CS5": 0.75,
        "CS7": 0.5,
        "CS8": 0.4,
        "CS9": 0.35,
    }
    found = aggregate.score_from_main_values(edition, {"u": values})["u"]
    assert found.published == Decimal("0.5925")
    # Pillars are the activity indicators here (the foundations' split is unpublished).
    assert found.pillars == {
        "CQS": pytest.approx(0.5),
        "KTS": pytest.approx(0.4),
        "XHS": pytest.approx(0.35),
    }
    # Smart city is shown but not scored.
    assert "CS6" not in found.main_values(edition)


def test_provisional_weights_mark_every_result() -> None:
    edition = editions.load("dti-province-2025")
    assert edition.provisional
    values = {node.code: 0.5 for node in edition.scored_main_indicators()}
    found = aggregate.score_from_main_values(edition, {"u": values})["u"]
    assert Mark.PROVISIONAL in found.marks
    assert found.published == Decimal("0.5000")


def test_definition_round_trips_through_its_json() -> None:
    for edition in editions.load_all():
        again = definition.parse(definition.as_json(edition))
        assert again == edition


def test_every_problem_is_reported_with_its_path() -> None:
    data = copy.deepcopy(small())
    data["year"] = 1900
    data["nodes"][0]["children"][0]["level"] = "pillar"
    data["nodes"][1]["children"][0]["source"] = {"kind": "gossip"}
    with pytest.raises(DefinitionError) as refused:
        definition.parse(data)
    assert set(refused.value.errors) >= {
        "year",
        "nodes.0.children.0.level",
        "nodes.1.children.0.source.kind",
    }


@st.composite
def trees(
    draw: st.DrawFn,
) -> tuple[definition.Edition, dict[str, dict[str, float | None]], dict[str, dict[str, float]]]:
    mains = draw(st.integers(1, 4))
    nodes = []
    leaves = []
    for m in range(mains):
        count = draw(st.integers(1, 3))
        points = [draw(st.integers(1, 50)) for _ in range(count)]
        children = []
        for c, p in enumerate(points):
            code = f"L{m}{c}"
            leaves.append(code)
            children.append(
                {
                    "code": code,
                    "name": code,
                    "level": "component",
                    "points": p,
                    "normalisation": {"method": "share"},
                    "missing": draw(st.sampled_from(["zero", "exclude", "carry_forward"])),
                    "pillar": draw(st.sampled_from(["", "P1", "P2"])),
                }
            )
        nodes.append(
            {
                "code": f"M{m}",
                "name": f"M{m}",
                "level": "main",
                "points": sum(points),
                "children": children,
            }
        )
    data = {
        "code": "prop-2025",
        "index": "prop",
        "year": 2025,
        "level": "province",
        "name": "Thử",
        "scale": sum(n["points"] for n in nodes),
        "publish": {"divide_by": 1000, "decimals": 4},
        "units": {"set": "provinces", "measured_on": "2025-12-31"},
        "pillars": [{"code": "P1", "name": "Một"}, {"code": "P2", "name": "Hai"}],
        "nodes": nodes,
    }
    edition = definition.parse(data)
    value = st.one_of(st.none(), st.floats(0, 1, allow_nan=False))
    units = [f"u{i}" for i in range(draw(st.integers(1, 6)))]
    normalised = {u: {leaf: draw(value) for leaf in leaves} for u in units}
    previous = {u: {leaf: v for leaf in leaves if (v := draw(value)) is not None} for u in units}
    return edition, normalised, previous


@given(trees(), st.sampled_from([None, MissingRule.ZERO, MissingRule.EXCLUDE]))
def test_all_units_at_once_is_the_rule_one_unit_at_a_time(
    case: tuple[
        definition.Edition, dict[str, dict[str, float | None]], dict[str, dict[str, float]]
    ],
    missing: MissingRule | None,
) -> None:
    edition, normalised, previous = case
    columns = aggregate.score_edition(
        edition, normalised, normalised=normalised, previous=previous, missing=missing
    )
    for unit, values in normalised.items():
        one = aggregate.score_unit(
            edition, unit, values, raw=values, previous=previous[unit], missing=missing
        )
        found = columns[unit]
        assert found.published == one.published
        assert found.marks == one.marks
        assert found.pillars == pytest.approx(one.pillars)
        for code, node in one.nodes.items():
            other = found.nodes[code]
            assert other.marks == node.marks, code
            assert (other.value is None) == (node.value is None), code
            if node.value is not None:
                assert other.value == pytest.approx(node.value), code
