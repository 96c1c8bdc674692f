"""The investment actions on the real database: green saves with an audit event, red saves
nothing, baselines are never re-set silently, the derived weekly figures stay equal to a
rebuild."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dxgov.audit.models import AuditEvent
from dxgov.core.holidays import calendar_for
from dxgov.investments import actions, rules, summary
from dxgov.investments.models import (
    Decision,
    DecisionChanged,
    Disbursement,
    ProjectWeek,
    WeekSummary,
)
from dxgov.reporting.actions import set_holiday
from dxgov.testing import investments as make

pytestmark = pytest.mark.django_db
YEAR = make.PLAN_YEAR


def _state() -> tuple[Any, ...]:
    return (
        Disbursement.objects.count(),
        AuditEvent.objects.count(),
        ProjectWeek.objects.count(),
        list(WeekSummary.objects.order_by("pk").values_list("disbursed", "plan_total")),
    )


def test_a_project_is_registered_by_its_investor_only(
    phutho_officer: Any, dienbien_officer: Any
) -> None:
    project = make.project(phutho_officer, "DA-PT-01", investor="SO-25-KHCN")
    assert project.managing_agency.code == "UBND-T25"
    event = AuditEvent.objects.filter(event_type="investment.project_created").latest("seq")
    assert event.data["code"] == "DA-PT-01"
    with pytest.raises(PermissionDenied):
        make.project(dienbien_officer, "DA-PT-02", investor="UBND-T25")


def test_a_viewer_and_a_coordinator_cannot_change_a_figure(
    phutho_officer: Any, phutho_viewer: Any, coordinator: Any
) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-03")
    for user in (phutho_viewer, coordinator):
        with pytest.raises(PermissionDenied):
            make.disburse(user, project, date(2025, 3, 7), "1.000")


def test_rebaselining_keeps_the_original_and_shows_the_variance(phutho_officer: Any) -> None:
    project = make.project(phutho_officer, "DA-PT-04")
    make.decide(phutho_officer, project, total=20_000_000_000, end=date(2026, 6, 30))
    adjusted = make.decide(
        phutho_officer,
        project,
        kind=rules.ADJUSTMENT,
        number="55/QĐ-UBND",
        signed_on=date(2025, 5, 5),
        total=25_000_000_000,
        end=date(2026, 12, 31),
        reason="Bổ sung hạng mục an toàn thông tin",
    )
    project.refresh_from_db()
    assert adjusted.version == 2
    assert (project.original_total, project.current_total) == (20_000_000_000, 25_000_000_000)
    assert (project.original_end, project.current_end) == (date(2026, 6, 30), date(2026, 12, 31))
    assert project.rebaselined
    original = Decision.objects.get(project=project, version=1)
    assert original.total == 20_000_000_000
    event = AuditEvent.objects.filter(event_type="investment.decision_recorded").latest("seq")
    assert event.data["total"] == {"old": 20_000_000_000, "new": 25_000_000_000}
    assert event.reason == "Bổ sung hạng mục an toàn thông tin"


def test_a_decision_cannot_be_changed_in_place(phutho_officer: Any) -> None:
    project = make.project(phutho_officer, "DA-PT-05")
    decision = make.decide(phutho_officer, project)
    decision.total = 1
    with pytest.raises(DecisionChanged):
        decision.save()


def test_an_adjustment_without_a_reason_is_refused_and_saves_nothing(phutho_officer: Any) -> None:
    project = make.project(phutho_officer, "DA-PT-06")
    make.decide(phutho_officer, project)
    before = (Decision.objects.count(), AuditEvent.objects.count())
    with pytest.raises(actions.UpdateRefused) as refused:
        make.decide(phutho_officer, project, kind=rules.ADJUSTMENT, number="7/QĐ-UBND")
    assert "reason" in refused.value.findings
    assert (Decision.objects.count(), AuditEvent.objects.count()) == before


def test_disbursed_above_plan_is_refused_and_nothing_is_saved(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-07", plan="1.000.000.000")
    make.disburse(phutho_officer, project, date(2025, 3, 7), "100.000.000")
    before = _state()
    with pytest.raises(actions.RowsRefused) as refused:
        actions.save_disbursements(
            acting_user=phutho_officer,
            rows=[
                actions.DisbursementUpdate(
                    project, YEAR, "central_budget", date(2025, 3, 14), "actual", "200.000.000"
                ),
                actions.DisbursementUpdate(
                    project, YEAR, "central_budget", date(2025, 3, 21), "actual", "1.000.000.001"
                ),
            ],
        )
    assert list(refused.value.rows) == [1]
    assert "vượt kế hoạch" in refused.value.rows[1]["value"][0]
    assert _state() == before


def test_a_decrease_without_a_note_is_refused(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-08")
    make.disburse(phutho_officer, project, date(2025, 3, 7), "500.000.000")
    with pytest.raises(actions.RowsRefused):
        make.disburse(phutho_officer, project, date(2025, 3, 14), "400.000.000")
    make.disburse(phutho_officer, project, date(2025, 3, 14), "400.000.000", note="Thu hồi tạm ứng")
    event = AuditEvent.objects.filter(event_type="investment.disbursement_saved").latest("seq")
    assert event.reason == "Thu hồi tạm ứng"


def test_an_amount_with_decimals_is_refused(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-09")
    with pytest.raises(actions.RowsRefused) as refused:
        make.disburse(phutho_officer, project, date(2025, 3, 7), "1,234.5")
    assert "có phần thập phân" in refused.value.rows[0]["value"][0]


def test_estimates_are_replaced_by_actuals_and_both_kept(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-10")
    make.disburse(phutho_officer, project, date(2025, 12, 31), "9.000.000.000", kind="estimate")
    week = summary.through(YEAR)
    row = ProjectWeek.objects.get(project=project, week_end=date(2026, 1, 2))
    assert (row.disbursed, row.estimates) == (9_000_000_000, 1)
    make.disburse(phutho_officer, project, date(2025, 12, 31), "7.500.000.000")
    row.refresh_from_db()
    assert (row.disbursed, row.estimates) == (7_500_000_000, 0)
    kinds = Disbursement.objects.filter(project=project).values_list("kind", "value")
    assert sorted(kinds) == [("actual", 7_500_000_000), ("estimate", 9_000_000_000)]
    assert week == date(2026, 1, 31)


def test_the_window_closes_on_31_january(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-11")
    make.disburse(phutho_officer, project, date(2026, 1, 31), "1.000")
    with pytest.raises(actions.RowsRefused) as refused:
        make.disburse(phutho_officer, project, date(2026, 2, 2), "2.000")
    assert "31/01/2026" in refused.value.rows[0]["as_of"][0]


def test_a_dry_run_saves_nothing(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-12")
    before = _state()
    outcome = actions.save_disbursements(
        acting_user=phutho_officer,
        rows=[
            actions.DisbursementUpdate(
                project, YEAR, "central_budget", date(2025, 4, 4), "actual", "5"
            )
        ],
        dry_run=True,
    )
    assert outcome.statuses == ["created"] and outcome.dry_run
    assert _state() == before


def test_late_entries_by_seven_working_days_across_a_holiday(
    phutho_officer: Any, coordinator: Any
) -> None:
    """An event 8 working days ago is late; a day off configured in between makes the 7th
    working day today (or later), and the same entry is on time."""
    today = timezone.localdate()
    years = {today.year - 1, today.year, today.year + 1}
    event = calendar_for(years).working_day_before(today, 8)
    plan_year = event.year if event.month > 1 else event.year - 1
    project = make.funded_project(phutho_officer, "DA-PT-13")
    make.allocate(
        phutho_officer, project, "1.000.000", plan_year=plan_year, decided_on=date(plan_year, 1, 2)
    )
    make.disburse(phutho_officer, project, event, "1.000", plan_year=plan_year)
    assert Disbursement.objects.get(project=project, as_of=event).late
    day_off = calendar_for(years).working_day_after(event, 1)
    set_holiday(acting_user=coordinator, day=day_off, name="Nghỉ bù", working=False)
    make.disburse(phutho_officer, project, event, "2.000", plan_year=plan_year)
    assert not Disbursement.objects.get(project=project, as_of=event).late


def test_a_cut_and_a_transfer_move_capital_between_projects(phutho_officer: Any) -> None:
    giver = make.funded_project(phutho_officer, "DA-PT-14", plan="1.000.000.000")
    taker = make.funded_project(phutho_officer, "DA-PT-15", plan="500.000.000")
    make.disburse(phutho_officer, giver, date(2025, 6, 6), "300.000.000")
    with pytest.raises(actions.UpdateRefused):
        make.allocate(
            phutho_officer,
            giver,
            "800.000.000",
            kind=rules.TRANSFER,
            receiver=taker,
            decided_on=date(2025, 9, 1),
            reason="Chậm giải ngân",
        )
    make.allocate(
        phutho_officer,
        giver,
        "600.000.000",
        kind=rules.TRANSFER,
        receiver=taker,
        decided_on=date(2025, 9, 1),
        reason="Chậm giải ngân",
    )
    totals = summary.plan_totals(YEAR, [giver.pk, taker.pk])
    assert totals[(giver.pk, "central_budget")][0] == 400_000_000
    assert totals[(taker.pk, "central_budget")][0] == 1_100_000_000


def test_another_provinces_project_cannot_receive_capital(
    phutho_officer: Any, dienbien_officer: Any
) -> None:
    giver = make.funded_project(phutho_officer, "DA-PT-16")
    other = make.funded_project(dienbien_officer, "DA-DB-01", investor="UBND-T11")
    with pytest.raises(actions.UpdateRefused) as refused:
        make.allocate(
            phutho_officer,
            giver,
            "1",
            kind=rules.TRANSFER,
            receiver=other,
            decided_on=date(2025, 9, 1),
            reason="Điều chuyển",
        )
    assert "receiver" in refused.value.findings


def test_the_weekly_figures_stay_equal_to_a_rebuild(
    phutho_officer: Any, dienbien_officer: Any
) -> None:
    a = make.funded_project(
        phutho_officer, "DA-PT-17", plan="2.000.000.000", assigned="1.500.000.000"
    )
    b = make.funded_project(phutho_officer, "DA-PT-18", category="data")
    c = make.funded_project(dienbien_officer, "DA-DB-02", investor="UBND-T11", group="c")
    make.allocate(phutho_officer, a, "300.000.000", source="local_budget", assigned="0")
    make.disburse(phutho_officer, a, date(2025, 3, 7), "100.000.000")
    make.disburse(phutho_officer, a, date(2025, 5, 9), "300.000.000", kind="estimate")
    make.disburse(phutho_officer, a, date(2025, 5, 9), "250.000.000")
    make.disburse(phutho_officer, a, date(2025, 4, 4), "150.000.000")  # a past week, later
    make.disburse(phutho_officer, a, date(2025, 6, 6), "50.000.000", source="local_budget")
    make.disburse(phutho_officer, b, date(2025, 11, 28), "4.000.000.000")
    make.disburse(dienbien_officer, c, date(2025, 12, 26), "9.000.000.000", kind="estimate")
    actions.set_stalled(
        acting_user=phutho_officer, project=b, stalled=True, reason="Vướng mặt bằng"
    )
    actions.set_schedule(
        acting_user=phutho_officer,
        project=a,
        plan_year=YEAR,
        months=[str(150_000_000 * (i + 1)) for i in range(13)],
    )
    incremental = summary.stored_summaries(YEAR)
    assert incremental == summary.summaries_from_weeks(YEAR)
    weeks = set(
        ProjectWeek.objects.filter(plan_year=YEAR).values_list(
            "project_id", "week_end", "disbursed", "klass"
        )
    )
    summary.rebuild(YEAR)
    assert summary.stored_summaries(YEAR) == incremental
    assert (
        set(
            ProjectWeek.objects.filter(plan_year=YEAR).values_list(
                "project_id", "week_end", "disbursed", "klass"
            )
        )
        == weeks
    )
    nation = WeekSummary.objects.get(plan_year=YEAR, dimension="nation", week_end=date(2026, 1, 31))
    assert nation.disbursed == 250_000_000 + 50_000_000 + 4_000_000_000 + 9_000_000_000
    assert nation.plan_total == 2_300_000_000 + 10_000_000_000 * 2
    assert nation.plan_assigned == 1_500_000_000 + 10_000_000_000 * 2


def test_progress_110_percent_and_a_milestone_after_the_end(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-19")
    with pytest.raises(actions.UpdateRefused) as refused:
        actions.save_progress(
            acting_user=phutho_officer,
            project=project,
            data=rules.ProgressInput(date(2025, 9, 1), date(2025, 9, 30), "110", ""),
        )
    assert "percent" in refused.value.findings
    report = actions.save_progress(
        acting_user=phutho_officer,
        project=project,
        data=rules.ProgressInput(
            date(2025, 9, 1), date(2025, 9, 30), "45,5", "2.000.000.000", causes=["site_clearance"]
        ),
        uploads=[actions.Upload("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)],
    )
    project.refresh_from_db()
    assert str(project.physical_percent) == "45.5" and report.evidence.count() == 1
    with pytest.raises(actions.UpdateRefused) as refused:
        make.decide(
            phutho_officer,
            project,
            kind=rules.ADJUSTMENT,
            number="8/QĐ-UBND",
            signed_on=date(2025, 10, 1),
            milestones=[("Vận hành", date(2027, 3, 1))],
            reason="Giãn tiến độ",
        )
    assert "sau ngày hoàn thành dự án" in refused.value.findings["milestone-0"][0]
    with pytest.raises(actions.UpdateRefused):
        actions.save_progress(
            acting_user=phutho_officer,
            project=project,
            data=rules.ProgressInput(date(2025, 10, 1), date(2025, 10, 31), "40", ""),
        )


def test_a_milestone_is_reached_once(phutho_officer: Any) -> None:
    project = make.funded_project(phutho_officer, "DA-PT-20")
    actions.record_milestone(
        acting_user=phutho_officer, project=project, name="Khởi công", achieved_on=date(2024, 9, 20)
    )
    with pytest.raises(actions.UpdateRefused):
        actions.record_milestone(
            acting_user=phutho_officer,
            project=project,
            name="Khởi công",
            achieved_on=date(2024, 9, 21),
        )
    assert timedelta(days=19) == date(2024, 9, 20) - date(2024, 9, 1)
