"""Public-investment objects for the access matrix (dxgov/core/tests/test_access_matrix.py).

Per province a project (its name carries the owner's marker, MX-PT-INV / MX-DB-INV) with an
investment decision and a milestone, this plan year's capital plan, a disbursed value as of
today and a month's progress with an evidence file. What the rows' bodies post is below
(`*_body`), valid for the Phú Thọ project, so an allowed request changes the database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.investments import actions, planyear, rules
from dxgov.investments.models import InvestmentProject
from dxgov.orgunits.models import Agency

OWNERS = {
    "phutho": ("UBND-T25", "PT", "phutho.canbo"),
    "dienbien": ("UBND-T11", "DB", "dienbien.canbo"),
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def plan_year() -> int:
    return planyear.current_plan_year(timezone.localdate())


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def build_investment_world() -> dict[str, dict[str, Any]]:
    today = timezone.localdate()
    year = plan_year()
    world: dict[str, dict[str, Any]] = {}
    for owner, (code, tag, officer_name) in OWNERS.items():
        officer = User.objects.get(username=officer_name)
        project = actions.create_project(
            acting_user=officer,
            data=actions.NewProject(
                code=f"MX-{tag}-DA",
                name=f"MX-{tag}-INV dự án ma trận",
                investor=Agency.objects.get(code=code),
                group="b",
                category="data",
            ),
        )
        actions.record_decision(
            acting_user=officer,
            project=project,
            data=rules.DecisionInput(
                kind=rules.INVESTMENT,
                number=f"90{len(world)}/QĐ-UBND",
                signed_on=date(year - 1, 6, 1),
                total="20.000.000.000",
                sources={"central_budget": "20.000.000.000"},
                start=date(year - 1, 7, 1),
                end=date(year + 1, 12, 31),
                milestones=[rules.MilestoneInput("Khởi công", date(year - 1, 9, 1))],
            ),
        )
        actions.record_allocation(
            acting_user=officer,
            project=project,
            data=rules.AllocationInput(
                plan_year=year,
                source="central_budget",
                kind=rules.INITIAL,
                amount="5.000.000.000",
                assigned="5.000.000.000",
                number="2000/QĐ-UBND",
                decided_on=date(year - 1, 12, 20),
            ),
        )
        actions.save_disbursements(
            acting_user=officer,
            rows=[
                actions.DisbursementUpdate(
                    project, year, "central_budget", today, rules.ACTUAL, "1.000.000.000"
                )
            ],
        )
        month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        report = actions.save_progress(
            acting_user=officer,
            project=project,
            data=rules.ProgressInput(month, today, "40", "", causes=["procedures"]),
            uploads=[actions.Upload(f"MX-{tag}-INV-anh.png", PNG)],
        )
        world[owner] = {
            "inv_project": project.pk,
            "inv_evidence": report.evidence.get().pk,
            "inv_fmt": "xlsx",
        }
    return world


def phutho_code() -> str:
    return "MX-PT-DA"


def disbursement_form_body() -> dict[str, Any]:
    return {
        "plan_year": str(plan_year()),
        "as_of": _day(timezone.localdate()),
        "kind": rules.ACTUAL,
        "value-central_budget": "1.500.000.000",
        "note": "",
    }


def bulk_body() -> dict[str, Any]:
    return {
        "rows": [
            {
                "project": phutho_code(),
                "plan_year": plan_year(),
                "source": "central_budget",
                "as_of": timezone.localdate().isoformat(),
                "kind": "actual",
                "value": "1.600.000.000",
            }
        ]
    }


def progress_body() -> dict[str, Any]:
    today = timezone.localdate()
    return {"month": f"{today:%m/%Y}", "as_of": _day(today), "percent": "45", "accepted": ""}


def progress_api_body() -> dict[str, Any]:
    today = timezone.localdate()
    return {"month": f"{today:%Y-%m}", "as_of": today.isoformat(), "percent": "45"}


def decision_body() -> dict[str, Any]:
    year = plan_year()
    return {
        "kind": rules.ADJUSTMENT,
        "number": "77/QĐ-UBND",
        "signed_on": _day(timezone.localdate()),
        "total": "22.000.000.000",
        "source-central_budget": "22.000.000.000",
        "start": _day(date(year - 1, 7, 1)),
        "end": _day(date(year + 2, 6, 30)),
        "reason": "Ma trận phân quyền",
    }


def decision_api_body() -> dict[str, Any]:
    year = plan_year()
    return {
        "kind": rules.ADJUSTMENT,
        "number": "78/QĐ-UBND",
        "signed_on": timezone.localdate().isoformat(),
        "total": "22.000.000.000",
        "sources": {"central_budget": "22.000.000.000"},
        "start": f"{year - 1}-07-01",
        "end": f"{year + 2}-06-30",
        "reason": "Ma trận phân quyền",
    }


def allocation_body() -> dict[str, Any]:
    return {
        "plan_year": str(plan_year()),
        "source": "central_budget",
        "kind": rules.ADDITION,
        "amount": "500.000.000",
        "assigned": "0",
        "number": "2100/QĐ-UBND",
        "decided_on": _day(timezone.localdate()),
        "reason": "",
    }


def allocation_api_body() -> dict[str, Any]:
    body = allocation_body()
    body["plan_year"] = plan_year()
    body["decided_on"] = timezone.localdate().isoformat()
    return body


def schedule_months() -> list[str]:
    return [str(300_000_000 * (i + 1)) for i in range(12)] + ["5.000.000.000"]


def schedule_body() -> dict[str, Any]:
    body: dict[str, Any] = {"plan_year": str(plan_year())}
    body.update({f"month-{i}": value for i, value in enumerate(schedule_months())})
    return body


def project_body() -> dict[str, Any]:
    return {
        "code": "MX-MOI-DA",
        "name": "Dự án mới ma trận",
        "investor": "UBND-T25",
        "group": "c",
        "category": "skills",
        "stage": "preparation",
    }


def investments_state() -> tuple[Any, ...]:
    from dxgov.investments.models import (
        Allocation,
        CycleSettings,
        Decision,
        Disbursement,
        MilestoneDone,
        ProgressReport,
        Schedule,
    )

    return (
        InvestmentProject.objects.count(),
        list(InvestmentProject.objects.order_by("pk").values_list("pk", "stalled")),
        Decision.objects.count(),
        Allocation.objects.count(),
        list(Disbursement.objects.order_by("pk").values_list("pk", "value", "version")),
        list(ProgressReport.objects.order_by("pk").values_list("pk", "percent")),
        MilestoneDone.objects.count(),
        list(Schedule.objects.values_list("months", flat=True)),
        list(CycleSettings.objects.values_list("good_from", "unable_below", "grace_share")),
    )
