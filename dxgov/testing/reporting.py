"""Small factories for tests of indicators and reporting: every object is made by the actions.

Each takes the acting user first (a coordinator for the catalogue and the regime, the agency's
officer for values, its leader for approval), so a test reads like what people do:

    rate = ratio_indicator(coordinator, "TL-DVC")
    definition = monthly_definition(coordinator, "BC-CDS", [rate])
    enter(phutho_officer, definition, "UBND-T25", "202503", {"TL-DVC": ("45", "60")})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.models import Indicator, Periodicity, Target, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions, entry
from dxgov.reporting.models import Report, ReportDefinition

# The receiving agency of the test regime: the Government Office (Văn phòng Chính phủ).
RECEIVER = "VPCP"
# The two provinces every scope test uses: Phú Thọ (in scope) and Điện Biên (outside it).
PHUTHO, DIENBIEN = "UBND-T25", "UBND-T11"

# A value as a test writes it: text (a count, money, yes/no) or (numerator, denominator).
Typed = str | tuple[str, str] | None


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _receiver() -> Agency:
    found = Agency.objects.filter(code=RECEIVER).first()
    return found if found is not None else Agency.objects.get(code="CP")


def indicator(
    coordinator: Any,
    code: str,
    *,
    value_type: str = ValueType.COUNT,
    name: str = "",
    unit: str = "",
    factor: int = 1,
    decimals: int = 0,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    cumulative: bool = False,
    periodicity: str = Periodicity.MONTH,
) -> Indicator:
    return indicator_actions.create_indicator(
        acting_user=coordinator,
        data=indicator_actions.IndicatorInput(
            code=code,
            name=name or f"Chỉ tiêu {code}",
            value_type=value_type,
            owner=_receiver(),
            unit=unit,
            factor=factor,
            decimals=decimals,
            min_value=min_value,
            max_value=max_value,
            cumulative=cumulative,
            periodicity=periodicity,
        ),
    )


def count_indicator(coordinator: Any, code: str, **kwargs: Any) -> Indicator:
    kwargs.setdefault("unit", "hồ sơ")
    return indicator(coordinator, code, value_type=ValueType.COUNT, **kwargs)


def ratio_indicator(coordinator: Any, code: str, **kwargs: Any) -> Indicator:
    """A percentage: numerator ÷ denominator × 100, one decimal place."""
    kwargs.setdefault("unit", "%")
    kwargs.setdefault("decimals", 1)
    return indicator(coordinator, code, value_type=ValueType.RATIO, factor=100, **kwargs)


def definition(
    coordinator: Any,
    code: str,
    indicators: Sequence[Indicator],
    *,
    agencies: Sequence[str] = (PHUTHO, DIENBIEN),
    frequency: str = Periodicity.MONTH,
    requires_acceptance: bool = False,
    name: str = "",
) -> ReportDefinition:
    """A report definition sent by Phú Thọ and Điện Biên (by default) to the receiver."""
    return actions.save_definition(
        acting_user=coordinator,
        code=code,
        name=name or f"Báo cáo {code}",
        frequency=frequency,
        receiving_agency=_receiver(),
        reporting_agencies=[agency(c) for c in agencies],
        indicators=list(indicators),
        requires_acceptance=requires_acceptance,
    )


def inputs(values: Mapping[str, Typed], comments: Mapping[str, str] | None = None) -> list[Any]:
    """ValueInputs that overwrite whatever is stored (no version check)."""
    comments = comments or {}
    made = []
    for code, typed in values.items():
        item = entry.ValueInput(
            indicator_code=code, comment=comments.get(code, ""), check_version=False
        )
        if isinstance(typed, tuple):
            item.numerator, item.denominator = typed
        else:
            item.value = typed
        made.append(item)
    return made


def enter(
    user: Any,
    definition: ReportDefinition,
    agency_code: str,
    period: str,
    values: Mapping[str, Typed],
    comments: Mapping[str, str] | None = None,
) -> actions.SaveOutcome:
    return actions.save_values(
        acting_user=user,
        definition=definition,
        agency=agency(agency_code),
        period_code=period,
        inputs=inputs(values, comments),
    )


def approved_report(
    officer: Any,
    leader: Any,
    definition: ReportDefinition,
    agency_code: str,
    period: str,
    values: Mapping[str, Typed],
) -> Report:
    """Values entered, the report submitted by the officer and approved by the leader."""
    outcome = enter(officer, definition, agency_code, period, values)
    assert outcome.report is not None
    report = actions.submit_report(acting_user=officer, report=outcome.report)
    return actions.approve_report(acting_user=leader, report=report)


def target(
    coordinator: Any,
    indicator: Indicator,
    year: int,
    value: str,
    *,
    agency_code: str | None = None,
    approve: bool = True,
    revised: str | None = None,
) -> Target:
    """A year's target, approved (a baseline) unless told otherwise, optionally revised."""
    made = indicator_actions.set_target(
        acting_user=coordinator,
        indicator=indicator,
        year=year,
        value=Decimal(value),
        agency=agency(agency_code) if agency_code else None,
    )
    if approve:
        made = indicator_actions.approve_target(acting_user=coordinator, target=made)
    if revised is not None:
        made = indicator_actions.revise_target(
            acting_user=coordinator, target=made, value=Decimal(revised), reason="Điều chỉnh"
        )
    return made
