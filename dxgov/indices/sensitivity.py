"""How much a rank depends on the weights and on the missing-data rule (pure, numpy).

The OECD/JRC handbook's uncertainty and sensitivity step, on the main indicators' weights:

* one at a time: each main indicator's weight × 1.25 and × 0.75, the others unchanged;
* equal weights;
* a Monte Carlo: every draw multiplies each main indicator's weight by a factor drawn
  uniformly in [1 − spread, 1 + spread] and picks one of the missing-data rules given, at
  random; each unit's rank in every draw gives its 5th–95th percentile interval, its median
  and the probability that it is in the top 10.

Scores are Σ wᵢ vᵢ / Σ wᵢ over the main indicators a unit has (a main indicator left out by the
"exclude" rule is NaN, and its weight drops out for that unit alone), scaled as the edition
publishes them and rounded half up exactly as `aggregate.publish` does; ranks are standard
competition ranks within each group, as `ranking.grouped_ranks` gives. So one draw's ranks are
those of a direct recomputation with the same weights and rule (a test holds them equal).
10,000 draws over 51 units are a few matrix products and one comparison cube per group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from dxgov.indices.aggregate import NOISE_DECIMALS

SPREAD = 0.25
DRAWS = 10_000
TOP = 10


@dataclass
class Inputs:
    units: list[str]
    mains: list[str]
    weights: NDArray[np.float64]  # base weights (points) of the main indicators
    values: dict[str, NDArray[np.float64]]  # missing rule → units × mains (NaN: left out)
    base_rule: str  # the rule the edition itself uses (a key of values)
    groups: list[str]  # each unit's ranking group
    ranked: list[bool]  # False: assessed, not ranked
    scale: float = 1.0  # published value = score × scale ÷ divisor
    divisor: float = 1.0
    decimals: int = 4


@dataclass
class UnitSensitivity:
    unit: str
    rank: int | None
    scenarios: dict[str, int | None] = field(default_factory=dict)  # "1+25", "1-25", "equal"
    low: int | None = None  # 5th percentile of the Monte Carlo ranks
    high: int | None = None  # 95th percentile
    median: float | None = None
    top: float | None = None  # probability of being in the top 10 of its group

    @property
    def top_percent(self) -> float | None:
        return None if self.top is None else self.top * 100

    @property
    def scenario_range(self) -> tuple[int | None, int | None]:
        ranks = [r for r in self.scenarios.values() if r is not None]
        return (min(ranks), max(ranks)) if ranks else (None, None)


@dataclass
class Result:
    units: list[UnitSensitivity]
    draws: int
    spread: float
    rules: list[str]
    seed: int
    # Kept only when asked (tests compare each draw with a direct recomputation).
    draw_weights: NDArray[np.float64] | None = None
    draw_rules: NDArray[np.int64] | None = None
    draw_ranks: NDArray[np.int64] | None = None


def published(scores: NDArray[np.float64], inputs: Inputs) -> NDArray[np.int64]:
    """Scores as integers of the published decimals (rounded half up after noise removal);
    NaN (no score) becomes the lowest integer."""
    x = scores * (inputs.scale / inputs.divisor)
    nanos = np.rint(x * 10**NOISE_DECIMALS)
    step = 10 ** (NOISE_DECIMALS - inputs.decimals)
    safe = np.where(np.isnan(nanos), 0, nanos).astype(np.int64)
    units = np.where(safe >= 0, (safe + step // 2) // step, -((-safe + step // 2) // step))
    return np.where(np.isnan(nanos), np.iinfo(np.int64).min, units)


def scores(values: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """units × draws scores for weights given as mains × draws (NaN values drop out)."""
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    numerator = filled @ weights
    denominator = present.astype(np.float64) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def ranks(points: NDArray[np.int64], inputs: Inputs) -> NDArray[np.int64]:
    """Competition ranks (1 + units strictly better) within each group; 0 = no rank."""
    out = np.zeros(points.shape, dtype=np.int64)
    lowest = np.iinfo(np.int64).min
    ranked = np.asarray(inputs.ranked)
    groups = np.asarray(inputs.groups)
    for group in dict.fromkeys(inputs.groups):
        members = np.flatnonzero((groups == group) & ranked)
        if members.size == 0:
            continue
        block = points[members]  # members × draws
        better = (block[None, :, :] > block[:, None, :]).sum(axis=1)
        out[members] = np.where(block == lowest, 0, better + 1)
    return out


def _ranks_for(
    inputs: Inputs, weights: NDArray[np.float64], rule: str | None = None
) -> NDArray[np.int64]:
    column = weights.reshape(-1, 1)
    return ranks(
        published(scores(inputs.values[rule or inputs.base_rule], column), inputs), inputs
    )[:, 0]


def analyse(
    inputs: Inputs,
    *,
    draws: int = DRAWS,
    spread: float = SPREAD,
    seed: int = 2025,
    top: int = TOP,
    rules: Sequence[str] | None = None,
    keep_draws: bool = False,
) -> Result:
    rules = list(rules or inputs.values)
    base = inputs.weights
    base_ranks = _ranks_for(inputs, base)
    scenario: dict[str, NDArray[np.int64]] = {}
    percent = round(spread * 100)
    for i, code in enumerate(inputs.mains):
        for sign, factor in (("+", 1 + spread), ("-", 1 - spread)):
            weights = base.copy()
            weights[i] *= factor
            scenario[f"{code}{sign}{percent}"] = _ranks_for(inputs, weights)
    scenario["equal"] = _ranks_for(inputs, np.ones_like(base))

    generator = np.random.default_rng(seed)
    factors = generator.uniform(1 - spread, 1 + spread, size=(draws, len(base)))
    draw_weights = factors * base  # draws × mains
    draw_rules = generator.integers(0, len(rules), size=draws)
    points = np.empty((len(inputs.units), draws), dtype=np.int64)
    for r, rule in enumerate(rules):
        chosen = np.flatnonzero(draw_rules == r)
        if chosen.size:
            points[:, chosen] = published(
                scores(inputs.values[rule], draw_weights[chosen].T), inputs
            )
    draw_ranks = ranks(points, inputs)

    units = []
    for u, unit in enumerate(inputs.units):
        found = draw_ranks[u]
        rank = int(base_ranks[u]) or None
        item = UnitSensitivity(
            unit=unit,
            rank=rank,
            scenarios={name: (int(r[u]) or None) for name, r in scenario.items()},
        )
        valid = found[found > 0]
        if valid.size:
            item.low = int(np.percentile(valid, 5, method="inverted_cdf"))
            item.high = int(np.percentile(valid, 95, method="inverted_cdf"))
            item.median = float(np.median(valid))
            item.top = float((valid <= top).sum() / draws)
        units.append(item)
    result = Result(units=units, draws=draws, spread=spread, rules=rules, seed=seed)
    if keep_draws:
        result.draw_weights = draw_weights
        result.draw_rules = draw_rules
        result.draw_ranks = draw_ranks
    return result


def matrix(
    rows: Mapping[str, Mapping[str, float | None]], units: Sequence[str], mains: Sequence[str]
) -> NDArray[np.float64]:
    """units × mains array from per-unit main-indicator values (None → NaN)."""
    return np.array(
        [
            [np.nan if (v := rows.get(unit, {}).get(code)) is None else float(v) for code in mains]
            for unit in units
        ],
        dtype=np.float64,
    ).reshape(len(units), len(mains))
