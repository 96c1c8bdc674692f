"""A small reporting world for the dashboard's tests, written through the real actions.

Two indicators with targets for this year (a rate and a count); a monthly report from three
provinces (Phú Thọ, Điện Biên, TP.HCM) to the Ministry of Science and Technology, and one from
Phú Thọ's first commune to the province. The three months before the current period are
approved; the current period is submitted by Phú Thọ (waiting for its leader's approval) and
approved for the others. Điện Biên's rate is far behind its target.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.demo.users import _first_commune
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import Indicator, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions
from dxgov.reporting.actions import ValueInput
from dxgov.reporting.models import Report, ReportDefinition
from dxgov.reporting.schedule import current_period

RATES = {"UBND-T25": 60, "UBND-T11": 12, "UBND-T79": 85}
LEADERS = {"UBND-T25": "phutho.lanhdao", "UBND-T11": "dienbien.lanhdao", "UBND-T79": "hcm.lanhdao"}
OFFICERS = {"UBND-T25": "phutho.canbo", "UBND-T11": "dienbien.canbo", "UBND-T79": "hcm.canbo"}


@dataclass
class DashWorld:
    rate: Indicator
    count: Indicator
    definition: ReportDefinition
    commune_definition: ReportDefinition
    commune: Agency
    pending: Report  # Phú Thọ's current-period report, submitted, not yet approved
    period: str


def build(coordinator: User) -> DashWorld:
    most = Agency.objects.get(code="BKHCN")
    phutho = Agency.objects.get(code="UBND-T25")
    commune = Agency.objects.get(code=_first_commune("25"))
    year = timezone.localdate().year
    rate = indicator_actions.create_indicator(
        acting_user=coordinator,
        data=IndicatorInput(
            code="DXRATE",
            name="Tỷ lệ hồ sơ trực tuyến toàn trình",
            value_type=ValueType.RATIO,
            owner=most,
            unit="%",
            factor=100,
            decimals=1,
            min_value=Decimal(0),
            max_value=Decimal(100),
        ),
    )
    count = indicator_actions.create_indicator(
        acting_user=coordinator,
        data=IndicatorInput(
            code="DXCOUNT",
            name="Số dịch vụ công trực tuyến toàn trình",
            value_type=ValueType.COUNT,
            owner=most,
            unit="dịch vụ",
        ),
    )
    for indicator, value in ((rate, Decimal(80)), (count, Decimal(1000))):
        for kind in ("", "people_committee"):
            target = indicator_actions.set_target(
                acting_user=coordinator,
                indicator=indicator,
                year=year,
                value=value,
                agency_kind=kind,
            )
            indicator_actions.approve_target(acting_user=coordinator, target=target)
    definition = actions.save_definition(
        acting_user=coordinator,
        code="DX-THANG",
        name="Báo cáo chuyển đổi số hằng tháng",
        frequency="month",
        receiving_agency=most,
        reporting_agencies=Agency.objects.filter(code__in=list(RATES)),
        indicators=[rate, count],
    )
    commune_definition = actions.save_definition(
        acting_user=coordinator,
        code="DX-XA",
        name="Báo cáo của xã",
        frequency="month",
        receiving_agency=phutho,
        reporting_agencies=[commune],
        indicators=[rate],
    )
    now = current_period(definition)
    months = [now.previous().previous().previous(), now.previous().previous(), now.previous()]
    pending = None
    for code, level in RATES.items():
        agency = Agency.objects.get(code=code)
        officer = User.objects.get(username=OFFICERS[code])
        leader = User.objects.get(username=LEADERS[code])
        for step, period in enumerate([*months, now]):
            outcome = actions.save_values(
                acting_user=officer,
                definition=definition,
                agency=agency,
                period_code=period.code,
                inputs=[
                    ValueInput(
                        "DXRATE",
                        numerator=str(level + step),
                        denominator="100",
                        comment="Số liệu thử",
                    ),
                    ValueInput("DXCOUNT", value=str(100 * (step + 1)), comment="Số liệu thử"),
                ],
            )
            assert outcome.report is not None
            actions.submit_report(acting_user=officer, report=outcome.report)
            if code == "UBND-T25" and period == now:
                pending = outcome.report
                continue
            actions.approve_report(acting_user=leader, report=outcome.report)
    commune_officer = User.objects.get(username="phutho.xa.canbo")
    for step, period in enumerate(months):
        outcome = actions.save_values(
            acting_user=commune_officer,
            definition=commune_definition,
            agency=commune,
            period_code=period.code,
            inputs=[
                ValueInput(
                    "DXRATE", numerator=str(40 + step), denominator="50", comment="Số liệu thử"
                )
            ],
        )
        assert outcome.report is not None
        actions.submit_report(acting_user=commune_officer, report=outcome.report)
        actions.approve_report(
            acting_user=User.objects.get(username="quantri"), report=outcome.report
        )
    assert pending is not None
    return DashWorld(rate, count, definition, commune_definition, commune, pending, now.code)
