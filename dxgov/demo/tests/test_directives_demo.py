"""The demo directives and tasks: the seed documents' content, consistent statuses, idempotence.

Loaded against the real database with the real reference data and demo cast, on a fixed day.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from dxgov.audit.chain import verify_chain
from dxgov.audit.models import AuditEvent, EventType
from dxgov.audit.record import event_as_dict
from dxgov.demo import tasks as generate
from dxgov.demo.directives import (
    BREAKTHROUGH,
    CT34,
    IMPORT_NOTE,
    NQ155,
    SESSION2,
    agency_pool,
    current_ministries,
    current_provinces,
    generate_tasks,
    load_directive_demo,
)
from dxgov.directives.models import (
    Directive,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    Task,
    TaskStatus,
)
from dxgov.directives.rules import status_on

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)
GENERATED = 300
DONE = {TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE}


@pytest.fixture
def loaded(db: Any) -> dict[str, int]:
    return load_directive_demo(today=TODAY, generated=GENERATED, seed=2025)


def _tasks(number: str) -> Any:
    return Task.objects.filter(directive__number=number).select_related("lead_agency")


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Task.objects.order_by("pk").values_list(
            "directive__number",
            "content",
            "lead_agency__code",
            "original_deadline",
            "deadline",
            "status",
            "completed_on",
            "progress_percent",
            "is_key",
        )
    )


def test_resolution_155_has_the_public_security_tasks_and_deadlines(
    loaded: dict[str, int],
) -> None:
    directive = Directive.objects.get(number=NQ155)
    assert directive.kind == "nghi_quyet"
    assert directive.title == "Nghị quyết phiên họp Chính phủ thường kỳ tháng 11 năm 2021"
    bca = {t.content: t for t in _tasks(NQ155).filter(lead_agency__code="BCA")}

    def find(words: str) -> Task:
        [task] = [t for content, t in bca.items() if words in content]
        return task

    privacy = find("Nghị định về bảo vệ dữ liệu cá nhân trong tháng 12/2021")
    assert privacy.original_deadline == date(2021, 12, 31) and privacy.is_key
    # Decree 13/2023/NĐ-CP (17 April 2023): completed, judged late against December 2021.
    assert privacy.status == TaskStatus.DONE_LATE and privacy.completed_on == date(2023, 4, 17)
    identity = find("Nghị định về định danh và xác thực điện tử")
    # Decree 59/2022/NĐ-CP (5 September 2022): late even after the extension to May 2022.
    assert identity.status == TaskStatus.DONE_LATE
    assert identity.completed_on == date(2022, 9, 5)
    # Due before May 2022; the approved extension moved only the working deadline.
    assert identity.original_deadline == date(2022, 4, 30)
    assert identity.deadline == date(2022, 5, 31)
    [extension] = identity.extension_requests.all()
    assert extension.state == ExtensionState.APPROVED
    links = find("thuế, hải quan, ngân hàng, giấy phép lái xe, bảo hiểm y tế")
    assert links.original_deadline == date(2021, 12, 31)
    assert links.status == TaskStatus.DONE_LATE and links.completed_on == date(2022, 6, 30)
    # The Ministry of Information and Communications leads the 2021 tasks: a former agency.
    btttt = _tasks(NQ155).filter(lead_agency__code="BTTTT")
    assert btttt.count() == 3
    assert btttt.first().lead_agency.valid_to == date(2025, 2, 28)  # type: ignore[union-attr]


def test_second_session_has_27_tasks_15_completed(loaded: dict[str, int]) -> None:
    directive = Directive.objects.get(number=SESSION2)
    assert directive.kind == "thong_bao_ket_luan"
    assert "15 nhiệm vụ cơ bản hoàn thành, 12 cần tiếp tục hoàn thành" in directive.summary
    tasks = list(_tasks(SESSION2))
    assert len(tasks) == 27
    statuses = Counter(t.status for t in tasks)
    assert sum(statuses[s] for s in DONE) == 15
    assert statuses[TaskStatus.OPEN] + statuses[TaskStatus.OVERDUE] == 12
    leads = Counter(t.lead_agency.code for t in tasks)
    assert {"BTTTT", "BCA", "VPCP", "BYT", "BGDDT", "BCT", "BNNPTNT", "BNV", "BKHDT"} <= set(leads)
    identity = next(t for t in tasks if "trình Chính phủ ban hành trong tháng 5/2022" in t.content)
    assert identity.lead_agency.code == "BCA" and identity.deadline == date(2022, 5, 31)


def test_directive_34_has_its_deadlines_and_one_breakthrough_task_per_agency(
    loaded: dict[str, int],
) -> None:
    directive = Directive.objects.get(number=CT34)
    assert directive.issued_on == date(2024, 9, 16)
    tasks = list(_tasks(CT34))
    assert {t.original_deadline for t in tasks} - {None} == {
        date(2024, 9, 20),
        date(2024, 9, 30),
        date(2024, 10, 15),
    }
    assert next(t for t in tasks if "Đề án 06, phổ biến" in t.content).lead_agency.code == "BCA"
    breakthrough = [t for t in tasks if t.content == BREAKTHROUGH]
    leads = [t.lead_agency.code for t in breakthrough]
    ministries, provinces = current_ministries(), current_provinces()
    assert len(ministries) == 17 and len(provinces) == 34
    assert len(breakthrough) == 51
    assert sorted(leads) == sorted(ministries + provinces)
    assert all(code.startswith("UBND-T") for code in provinces)
    statuses = Counter(t.status for t in breakthrough)
    # A plausible mix: mostly done, some late, some still overdue.
    assert statuses[TaskStatus.DONE_ON_TIME] > statuses[TaskStatus.DONE_LATE] > 0
    assert statuses[TaskStatus.OVERDUE] > 0
    assert statuses[TaskStatus.AWAITING_CONFIRMATION] == 1
    phu_tho = next(t for t in breakthrough if t.lead_agency.code == "UBND-T25")
    # Extended, then finished after the original deadline: late, as the rules say.
    assert phu_tho.deadline == date(2024, 11, 15)
    assert phu_tho.status == TaskStatus.DONE_LATE
    dien_bien = next(t for t in breakthrough if t.lead_agency.code == "UBND-T11")
    assert dien_bien.extension_requests.get().state == ExtensionState.REFUSED
    assert dien_bien.status == TaskStatus.OVERDUE


def test_every_task_is_consistent_with_the_rules(loaded: dict[str, int]) -> None:
    tasks = list(Task.objects.all())
    assert len(tasks) == 10 + 27 + 55 + GENERATED
    for task in tasks:
        if task.original_deadline and task.deadline:
            assert task.original_deadline <= task.deadline, task
        if task.status in DONE:
            assert task.completed_on is not None and task.progress_percent == 100
            assert task.status == status_on(
                task.deadline, TODAY, task.completed_on, task.original_deadline
            ), task
        if task.status == TaskStatus.DONE_ON_TIME and task.original_deadline:
            assert task.completed_on <= task.original_deadline  # type: ignore[operator]
        if task.status == TaskStatus.DONE_LATE:
            assert task.completed_on > task.original_deadline  # type: ignore[operator]
        if task.status == TaskStatus.OVERDUE:
            assert task.deadline is not None and task.deadline < TODAY
        if task.status == TaskStatus.OPEN:
            assert task.deadline is None or task.deadline >= TODAY
        if task.status in {TaskStatus.OPEN, TaskStatus.OVERDUE}:
            assert task.completed_on is None
        if task.completed_on is not None:
            assert task.directive.issued_on <= task.completed_on <= TODAY
        if task.deadline is not None:
            assert task.deadline >= task.directive.issued_on
    for extension in ExtensionRequest.objects.filter(state=ExtensionState.APPROVED):
        assert extension.task.deadline == extension.requested_deadline
        assert extension.task.original_deadline == extension.previous_deadline


def test_generated_tasks_follow_the_government_office_mix(db: Any) -> None:
    load_directive_demo(today=TODAY, generated=3000, seed=2025)
    generated = Task.objects.exclude(directive__number__in=[NQ155, SESSION2, CT34])
    assert generated.count() == 3000
    assert generated.values("directive").distinct().count() == 20
    statuses = Counter(generated.values_list("status", flat=True))
    done = statuses[TaskStatus.DONE_ON_TIME] + statuses[TaskStatus.DONE_LATE]
    assert 0.77 < done / 3000 < 0.83
    assert 0.14 < statuses[TaskStatus.OPEN] / 3000 < 0.19
    assert 0.02 < statuses[TaskStatus.OVERDUE] / 3000 < 0.05
    assert statuses[TaskStatus.DONE_ON_TIME] > 5 * statuses[TaskStatus.DONE_LATE]
    assert 0.09 < generated.filter(is_key=True).count() / 3000 < 0.15
    extended = [t for t in generated if t.original_deadline != t.deadline]
    assert 50 < len(extended) < 300
    leads = Counter(generated.values_list("lead_agency__kind", flat=True))
    assert set(leads) == {"ministry", "people_committee", "department"}
    numbers = set(Directive.objects.values_list("number", flat=True))
    assert not numbers & {"06/QĐ-TTg", "422/QĐ-TTg", "1911/QĐ-TTg"}


def test_loading_twice_changes_nothing(loaded: dict[str, int]) -> None:
    assert loaded["directives"] == 3 + generate.directive_count(GENERATED)
    assert loaded["tasks_imported"] > GENERATED  # plus the completed seed tasks without officers
    before = (_snapshot(), AuditEvent.objects.count(), ExtensionRequest.objects.count())
    again = load_directive_demo(today=TODAY, generated=GENERATED, seed=2025)
    assert again == {
        "directives": 0,
        "directives_skipped": loaded["directives"],
        "tasks": 0,
        "tasks_imported": 0,
    }
    assert (_snapshot(), AuditEvent.objects.count(), ExtensionRequest.objects.count()) == before


def test_one_import_event_and_an_intact_audit_chain(loaded: dict[str, int]) -> None:
    [event] = AuditEvent.objects.filter(event_type=EventType.TASKS_IMPORTED)
    assert event.actor_label == "vpcp.dieuphoi"
    assert event.data["count"] == loaded["tasks_imported"]
    assert event.data["note"] == IMPORT_NOTE
    assert sum(event.data["by_directive"].values()) == loaded["tasks_imported"]
    # Tasks made through the actions have their own history.
    created = AuditEvent.objects.filter(event_type=EventType.TASK_CREATED).count()
    assert created == loaded["tasks"]
    assert AuditEvent.objects.filter(event_type=EventType.TASK_CONFIRMED).exists()
    assert AuditEvent.objects.filter(event_type=EventType.EXTENSION_REFUSED).count() == 1
    events = [event_as_dict(e) for e in AuditEvent.objects.order_by("seq")]
    assert verify_chain(events) == []


def test_the_same_seed_gives_the_same_tasks(db: Any) -> None:
    def plan(seed: int) -> list[generate.TaskPlan]:
        rng = random.Random(seed)
        directives = generate.plan_directives(rng, 5, TODAY)
        return list(generate.plan_tasks(rng, 200, directives, agency_pool(), TODAY))

    assert plan(11) == plan(11)
    assert plan(11) != plan(12)
    load_directive_demo(today=TODAY, generated=GENERATED, seed=2025)
    first = _snapshot()
    Task.coordinating_agencies.through.objects.all().delete()
    ExtensionRequest.objects.all().delete()
    ProgressReport.objects.all().delete()
    Task.objects.all().delete()
    Directive.objects.all().delete()
    load_directive_demo(today=TODAY, generated=GENERATED, seed=2025)
    assert _snapshot() == first


def test_generate_command_adds_tasks_under_fresh_directives(loaded: dict[str, int]) -> None:
    before = Task.objects.count()
    directives = Directive.objects.count()
    out = StringIO()
    call_command(
        "generate", "tasks", "--count", "250", "--seed", "2025", "--batch", "100", stdout=out
    )
    # The demo's seed again: fresh numbers, so the tasks are added, not skipped.
    assert Task.objects.count() == before + 250
    assert Directive.objects.count() == directives + 1
    assert "generated 250 tasks" in out.getvalue()
    events = AuditEvent.objects.filter(event_type=EventType.TASKS_IMPORTED)
    assert events.count() == 1 + 3  # the demo's, then one per batch of 100
    assert list(generate_tasks(count=0, seed=1, today=TODAY)) == []
