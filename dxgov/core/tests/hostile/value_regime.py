"""A report with one indicator of each shape, for the value-shape tests (hostile input)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dxgov.reporting.models import DataValue, ReportDefinition
from dxgov.testing import reporting as t

PERIOD = "202503"
CODES = {"count": "HX-SO", "ratio": "HX-TL", "money": "HX-TIEN", "boolean": "HX-CO"}
COUNT, RATIO, MONEY, YES = CODES["count"], CODES["ratio"], CODES["money"], CODES["boolean"]


def make(coordinator: Any) -> ReportDefinition:
    indicators = [
        t.count_indicator(coordinator, COUNT, max_value=Decimal(10**9)),
        t.ratio_indicator(coordinator, RATIO),
        t.indicator(coordinator, MONEY, value_type="money"),
        t.indicator(coordinator, YES, value_type="boolean"),
    ]
    return t.definition(coordinator, "HX-BC", indicators)


def snapshot() -> dict[str, tuple[Any, ...]]:
    """Every stored value of the report's agency and period: what a request may not lose."""
    return {
        v.indicator.code: (v.value, v.numerator, v.denominator, v.version)
        for v in DataValue.objects.select_related("indicator").filter(
            agency__code=t.PHUTHO, period=PERIOD
        )
    }
