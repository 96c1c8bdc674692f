"""Committees through their actions, against the real database: the session report's snapshot
against the task statistics, conclusions that assign tasks, attendance and stand-ins, and every
ballot rule (deadline, non-member, second answer, no question, stand-in without a delegation,
tampered signatures)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from dxgov.audit.models import AuditEvent, EventType
from dxgov.committees import actions, ballots, reads, report, signing
from dxgov.committees.models import (
    Answer,
    Attendance,
    AttendanceStatus,
    BallotStatus,
    ItemTask,
    KeyOrigin,
    LiveEvent,
    SigningKey,
)
from dxgov.committees.tests.world import World, build, open_ballot, user
from dxgov.core.errors import TransitionNotAllowed
from dxgov.directives import actions as task_actions
from dxgov.directives import stats
from dxgov.directives.models import Task
from dxgov.notifications.models import Notification
from dxgov.orgunits.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Refusals are matched by their source text (the catalogue's Vietnamese is read on the
    pages' tests), whatever language the catalogue and the settings give by default."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: Any) -> World:
    return build()


def _issued_with_tasks(world: World) -> tuple[Any, list[Task]]:
    """Session 1, held, with its notice issued and four tasks: done on time, overdue, open,
    and awaiting confirmation."""
    today = timezone.localdate()
    first = actions.create_session(
        acting_user=world.coordinator,
        committee=world.committee,
        title="Phiên họp thứ nhất",
        held_on=today - timedelta(days=90),
        number=None,
    )
    conclusion = actions.save_conclusion(
        acting_user=world.officer,
        session=first,
        summary="Kết luận của Trưởng Ban",
        items=["Sở KH&CN hoàn thành nền tảng dữ liệu", "Các sở số hóa hồ sơ"],
    )
    actions.issue_conclusion(
        acting_user=world.coordinator,
        conclusion=conclusion,
        number="15/TB-BCĐ",
        issued_on=today - timedelta(days=88),
    )
    first_item, second_item = conclusion.items.order_by("order")
    department = Agency.objects.get(code="SO-25-KHCN")
    province = Agency.objects.get(code="UBND-T25")
    past = today - timedelta(days=88)

    def task(item: Any, content: str, lead: Agency, deadline: Any) -> Task:
        return actions.assign_task(
            acting_user=world.coordinator,
            item=item,
            content=content,
            lead_agency=lead,
            deadline=deadline,
            today=past,
        )

    done = task(first_item, "Nền tảng dữ liệu", department, today - timedelta(days=30))
    late = task(first_item, "Kho dữ liệu dùng chung", department, today - timedelta(days=5))
    open_ = task(second_item, "Số hóa hồ sơ", province, today + timedelta(days=40))
    awaiting = task(second_item, "Chuẩn hóa quy trình", province, today + timedelta(days=40))
    skhcn = user("phutho.skhcn")
    task_actions.mark_task_done(
        acting_user=skhcn, task=done, completed_on=today - timedelta(days=40)
    )
    task_actions.confirm_task(acting_user=world.coordinator, task=done)
    task_actions.mark_task_done(acting_user=world.officer, task=awaiting)
    return first, [done, late, open_, awaiting]


def _statistics(tasks: list[Task]) -> dict[str, Any]:
    rows = Task.objects.filter(pk__in=[t.pk for t in tasks]).values("status", "deadline")
    return stats.summarize(rows, timezone.localdate())


def test_the_report_is_the_task_statistics_at_drafting_and_stays_so(world: World) -> None:
    _first, tasks = _issued_with_tasks(world)
    drafted = actions.draft_report(acting_user=world.officer, session=world.session)
    tasks_section = report.section(drafted.snapshot, "tasks")
    figures = _statistics(tasks)
    assert tasks_section["counts"] == figures["by_status"]
    assert sum(tasks_section["counts"].values()) == figures["total"] == 4
    with translation.override("vi"):
        assert report.sentence(tasks_section["counts"]) == (
            "4 nhiệm vụ: 1 hoàn thành, 3 đang thực hiện (1 quá hạn)"
        )
    assert tasks_section["source"]["task_ids"] == sorted(t.pk for t in tasks)
    assert [a["code"] for a in tasks_section["overdue_agencies"]] == ["SO-25-KHCN"]
    assert drafted.digest == report.digest(drafted.snapshot)

    # The tasks move on; the report drafted before does not.
    task_actions.confirm_task(acting_user=world.coordinator, task=tasks[3])
    task_actions.mark_task_done(acting_user=user("phutho.skhcn"), task=tasks[1])
    drafted.refresh_from_db()
    assert report.section(drafted.snapshot, "tasks")["counts"] == figures["by_status"]
    assert drafted.digest == report.digest(drafted.snapshot)
    assert _statistics(tasks)["completed"] == 2

    # Drafted again while a draft: the figures of now; once final, never again.
    again = actions.draft_report(acting_user=world.officer, session=world.session)
    assert report.section(again.snapshot, "tasks")["counts"] == _statistics(tasks)["by_status"]
    actions.finalise_report(acting_user=world.leader, report_row=again)
    with pytest.raises(TransitionNotAllowed):
        actions.draft_report(acting_user=world.officer, session=world.session)
    with pytest.raises(TransitionNotAllowed):
        actions.edit_report(
            acting_user=world.officer, report_row=again, number="", introduction="x", proposals=""
        )
    event = AuditEvent.objects.filter(event_type=EventType.SESSION_REPORT_DRAFTED).last()
    assert event is not None and event.data["digest"]["new"] == again.digest
    assert event.data["state"]  # the report's row state is in the ledger


def test_a_report_of_an_earlier_day_counts_the_tasks_as_they_were(world: World) -> None:
    _issued_with_tasks(world)
    today = timezone.localdate()
    moment = timezone.now() - timedelta(days=35)
    drafted = actions.draft_report(acting_user=world.officer, session=world.session, at=moment)
    counts = report.section(drafted.snapshot, "tasks")["counts"]
    # 35 days ago: the first task was done (40 days ago), nothing was overdue yet.
    assert counts["done_on_time"] == 1 and counts["overdue"] == 0
    assert counts["open"] == 3 and drafted.as_of == today - timedelta(days=35)


def test_sections_without_data_say_so(world: World) -> None:
    drafted = actions.draft_report(acting_user=world.officer, session=world.session)
    tasks = report.section(drafted.snapshot, "tasks")
    assert tasks["available"] is False and tasks["counts"]["open"] == 0
    for key in ("indicators", "qd766", "dti", "investment"):
        assert report.section(drafted.snapshot, key)["available"] is False


def test_conclusions_create_tasks_linked_to_session_and_item(world: World) -> None:
    first, tasks = _issued_with_tasks(world)
    conclusion = first.conclusion
    assert conclusion.directive is not None
    assert conclusion.directive.kind == "thong_bao_ket_luan"
    assert conclusion.directive.number == "15/TB-BCĐ"
    for task in tasks:
        link = ItemTask.objects.get(task=task)
        assert link.item.conclusion.session == first
        assert task.directive_id == conclusion.directive_id
    assert [link.item.order for link in ItemTask.objects.order_by("task_id")] == [1, 1, 2, 2]
    # Items with tasks keep their text; an issued notice is fixed.
    with pytest.raises(TransitionNotAllowed):
        actions.save_conclusion(acting_user=world.officer, session=first, summary="", items=["x"])


def test_tasks_wait_for_the_notice_and_follow_the_directives_rights(world: World) -> None:
    conclusion = actions.save_conclusion(
        acting_user=world.officer, session=world.session, summary="", items=["Một việc"]
    )
    item = conclusion.items.get()
    agency = Agency.objects.get(code="UBND-T25")
    with pytest.raises(TransitionNotAllowed, match="Issue the concluding notice first"):
        actions.assign_task(
            acting_user=world.coordinator, item=item, content="x", lead_agency=agency
        )
    with pytest.raises(ValidationError):
        actions.save_conclusion(
            acting_user=world.officer, session=world.session, summary="", items=[]
        )
    with pytest.raises(ValidationError):  # issued before the session was held
        actions.issue_conclusion(
            acting_user=world.coordinator,
            conclusion=conclusion,
            number="16/TB-BCĐ",
            issued_on=world.session.held_on - timedelta(days=1),
        )
    actions.issue_conclusion(
        acting_user=world.coordinator,
        conclusion=conclusion,
        number="16/TB-BCĐ",
        issued_on=world.session.held_on,
    )
    # Tasks are created through directives.actions: a province's officer may not create one.
    with pytest.raises(PermissionDenied):
        actions.assign_task(acting_user=world.officer, item=item, content="x", lead_agency=agency)
    assert not ItemTask.objects.exists()


# --- attendance ------------------------------------------------------------------------------


def test_attendance_with_a_stand_in_needs_a_delegation(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_attendance(
            acting_user=world.officer,
            session=world.session,
            membership=world.chair,
            status=AttendanceStatus.STAND_IN,
        )
    assert "delegation" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.record_attendance(
            acting_user=world.officer,
            session=world.session,
            membership=world.chair,
            status=AttendanceStatus.ABSENT_EXCUSED,
        )
    actions.grant_delegation(
        acting_user=world.leader,
        membership=world.chair,
        delegate=user("phutho.skhcn"),
        valid_from=world.session.held_on,
        valid_to=world.session.held_on,
        document="Giấy ủy quyền số 12/GUQ-UBND",
    )
    held = actions.record_attendance(
        acting_user=world.officer,
        session=world.session,
        membership=world.chair,
        status=AttendanceStatus.STAND_IN,
    )
    assert held.delegation is not None and held.delegation.delegate.username == "phutho.skhcn"
    actions.record_attendance(
        acting_user=world.officer,
        session=world.session,
        membership=world.member,
        status=AttendanceStatus.REMOTE,
    )
    sessions, rows = reads.attendance_history(world.committee)
    assert [s.pk for s in sessions] == [world.session.pk]
    assert {row.seat.pk: row.cells[0].status for row in rows if row.cells[0]} == {
        world.chair.pk: "stand_in",
        world.member.pk: "remote",
    }
    assert Attendance.objects.count() == 2
    assert LiveEvent.objects.filter(session=world.session, blocks=["attendance"]).count() == 2


def test_only_the_standing_office_manages(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.record_attendance(
            acting_user=user("phutho.xem"),
            session=world.session,
            membership=world.member,
            status=AttendanceStatus.PRESENT,
        )
    with pytest.raises(PermissionDenied):
        actions.create_ballot(
            acting_user=user("dienbien.canbo"),
            committee=world.committee,
            title="x",
            question="y",
            deadline=timezone.now() + timedelta(days=1),
        )


# --- ballots -----------------------------------------------------------------------------------


def test_a_ballot_needs_a_question(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.create_ballot(
            acting_user=world.officer,
            committee=world.committee,
            title="Phiếu không có câu hỏi",
            question="   ",
            deadline=timezone.now() + timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"question"}


def test_a_members_answer_is_signed_and_verifies(world: World) -> None:
    ballot = open_ballot(world)
    assert ballot.status == BallotStatus.OPEN and len(ballot.content_hash) == 64
    answer = actions.answer_ballot(
        acting_user=world.leader, ballot=ballot, choice="agree", comment="Nhất trí"
    )
    assert answer.membership == world.chair and not answer.stand_in
    assert answer.signed_body["content_hash"] == ballot.content_hash
    assert answer.key.origin == KeyOrigin.GENERATED and answer.key.encrypted_private_key
    assert "PRIVATE" not in answer.key.encrypted_private_key
    assert reads.answer_problem(answer, ballot.content_hash) is None
    assert ballots.content_hash(reads.content_of(ballot)) == ballot.content_hash
    public = signing.load_public(answer.key.public_key)
    assert signing.verify(public, answer.signed_body, answer.signature)
    assert reads.ballot_tally(ballot).agree == 1
    # The same signer's next answer uses the same key.
    other = open_ballot(world, title="Phiếu thứ hai")
    again = actions.answer_ballot(acting_user=world.leader, ballot=other, choice="disagree")
    assert again.key == answer.key
    assert SigningKey.objects.filter(user=world.leader).count() == 1


def test_an_answer_after_the_deadline_is_refused_and_nothing_is_kept(world: World) -> None:
    ballot = open_ballot(world)
    type(ballot).objects.filter(pk=ballot.pk).update(deadline=timezone.now() - timedelta(hours=1))
    with pytest.raises(TransitionNotAllowed, match="has passed"):
        actions.answer_ballot(acting_user=world.leader, ballot=ballot, choice="agree")
    assert not Answer.objects.exists()


def test_a_non_member_cannot_answer(world: World) -> None:
    ballot = open_ballot(world)
    with pytest.raises(PermissionDenied, match="not a member"):
        actions.answer_ballot(acting_user=user("phutho.xem"), ballot=ballot, choice="agree")
    # A coordinator sees every ballot but is no member.
    with pytest.raises(PermissionDenied):
        actions.answer_ballot(acting_user=world.coordinator, ballot=ballot, choice="agree")
    assert not Answer.objects.exists()


def test_a_second_answer_is_refused_or_kept_as_a_change_as_the_rule_says(world: World) -> None:
    once = open_ballot(world)
    actions.answer_ballot(acting_user=world.officer, ballot=once, choice="disagree")
    with pytest.raises(TransitionNotAllowed, match="already answered"):
        actions.answer_ballot(acting_user=world.officer, ballot=once, choice="agree")
    assert once.answers.count() == 1

    changeable = open_ballot(world, title="Phiếu cho sửa", change_rule="replace")
    first = actions.answer_ballot(acting_user=world.officer, ballot=changeable, choice="disagree")
    second = actions.answer_ballot(
        acting_user=world.officer, ballot=changeable, choice="other", comment="Bổ sung mục 3"
    )
    assert (first.sequence, second.sequence) == (1, 2)
    assert changeable.answers.count() == 2  # the first is kept
    result = reads.ballot_tally(changeable)
    assert (result.disagree, result.other, result.changed) == (0, 1, 1)


def test_a_stand_in_answers_only_with_a_delegation_and_is_marked(world: World) -> None:
    ballot = open_ballot(world)
    deputy = user("phutho.skhcn")
    with pytest.raises(PermissionDenied, match="not a member"):
        actions.answer_ballot(acting_user=deputy, ballot=ballot, choice="agree")
    with pytest.raises(PermissionDenied, match="no delegation"):
        actions.answer_ballot(acting_user=deputy, ballot=ballot, choice="agree", member=world.chair)
    today = timezone.localdate()
    actions.grant_delegation(
        acting_user=world.leader,
        membership=world.chair,
        delegate=deputy,
        valid_from=today,
        valid_to=today + timedelta(days=5),
        document="Giấy ủy quyền số 3/GUQ",
    )
    answer = actions.answer_ballot(acting_user=deputy, ballot=ballot, choice="agree")
    assert answer.membership == world.chair and answer.stand_in
    assert answer.signed_body["stand_in"] is True
    assert answer.signed_body["answered_by"] == "phutho.skhcn"
    assert answer.key.user == deputy  # the stand-in signs with their own key
    assert reads.ballot_tally(ballot).stand_ins == 1


def test_a_registered_key_signs_on_the_device_and_a_bad_signature_is_refused(
    world: World,
) -> None:
    device = Ed25519PrivateKey.generate()
    key = actions.register_key(
        acting_user=world.officer, public_pem=signing.public_pem(device.public_key())
    )
    assert key.origin == KeyOrigin.REGISTERED and key.encrypted_private_key == ""
    ballot = open_ballot(world)
    moment = timezone.now().replace(microsecond=0)
    body = ballots.signed_body(
        content_digest=ballot.content_hash,
        ballot=ballot.pk,
        answer=ballots.AnswerInput(world.member.pk, "agree", ""),
        member_title=world.member.holder,
        answered_by=world.officer.username,
        stand_in=False,
        answered_at=moment,
        sequence=1,
    )
    forged = signing.sign(device, {**body, "choice": "disagree"})
    with pytest.raises(ValidationError) as refused:
        actions.answer_ballot(
            acting_user=world.officer,
            ballot=ballot,
            choice="agree",
            signature=forged,
            answered_at=moment,
        )
    assert "signature" in refused.value.message_dict
    with pytest.raises(ValidationError):  # no signature at all with a key on a device
        actions.answer_ballot(acting_user=world.officer, ballot=ballot, choice="agree")
    assert not Answer.objects.exists()
    answer = actions.answer_ballot(
        acting_user=world.officer,
        ballot=ballot,
        choice="agree",
        signature=signing.sign(device, body),
        answered_at=moment,
    )
    assert answer.key == key and reads.answer_problem(answer, ballot.content_hash) is None
    with pytest.raises(ValidationError):
        actions.register_key(acting_user=world.officer, public_pem="not a key")


def test_an_answer_altered_in_the_database_is_flagged_and_not_counted(world: World) -> None:
    ballot = open_ballot(world)
    kept = actions.answer_ballot(acting_user=world.leader, ballot=ballot, choice="agree")
    actions.answer_ballot(acting_user=world.officer, ballot=ballot, choice="agree")
    Answer.objects.filter(pk=kept.pk).update(choice="disagree")  # behind the platform's back
    altered = Answer.objects.get(pk=kept.pk)
    assert reads.answer_problem(altered, ballot.content_hash) == (
        "signed choice differs from the answer recorded"
    )
    closed = actions.close_ballot(
        acting_user=world.officer, ballot=ballot, decision="Chưa đủ quá nửa"
    )
    assert closed.result is not None
    assert closed.result["invalid"] == [kept.pk]
    assert closed.result["agree"] == 1 and closed.result["disagree"] == 0
    assert closed.result["missing"] == [world.chair.pk]
    assert Answer.objects.filter(pk=kept.pk).exists()  # nothing lost
    with pytest.raises(TransitionNotAllowed, match="closed"):
        actions.answer_ballot(acting_user=world.leader, ballot=ballot, choice="agree")


def test_deadline_extension_lets_an_overdue_member_answer(world: World) -> None:
    ballot = open_ballot(world)
    type(ballot).objects.filter(pk=ballot.pk).update(deadline=timezone.now() - timedelta(hours=1))
    ballot.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.extend_deadline(
            acting_user=world.officer, ballot=ballot, deadline=timezone.now() - timedelta(minutes=1)
        )
    actions.extend_deadline(
        acting_user=world.officer, ballot=ballot, deadline=timezone.now() + timedelta(days=1)
    )
    answer = actions.answer_ballot(acting_user=world.leader, ballot=ballot, choice="agree")
    assert answer.signed_body["content_hash"] == ballot.content_hash  # the question is unchanged


def test_session_flow_and_live_events(world: World) -> None:
    session = world.session
    assert actions.send_invitations(acting_user=world.officer, session=session) == 2
    assert actions.send_invitations(acting_user=world.officer, session=session) == 0
    second = actions.add_agenda_item(
        acting_user=world.officer, session=session, title="Cho ý kiến dự thảo Kế hoạch"
    )
    actions.start_session(acting_user=world.officer, session=session)
    assert session.current_item is not None and session.current_item.order == 1
    actions.set_current_item(acting_user=world.officer, session=session, item=second)
    with pytest.raises(TransitionNotAllowed):
        actions.start_session(acting_user=world.officer, session=session)
    actions.close_session(acting_user=world.officer, session=session)
    with pytest.raises(TransitionNotAllowed):
        actions.add_agenda_item(acting_user=world.officer, session=session, title="Muộn")
    blocks = [e.blocks for e in LiveEvent.objects.filter(session=session).order_by("id")]
    assert ["agenda"] in blocks and ["agenda", "attendance", "tally"] in blocks
    assert Notification.objects.filter(kind="session_invitation").count() == 2
