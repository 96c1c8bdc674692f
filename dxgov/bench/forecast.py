"""`dxgov bench forecast`: a full recompute over N indicators × the provinces × M months.

Synthetic indicators (a mix of counts, cumulative counts and percentages, with linear,
saturating and flat-noisy paths), one target per indicator and provincial People's
Committee, and M months of values per province are inserted, recompute_forecasts is timed,
and everything is rolled back, so the benchmark database keeps nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import transaction

from dxgov.bench.common import Rollback, machine, write_section
from dxgov.core import text
from dxgov.forecasting import forecast as fc
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.forecasting.models import Forecast
from dxgov.indicators.models import Indicator, Target, TargetState, ValueType
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import Agency, OrgUnit
from dxgov.reporting.models import DataValue


def _provinces() -> list[Agency]:
    if not OrgUnit.objects.exists():
        load_orgunits(acting_user=None)
    root = Agency.objects.current().get(parent__isnull=True)
    return list(Agency.objects.current().filter(parent=root, kind="people_committee"))


def _seed(indicators: int, months: int, provinces: list[Agency]) -> None:
    # Written directly, not through the actions: a synthetic catalogue and three years of
    # values, rolled back after the timing; what is timed is the recompute that reads them.
    rng = np.random.default_rng(2026)
    owner = Agency.objects.current().filter(kind="ministry").first() or provinces[0]
    starts = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(months)]
    last_year = starts[-1].year
    created = Indicator.objects.bulk_create(
        Indicator(
            code=f"BENCH-{i:04d}",
            name=f"Chỉ tiêu đo {i}",
            value_type=ValueType.RATIO if i % 3 == 2 else ValueType.COUNT,
            factor=100 if i % 3 == 2 else 1,
            cumulative=i % 3 == 1,
            owner=owner,
            search_text=text.search_text(f"BENCH-{i:04d}", f"Chỉ tiêu đo {i}"),
        )
        for i in range(indicators)
    )
    # One target per province (a target for the kind "people_committee" would also reach
    # every commune's People's Committee).
    Target.objects.bulk_create(
        Target(
            indicator=ind,
            agency=agency,
            year=last_year + 1,
            value=Decimal(80 if ind.value_type == ValueType.RATIO else 1000),
            state=TargetState.APPROVED,
        )
        for ind in created
        for agency in provinces
    )
    batch: list[DataValue] = []
    t = np.arange(months)
    for i, ind in enumerate(created):
        for agency in provinces:
            shape = (i + agency.pk) % 3
            noise = rng.normal(0, 1, months)
            if shape == 0:
                path = 20 + rng.uniform(0, 2) * t + 3 * noise
            elif shape == 1:
                path = 90 - 70 * 0.9**t + 2 * noise
            else:
                path = 50 + 5 * noise
            if ind.cumulative:
                path = np.maximum.accumulate(np.abs(path) * 10)
            for start, figure in zip(starts, path, strict=True):
                fields: dict[str, Decimal | None]
                if ind.value_type == ValueType.RATIO:
                    share = min(max(float(figure), 0.0), 100.0)
                    fields = {"numerator": Decimal(round(share * 10)), "denominator": Decimal(1000)}
                else:
                    fields = {"value": Decimal(round(abs(float(figure)), 2))}
                batch.append(
                    DataValue(
                        indicator=ind,
                        agency=agency,
                        period=start.strftime("%Y%m"),
                        period_start=start,
                        frequency="month",
                        **fields,
                    )
                )
            if len(batch) >= 20_000:
                DataValue.objects.bulk_create(batch)
                batch = []
    DataValue.objects.bulk_create(batch)


def _pure_cost(months: int, count: int = 300) -> float:
    """Milliseconds per series for the pure module alone (noisy lines, seeded)."""
    rng = np.random.default_rng(7)
    series = [
        list(enumerate(20 + rng.normal(0, 1) * np.arange(months) + rng.normal(0, 2, months)))
        for _ in range(count)
    ]
    started = time.perf_counter()
    for points in series:
        fc.forecast(points, target_value=50, target_period=months + 11)
    return (time.perf_counter() - started) / count * 1000


def main(*, indicators: int, months: int, out: Callable[[str], None]) -> None:
    pure_ms = _pure_cost(months)
    out(f"pure module: {pure_ms:.2f} ms per {months}-month series")
    figures: dict[str, float] = {}
    try:
        with transaction.atomic():
            provinces = _provinces()
            started = time.perf_counter()
            _seed(indicators, months, provinces)
            figures["seed"] = time.perf_counter() - started
            out(f"seeded {indicators} indicators × {len(provinces)} provinces × {months} months")
            started = time.perf_counter()
            summary = recompute_forecasts(acting_user=None)
            figures["recompute"] = time.perf_counter() - started
            figures["series"] = summary.series
            figures["provinces"] = len(provinces)
            statuses = ", ".join(f"{k} {v}" for k, v in summary.by_status.items())
            assert Forecast.objects.count() == summary.series
            raise Rollback
    except Rollback:
        pass
    seconds = figures["recompute"]
    series = int(figures["series"])
    per_series = seconds / max(series, 1) * 1000
    out(f"recompute: {series} forecasts in {seconds:.1f} s ({per_series:.1f} ms each); {statuses}")
    body = f"""## Forecast recompute (`dxgov bench forecast`)

Machine: {machine()}.

`recompute_forecasts` over {indicators} synthetic indicators × {int(figures["provinces"])}
provincial People's Committees × {months} monthly values (a third each: noisy lines,
saturating curves, flat noise; counts, cumulative counts and percentages), one target per
indicator and province (rolled back afterwards).

| measure | figure |
|---|---|
| forecasts written | {series} |
| whole recompute (read values, roll up, forecast, replace rows, audit) | {seconds:.1f} s |
| per forecast, all in | {per_series:.1f} ms |
| pure module alone, per {months}-month series (both models backtested) | {pure_ms:.2f} ms |
| results | {statuses} |

Goal: every indicator × agency nightly in under 5 minutes; at this rate 5 minutes covers
about {int(300 / max(seconds, 1e-9) * series):,} series.
"""
    write_section("forecast", body)
    out("written to docs/benchmarks.md")
