"""The live data against the ledger (`dxgov audit verify --state`): every kind of direct edit
of an audited row is found and named, on SQLite and PostgreSQL; what the actions do is not."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from dxgov.accounts.models import User
from dxgov.audit import live, state
from dxgov.audit.actions import record_baseline, verify_and_record
from dxgov.audit.models import AuditEvent, EventType, VerificationRun
from dxgov.audit.record import audit_disabled, record
from dxgov.demo.directives import load_directive_demo
from dxgov.directives import actions as directive_actions
from dxgov.directives.models import Directive, DirectiveKind, Task, TaskStatus
from dxgov.operations.daily import run_daily
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions as reporting_actions
from dxgov.reporting.entry import ValueInput
from dxgov.reporting.models import DataValue
from dxgov.reporting.tests.conftest import make_definition, make_indicators
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

ISSUED = date(2025, 7, 1)
PERIOD = "202507"
NEXT = "202508"


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def findings(report: live.StateReport | None = None) -> set[tuple[str, str, str]]:
    report = report or live.verify_state(chunk_size=2)
    return {(f.kind, f.target_type, f.target_id) for f in report.findings}


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


@pytest.fixture
def world(coordinator: User, phutho_officer: User, phutho_leader: User) -> dict[str, Any]:
    """A directive with three tasks taken through their workflow, and a report of Phú Thọ's
    with its values, submitted: everything through the actions."""
    directive = directive_actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=ISSUED,
        issuing_agency=_agency("CP"),
        title="Nghị quyết phiên họp Chính phủ thường kỳ",
    )
    tasks = [
        directive_actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=f"Nhiệm vụ {n}",
            lead_agency=_agency("UBND-T25"),
            deadline=date(2025, 9, 30),
            today=date(2025, 7, 2),
        )
        for n in range(3)
    ]
    directive_actions.report_progress(
        acting_user=phutho_officer, task=tasks[0], percent=40, narrative="Đã triển khai"
    )
    directive_actions.mark_task_done(
        acting_user=phutho_officer,
        task=tasks[1],
        completed_on=date(2025, 8, 1),
        today=date(2025, 8, 2),
    )
    directive_actions.confirm_task(acting_user=coordinator, task=tasks[1])
    directive_actions.refresh_overdue(acting_user=None, today=date(2025, 10, 2))
    definition = make_definition(coordinator, make_indicators(coordinator))
    values = [
        ValueInput("RECEIVED", value="120"),
        ValueInput("ONLINE", value="80"),
        ValueInput("SHARE", numerator="3", denominator="4"),
        ValueInput("BUDGET", value="1500000"),
        ValueInput("PLAN", value="1"),
        ValueInput("ACCOUNTS", value="7"),
    ]
    outcome = reporting_actions.save_values(
        acting_user=phutho_officer,
        definition=definition,
        agency=_agency("UBND-T25"),
        period_code=PERIOD,
        inputs=values,
    )
    assert outcome.report is not None
    again = [ValueInput("ACCOUNTS", value="9", check_version=False)]
    reporting_actions.save_values(
        acting_user=phutho_officer,
        definition=definition,
        agency=_agency("UBND-T25"),
        period_code=PERIOD,
        inputs=again,
    )
    report = reporting_actions.submit_report(acting_user=phutho_officer, report=outcome.report)
    # Next month's draft: ONLINE entered, then cleared (a deletion the ledger records).
    august = [*values[:-1], ValueInput("ACCOUNTS", value="10")]
    for inputs in (august, [ValueInput("ONLINE", clear=True, check_version=False)]):
        reporting_actions.save_values(
            acting_user=phutho_officer,
            definition=definition,
            agency=_agency("UBND-T25"),
            period_code=NEXT,
            inputs=inputs,
        )
    return {"directive": directive, "tasks": tasks, "report": report, "definition": definition}


def value_key(code: str, period: str = PERIOD) -> str:
    return f"{code}/UBND-T25/{period}"


def test_what_the_actions_did_matches_the_ledger(world: dict[str, Any]) -> None:
    report = live.verify_state(chunk_size=2)
    assert report.ok, report.findings
    assert report.by_model["directives.task"] == 3
    assert report.by_model["reporting.datavalue"] == 11  # ONLINE of August was cleared
    assert report.by_model["reporting.report"] == 2
    # Every event naming an audited row carries its state as saved.
    task = world["tasks"][1]
    last = AuditEvent.objects.filter(target_type="directives.task", target_id=str(task.pk)).last()
    assert last is not None and last.event_type == EventType.TASK_CONFIRMED
    spec = state.for_target("directives.task")
    assert spec is not None
    assert last.data["state"] == state.states_of(spec, [str(task.pk)])[str(task.pk)]
    cleared = AuditEvent.objects.filter(target_id=value_key("ONLINE", NEXT)).last()
    assert cleared is not None and cleared.data["state"] is None


def test_a_task_status_set_to_done_on_time_is_named(world: dict[str, Any]) -> None:
    task = world["tasks"][2]
    sql("UPDATE directives_task SET status = %s WHERE id = %s", [TaskStatus.DONE_ON_TIME, task.pk])
    assert findings() == {("changed", "directives.task", str(task.pk))}


def test_a_changed_field_is_named(world: dict[str, Any]) -> None:
    task, directive = world["tasks"][0], world["directive"]
    sql("UPDATE directives_task SET deadline = %s WHERE id = %s", ["2026-12-31", task.pk])
    sql("UPDATE directives_directive SET title = %s WHERE id = %s", ["Khác", directive.pk])
    assert findings() == {
        ("changed", "directives.task", str(task.pk)),
        ("changed", "directives.directive", str(directive.pk)),
    }


def test_a_data_value_multiplied_by_ten_is_named(world: dict[str, Any]) -> None:
    sql(
        "UPDATE reporting_datavalue SET value = value * 10 WHERE period = %s AND indicator_id = "
        "(SELECT id FROM indicators_indicator WHERE code = 'RECEIVED')",
        [PERIOD],
    )
    found = live.verify_state(chunk_size=2)
    assert findings(found) == {("changed", "reporting.datavalue", value_key("RECEIVED"))}
    (finding,) = found.findings
    last = AuditEvent.objects.filter(target_id=value_key("RECEIVED")).last()
    assert last is not None and finding.seq == last.seq


def test_a_report_status_changed_is_named(world: dict[str, Any]) -> None:
    report = world["report"]
    sql("UPDATE reporting_report SET status = 'accepted' WHERE id = %s", [report.pk])
    assert findings() == {("changed", "reporting.report", str(report.pk))}


def test_rows_inserted_without_an_event_are_named(world: dict[str, Any]) -> None:
    directive, report = world["directive"], world["report"]
    forged = Task.objects.create(
        directive=directive, content="Giả", lead_agency=_agency("UBND-T25"), status="done_on_time"
    )
    share = DataValue.objects.get(indicator__code="SHARE", period=PERIOD)
    # A value for a period no one reported, copied from a real one.
    sql(
        "INSERT INTO reporting_datavalue (indicator_id, agency_id, period, period_start, "
        "frequency, category, report_id, value, numerator, denominator, comment, version, "
        "updated_at) SELECT indicator_id, agency_id, '202509', period_start, frequency, category, "
        "report_id, value, numerator, denominator, comment, version, updated_at "
        "FROM reporting_datavalue WHERE id = %s",
        [share.pk],
    )
    assert report.pk
    assert findings() == {
        ("inserted", "directives.task", str(forged.pk)),
        ("inserted", "reporting.datavalue", "SHARE/UBND-T25/202509"),
    }


def test_deleted_rows_are_named(world: dict[str, Any]) -> None:
    sql(
        "DELETE FROM reporting_datavalue WHERE period = %s AND indicator_id = "
        "(SELECT id FROM indicators_indicator WHERE code = 'BUDGET')",
        [PERIOD],
    )
    assert findings() == {("deleted", "reporting.datavalue", value_key("BUDGET"))}


def test_a_row_brought_back_after_its_deletion_was_recorded_is_named(
    world: dict[str, Any],
) -> None:
    """ONLINE of August was cleared through the form; putting it back by hand is an insertion."""
    received = DataValue.objects.get(indicator__code="RECEIVED", period=NEXT)
    sql(
        "INSERT INTO reporting_datavalue (indicator_id, agency_id, period, period_start, "
        "frequency, category, report_id, value, comment, version, updated_at) "
        "SELECT (SELECT id FROM indicators_indicator WHERE code = 'ONLINE'), agency_id, period, "
        "period_start, frequency, category, report_id, 80, comment, 1, updated_at "
        "FROM reporting_datavalue WHERE id = %s",
        [received.pk],
    )
    assert findings() == {("inserted", "reporting.datavalue", value_key("ONLINE", NEXT))}


def test_the_command_names_each_row_and_fails(world: dict[str, Any]) -> None:
    task = world["tasks"][2]
    sql("UPDATE directives_task SET status = 'done_on_time' WHERE id = %s", [task.pk])
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", "--state", stdout=out)
    assert raised.value.returncode == 1
    assert f"directives.task:{task.pk}: changed" in out.getvalue()
    run = VerificationRun.objects.first()
    assert run is not None and not run.ok and run.rows is not None and run.rows > 0
    assert run.state_problem_count == 1
    assert run.state_problems[0]["target_id"] == str(task.pk)
    # Without --state only the chain is verified, and it holds.
    call_command("audit", "verify", stdout=io.StringIO())


def test_the_command_says_ok_with_the_rows_counted(world: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("audit", "verify", "--state", stdout=out)
    assert "live rows verified" in out.getvalue()


def test_the_nightly_run_verifies_the_live_data_last(world: dict[str, Any]) -> None:
    task = world["tasks"][2]
    sql("UPDATE directives_task SET status = 'done_on_time' WHERE id = %s", [task.pk])
    run_daily(date(2025, 10, 3))
    run = VerificationRun.objects.first()
    assert run is not None and run.rows is not None and not run.ok
    assert [(p["kind"], p["target_id"]) for p in run.state_problems] == [("changed", str(task.pk))]


def test_the_audit_page_names_the_edited_row(world: dict[str, Any], admin_user: User) -> None:
    html = client_for(admin_user).get("/audit/").content.decode()
    assert "Dữ liệu hiện hành khớp với sổ nhật ký" in html
    task = world["tasks"][2]
    sql("UPDATE directives_task SET status = 'done_on_time' WHERE id = %s", [task.pk])
    html = client_for(admin_user).get("/audit/").content.decode()
    assert f"Nhiệm vụ {task.pk} đã bị sửa ngoài nền tảng" in html


def test_a_large_ledger_page_shows_the_last_state_run(
    world: dict[str, Any], admin_user: User, settings: Any
) -> None:
    settings.DXGOV_AUDIT_PAGE_VERIFY_LIMIT = 1
    html = client_for(admin_user).get("/audit/").content.decode()
    assert "Chưa đối chiếu dữ liệu hiện hành" in html
    sql("UPDATE directives_task SET status = 'done_on_time' WHERE id = %s", [world["tasks"][0].pk])
    verify_and_record(acting_user=None, state=True)
    html = client_for(admin_user).get("/audit/").content.decode()
    assert f"Nhiệm vụ {world['tasks'][0].pk} đã bị sửa ngoài nền tảng" in html


# --- before states were recorded: the baseline ----------------------------------------------


def _legacy_task(coordinator: User, directive: Directive) -> Task:
    """A task as an older version left it: its events carry no state."""
    real = state._registry.pop("directives.task")
    try:
        return directive_actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content="Nhiệm vụ cũ",
            lead_agency=_agency("UBND-T25"),
            deadline=date(2025, 9, 30),
            today=date(2025, 7, 2),
        )
    finally:
        state._registry["directives.task"] = real


def test_a_ledger_from_before_states_is_unrecorded_until_the_baseline(
    world: dict[str, Any], coordinator: User
) -> None:
    old = _legacy_task(coordinator, world["directive"])
    with audit_disabled(), transaction.atomic():
        quiet = Task.objects.create(
            directive=world["directive"], content="Nhập thẳng", lead_agency=_agency("UBND-T25")
        )
    assert findings() == {
        ("unrecorded", "directives.task", str(old.pk)),
        ("inserted", "directives.task", str(quiet.pk)),
    }
    done = record_baseline(acting_user=coordinator)
    assert done["directives.task"] == 2 and done["reporting.datavalue"] == 0
    assert done["dossiers.dossier"] == 0
    assert live.verify_state().ok
    baseline = AuditEvent.objects.filter(event_type=EventType.STATE_BASELINE)
    assert baseline.filter(target_id=str(old.pk)).exists()
    assert baseline.filter(target_type="directives.task", target_id="").get().data["rows"] == 2
    # Once per model: a row inserted afterwards is never taken as recorded.
    later = Task.objects.create(
        directive=world["directive"], content="Sau mốc", lead_agency=_agency("UBND-T25")
    )
    assert record_baseline(acting_user=coordinator)["directives.task"] is None
    assert findings() == {("inserted", "directives.task", str(later.pk))}


def test_the_demo_history_imported_in_bulk_is_covered(db: Any) -> None:
    load_directive_demo(today=date(2026, 3, 15), generated=40, seed=7)
    assert Task.objects.count() > 40
    assert live.verify_state().ok


def test_events_without_a_row_key_carry_no_state(world: dict[str, Any], coordinator: User) -> None:
    with transaction.atomic():
        event = record(
            event_type=EventType.TASKS_IMPORTED,
            acting_user=coordinator,
            target_type="directives.task",
            data={"count": 0},
        )
    assert "state" not in event.data
    assert live.verify_state().ok


def test_the_state_of_a_row_is_its_columns_in_canonical_form() -> None:
    spec = state.for_target("reporting.datavalue")
    assert spec is not None
    values = dict.fromkeys(spec.fields)
    values.update(value=Decimal("1.5"), period="202507", version=1)
    same = dict(values, value=Decimal("1.500000"))
    assert state.row_digest(spec, values) == state.row_digest(spec, same)
    assert state.row_digest(spec, values) != state.row_digest(spec, dict(values, value=Decimal(15)))
