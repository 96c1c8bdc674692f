"""A monthly report with one indicator of each kind, sent by Phú Thọ and Điện Biên to MOST."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dxgov.accounts.models import User
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import Indicator, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions
from dxgov.reporting.models import ReportDefinition

PHU_THO = "UBND-T25"
DIEN_BIEN = "UBND-T11"


def make_indicator(user: User, code: str, value_type: str, **extra: Any) -> Indicator:
    return indicator_actions.create_indicator(
        acting_user=user,
        data=IndicatorInput(
            code=code,
            name=extra.pop("name", f"Chỉ tiêu {code}"),
            value_type=value_type,
            owner=Agency.objects.get(code="BKHCN"),
            **extra,
        ),
    )


@pytest.fixture
def indicators(coordinator: User) -> dict[str, Indicator]:
    return make_indicators(coordinator)


@pytest.fixture
def definition(coordinator: User, indicators: dict[str, Indicator]) -> ReportDefinition:
    return make_definition(coordinator, indicators)


def make_indicators(coordinator: User) -> dict[str, Indicator]:
    return {
        "RECEIVED": make_indicator(coordinator, "RECEIVED", ValueType.COUNT, min_value=Decimal(1)),
        "ONLINE": make_indicator(coordinator, "ONLINE", ValueType.COUNT, min_value=Decimal(0)),
        "SHARE": make_indicator(coordinator, "SHARE", ValueType.RATIO, factor=100, decimals=2),
        "BUDGET": make_indicator(
            coordinator, "BUDGET", ValueType.MONEY, max_value=Decimal(10) ** 13
        ),
        "PLAN": make_indicator(coordinator, "PLAN", ValueType.BOOLEAN),
        "ACCOUNTS": make_indicator(coordinator, "ACCOUNTS", ValueType.COUNT, cumulative=True),
    }


def make_definition(coordinator: User, indicators: dict[str, Indicator]) -> ReportDefinition:
    indicator_actions.save_validation_rule(
        acting_user=coordinator,
        name="Trực tuyến không vượt tổng",
        left="ONLINE",
        operator="<=",
        right="RECEIVED",
        importance="hard",
        message="Số hồ sơ trực tuyến không được lớn hơn tổng số hồ sơ tiếp nhận.",
    )
    return actions.save_definition(
        acting_user=coordinator,
        code="BC-CDS-THANG",
        name="Báo cáo chuyển đổi số hằng tháng",
        frequency="month",
        receiving_agency=Agency.objects.get(code="BKHCN"),
        reporting_agencies=Agency.objects.filter(code__in=[PHU_THO, DIEN_BIEN]),
        indicators=list(indicators.values()),
        due_working_days=2,
        requires_acceptance=True,
    )


def good_inputs(**overrides: Any) -> list[actions.ValueInput]:
    values: dict[str, dict[str, Any]] = {
        "RECEIVED": {"value": "1.200"},
        "ONLINE": {"value": "900"},
        "SHARE": {"numerator": "900", "denominator": "1200"},
        "BUDGET": {"value": "2.500.000.000"},
        "PLAN": {"value": "có"},
        "ACCOUNTS": {"value": "45000"},
    }
    for code, change in overrides.items():
        values[code] = change
    return [actions.ValueInput(indicator_code=code, **fields) for code, fields in values.items()]
