"""Saving report values: every rule refuses or warns, nothing half-saved, conflicts caught."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent
from dxgov.indicators.models import Indicator
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions
from dxgov.reporting.actions import ValueInput
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus
from dxgov.reporting.tests.conftest import DIEN_BIEN, PHU_THO, good_inputs

pytestmark = pytest.mark.django_db


def _save(
    user: User, definition: ReportDefinition, inputs: list[ValueInput], **kw: object
) -> actions.SaveOutcome:
    return actions.save_values(
        acting_user=user,
        definition=definition,
        agency=Agency.objects.get(code=kw.pop("agency", PHU_THO)),  # type: ignore[arg-type]
        period_code=str(kw.pop("period", "202603")),
        inputs=inputs,
        **kw,  # type: ignore[arg-type]
    )


def _refused(
    user: User, definition: ReportDefinition, inputs: list[ValueInput], **kw: object
) -> dict[str, list[str]]:
    before = DataValue.objects.count(), AuditEvent.objects.count()
    with pytest.raises(actions.ValuesRefused) as refused:
        _save(user, definition, inputs, **kw)
    assert (DataValue.objects.count(), AuditEvent.objects.count()) == before
    return {code: [f.rule for f in items] for code, items in refused.value.findings.items()}


def test_good_values_are_saved_with_one_audit_event_each(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    outcome = _save(phutho_officer, definition, good_inputs())
    assert sorted(outcome.created) == sorted(
        ["RECEIVED", "ONLINE", "SHARE", "BUDGET", "PLAN", "ACCOUNTS"]
    )
    share = DataValue.objects.get(indicator__code="SHARE", period="202603")
    assert (share.numerator, share.denominator, share.value) == (
        Decimal(900),
        Decimal(1200),
        Decimal(75),
    )
    assert DataValue.objects.get(indicator__code="RECEIVED").value == Decimal(1200)
    assert DataValue.objects.get(indicator__code="BUDGET").value == Decimal(2_500_000_000)
    assert DataValue.objects.get(indicator__code="PLAN").value == Decimal(1)
    events = AuditEvent.objects.filter(event_type="data_value.saved")
    assert events.count() == 6
    assert {e.data["indicator"] for e in events} == {
        "RECEIVED",
        "ONLINE",
        "SHARE",
        "BUDGET",
        "PLAN",
        "ACCOUNTS",
    }
    report = Report.objects.get()
    assert report.status == ReportStatus.DRAFT and report.due_date.isoformat() == "2026-03-17"


def test_resaving_the_same_values_changes_nothing(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    _save(phutho_officer, definition, good_inputs())
    events = AuditEvent.objects.count()
    versions = {v.indicator.code: v.version for v in DataValue.objects.select_related("indicator")}
    again = _save(
        phutho_officer,
        definition,
        [
            ValueInput(**{**i.__dict__, "version": versions[i.indicator_code]})
            for i in good_inputs()
        ],
    )
    assert len(again.unchanged) == 6 and not again.created and not again.updated
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("override", "code", "rule"),
    [
        ({"RECEIVED": {"value": "mười"}}, "RECEIVED", "number"),
        ({"RECEIVED": {"value": "-5"}}, "RECEIVED", "negative"),
        ({"RECEIVED": {"value": "0"}, "ONLINE": {"value": "0"}}, "RECEIVED", "min_value"),
        ({"BUDGET": {"value": "20.000.000.000.000"}}, "BUDGET", "max_value"),
        ({"RECEIVED": {"value": "12,5"}}, "RECEIVED", "number"),
        ({"BUDGET": {"value": "1000,5"}}, "BUDGET", "number"),
        (
            {"SHARE": {"numerator": "1300", "denominator": "1200"}},
            "SHARE",
            "numerator_exceeds_denominator",
        ),
        ({"SHARE": {"numerator": "5", "denominator": "0"}}, "SHARE", "zero_denominator"),
        ({"SHARE": {"numerator": "5", "denominator": ""}}, "SHARE", "ratio_incomplete"),
        ({"PLAN": {"value": "có lẽ"}}, "PLAN", "number"),
        ({"ONLINE": {"value": "1300"}}, "ONLINE", "cross_rule"),
    ],
)
def test_a_hard_rule_refuses_the_whole_form(
    phutho_officer: User,
    definition: ReportDefinition,
    override: dict[str, dict[str, str]],
    code: str,
    rule: str,
) -> None:
    findings = _refused(phutho_officer, definition, good_inputs(**override))
    assert code in findings
    assert any(rule in r for r in findings[code]), findings


def test_percent_over_100_is_refused(
    coordinator: User,
    phutho_officer: User,
    definition: ReportDefinition,
    indicators: dict[str, Indicator],
) -> None:
    # A percentage whose parts are entered as numbers above 100 (not a count ratio).
    findings = _refused(
        phutho_officer,
        definition,
        good_inputs(SHARE={"numerator": "150", "denominator": "100"}),
    )
    assert "SHARE" in findings


def test_a_cumulative_series_never_goes_down(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    _save(phutho_officer, definition, good_inputs(), period="202602")
    findings = _refused(phutho_officer, definition, good_inputs(ACCOUNTS={"value": "44000"}))
    assert any("cumulative" in r for r in findings["ACCOUNTS"])
    _save(phutho_officer, definition, good_inputs(ACCOUNTS={"value": "45000"}))


def test_an_outlier_needs_a_comment(phutho_officer: User, definition: ReportDefinition) -> None:
    history = [1000, 1040, 990, 1010, 1025, 980, 1005, 995]
    for month, received in enumerate(history, start=1):
        inputs = good_inputs(RECEIVED={"value": str(received)}, ONLINE={"value": "500"})
        _save(phutho_officer, definition, inputs, period=f"2025{month:02d}")
    spike = good_inputs(RECEIVED={"value": "9000"}, ONLINE={"value": "500"})
    findings = _refused(phutho_officer, definition, spike, period="202509")
    assert "outlier" in findings["RECEIVED"] and "comment_required" in findings["RECEIVED"]
    explained = good_inputs(
        RECEIVED={"value": "9000", "comment": "Đợt cao điểm cấp đổi giấy tờ"},
        ONLINE={"value": "500"},
    )
    outcome = _save(phutho_officer, definition, explained, period="202509")
    assert "RECEIVED" in outcome.created
    assert DataValue.objects.get(indicator__code="RECEIVED", period="202509").comment


def test_a_soft_cross_rule_saves_only_with_a_comment(
    coordinator: User, phutho_officer: User, definition: ReportDefinition
) -> None:
    from dxgov.indicators.actions import save_validation_rule

    save_validation_rule(
        acting_user=coordinator,
        name="Ngân sách thường lớn hơn 1 tỷ",
        left="BUDGET",
        operator=">=",
        right="1000000000",
        importance="soft",
        message="Ngân sách dưới 1 tỷ đồng: kiểm tra lại.",
    )
    findings = _refused(phutho_officer, definition, good_inputs(BUDGET={"value": "500.000.000"}))
    assert "comment_required" in findings["BUDGET"]
    _save(
        phutho_officer,
        definition,
        good_inputs(BUDGET={"value": "500.000.000", "comment": "Cắt giảm theo Nghị quyết"}),
    )


def test_dry_run_validates_and_saves_nothing(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    outcome = _save(phutho_officer, definition, good_inputs(), dry_run=True)
    assert outcome.dry_run and len(outcome.created) == 6
    assert not DataValue.objects.exists() and not Report.objects.exists()


def test_concurrent_edits_conflict_instead_of_overwriting(
    phutho_officer: User, phutho_leader: User, definition: ReportDefinition
) -> None:
    _save(phutho_officer, definition, good_inputs())
    opened = DataValue.objects.get(indicator__code="RECEIVED").version
    # Both open the form at the same version; the officer saves first.
    _save(phutho_officer, definition, [ValueInput("RECEIVED", value="1300", version=opened)])
    findings = _refused(
        phutho_leader, definition, [ValueInput("RECEIVED", value="1250", version=opened)]
    )
    assert findings["RECEIVED"] == ["conflict"]
    assert DataValue.objects.get(indicator__code="RECEIVED").value == Decimal(1300)


def test_outside_scope_and_wrong_role_are_refused(
    phutho_officer: User, phutho_viewer: User, dienbien_officer: User, definition: ReportDefinition
) -> None:
    with pytest.raises(PermissionDenied):
        _save(phutho_viewer, definition, good_inputs())
    with pytest.raises(PermissionDenied):
        _save(dienbien_officer, definition, good_inputs())
    _save(dienbien_officer, definition, good_inputs(), agency=DIEN_BIEN)
    with pytest.raises(actions.WrongPeriod):
        _save(phutho_officer, definition, good_inputs(), period="2026Q1")


def test_approval_locks_and_reopening_needs_a_coordinator_and_a_reason(
    phutho_officer: User, phutho_leader: User, coordinator: User, definition: ReportDefinition
) -> None:
    _save(phutho_officer, definition, good_inputs())
    report = Report.objects.get()
    actions.submit_report(acting_user=phutho_officer, report=report)
    with pytest.raises(actions.ReportLocked):
        _save(phutho_officer, definition, good_inputs(RECEIVED={"value": "1300"}))
    with pytest.raises(PermissionDenied):
        actions.approve_report(acting_user=phutho_officer, report=report)
    report = actions.approve_report(acting_user=phutho_leader, report=report)
    assert report.status == ReportStatus.APPROVED and report.on_time is not None
    with pytest.raises(actions.ReportLocked):
        _save(phutho_leader, definition, good_inputs(RECEIVED={"value": "1300"}))
    with pytest.raises(PermissionDenied):
        actions.reopen_report(acting_user=phutho_leader, report=report, reason="Sai số liệu")
    with pytest.raises(ValidationError):
        actions.reopen_report(acting_user=coordinator, report=report, reason="  ")
    report = actions.reopen_report(
        acting_user=coordinator, report=report, reason="Sai số liệu tháng 3"
    )
    assert report.status == ReportStatus.RETURNED and report.return_reason == "Sai số liệu tháng 3"
    versions = {v.indicator.code: v.version for v in DataValue.objects.select_related("indicator")}
    outcome = _save(
        phutho_officer,
        definition,
        [ValueInput("RECEIVED", value="1300", version=versions["RECEIVED"])],
    )
    assert outcome.updated == ["RECEIVED"]
    event = AuditEvent.objects.filter(event_type="data_value.saved").last()
    assert event is not None and (event.data["old"], event.data["new"]) == ("1200", "1300")
    reopened = AuditEvent.objects.get(event_type="report.reopened")
    assert reopened.reason == "Sai số liệu tháng 3"


def test_submit_needs_every_indicator(phutho_officer: User, definition: ReportDefinition) -> None:
    _save(phutho_officer, definition, [ValueInput("RECEIVED", value="10")])
    with pytest.raises(ValidationError, match="ONLINE"):
        actions.submit_report(acting_user=phutho_officer, report=Report.objects.get())


def test_acceptance_by_the_receiving_agency(
    phutho_officer: User,
    phutho_leader: User,
    coordinator: User,
    dienbien_leader: User,
    definition: ReportDefinition,
) -> None:
    _save(phutho_officer, definition, good_inputs())
    report = actions.submit_report(acting_user=phutho_officer, report=Report.objects.get())
    report = actions.approve_report(acting_user=phutho_leader, report=report)
    with pytest.raises(PermissionDenied):
        actions.accept_report(acting_user=dienbien_leader, report=report)
    with pytest.raises(ValidationError):
        actions.return_report(acting_user=coordinator, report=report, reason="")
    report = actions.accept_report(acting_user=coordinator, report=report)
    assert report.status == ReportStatus.ACCEPTED


def test_a_configured_holiday_moves_the_deadline(
    coordinator: User, phutho_officer: User, definition: ReportDefinition
) -> None:
    # March 2026: the cut-off ends Sat 14 Mar; 2 working days on is Tue 17 Mar,
    # unless Mon 16 is a day off.
    from datetime import date

    period = actions.parse_period_for(definition, "202603")
    assert actions.due_date_of(definition, period) == date(2026, 3, 17)
    actions.set_holiday(acting_user=coordinator, day=date(2026, 3, 16), name="Nghỉ bù")
    assert actions.due_date_of(definition, period) == date(2026, 3, 18)
    with pytest.raises(PermissionDenied):
        actions.set_holiday(acting_user=phutho_officer, day=date(2026, 3, 17), name="x")


def test_the_holidays_command_lists_and_adds(coordinator: User) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("holidays", "list", "--year", "2026", stdout=out)
    assert "2026-02-17" in out.getvalue()  # Tết
    call_command(
        "holidays",
        "add",
        "2026-01-02",
        "Nghỉ bù Tết Dương lịch",
        "--user",
        coordinator.username,
        stdout=io.StringIO(),
    )
    again = io.StringIO()
    call_command("holidays", "list", "--year", "2026", stdout=again)
    assert "2026-01-02  Nghỉ bù Tết Dương lịch" in again.getvalue()
