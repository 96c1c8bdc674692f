"""Projects at risk on milestones: a milestone of the current baseline planned before today
and not reached counts; one reached, or moved later by an adjustment, no longer does (the
`pending` flag the actions keep, read from one partial index)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from dxgov.investments import actions, portfolio, rules
from dxgov.investments.models import InvestmentProject, Milestone
from dxgov.testing import investments as make

pytestmark = pytest.mark.django_db


def _overdue() -> int:
    found = portfolio.AtRisk()
    portfolio._milestones_overdue(InvestmentProject.objects.all(), found)
    return found.milestones_count


def test_overdue_milestones_follow_reaching_and_rebaselining(phutho_officer: Any) -> None:
    today = timezone.localdate()
    past, later = today - timedelta(days=30), today + timedelta(days=300)
    end = date(today.year + 2, 12, 31)
    start = date(today.year - 2, 1, 1)
    project = make.project(phutho_officer, "DA-RISK-01")
    make.decide(
        phutho_officer,
        project,
        signed_on=start,
        start=start,
        end=end,
        milestones=(("Ký hợp đồng", past), ("Nghiệm thu", past)),
    )
    assert _overdue() == 2
    actions.record_milestone(
        acting_user=phutho_officer, project=project, name="Ký hợp đồng", achieved_on=past
    )
    assert _overdue() == 1
    make.decide(
        phutho_officer,
        project,
        kind=rules.ADJUSTMENT,
        number="2/QĐ-UBND",
        signed_on=today - timedelta(days=1),
        start=start,
        end=end,
        milestones=(("Ký hợp đồng", past), ("Nghiệm thu", later)),
        reason="Giãn tiến độ nghiệm thu",
    )
    assert _overdue() == 0
    # The original baseline's milestones stay as they were, no longer pending.
    assert Milestone.objects.filter(decision__version=1).count() == 2
    assert not Milestone.objects.filter(decision__version=1, pending=True).exists()
