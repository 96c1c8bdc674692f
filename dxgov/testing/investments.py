"""Small factories for tests of public investment: every object is made by the actions.

project = funded_project(phutho_officer, "DA-PT-01", plan="10.000.000.000")
disburse(phutho_officer, project, date(2025, 3, 7), "1.000.000.000")
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from dxgov.investments import actions, rules
from dxgov.investments.models import InvestmentProject
from dxgov.orgunits.models import Agency

PLAN_YEAR = 2025


def project(
    user: Any,
    code: str,
    *,
    investor: str = "UBND-T25",
    name: str = "",
    group: str = "b",
    category: str = "platforms",
) -> InvestmentProject:
    return actions.create_project(
        acting_user=user,
        data=actions.NewProject(
            code=code,
            name=name or f"Dự án {code}",
            investor=Agency.objects.get(code=investor),
            group=group,
            category=category,
        ),
    )


def decide(
    user: Any,
    target: InvestmentProject,
    *,
    kind: str = rules.INVESTMENT,
    number: str = "101/QĐ-UBND",
    signed_on: date = date(2024, 6, 3),
    total: int = 20_000_000_000,
    start: date = date(2024, 7, 1),
    end: date = date(2026, 12, 31),
    milestones: Sequence[tuple[str, date]] = (("Khởi công", date(2024, 9, 1)),),
    reason: str = "",
) -> Any:
    return actions.record_decision(
        acting_user=user,
        project=target,
        data=rules.DecisionInput(
            kind=kind,
            number=number,
            signed_on=signed_on,
            total=str(total),
            sources={"central_budget": str(total)},
            start=start,
            end=end,
            milestones=[rules.MilestoneInput(n, d) for n, d in milestones],
            reason=reason,
        ),
    )


def allocate(
    user: Any,
    target: InvestmentProject,
    amount: str,
    *,
    assigned: str | None = None,
    kind: str = rules.INITIAL,
    plan_year: int = PLAN_YEAR,
    source: str = "central_budget",
    decided_on: date = date(2024, 12, 20),
    number: str = "2000/QĐ-UBND",
    reason: str = "",
    receiver: InvestmentProject | None = None,
) -> Any:
    return actions.record_allocation(
        acting_user=user,
        project=target,
        data=rules.AllocationInput(
            plan_year=plan_year,
            source=source,
            kind=kind,
            amount=amount,
            assigned=amount if assigned is None else assigned,
            number=number,
            decided_on=decided_on,
            reason=reason,
        ),
        receiver=receiver,
    )


def funded_project(
    user: Any, code: str, *, plan: str = "10.000.000.000", assigned: str | None = None, **kw: Any
) -> InvestmentProject:
    made = project(user, code, **kw)
    decide(user, made)
    allocate(user, made, plan, assigned=assigned)
    made.refresh_from_db()
    return made


def disburse(
    user: Any,
    target: InvestmentProject,
    as_of: date,
    value: object,
    *,
    kind: str = rules.ACTUAL,
    source: str = "central_budget",
    note: str = "",
    plan_year: int = PLAN_YEAR,
) -> actions.DisbursementOutcome:
    return actions.save_disbursements(
        acting_user=user,
        rows=[
            actions.DisbursementUpdate(
                project=target,
                plan_year=plan_year,
                source=source,
                as_of=as_of,
                kind=kind,
                value=value,
                note=note,
            )
        ],
    )
