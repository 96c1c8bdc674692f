"""The committees' demo: the National Committee's third-session report computes the seeds'
"27 tasks, 15 done, 12 continuing" from tasks its second session's notice assigned through the
actions; the directives' demo then leaves that notice alone; Phú Thọ's committee has a session
whose conclusions produced tasks, the next one's report, and an open ballot with members past
its deadline. Loading twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from dxgov.audit.models import AuditEvent, EventType
from dxgov.committees import reads, report
from dxgov.committees.models import Ballot, Committee, ItemTask, SessionReport
from dxgov.demo.committees import (
    NATIONAL,
    PHU_THO,
    load_committees_demo,
    load_national_history,
)
from dxgov.demo.directives import SESSION2, load_directive_demo
from dxgov.directives.models import Directive, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db: Any) -> dict[str, int]:
    return load_national_history(today=timezone.localdate())


def test_the_third_sessions_report_computes_the_seeds_figure(loaded: dict[str, int]) -> None:
    committee = Committee.objects.get(code=NATIONAL)
    third = committee.sessions.get(number=3)
    held = SessionReport.objects.get(session=third)
    tasks = report.section(held.snapshot, "tasks")
    assert held.as_of.isoformat() == "2022-08-05" and held.status == "final"
    assert [g["session"] for g in tasks["by_session"]] == [2]
    with translation.override("vi"):
        assert report.sentence(tasks["counts"]) == (
            "27 nhiệm vụ: 15 hoàn thành, 12 đang thực hiện (1 quá hạn)"
        )
    # Each of the 27 was assigned through the actions and linked to its item.
    second_tasks = Task.objects.filter(directive__number=SESSION2)
    assert second_tasks.count() == 27
    created = AuditEvent.objects.filter(
        event_type=EventType.TASK_CREATED,
        target_id__in=[str(pk) for pk in second_tasks.values_list("pk", flat=True)],
    )
    assert created.count() == 27
    assert ItemTask.objects.filter(task__in=second_tasks).count() == 27
    # The sections with no data for 2022 say so.
    for key in ("indicators", "qd766", "dti", "investment", "late_reports"):
        assert report.section(held.snapshot, key)["available"] is False
    # Attendance per member over the two sessions; a stand-in for the Ministry of Public Security.
    sessions, rows = reads.attendance_history(committee)
    assert [s.number for s in sessions] == [2, 3]
    statuses = {row.seat.agency.code: [c.status for c in row.cells if c] for row in rows}
    assert statuses["BCA"] == ["stand_in", "stand_in"]
    assert statuses["BNV"] == ["absent", "absent_excused"]


def test_the_directives_demo_leaves_the_notice_and_loading_again_changes_nothing(
    loaded: dict[str, int],
) -> None:
    assert loaded["tasks"] == 28  # 27, and the third session's one
    directives = load_directive_demo(today=timezone.localdate(), generated=0)
    assert directives["directives_skipped"] == 1
    assert Directive.objects.filter(number=SESSION2).count() == 1
    assert Task.objects.filter(directive__number=SESSION2).count() == 27
    before = AuditEvent.objects.count()
    assert load_national_history(today=timezone.localdate()) == {"committees": 0}
    assert AuditEvent.objects.count() == before
    ballot = Ballot.objects.get(committee__code=NATIONAL)
    tally = reads.ballot_tally(ballot)
    assert (tally.agree, tally.other, tally.stand_ins) == (4, 1, 4)
    assert all(reads.answer_problem(a, ballot.content_hash) is None for a in ballot.answers.all())


def test_phu_tho_has_conclusions_with_tasks_and_an_overdue_ballot(loaded: dict[str, int]) -> None:
    assert load_committees_demo(today=timezone.localdate())["committees"] == 2
    committee = Committee.objects.get(code=PHU_THO)
    assert committee.predecessors.count() == 1
    held, upcoming = committee.sessions.order_by("held_on")
    assert ItemTask.objects.filter(item__conclusion__session=held).count() == 3
    counts = report.section(upcoming.report.snapshot, "tasks")["counts"]
    assert (counts["done_on_time"], counts["overdue"], counts["open"]) == (1, 1, 1)
    assert upcoming.items.filter(documents__isnull=False).count() == 2
    overdue = committee.ballots.get(number="07/PLYK-BCĐ")
    assert overdue.status == "open" and overdue.deadline < timezone.now()
    assert len(reads.ballot_tally(overdue).missing) == 4
    assert committee.ballots.get(number="05/PLYK-BCĐ").decision
    assert load_committees_demo(today=timezone.localdate()) == {"committees": 0}
