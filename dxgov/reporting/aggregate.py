"""Roll-ups of data values up the unit hierarchy, and regrouping of pre-2025 units onto new ones.

Pure: plain values in and out, no ORM. Everything adds up as a ``Contribution``: a numerator, a
denominator and the number of units reporting. A ratio is computed once, at the end, from the
summed numerator and denominator, so a province's rate is its communes' total numerator over
their total denominator, never the average of their rates (which would weigh a commune of 500
people like one of 50,000).

How each value type contributes:

* count and money: numerator = the value; the denominator is unused (0);
* ratio: its numerator and denominator;
* yes/no: numerator = 1 for yes, 0 for no; denominator = 1 (so the totals are "number of
  yes" over "number reporting", and ``ratio(total, 100)`` is the percentage answering yes).

``reporting`` counts the values that went in (one per unit and period), for completeness.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Contribution:
    """What one or more units contribute: summed numerator, denominator and units reporting."""

    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    reporting: int = 0

    def __add__(self, other: Contribution) -> Contribution:
        if not isinstance(other, Contribution):
            return NotImplemented
        return Contribution(
            numerator=self.numerator + other.numerator,
            denominator=self.denominator + other.denominator,
            reporting=self.reporting + other.reporting,
        )


ZERO = Contribution()


def total(contributions: Iterable[Contribution]) -> Contribution:
    """The sum of contributions (``ZERO`` for none)."""
    result = ZERO
    for item in contributions:
        result = result + item
    return result


def count_contribution(value: Decimal) -> Contribution:
    """A count or an amount of money reported by one unit."""
    return Contribution(numerator=value, denominator=Decimal(0), reporting=1)


def ratio_contribution(numerator: Decimal, denominator: Decimal) -> Contribution:
    """A ratio reported by one unit, as its two parts."""
    return Contribution(numerator=numerator, denominator=denominator, reporting=1)


def boolean_contribution(answer: bool) -> Contribution:
    """A yes/no answer by one unit: one reporting, one yes or none."""
    return Contribution(numerator=Decimal(1 if answer else 0), denominator=Decimal(1), reporting=1)


def ratio(contribution: Contribution, factor: Decimal | int = 1) -> Decimal | None:
    """numerator ÷ denominator × factor, or None when the denominator is 0 (nothing to rate).

    Computed in the current decimal context (28 significant digits by default); round for display.
    """
    if contribution.denominator == 0:
        return None
    return contribution.numerator / contribution.denominator * Decimal(factor)


class CycleInHierarchy(ValueError):
    """The parent links loop back on themselves; the message names a unit on the loop."""

    def __init__(self, message: str, *, unit: str) -> None:
        super().__init__(message)
        self.message = message
        self.unit = unit


def _ancestors(unit: str, parent_of: Mapping[str, str | None]) -> list[str]:
    chain: list[str] = []
    seen = {unit}
    current = parent_of.get(unit)
    while current is not None:
        if current in seen:
            raise CycleInHierarchy(
                _("The unit hierarchy loops back on itself at %(unit)s.") % {"unit": current},
                unit=current,
            )
        seen.add(current)
        chain.append(current)
        current = parent_of.get(current)
    return chain


def rollup(
    parent_of: Mapping[str, str | None], values: Mapping[str, Contribution]
) -> dict[str, Contribution]:
    """Each unit's total: its own contribution plus those of all its descendants.

    ``parent_of`` maps a unit to its parent (None for a root). A unit with a value but no entry in
    ``parent_of`` is a root; a parent named but not listed is a root too. Every unit that appears
    anywhere is in the result, with ``ZERO`` when nothing is reported beneath it. Raises
    ``CycleInHierarchy`` when the parent links loop.
    """
    units: set[str] = set(parent_of) | set(values)
    units |= {parent for parent in parent_of.values() if parent is not None}
    totals: dict[str, Contribution] = dict.fromkeys(units, ZERO)
    for unit in units:
        ancestors = _ancestors(unit, parent_of)  # checks every chain for loops
        contribution = values.get(unit)
        if contribution is None:
            continue
        for receiver in (unit, *ancestors):
            totals[receiver] = totals[receiver] + contribution
    return totals


class NoSuccessor(ValueError):
    """Old units that the successor table does not map; the message lists them."""

    def __init__(self, message: str, *, units: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.units = units


def regroup(
    values_by_old_unit: Mapping[str, Contribution], successor_of: Mapping[str, str]
) -> dict[str, Contribution]:
    """Pre-2025 values shown "as is" on today's units: each old unit's value goes to its successor.

    For the provinces this is exact: the 63 merged whole into 34 (vietnam-rules §6), so summing
    numerators and denominators over the old provinces that formed a new one gives the new one's
    figures. ``successor_of`` must map every old unit (an unchanged province maps to itself); a
    unit it does not map raises ``NoSuccessor`` rather than disappearing from the totals. Do not
    use it for communes, many of which were split across several new ones.

    There is no inverse: a merged province's figure cannot be split back among the provinces that
    formed it. Showing data "as was" means using the old units' stored values directly.
    """
    missing = sorted(unit for unit in values_by_old_unit if unit not in successor_of)
    if missing:
        raise NoSuccessor(
            _("No successor is known for %(units)s.") % {"units": ", ".join(missing)},
            units=missing,
        )
    result: dict[str, Contribution] = {}
    for unit, contribution in values_by_old_unit.items():
        new_unit = successor_of[unit]
        result[new_unit] = result.get(new_unit, ZERO) + contribution
    return result
