"""Directive and task actions against the real database: permission, scope, status, audit.

Phú Thọ's officials never reach a task led by Điện Biên (404); inside scope a missing right
is a 403; every refusal leaves the database as it was; every change is one audit event.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from dxgov.accounts.models import User
from dxgov.audit.chain import verify_chain
from dxgov.audit.models import AuditEvent, EventType
from dxgov.audit.record import event_as_dict
from dxgov.directives import actions
from dxgov.directives.access import tasks_for
from dxgov.directives.models import (
    Directive,
    DirectiveKind,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    Task,
    TaskStatus,
)
from dxgov.directives.rules import TransitionNotAllowed
from dxgov.orgunits.models import Agency

pytestmark = pytest.mark.django_db

PHU_THO, DIEN_BIEN = "UBND-T25", "UBND-T11"
ISSUED = date(2025, 7, 1)
DEADLINE = date(2025, 9, 30)
BEFORE = date(2025, 9, 1)


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


@pytest.fixture
def directive(coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=ISSUED,
        issuing_agency=_agency("CP"),
        title="Nghị quyết phiên họp Chính phủ thường kỳ",
    )


def _task(coordinator: User, directive: Directive, lead: str = PHU_THO, **kwargs: Any) -> Task:
    values: dict[str, Any] = {
        "content": "Hoàn thành kết nối cơ sở dữ liệu dân cư",
        "deadline": DEADLINE,
        "today": BEFORE,
        **kwargs,
    }
    return actions.create_task(
        acting_user=coordinator, directive=directive, lead_agency=_agency(lead), **values
    )


@pytest.fixture
def phutho_task(coordinator: User, directive: Directive) -> Task:
    return _task(coordinator, directive)


@pytest.fixture
def dienbien_task(coordinator: User, directive: Directive) -> Task:
    return _task(coordinator, directive, lead=DIEN_BIEN)


# --- creating -----------------------------------------------------------------------------


def test_coordinator_creates_directive_and_task_audited(
    coordinator: User, directive: Directive
) -> None:
    assert _last_event().event_type == EventType.DIRECTIVE_CREATED
    task = _task(
        coordinator,
        directive,
        coordinating_agencies=[_agency("BKHCN"), _agency("BCA")],
        is_key=True,
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert task.original_deadline == task.deadline == DEADLINE
    assert {a.code for a in task.coordinating_agencies.all()} == {"BKHCN", "BCA"}
    event = _last_event()
    assert event.event_type == EventType.TASK_CREATED and event.actor == coordinator
    assert event.target_id == str(task.pk) and event.agency_id == task.lead_agency_id
    assert event.data["status"] == {"old": None, "new": "open"}
    assert event.data["coordinating_agencies"] == ["BCA", "BKHCN"]


def test_task_created_past_its_deadline_starts_overdue(
    coordinator: User, directive: Directive
) -> None:
    task = _task(coordinator, directive, today=DEADLINE + timedelta(days=1))
    assert task.status == TaskStatus.OVERDUE


def test_task_without_lead_agency_is_refused_and_nothing_saved(
    coordinator: User, directive: Directive
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.create_task(
            acting_user=coordinator, directive=directive, content="X", lead_agency=None
        )
    assert "lead_agency" in refused.value.message_dict
    assert not Task.objects.exists() and AuditEvent.objects.count() == before


def test_deadline_before_the_directive_is_refused_with_dates(
    coordinator: User, directive: Directive
) -> None:
    with pytest.raises(ValidationError) as refused:
        _task(coordinator, directive, deadline=ISSUED - timedelta(days=1))
    message = refused.value.message_dict["deadline"][0]
    assert "30/06/2025" in message and "01/07/2025" in message
    assert not Task.objects.exists()
    # The issue date itself is acceptable.
    assert _task(coordinator, directive, deadline=ISSUED).deadline == ISSUED


def test_lead_cannot_coordinate_its_own_task(coordinator: User, directive: Directive) -> None:
    with pytest.raises(ValidationError) as refused:
        _task(coordinator, directive, coordinating_agencies=[_agency(PHU_THO)])
    assert "coordinating_agencies" in refused.value.message_dict
    assert not Task.objects.exists()


def test_subtask_must_share_the_directive(
    coordinator: User, directive: Directive, phutho_task: Task
) -> None:
    child = _task(coordinator, directive, parent=phutho_task)
    assert child.parent == phutho_task
    other = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=ISSUED,
        issuing_agency=_agency("CP"),
        title="Chỉ thị về chuyển đổi số",
    )
    with pytest.raises(ValidationError):
        _task(coordinator, other, parent=phutho_task)


def test_duplicate_directive_number_is_refused(coordinator: User, directive: Directive) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.create_directive(
            acting_user=coordinator,
            kind=DirectiveKind.NGHI_QUYET,
            number=" 155/NQ-CP ",
            issued_on=ISSUED,
            issuing_agency=_agency("CP"),
            title="Trùng số",
        )
    assert "155/NQ-CP" in refused.value.message_dict["number"][0]
    assert Directive.objects.count() == 1


@pytest.mark.parametrize("who", ["phutho_leader", "phutho_officer", "dienbien_officer"])
def test_only_central_roles_create(who: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.create_directive(
            acting_user=user,
            kind=DirectiveKind.CHI_THI,
            number="1/CT-UBND",
            issued_on=ISSUED,
            issuing_agency=_agency(PHU_THO),
            title="Chỉ thị",
        )
    assert not Directive.objects.exists()


def test_admin_creates_too(admin_user: User, directive: Directive) -> None:
    task = actions.create_task(
        acting_user=admin_user, directive=directive, content="Y", lead_agency=_agency("BCA")
    )
    assert task.deadline is None and task.status == TaskStatus.OPEN


# --- the lead agency's side ---------------------------------------------------------------


def test_lead_officer_reports_progress_audited(phutho_officer: User, phutho_task: Task) -> None:
    report = actions.report_progress(
        acting_user=phutho_officer, task=phutho_task, percent=40, narrative="Đã kết nối 5/12 xã"
    )
    phutho_task.refresh_from_db()
    assert phutho_task.progress_percent == 40 and report.author == phutho_officer
    event = _last_event()
    assert event.event_type == EventType.TASK_PROGRESS_REPORTED
    assert event.data["status"] == {"old": "open", "new": "open"}
    assert event.data["progress_percent"] == {"old": 0, "new": 40}


def test_phutho_officer_cannot_report_on_dienbien_task(
    phutho_officer: User, dienbien_task: Task
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(Http404):
        actions.report_progress(
            acting_user=phutho_officer, task=dienbien_task, percent=10, narrative="x"
        )
    with pytest.raises(Http404):
        actions.mark_task_done(acting_user=phutho_officer, task=dienbien_task, today=BEFORE)
    with pytest.raises(Http404):
        actions.request_extension(
            acting_user=phutho_officer,
            task=dienbien_task,
            requested_deadline=DEADLINE + timedelta(days=30),
            reason="x",
            today=BEFORE,
        )
    assert not ProgressReport.objects.exists() and not ExtensionRequest.objects.exists()
    dienbien_task.refresh_from_db()
    assert dienbien_task.status == TaskStatus.OPEN
    assert AuditEvent.objects.count() == before


def test_coordinating_agency_sees_the_task_but_cannot_report(
    coordinator: User, directive: Directive, phutho_officer: User
) -> None:
    task = _task(coordinator, directive, lead=DIEN_BIEN, coordinating_agencies=[_agency(PHU_THO)])
    assert actions.can_see_task(phutho_officer, task)
    with pytest.raises(PermissionDenied):
        actions.report_progress(acting_user=phutho_officer, task=task, percent=10, narrative="x")
    assert not ProgressReport.objects.exists()


def test_viewer_and_coordinator_cannot_report(
    phutho_viewer: User, coordinator: User, phutho_task: Task
) -> None:
    for user in (phutho_viewer, coordinator):
        with pytest.raises(PermissionDenied):
            actions.report_progress(acting_user=user, task=phutho_task, percent=5, narrative="x")
    assert not ProgressReport.objects.exists()


def test_province_leader_reports_for_a_department_led_task(
    coordinator: User, directive: Directive, phutho_leader: User, phutho_dept_officer: User
) -> None:
    task = _task(coordinator, directive, lead="SO-25-KHCN")
    actions.report_progress(acting_user=phutho_leader, task=task, percent=20, narrative="a")
    actions.report_progress(acting_user=phutho_dept_officer, task=task, percent=30, narrative="b")
    assert list(task.progress_reports.values_list("percent", flat=True)) == [20, 30]


@pytest.mark.parametrize(("percent", "narrative"), [(101, "ok"), (-1, "ok"), (50, "  ")])
def test_bad_progress_is_refused_and_nothing_saved(
    phutho_officer: User, phutho_task: Task, percent: int, narrative: str
) -> None:
    with pytest.raises(ValidationError):
        actions.report_progress(
            acting_user=phutho_officer, task=phutho_task, percent=percent, narrative=narrative
        )
    phutho_task.refresh_from_db()
    assert phutho_task.progress_percent == 0 and not ProgressReport.objects.exists()


def test_mark_done_then_confirm_on_the_deadline_is_on_time(
    phutho_officer: User, coordinator: User, phutho_task: Task
) -> None:
    actions.mark_task_done(
        acting_user=phutho_officer, task=phutho_task, completed_on=DEADLINE, today=DEADLINE
    )
    assert phutho_task.status == TaskStatus.AWAITING_CONFIRMATION
    assert phutho_task.progress_percent == 100
    assert _last_event().data["status"] == {"old": "open", "new": "awaiting_confirmation"}
    actions.confirm_task(acting_user=coordinator, task=phutho_task)
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.DONE_ON_TIME
    event = _last_event()
    assert event.event_type == EventType.TASK_CONFIRMED and event.actor == coordinator
    assert event.data["status"] == {"old": "awaiting_confirmation", "new": "done_on_time"}


def test_mark_done_with_a_narrative_keeps_it_as_a_final_report(
    coordinator: User, directive: Directive, phutho_officer: User, phutho_task: Task
) -> None:
    actions.mark_task_done(
        acting_user=phutho_officer, task=phutho_task, narrative="Đã kết nối đủ 148 xã", today=BEFORE
    )
    report = ProgressReport.objects.get(task=phutho_task)
    assert (report.percent, report.narrative, report.author) == (
        100,
        "Đã kết nối đủ 148 xã",
        phutho_officer,
    )
    assert _last_event().data["progress_report"] == report.pk
    # Without a narrative no report is made up.
    other = _task(coordinator, directive)
    actions.mark_task_done(acting_user=phutho_officer, task=other, narrative="  ", today=BEFORE)
    assert not other.progress_reports.exists()
    assert "progress_report" not in _last_event().data


def test_completed_the_day_after_is_late(
    phutho_officer: User, coordinator: User, phutho_task: Task
) -> None:
    day_after = DEADLINE + timedelta(days=1)
    actions.mark_task_done(
        acting_user=phutho_officer, task=phutho_task, completed_on=day_after, today=day_after
    )
    assert actions.confirm_task(acting_user=coordinator, task=phutho_task).status == "done_late"


def test_completion_date_cannot_be_in_the_future(phutho_officer: User, phutho_task: Task) -> None:
    with pytest.raises(ValidationError):
        actions.mark_task_done(
            acting_user=phutho_officer,
            task=phutho_task,
            completed_on=BEFORE + timedelta(days=1),
            today=BEFORE,
        )
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OPEN and phutho_task.completed_on is None


def test_officer_cannot_confirm_or_return(phutho_officer: User, phutho_task: Task) -> None:
    actions.mark_task_done(acting_user=phutho_officer, task=phutho_task, today=BEFORE)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        actions.confirm_task(acting_user=phutho_officer, task=phutho_task)
    with pytest.raises(PermissionDenied):
        actions.return_task(acting_user=phutho_officer, task=phutho_task, reason="x")
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.AWAITING_CONFIRMATION
    assert AuditEvent.objects.count() == before


def test_dienbien_leader_cannot_even_see_phutho_task(
    dienbien_leader: User, phutho_task: Task
) -> None:
    with pytest.raises(Http404):
        actions.confirm_task(acting_user=dienbien_leader, task=phutho_task)


def test_confirming_an_open_task_is_refused(coordinator: User, phutho_task: Task) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        actions.confirm_task(acting_user=coordinator, task=phutho_task)
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OPEN and AuditEvent.objects.count() == before


def test_return_needs_a_reason_and_reopens_the_task(
    phutho_officer: User, coordinator: User, phutho_task: Task
) -> None:
    actions.mark_task_done(acting_user=phutho_officer, task=phutho_task, today=BEFORE)
    with pytest.raises(ValidationError):
        actions.return_task(acting_user=coordinator, task=phutho_task, reason=" ", today=BEFORE)
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.AWAITING_CONFIRMATION
    # Returned after the deadline has passed: overdue, and the completion date is cleared.
    later = DEADLINE + timedelta(days=3)
    actions.return_task(
        acting_user=coordinator, task=phutho_task, reason="Chưa có biên bản nghiệm thu", today=later
    )
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OVERDUE and phutho_task.completed_on is None
    event = _last_event()
    assert event.event_type == EventType.TASK_RETURNED
    assert event.reason == "Chưa có biên bản nghiệm thu"
    assert event.data["status"] == {"old": "awaiting_confirmation", "new": "overdue"}


def test_no_progress_while_awaiting_confirmation(phutho_officer: User, phutho_task: Task) -> None:
    actions.mark_task_done(acting_user=phutho_officer, task=phutho_task, today=BEFORE)
    with pytest.raises(TransitionNotAllowed):
        actions.report_progress(
            acting_user=phutho_officer, task=phutho_task, percent=10, narrative="x"
        )
    assert not ProgressReport.objects.exists()


# --- extensions ---------------------------------------------------------------------------


def test_extension_keeps_the_original_deadline_and_late_stays_late(
    phutho_officer: User, coordinator: User, phutho_task: Task
) -> None:
    extended = DEADLINE + timedelta(days=60)
    overdue_day = DEADLINE + timedelta(days=5)
    assert actions.refresh_overdue(today=overdue_day) == 1
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OVERDUE
    extension = actions.request_extension(
        acting_user=phutho_officer,
        task=phutho_task,
        requested_deadline=extended,
        reason="Chờ nâng cấp hạ tầng",
        today=overdue_day,
    )
    assert _last_event().event_type == EventType.EXTENSION_REQUESTED
    actions.decide_extension(
        acting_user=coordinator, extension=extension, approve=True, today=overdue_day
    )
    phutho_task.refresh_from_db()
    extension.refresh_from_db()
    assert extension.state == ExtensionState.APPROVED and extension.decided_by == coordinator
    assert (phutho_task.original_deadline, phutho_task.deadline) == (DEADLINE, extended)
    assert phutho_task.status == TaskStatus.OPEN
    event = _last_event()
    assert event.event_type == EventType.EXTENSION_APPROVED
    assert event.data["status"] == {"old": "overdue", "new": "open"}
    assert event.data["deadline"] == {"old": "2025-09-30", "new": extended.isoformat()}
    # Completed after the original deadline, before the extended one: done late.
    actions.mark_task_done(
        acting_user=phutho_officer, task=phutho_task, completed_on=overdue_day, today=overdue_day
    )
    actions.confirm_task(acting_user=coordinator, task=phutho_task)
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.DONE_LATE
    assert phutho_task.original_deadline == DEADLINE


def test_refused_extension_changes_no_deadline(
    phutho_officer: User, coordinator: User, phutho_task: Task
) -> None:
    extension = actions.request_extension(
        acting_user=phutho_officer,
        task=phutho_task,
        requested_deadline=DEADLINE + timedelta(days=30),
        reason="Thiếu kinh phí",
        today=BEFORE,
    )
    with pytest.raises(ValidationError):  # a refusal says why
        actions.decide_extension(acting_user=coordinator, extension=extension, approve=False)
    actions.decide_extension(
        acting_user=coordinator, extension=extension, approve=False, note="Đã bố trí kinh phí"
    )
    phutho_task.refresh_from_db()
    assert phutho_task.deadline == DEADLINE and extension.state == ExtensionState.REFUSED
    assert _last_event().event_type == EventType.EXTENSION_REFUSED
    with pytest.raises(ValidationError):  # decided once
        actions.decide_extension(acting_user=coordinator, extension=extension, approve=True)


def test_bad_extension_requests_are_refused(phutho_officer: User, phutho_task: Task) -> None:
    def ask(deadline: date, reason: str = "Lý do") -> ExtensionRequest:
        return actions.request_extension(
            acting_user=phutho_officer,
            task=phutho_task,
            requested_deadline=deadline,
            reason=reason,
            today=BEFORE,
        )

    for deadline, reason in ((DEADLINE, "Lý do"), (DEADLINE + timedelta(days=9), " ")):
        with pytest.raises(ValidationError):
            ask(deadline, reason)
    assert not ExtensionRequest.objects.exists()
    ask(DEADLINE + timedelta(days=9))
    with pytest.raises(ValidationError) as refused:  # one pending request at a time
        ask(DEADLINE + timedelta(days=20))
    assert "task" in refused.value.message_dict
    assert ExtensionRequest.objects.count() == 1


def test_officer_cannot_decide_extension(phutho_officer: User, phutho_task: Task) -> None:
    extension = actions.request_extension(
        acting_user=phutho_officer,
        task=phutho_task,
        requested_deadline=DEADLINE + timedelta(days=9),
        reason="Lý do",
        today=BEFORE,
    )
    with pytest.raises(PermissionDenied):
        actions.decide_extension(acting_user=phutho_officer, extension=extension, approve=True)
    extension.refresh_from_db()
    assert extension.state == ExtensionState.PENDING


# --- overdue sweep ------------------------------------------------------------------------


def test_refresh_overdue_moves_only_open_tasks_past_their_deadline(
    coordinator: User, directive: Directive, phutho_officer: User, phutho_task: Task
) -> None:
    no_deadline = _task(coordinator, directive, deadline=None)
    later = _task(coordinator, directive, deadline=DEADLINE + timedelta(days=10))
    done = _task(coordinator, directive)
    actions.mark_task_done(acting_user=phutho_officer, task=done, today=BEFORE)
    assert actions.refresh_overdue(today=DEADLINE) == 0  # the deadline day is still in time
    assert actions.refresh_overdue(acting_user=coordinator, today=DEADLINE + timedelta(days=1)) == 1
    statuses = dict(Task.objects.values_list("pk", "status"))
    assert statuses == {
        phutho_task.pk: "overdue",
        no_deadline.pk: "open",
        later.pk: "open",
        done.pk: "awaiting_confirmation",
    }
    event = _last_event()
    assert event.event_type == EventType.TASK_OVERDUE and event.actor == coordinator
    assert event.data["status"] == {"old": "open", "new": "overdue"}


def test_refresh_overdue_by_the_system(phutho_task: Task) -> None:
    assert actions.refresh_overdue(today=DEADLINE + timedelta(days=1)) == 1
    event = _last_event()
    assert event.actor is None and event.actor_label == "system"


def test_refresh_overdue_is_for_the_system_or_central_roles(phutho_leader: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.refresh_overdue(acting_user=phutho_leader)


def test_the_audit_chain_stays_intact(
    phutho_officer: User, coordinator: User, phutho_task: Task
) -> None:
    actions.report_progress(acting_user=phutho_officer, task=phutho_task, percent=50, narrative="x")
    actions.mark_task_done(acting_user=phutho_officer, task=phutho_task, today=BEFORE)
    actions.confirm_task(acting_user=coordinator, task=phutho_task)
    events = [event_as_dict(e) for e in AuditEvent.objects.order_by("seq")]
    assert len(events) >= 5 and verify_chain(events) == []


# --- postpone, resume, cancel -------------------------------------------------------------


def test_coordinator_postpones_and_resumes_audited(coordinator: User, phutho_task: Task) -> None:
    actions.postpone_task(acting_user=coordinator, task=phutho_task, reason="Chờ Nghị định mới")
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.POSTPONED
    event = _last_event()
    assert event.event_type == EventType.TASK_POSTPONED and event.actor == coordinator
    assert event.reason == "Chờ Nghị định mới"
    assert event.data["status"] == {"old": "open", "new": "postponed"}
    # Resumed before the deadline: open again.
    actions.resume_task(acting_user=coordinator, task=phutho_task, today=BEFORE)
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OPEN
    event = _last_event()
    assert event.event_type == EventType.TASK_RESUMED
    assert event.data["status"] == {"old": "postponed", "new": "open"}


def test_resumed_after_the_deadline_is_overdue(admin_user: User, phutho_task: Task) -> None:
    actions.postpone_task(acting_user=admin_user, task=phutho_task, reason="Tạm dừng")
    actions.resume_task(
        acting_user=admin_user, task=phutho_task, today=DEADLINE + timedelta(days=1)
    )
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OVERDUE
    # The deadline day itself is still in time.
    actions.postpone_task(acting_user=admin_user, task=phutho_task, reason="Tạm dừng")
    resumed = actions.resume_task(acting_user=admin_user, task=phutho_task, today=DEADLINE)
    assert resumed.status == TaskStatus.OPEN


def test_postponed_task_takes_no_progress(
    coordinator: User, phutho_officer: User, phutho_task: Task
) -> None:
    actions.postpone_task(acting_user=coordinator, task=phutho_task, reason="Chờ kinh phí")
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        actions.report_progress(
            acting_user=phutho_officer, task=phutho_task, percent=10, narrative="x"
        )
    assert "resume it first" in refused.value.message
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("start", ["open", "overdue", "awaiting_confirmation", "postponed"])
def test_cancel_from_any_unfinished_status(
    coordinator: User, phutho_officer: User, phutho_task: Task, start: str
) -> None:
    if start == "overdue":
        actions.refresh_overdue(today=DEADLINE + timedelta(days=1))
    elif start == "awaiting_confirmation":
        actions.mark_task_done(acting_user=phutho_officer, task=phutho_task, today=BEFORE)
    elif start == "postponed":
        actions.postpone_task(acting_user=coordinator, task=phutho_task, reason="Tạm dừng")
    phutho_task.refresh_from_db()
    assert phutho_task.status == start
    actions.cancel_task(acting_user=coordinator, task=phutho_task, reason="Không còn phù hợp")
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.CANCELLED
    event = _last_event()
    assert event.event_type == EventType.TASK_CANCELLED
    assert event.data["status"] == {"old": start, "new": "cancelled"}
    assert event.reason == "Không còn phù hợp"


def test_cancelled_is_final(coordinator: User, phutho_task: Task) -> None:
    actions.cancel_task(acting_user=coordinator, task=phutho_task, reason="Trùng lặp")
    before = AuditEvent.objects.count()
    for attempt in (
        lambda: actions.cancel_task(acting_user=coordinator, task=phutho_task, reason="x"),
        lambda: actions.postpone_task(acting_user=coordinator, task=phutho_task, reason="x"),
        lambda: actions.resume_task(acting_user=coordinator, task=phutho_task, today=BEFORE),
    ):
        with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
            attempt()
        assert "cancelled" in refused.value.message
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.CANCELLED
    assert AuditEvent.objects.count() == before


def test_refused_transitions_save_nothing(
    coordinator: User, phutho_officer: User, phutho_task: Task
) -> None:
    before = AuditEvent.objects.count()
    with (
        translation.override("en"),
        pytest.raises(TransitionNotAllowed) as refused,
    ):  # only a postponed task resumes
        actions.resume_task(acting_user=coordinator, task=phutho_task, today=BEFORE)
    assert "Only a postponed task can be resumed" in refused.value.message
    assert AuditEvent.objects.count() == before
    actions.mark_task_done(acting_user=phutho_officer, task=phutho_task, today=BEFORE)
    before = AuditEvent.objects.count()
    with (
        translation.override("en"),
        pytest.raises(TransitionNotAllowed) as refused,
    ):  # awaiting confirmation: no postponing
        actions.postpone_task(acting_user=coordinator, task=phutho_task, reason="x")
    assert "awaiting confirmation" in refused.value.message
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.AWAITING_CONFIRMATION
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("which", ["postpone", "cancel"])
def test_postpone_and_cancel_need_a_reason(
    coordinator: User, phutho_task: Task, which: str
) -> None:
    act = actions.postpone_task if which == "postpone" else actions.cancel_task
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        act(acting_user=coordinator, task=phutho_task, reason="   ")
    assert "reason" in refused.value.message_dict
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OPEN and AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["phutho_leader", "phutho_officer", "phutho_viewer"])
def test_only_central_roles_postpone_cancel_or_resume(
    coordinator: User, phutho_task: Task, who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.postpone_task(acting_user=user, task=phutho_task, reason="x")
    with pytest.raises(PermissionDenied):
        actions.cancel_task(acting_user=user, task=phutho_task, reason="x")
    actions.postpone_task(acting_user=coordinator, task=phutho_task, reason="Tạm dừng")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        actions.resume_task(acting_user=user, task=phutho_task, today=BEFORE)
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.POSTPONED and AuditEvent.objects.count() == before


def test_outside_scope_is_not_found_for_postpone_cancel_resume(
    dienbien_leader: User, phutho_task: Task
) -> None:
    for attempt in (
        lambda: actions.postpone_task(acting_user=dienbien_leader, task=phutho_task, reason="x"),
        lambda: actions.cancel_task(acting_user=dienbien_leader, task=phutho_task, reason="x"),
        lambda: actions.resume_task(acting_user=dienbien_leader, task=phutho_task),
    ):
        with pytest.raises(Http404):
            attempt()
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.OPEN


def test_visible_tasks_follow_scope(
    coordinator: User,
    directive: Directive,
    phutho_officer: User,
    dienbien_officer: User,
    phutho_dept_officer: User,
) -> None:
    own = _task(coordinator, directive)
    theirs = _task(coordinator, directive, lead=DIEN_BIEN)
    shared = _task(coordinator, directive, lead=DIEN_BIEN, coordinating_agencies=[_agency(PHU_THO)])
    dept = _task(coordinator, directive, lead="SO-25-KHCN")
    assert set(tasks_for(phutho_officer)) == {own, shared, dept}
    assert set(tasks_for(dienbien_officer)) == {theirs, shared}
    assert set(tasks_for(phutho_dept_officer)) == {dept}
    assert set(tasks_for(coordinator)) == {own, theirs, shared, dept}
    # No duplicates when several coordinating agencies are in scope.
    many = _task(
        coordinator,
        directive,
        lead="BCA",
        coordinating_agencies=[_agency(PHU_THO), _agency("SO-25-KHCN")],
    )
    assert list(tasks_for(phutho_officer)).count(many) == 1
