"""Merged units (pure): an edition measured over the 63 former provinces and published over
the 34 after the 2025 merger.

The Ministry's rule for the 2024 edition: a post-merger province's main-indicator values are
the plain mean of its former provinces' values, not weighted by population or size. A main
indicator that some predecessors lack is the mean of those that have it (marked); one that
none has stays missing. Which former province went into which new one comes from the
effective-dated units of `orgunits` (their successions), never from a list typed here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Merged:
    values: dict[str, float | None]
    predecessors: tuple[Hashable, ...]
    incomplete: tuple[str, ...]  # main indicators some predecessors lacked


def plain_mean(
    values: Mapping[K, Mapping[str, float | None]],
    successors: Mapping[Hashable, Iterable[K]],
    indicators: Iterable[str],
) -> dict[Hashable, Merged]:
    """Each successor's main-indicator values: the plain mean of its predecessors' values."""
    codes = list(indicators)
    merged: dict[Hashable, Merged] = {}
    for successor, members in successors.items():
        found = [unit for unit in members if unit in values]
        row: dict[str, float | None] = {}
        incomplete = []
        for code in codes:
            present = [v for unit in found if (v := values[unit].get(code)) is not None]
            row[code] = sum(present) / len(present) if present else None
            if present and len(present) < len(found):
                incomplete.append(code)
        merged[successor] = Merged(row, tuple(found), tuple(incomplete))
    return merged
