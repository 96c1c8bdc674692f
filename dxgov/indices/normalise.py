"""Normalisation: a leaf's raw values across the units → numbers from 0 to 1 (pure).

One function per method of `definition.Method`, applied to a whole column (every unit's raw
value of one leaf), because some methods compare units (ratio to the best, rank, z-scores).
Missing values (None) stay None: the missing-data rule is applied by the aggregation.

Fixed goalposts (min–max, distance to target) come from the edition and are never taken from
the data, so an edition's values compare with last year's; values beyond a goalpost are
clamped. Every result is finally rescaled into [floor, 1] (a geometric mean needs floor > 0),
and a negative direction turns 1 − x before that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

from django.utils.translation import gettext as _

from dxgov.indices.definition import Direction, Method, Normalisation

K = TypeVar("K")


class CannotNormalise(ValueError):
    """The values cannot be normalised (min = max, a best value of 0, no spread)."""


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _finish(value: float, spec: Normalisation, *, oriented: bool = False) -> float:
    """Direction (unless the method already applied it), then the floor."""
    if not oriented and spec.direction == Direction.NEGATIVE:
        value = 1.0 - value
    value = _clamp(value)
    return spec.floor + (1.0 - spec.floor) * value


def one(value: float, spec: Normalisation, max_points: float | None = None) -> float:
    """A method that needs no other unit: points, share, min–max, target, binary."""
    if not math.isfinite(value):
        raise CannotNormalise(_("%(value)s is not a number.") % {"value": value})
    if spec.method == Method.POINTS:
        if not max_points:
            raise CannotNormalise(_("A score out of points needs its maximum points."))
        return _finish(value / max_points, spec)
    if spec.method == Method.SHARE:
        return _finish(value, spec)
    if spec.method == Method.MINMAX:
        lower, upper = spec.lower, spec.upper
        if lower is None or upper is None or upper == lower:
            raise CannotNormalise(
                _("Min–max needs two different goalposts: with min = max nothing normalises.")
            )
        return _finish((value - lower) / (upper - lower), spec)
    if spec.method == Method.TARGET:
        base = spec.lower or 0.0
        target = spec.upper
        if target is None or target == base:
            raise CannotNormalise(_("The target must differ from the base."))
        # A target below the base (less is better) is reached from above: the same formula.
        return _finish((value - base) / (target - base), spec, oriented=True)
    if spec.method == Method.BINARY:
        threshold = spec.threshold if spec.threshold is not None else 1.0
        reached = value <= threshold if spec.direction == Direction.NEGATIVE else value >= threshold
        return _finish(1.0 if reached else 0.0, spec, oriented=True)
    raise CannotNormalise(
        _("%(method)s compares units: normalise the whole column.") % {"method": spec.method}
    )


def column(
    values: Mapping[K, float | None], spec: Normalisation, max_points: float | None = None
) -> dict[K, float | None]:
    """Every unit's normalised value for one leaf (None stays None)."""
    present = {k: v for k, v in values.items() if v is not None}
    out: dict[K, float | None] = dict.fromkeys(values)
    if not present:
        return out
    if spec.method == Method.RATIO_TO_BEST:
        out.update(_ratio_to_best(present, spec))
    elif spec.method == Method.RANK:
        out.update(_rank(present, spec))
    elif spec.method == Method.ZSCORE_MINMAX:
        out.update(_zscore_minmax(present, spec))
    else:
        out.update({k: one(v, spec, max_points) for k, v in present.items()})
    return out


def _ratio_to_best(values: Mapping[K, float], spec: Normalisation) -> dict[K, float]:
    if any(v < 0 for v in values.values()):
        raise CannotNormalise(_("A ratio to the best needs values that are not negative."))
    if spec.direction == Direction.NEGATIVE:
        best = min(values.values())
        if best <= 0:
            raise CannotNormalise(
                _("The best (lowest) value is 0: every other unit's ratio to it is undefined.")
            )
        return {k: _finish(best / v, spec, oriented=True) for k, v in values.items()}
    best = max(values.values())
    if best <= 0:
        raise CannotNormalise(_("The best value is 0: a ratio to it is undefined."))
    return {k: _finish(v / best, spec, oriented=True) for k, v in values.items()}


def _rank(values: Mapping[K, float], spec: Normalisation) -> dict[K, float]:
    """Best unit 1, worst 0, evenly between by competition rank (ties share the better)."""
    ordered = sorted(values.values(), reverse=spec.direction != Direction.NEGATIVE)
    n = len(ordered)
    if n == 1:
        return {k: _finish(1.0, spec, oriented=True) for k in values}
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered):
        first_position.setdefault(value, position)
    return {
        k: _finish(1.0 - first_position[v] / (n - 1), spec, oriented=True)
        for k, v in values.items()
    }


def _zscore_minmax(values: Mapping[K, float], spec: Normalisation) -> dict[K, float]:
    """The UN EGDI's way: standardise (population z-score), then min–max over the units."""
    numbers = list(values.values())
    mean = sum(numbers) / len(numbers)
    spread = math.sqrt(sum((v - mean) ** 2 for v in numbers) / len(numbers))
    if spread == 0:
        raise CannotNormalise(
            _("Every unit has the same value: z-scores (min = max) cannot be normalised.")
        )
    z = {k: (v - mean) / spread for k, v in values.items()}
    low, high = min(z.values()), max(z.values())
    return {k: _finish((v - low) / (high - low), spec) for k, v in z.items()}
