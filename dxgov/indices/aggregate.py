"""Scores at every level from the leaves' values (pure).

`score_edition` normalises each leaf's column (normalise.column), applies each leaf's
missing-data rule, and aggregates up the tree for every unit:

* arithmetic (the DTI's): a node's value is the weighted mean of its children's values, with
  weights their points (or weights); its points are value × its maximum points, so the root's
  points are the weighted sum Σ value × points, and the published value is points ÷ 1,000 with
  four decimals (rounded half up), as the Ministry publishes it;
* geometric: Π valueᵢ^(wᵢ/Σw), which refuses a zero (`GeometricZero`) rather than returning 0
  whatever the other values are.

Missing data, leaf by leaf, each marked in the result: `zero` counts 0; `exclude` leaves the
leaf out and its siblings' weights are renormalised (a node whose children are all left out is
left out of its parent in turn); `carry_forward` takes the last edition's normalised value, or
is left out when there is none. Values computed with provisional weights, estimated from
platform data or self-assessed but not yet appraised carry their marks up to the total.

Pillar views (digital government, economy, society) are separate scores over the leaves
tagged with each pillar, weighted by their share of the index: not averages of the total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar

import numpy as np
from django.utils.translation import gettext as _

from dxgov.indices import normalise
from dxgov.indices.definition import (
    Aggregation,
    Edition,
    Level,
    Method,
    MissingRule,
    Node,
    leaf_weights,
)

K = TypeVar("K")

# Values are rounded to this many decimals before publication rounding, so that float noise
# (0.45674999999999) never turns an exact half (0.45675) the wrong way.
NOISE_DECIMALS = 9


class Mark(StrEnum):
    ZERO = "missing_zero"  # missing, counted as zero
    EXCLUDED = "excluded"  # missing, left out; the siblings' weights renormalised
    CARRIED = "carried_forward"  # missing, last edition's value used
    PROVISIONAL = "provisional"  # self-assessed, not yet appraised; or provisional weights
    ESTIMATE = "estimate"  # estimated from platform data before the self-assessment
    MERGED = "merged"  # the plain mean of the predecessors' values (2025 merger)


class GeometricZero(ValueError):
    """A geometric mean would receive a zero (the result would be 0 whatever the rest)."""


class NodeResult(NamedTuple):
    """One node's result for one unit (a tuple: thousands are made per computation)."""

    code: str
    value: float | None  # from 0 to 1; None when left out
    points: float | None  # value × the node's maximum points
    max_points: float | None
    marks: frozenset[str] = frozenset()
    raw: float | None = None  # a leaf's raw value, before normalisation


@dataclass
class UnitResult(Generic[K]):
    unit: K
    nodes: dict[str, NodeResult] = field(default_factory=dict)
    value: float | None = None  # the index from 0 to 1
    points: float | None = None  # the index's points (value × scale)
    published: Decimal | None = None  # points ÷ divisor, rounded half up
    pillars: dict[str, float | None] = field(default_factory=dict)
    marks: frozenset[str] = frozenset()

    def main_values(self, edition: Edition) -> dict[str, float | None]:
        return {
            node.code: self.nodes[node.code].value
            for node in edition.scored_main_indicators()
            if node.code in self.nodes
        }


def published_units(value: float, decimals: int) -> int:
    """`value` rounded half up to `decimals` decimals, as an integer count of those decimals
    (0.45675 at 4 decimals → 4568). Integer arithmetic after removing float noise: the same
    rule as numpy's in sensitivity.py."""
    nanos: int = round(value * 10**NOISE_DECIMALS)
    step: int = 10 ** (NOISE_DECIMALS - decimals)
    if nanos >= 0:
        return (nanos + step // 2) // step
    return -((-nanos + step // 2) // step)


def publish(points: float, edition: Edition) -> Decimal:
    """The published value: points ÷ divisor, rounded half up to the edition's decimals."""
    units = published_units(points / edition.divisor, edition.decimals)
    return Decimal(units).scaleb(-edition.decimals)


def pillar_of_leaves(edition: Edition) -> dict[str, str]:
    """Each scored leaf's pillar: its own tag or its nearest tagged ancestor's."""
    found: dict[str, str] = {}

    def visit(node: Node, inherited: str) -> None:
        if not node.scored:
            return
        pillar = node.pillar or inherited
        if node.is_leaf:
            if pillar:
                found[node.code] = pillar
            return
        for child in node.children:
            visit(child, pillar)

    for node in edition.nodes:
        visit(node, "")
    return found


def _leaf(
    node: Node,
    normalised: float | None,
    raw: float | None,
    previous: float | None,
    rule: MissingRule,
    marks: frozenset[str],
) -> NodeResult:
    max_points = node.max_points
    if normalised is not None:
        value: float | None = normalised
    elif rule == MissingRule.ZERO:
        value, marks = node.normalisation.floor, marks | {Mark.ZERO}
    elif rule == MissingRule.CARRY_FORWARD and previous is not None:
        value, marks = previous, marks | {Mark.CARRIED}
    else:
        value, marks = None, marks | {Mark.EXCLUDED}
    if node.provisional:
        marks = marks | {Mark.PROVISIONAL}
    points = None if value is None or max_points is None else value * max_points
    return NodeResult(node.code, value, points, max_points, frozenset(marks), raw)


def _combine(
    node: Node,
    children: list[tuple[Node, NodeResult]],
    aggregation: Aggregation,
    weights: Mapping[str, float] | None,
    unit: object,
) -> NodeResult:
    present = [(child, result) for child, result in children if result.value is not None]
    marks = frozenset().union(*(r.marks for _c, r in children)) if children else frozenset()
    if node.provisional or any(child.provisional for child, _r in children):
        marks = marks | {Mark.PROVISIONAL}
    if not present:
        return NodeResult(node.code, None, None, node.max_points, marks | {Mark.EXCLUDED})
    pairs = [(_weight(child, weights), result.value or 0.0) for child, result in present]
    total = sum(w for w, _v in pairs)
    if total <= 0:
        value = 0.0
    elif aggregation == Aggregation.GEOMETRIC:
        zero = [child.code for (child, r) in present if r.value == 0]
        if zero:
            raise GeometricZero(
                _(
                    "The geometric mean of %(node)s would receive a zero from %(codes)s for "
                    "%(unit)s: a zero makes the mean 0 whatever the other values are. Give the "
                    "normalisation a floor above 0 or use the arithmetic sum."
                )
                % {"node": node.code or _("the index"), "codes": ", ".join(zero), "unit": unit}
            )
        value = math.exp(sum(w / total * math.log(v) for w, v in pairs))
    else:
        value = sum(w * v for w, v in pairs) / total
    points = None if node.max_points is None else value * node.max_points
    return NodeResult(node.code, value, points, node.max_points, marks)


def _weight(node: Node, weights: Mapping[str, float] | None) -> float:
    if weights is not None and node.code in weights:
        return weights[node.code]
    if node.weight is not None:
        return node.weight
    return node.max_points or 0.0


def score_unit(
    edition: Edition,
    unit: K,
    normalised: Mapping[str, float | None],
    *,
    raw: Mapping[str, float | None] | None = None,
    previous: Mapping[str, float] | None = None,
    leaf_marks: Mapping[str, frozenset[str]] | None = None,
    missing: MissingRule | None = None,
    weights: Mapping[str, float] | None = None,
) -> UnitResult[K]:
    """One unit's result at every level from its leaves' normalised values.

    `missing` replaces every leaf's missing-data rule, `weights` the weights (by node code) of
    the nodes it names: both for sensitivity analysis and a coordinator's trial weights."""
    result: UnitResult[K] = UnitResult(unit)
    raw = raw or {}
    previous = previous or {}
    leaf_marks = leaf_marks or {}

    def visit(node: Node) -> NodeResult:
        if not node.scored:
            # Shown in the definition, never computed (922's smart city: 0 points).
            return NodeResult(node.code, None, None, node.max_points)
        if node.is_leaf:
            found = _leaf(
                node,
                normalised.get(node.code),
                raw.get(node.code),
                previous.get(node.code),
                missing or node.missing,
                leaf_marks.get(node.code, frozenset()),
            )
        else:
            children = [(child, visit(child)) for child in node.children]
            scored = [(c, r) for c, r in children if c.scored]
            found = _combine(node, scored, node.aggregation or edition.aggregation, weights, unit)
        if node.code:
            result.nodes[node.code] = found
        return found

    root = visit(edition.root)
    result.value = root.value
    result.marks = root.marks
    if root.value is not None:
        result.points = root.value * edition.scale
        result.published = publish(result.points, edition)
    result.pillars = pillar_scores(edition, result, weights)
    return result


def pillar_scores(
    edition: Edition, result: UnitResult[K], weights: Mapping[str, float] | None = None
) -> dict[str, float | None]:
    """Each pillar's value from 0 to 1: its leaves' values weighted by their share of the
    index (left-out leaves dropped, the rest renormalised)."""
    if not edition.pillars:
        return {}
    shares = leaf_weights(edition, weights)
    pillars = pillar_of_leaves(edition)
    sums: dict[str, list[float]] = {p.code: [0.0, 0.0] for p in edition.pillars}
    for leaf, pillar in pillars.items():
        found = result.nodes.get(leaf)
        if found is None or found.value is None:
            continue
        share = shares.get(leaf, 0.0)
        sums[pillar][0] += share * found.value
        sums[pillar][1] += share
    return {code: (s / w if w > 0 else None) for code, (s, w) in sums.items()}


def normalise_leaves(
    edition: Edition, raw: Mapping[K, Mapping[str, float | None]]
) -> dict[K, dict[str, float | None]]:
    """Every unit's normalised leaf values, leaf by leaf across the units."""
    out: dict[K, dict[str, float | None]] = {unit: {} for unit in raw}
    for leaf in edition.leaves():
        if not leaf.scored:
            continue
        values = {unit: raw[unit].get(leaf.code) for unit in raw}
        done = normalise.column(values, leaf.normalisation, leaf.max_points)
        for unit, value in done.items():
            out[unit][leaf.code] = value
    return out


def score_edition(
    edition: Edition,
    raw: Mapping[K, Mapping[str, float | None]],
    *,
    previous: Mapping[K, Mapping[str, float]] | None = None,
    leaf_marks: Mapping[K, Mapping[str, frozenset[str]]] | None = None,
    missing: MissingRule | None = None,
    weights: Mapping[str, float] | None = None,
    normalised: Mapping[K, Mapping[str, float | None]] | None = None,
) -> dict[K, UnitResult[K]]:
    """Every unit's result: leaves normalised across units, then aggregated for all units at
    once, level by level (`score_columns`; `score_unit` is the same rule one unit at a time,
    and a property test holds the two equal).

    `normalised` skips the normalisation (values already from 0 to 1, as when recomputing
    from published main-indicator values)."""
    values = normalised if normalised is not None else normalise_leaves(edition, raw)
    return score_columns(
        edition,
        list(raw),
        values,
        raw=raw,
        previous=previous or {},
        leaf_marks=leaf_marks or {},
        missing=missing,
        weights=weights,
    )


# Marks as bits, so that a node's marks are its children's OR-ed for every unit at once.
_BITS = {mark: 1 << i for i, mark in enumerate(Mark)}


def _marks_of(bits: int, cache: dict[int, frozenset[str]]) -> frozenset[str]:
    found = cache.get(bits)
    if found is None:
        found = frozenset(str(m) for m, b in _BITS.items() if bits & b)
        cache[bits] = found
    return found


def score_columns(
    edition: Edition,
    units: list[K],
    normalised: Mapping[K, Mapping[str, float | None]],
    *,
    raw: Mapping[K, Mapping[str, float | None]],
    previous: Mapping[K, Mapping[str, float]],
    leaf_marks: Mapping[K, Mapping[str, frozenset[str]]],
    missing: MissingRule | None,
    weights: Mapping[str, float] | None,
) -> dict[K, UnitResult[K]]:
    """`score_unit` for every unit at once: each node's values as one numpy column."""
    n = len(units)
    results: dict[K, UnitResult[K]] = {unit: UnitResult(unit) for unit in units}
    columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    mark_cache: dict[int, frozenset[str]] = {}

    def leaf_column(node: Node) -> tuple[np.ndarray, np.ndarray]:
        values = np.array(
            [np.nan if (v := normalised.get(u, {}).get(node.code)) is None else v for u in units],
            dtype=float,
        )
        bits = np.zeros(n, dtype=np.int64)
        for i, unit in enumerate(units):
            given = leaf_marks.get(unit, {}).get(node.code)
            if given:
                for mark in given:
                    bits[i] |= _BITS.get(Mark(mark), 0)
        absent = np.isnan(values)
        rule = missing or node.missing
        if rule == MissingRule.ZERO:
            values[absent] = node.normalisation.floor
            bits[absent] |= _BITS[Mark.ZERO]
        elif rule == MissingRule.CARRY_FORWARD:
            before = np.array(
                [np.nan if (v := previous.get(u, {}).get(node.code)) is None else v for u in units],
                dtype=float,
            )
            carried = absent & ~np.isnan(before)
            values[carried] = before[carried]
            bits[carried] |= _BITS[Mark.CARRIED]
            bits[absent & ~carried] |= _BITS[Mark.EXCLUDED]
        else:
            bits[absent] |= _BITS[Mark.EXCLUDED]
        if node.provisional:
            bits |= _BITS[Mark.PROVISIONAL]
        return values, bits

    def combine(node: Node, children: list[Node]) -> tuple[np.ndarray, np.ndarray]:
        bits = np.zeros(n, dtype=np.int64)
        for child in children:
            bits |= columns[child.code][1]
        if node.provisional or any(child.provisional for child in children):
            bits |= _BITS[Mark.PROVISIONAL]
        if not children:
            return np.full(n, np.nan), bits | _BITS[Mark.EXCLUDED]
        stacked = np.vstack([columns[child.code][0] for child in children])
        present = ~np.isnan(stacked)
        weight = np.array([_weight(child, weights) for child in children], dtype=float)
        used = np.where(present, weight[:, None], 0.0)
        total = used.sum(axis=0)
        anything = present.any(axis=0)
        filled = np.where(present, stacked, 0.0)
        aggregation = node.aggregation or edition.aggregation
        with np.errstate(invalid="ignore", divide="ignore"):
            if aggregation == Aggregation.GEOMETRIC:
                zero = present & (filled == 0)
                if zero.any():
                    i = int(np.flatnonzero(zero.any(axis=0))[0])
                    codes = [c.code for c, z in zip(children, zero[:, i], strict=True) if z]
                    raise GeometricZero(
                        _(
                            "The geometric mean of %(node)s would receive a zero from "
                            "%(codes)s for %(unit)s: a zero makes the mean 0 whatever the other "
                            "values are. Give the normalisation a floor above 0 or use the "
                            "arithmetic sum."
                        )
                        % {
                            "node": node.code or _("the index"),
                            "codes": ", ".join(codes),
                            "unit": units[i],
                        }
                    )
                logs = np.where(present, np.log(np.where(present, filled, 1.0)), 0.0)
                value = np.exp((used * logs).sum(axis=0) / total)
            else:
                value = (used * filled).sum(axis=0) / total
        value = np.where(total > 0, value, 0.0)
        value = np.where(anything, value, np.nan)
        bits = np.where(anything, bits, bits | _BITS[Mark.EXCLUDED])
        return value, bits

    def visit(node: Node) -> tuple[np.ndarray, np.ndarray] | None:
        if not node.scored:
            return None
        if node.is_leaf:
            found = leaf_column(node)
        else:
            for child in node.children:
                visit(child)
            found = combine(node, [c for c in node.children if c.scored])
        columns[node.code] = found
        return found

    root = visit(edition.root)
    assert root is not None
    for node in edition.walk():
        if not node.scored or node.code not in columns:
            continue
        # Plain lists: reading numpy scalars one at a time costs more than the arithmetic.
        values, bits = (column.tolist() for column in columns[node.code])
        for unit, value, bit in zip(units, values, bits, strict=True):
            value = None if value != value else value  # NaN: not measured
            points = None if value is None or node.max_points is None else value * node.max_points
            raw_value = raw.get(unit, {}).get(node.code) if node.is_leaf else None
            results[unit].nodes[node.code] = NodeResult(
                node.code, value, points, node.max_points, _marks_of(bit, mark_cache), raw_value
            )
    values, bits = (column.tolist() for column in root)
    pillars = {
        code: [None if v != v else v for v in column.tolist()]
        for code, column in _pillar_columns(edition, columns, weights, n).items()
    }
    for i, unit in enumerate(units):
        result = results[unit]
        result.marks = _marks_of(bits[i], mark_cache)
        if values[i] == values[i]:
            result.value = values[i]
            result.points = result.value * edition.scale
            result.published = publish(result.points, edition)
        result.pillars = {code: column[i] for code, column in pillars.items()}
    return results


def _pillar_columns(
    edition: Edition,
    columns: Mapping[str, tuple[np.ndarray, np.ndarray]],
    weights: Mapping[str, float] | None,
    n: int,
) -> dict[str, np.ndarray]:
    if not edition.pillars:
        return {}
    shares = leaf_weights(edition, weights)
    sums = {p.code: (np.zeros(n), np.zeros(n)) for p in edition.pillars}
    for leaf, pillar in pillar_of_leaves(edition).items():
        if leaf not in columns:
            continue
        values = columns[leaf][0]
        present = ~np.isnan(values)
        share = shares.get(leaf, 0.0)
        total, weight = sums[pillar]
        total += np.where(present, values * share, 0.0)
        weight += np.where(present, share, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {code: np.where(w > 0, t / w, np.nan) for code, (t, w) in sums.items()}


def main_edition(edition: Edition) -> Edition:
    """The edition cut at its main indicators: each main indicator a leaf whose value (0–1)
    is given, as in published results and the merger's plain mean."""

    def cut(node: Node) -> Node:
        if node.level == Level.MAIN:
            return replace(
                node,
                children=(),
                normalisation=replace(node.normalisation, method=Method.SHARE, floor=0.0),
                estimate=(),
            )
        return replace(node, children=tuple(cut(c) for c in node.children))

    return replace(edition, nodes=tuple(cut(n) for n in edition.nodes))


def score_from_main_values(
    edition: Edition,
    values: Mapping[K, Mapping[str, float | None]],
    *,
    missing: MissingRule | None = None,
    weights: Mapping[str, float] | None = None,
    marks: Mapping[K, frozenset[str]] | None = None,
) -> dict[K, UnitResult[K]]:
    """Scores from main-indicator values (0–1): published results, merged units."""
    cut = main_edition(edition)
    marks = marks or {}
    leaf_marks = {
        unit: {code: marks.get(unit, frozenset()) for code in row} for unit, row in values.items()
    }
    return score_edition(
        cut, values, normalised=values, missing=missing, weights=weights, leaf_marks=leaf_marks
    )
