"""The year-end value of an automatic component from its months so far (pure).

The official index arrives 7–13 months after its year; the nowcast shows the year so far from
the platform's data, and this projects each automatic component to December: with three or
more months, the least-squares line through the monthly values gives each month still to come
(clamped to what the component can take: a share within 0–1, a 766 total within 0–100), and
the year's value is the mean of the twelve months, observed or projected; with fewer, the
year-to-date value stands (too few months for a trend, said so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_MONTHS = 3


@dataclass(frozen=True)
class YearEnd:
    value: float | None
    trend: bool  # False: the year-to-date value, too few months for a trend


def year_end(
    series: Sequence[tuple[int, float]],
    so_far: float | None,
    *,
    lower: float = 0.0,
    upper: float | None = None,
    last_month: int = 12,
) -> YearEnd:
    points = sorted(series)
    if len(points) < MIN_MONTHS:
        return YearEnd(so_far, False)
    xs = [float(m) for m, _v in points]
    ys = [v for _m, v in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = (
        0.0
        if spread == 0
        else sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    )

    def clamp(value: float) -> float:
        value = max(lower, value)
        return min(upper, value) if upper is not None else value

    observed = dict(points)
    months = [
        observed[m] if m in observed else clamp(mean_y + slope * (m - mean_x))
        for m in range(1, last_month + 1)
        if m in observed or m > max(observed)
    ]
    return YearEnd(sum(months) / len(months), True)
