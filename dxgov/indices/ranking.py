"""Ranks (pure): standard competition ranking ("1224"), within groups, and change since the
last edition.

Units are ranked on their published value (four decimals for the DTI), so two units published
with the same value share a rank and the next rank is skipped: two units tied at 15th are both
15th and the next is 17th, as the Ministry's tables show. Units without a value, or not ranked
(a province's assessed-but-not-ranked units), get no rank.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
Score = Decimal | float | int


def competition_ranks(scores: Mapping[K, Score | None], *, descending: bool = True) -> dict[K, int]:
    """1 + the number of units strictly better; units without a score are left out."""
    present = [(unit, score) for unit, score in scores.items() if score is not None]
    ordered = sorted((score for _unit, score in present), reverse=descending)
    first: dict[Score, int] = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return {unit: first[score] for unit, score in present}


def grouped_ranks(
    scores: Mapping[K, Score | None],
    groups: Mapping[K, str],
    *,
    not_ranked: Iterable[K] = (),
) -> dict[K, int]:
    """Competition ranks within each group (ministries that provide public services and those
    that do not are ranked apart); units in `not_ranked` get none."""
    skipped = set(not_ranked)
    by_group: dict[str, dict[K, Score | None]] = {}
    for unit, score in scores.items():
        if unit in skipped:
            continue
        by_group.setdefault(groups.get(unit, ""), {})[unit] = score
    ranks: dict[K, int] = {}
    for members in by_group.values():
        ranks.update(competition_ranks(members))
    return ranks


def changes(now: Mapping[K, int], before: Mapping[K, int]) -> dict[K, int | None]:
    """Places gained since the last edition (positive: up), None where either rank is absent."""
    return {unit: (before[unit] - rank if unit in before else None) for unit, rank in now.items()}
