"""Reporting objects for the access matrix (dxgov/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dxgov.accounts.models import User
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions
from dxgov.reporting.actions import ValueInput

OWNERS = {
    "phutho": ("UBND-T25", "PT", "phutho.canbo", "phutho.lanhdao"),
    "dienbien": ("UBND-T11", "DB", "dienbien.canbo", "dienbien.lanhdao"),
}


def build_reporting_world(coordinator: User) -> dict[str, dict[str, Any]]:
    """One indicator, one monthly definition for both provinces; per province a draft report
    (202603), a submitted one (202602) and an approved one (202601); a draft and an approved
    target (the same for both owners: the catalogue is everyone's)."""
    most = Agency.objects.get(code="BKHCN")
    indicator = indicator_actions.create_indicator(
        acting_user=coordinator,
        data=IndicatorInput(
            code="MXCOUNT", name="Chỉ tiêu ma trận", value_type=ValueType.COUNT, owner=most
        ),
    )
    definition = actions.save_definition(
        acting_user=coordinator,
        code="MX-THANG",
        name="Báo cáo ma trận",
        frequency="month",
        receiving_agency=most,
        reporting_agencies=Agency.objects.filter(code__in=["UBND-T25", "UBND-T11"]),
        indicators=[indicator],
        requires_acceptance=True,
    )
    draft = indicator_actions.set_target(
        acting_user=coordinator, indicator=indicator, year=2027, value=Decimal(10)
    )
    approved = indicator_actions.set_target(
        acting_user=coordinator, indicator=indicator, year=2026, value=Decimal(20)
    )
    indicator_actions.approve_target(acting_user=coordinator, target=approved)
    world: dict[str, dict[str, Any]] = {}
    for owner, (code, tag, officer_name, leader_name) in OWNERS.items():
        agency = Agency.objects.get(code=code)
        officer = User.objects.get(username=officer_name)
        leader = User.objects.get(username=leader_name)
        reports = {}
        for period in ("202603", "202602", "202601"):
            outcome = actions.save_values(
                acting_user=officer,
                definition=definition,
                agency=agency,
                period_code=period,
                inputs=[ValueInput("MXCOUNT", value="12", comment=f"MX-{tag}-VALUE {period}")],
            )
            assert outcome.report is not None
            reports[period] = outcome.report
        actions.submit_report(acting_user=officer, report=reports["202602"])
        actions.submit_report(acting_user=officer, report=reports["202601"])
        actions.approve_report(acting_user=leader, report=reports["202601"])
        world[owner] = {
            "report": reports["202603"].pk,
            "report_submitted": reports["202602"].pk,
            "report_approved": reports["202601"].pk,
            "report_form": {
                "definition_id": definition.pk,
                "agency_code": code,
                "period": "202603",
            },
            "definition": definition.pk,
            "indicator": indicator.pk,
            "indicator_code": indicator.code,
            "target_draft": {"indicator_id": indicator.pk, "target_id": draft.pk},
            "target_approved": {"indicator_id": indicator.pk, "target_id": approved.pk},
        }
    return world
