"""Reminders and digests against the real database: who gets them, and only once.

Phú Thọ's leader and officer are reminded of Phú Thọ's tasks; its viewer, its department and
Điện Biên are not. Running the job again (the same day, or two workers at the same moment)
creates no second notification and sends no second e-mail.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.directives import actions, jobs
from dxgov.directives.models import Directive, DirectiveKind, Task, TaskStatus
from dxgov.directives.reminder_actions import send_agency_digests, send_task_reminders
from dxgov.notifications.models import Notification, NotificationKind
from dxgov.operations import daily
from dxgov.orgunits.models import Agency

PHU_THO, DIEN_BIEN = "UBND-T25", "UBND-T11"
ISSUED = date(2025, 7, 1)
DEADLINE = date(2025, 9, 30)
REMINDED = {"phutho.lanhdao", "phutho.canbo"}
T = TypeVar("T")


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _coordinator() -> User:
    return User.objects.get(username="vpcp.dieuphoi")


def _directive() -> Directive:
    return actions.create_directive(
        acting_user=_coordinator(),
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=ISSUED,
        issuing_agency=_agency("CP"),
        title="Nghị quyết phiên họp Chính phủ thường kỳ",
    )


def _task(directive: Directive, lead: str = PHU_THO, **kwargs: Any) -> Task:
    values: dict[str, Any] = {
        "content": "Hoàn thành kết nối cơ sở dữ liệu dân cư",
        "deadline": DEADLINE,
        "today": ISSUED,
        **kwargs,
    }
    return actions.create_task(
        acting_user=_coordinator(), directive=directive, lead_agency=_agency(lead), **values
    )


def _recipients(**filters: Any) -> Counter[str]:
    rows = Notification.objects.filter(**filters).values_list("recipient__username", flat=True)
    return Counter(rows)


def _mailed_to() -> Counter[str]:
    return Counter(address for message in mail.outbox for address in message.to)


@pytest.fixture
def directive(db: Any) -> Directive:
    return _directive()


class Sender:
    """Runs a job in the test's transaction, then what would run on commit (the e-mails)."""

    def __init__(self, capture: Any) -> None:
        self.capture = capture

    def __call__(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.capture(execute=True):
            return function(*args, **kwargs)

    def reminders(self, day: date) -> int:
        return self(send_task_reminders, day)

    def digests(self, day: date) -> int:
        return self(send_agency_digests, day)


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Sender:
    return Sender(django_capture_on_commit_callbacks)


# --- reminders ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_due_soon_goes_to_the_lead_agencys_leaders_and_officers_only(
    directive: Directive, send: Sender
) -> None:
    task = _task(directive)
    _task(directive, lead=DIEN_BIEN, deadline=DEADLINE + timedelta(days=1))  # not due that day
    _task(directive, lead="SO-25-KHCN")  # Phú Thọ's department: its own staff, not the province's
    sent = send.reminders(DEADLINE - timedelta(days=7))
    mine = Notification.objects.filter(link=f"/directives/tasks/{task.pk}/")
    assert Counter(mine.values_list("recipient__username", flat=True)) == Counter(REMINDED)
    assert _recipients() == Counter(REMINDED | {"phutho.skhcn"})
    assert sent == 3
    assert {n.kind for n in mine} == {NotificationKind.TASK_DUE_SOON}
    first = mine.first()
    assert first is not None
    assert "7 ngày" in first.title and "Hoàn thành kết nối" in first.title
    assert "155/NQ-CP" in first.body and "30/09/2025" in first.body
    assert first.dedupe_key.startswith(f"task:{task.pk}:due:7:2025-09-30:")
    assert _mailed_to() == Counter(f"{name}@demo.dxgov.local" for name in REMINDED) + Counter(
        ["phutho.skhcn@demo.dxgov.local"]
    )


@pytest.mark.django_db
def test_running_twice_sends_each_reminder_once(directive: Directive, send: Sender) -> None:
    _task(directive)
    _task(directive, lead=DIEN_BIEN, content="Số hóa hồ sơ", deadline=DEADLINE - timedelta(days=4))
    day = DEADLINE - timedelta(days=3)  # Phú Thọ's: 3 days left; Điện Biên's: 1 day left
    assert send.reminders(day) == 4
    assert send.reminders(day) == 0
    assert Notification.objects.count() == 4 and len(mail.outbox) == 4
    assert _recipients() == Counter(REMINDED | {"dienbien.lanhdao", "dienbien.canbo"})
    # Another day, another reminder; the same day again, nothing.
    assert send.reminders(day + timedelta(days=2)) == 2  # Phú Thọ's: 1 day left
    assert send.reminders(day + timedelta(days=2)) == 0
    assert Notification.objects.count() == 6 and len(mail.outbox) == 6


@pytest.mark.django_db
def test_days_without_reminders_send_nothing(directive: Directive, send: Sender) -> None:
    _task(directive)
    for days in (30, 8, 6, 5, 4, 2, 0):
        assert send.reminders(DEADLINE - timedelta(days=days)) == 0
    assert Notification.objects.count() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_overdue_is_reminded_once_per_task_ever(directive: Directive, send: Sender) -> None:
    task = _task(directive)
    assert send.reminders(DEADLINE) == 0  # the deadline day: still within it
    assert send.reminders(DEADLINE + timedelta(days=1)) == 2
    assert send.reminders(DEADLINE + timedelta(days=2)) == 0
    assert send.reminders(DEADLINE + timedelta(days=20)) == 0
    overdue = Notification.objects.filter(kind=NotificationKind.TASK_OVERDUE)
    assert _recipients(kind=NotificationKind.TASK_OVERDUE) == Counter(REMINDED)
    assert {n.dedupe_key for n in overdue} == {
        f"task:{task.pk}:overdue:{User.objects.get(username=name).pk}" for name in REMINDED
    }
    assert len(mail.outbox) == 2
    assert "quá hạn" in mail.outbox[0].subject.lower()


@pytest.mark.django_db
def test_extended_deadline_reminds_again_but_overdue_stays_once(
    directive: Directive, send: Sender
) -> None:
    task = _task(directive)
    leader = User.objects.get(username="phutho.lanhdao")
    assert send.reminders(DEADLINE - timedelta(days=1)) == 2
    assert send.reminders(DEADLINE + timedelta(days=1)) == 2  # overdue
    extension = actions.request_extension(
        acting_user=leader,
        task=task,
        requested_deadline=date(2025, 10, 31),
        reason="Chờ kinh phí",
        today=DEADLINE + timedelta(days=1),
    )
    actions.decide_extension(
        acting_user=_coordinator(),
        extension=extension,
        approve=True,
        today=DEADLINE + timedelta(days=2),
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.deadline == date(2025, 10, 31)
    # One day before the new deadline: a new reminder, keyed on the new deadline.
    assert send.reminders(date(2025, 10, 30)) == 2
    assert Notification.objects.filter(dedupe_key__contains=":due:1:2025-10-31:").count() == 2
    # Past the new deadline too: the task was already reminded as overdue once.
    assert send.reminders(date(2025, 11, 1)) == 0
    assert Notification.objects.count() == 6 and len(mail.outbox) == 6


@pytest.mark.django_db
def test_finished_and_cancelled_tasks_and_inactive_users_get_nothing(
    directive: Directive, send: Sender
) -> None:
    done = _task(directive)
    officer = User.objects.get(username="phutho.canbo")
    actions.mark_task_done(acting_user=officer, task=done, today=DEADLINE - timedelta(days=8))
    User.objects.filter(username="phutho.lanhdao").update(is_active=False)
    _task(directive, content="Nhiệm vụ thứ hai")
    assert send.reminders(DEADLINE - timedelta(days=7)) == 1
    assert _recipients() == Counter(["phutho.canbo"])
    assert Notification.objects.get().link != f"/directives/tasks/{done.pk}/"


@pytest.mark.django_db
def test_a_user_without_e_mail_is_notified_in_the_platform_only(
    directive: Directive, send: Sender
) -> None:
    _task(directive)
    User.objects.filter(username="phutho.canbo").update(email="")
    assert send.reminders(DEADLINE - timedelta(days=7)) == 2
    assert _mailed_to() == Counter(["phutho.lanhdao@demo.dxgov.local"])


# --- digests --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_digest_once_a_day_to_leaders_with_counts_and_overdue_list(
    directive: Directive, send: Sender
) -> None:
    day = date(2025, 10, 2)
    _task(directive, content="Việc quá hạn thứ nhất", deadline=date(2025, 9, 20))
    _task(directive, content="Việc quá hạn thứ hai", deadline=date(2025, 9, 30))
    _task(directive, content="Việc sắp đến hạn", deadline=date(2025, 10, 5))
    _task(directive, content="Việc còn xa", deadline=date(2025, 12, 31))
    _task(directive, lead=DIEN_BIEN, content="Việc của Điện Biên", deadline=date(2025, 10, 2))
    actions.refresh_overdue(today=day)
    assert send.digests(day) == 2
    assert send.digests(day) == 0
    assert _recipients() == Counter(["phutho.lanhdao", "dienbien.lanhdao"])
    phu_tho = Notification.objects.get(recipient__username="phutho.lanhdao")
    assert phu_tho.kind == NotificationKind.AGENCY_DIGEST
    assert "Phú Thọ" in phu_tho.title and "02/10/2025" in phu_tho.title
    assert "Đang trong hạn: 2" in phu_tho.body
    assert "Quá hạn: 2" in phu_tho.body
    assert "Đến hạn trong 7 ngày tới: 1" in phu_tho.body
    # Overdue tasks listed, oldest deadline first; the others not listed.
    assert phu_tho.body.index("thứ nhất") < phu_tho.body.index("thứ hai")
    assert "sắp đến hạn" not in phu_tho.body
    agency_id = _agency(PHU_THO).pk
    assert phu_tho.dedupe_key == f"digest:{agency_id}:2025-10-02:{phu_tho.recipient_id}"
    assert len(mail.outbox) == 2
    # The next day brings the next digest.
    assert send.digests(day + timedelta(days=1)) == 2
    assert Notification.objects.count() == 4


@pytest.mark.django_db
def test_no_digest_for_agencies_without_active_tasks(directive: Directive, send: Sender) -> None:
    task = _task(directive)
    actions.mark_task_done(
        acting_user=User.objects.get(username="phutho.canbo"), task=task, today=ISSUED
    )
    assert send.digests(DEADLINE) == 0
    assert Notification.objects.count() == 0


# --- the command and the background jobs ----------------------------------------------------


@pytest.mark.django_db
def test_command_refreshes_statuses_then_reminds_and_digests(
    directive: Directive, send: Sender
) -> None:
    task = _task(directive)
    out = io.StringIO()
    send(call_command, "reminders", "run", "--today", "2025-10-01", stdout=out)
    task.refresh_from_db()
    assert task.status == TaskStatus.OVERDUE
    assert out.getvalue().strip() == (
        "2025-10-01: 1 task(s) became overdue; 2 reminder(s) and 1 digest(s) sent; "
        "0 reporting reminder(s) sent; 0 forecast(s) recomputed"
    )
    # The nightly forecasts run with the same timer (one audit event per recompute).
    assert AuditEvent.objects.filter(event_type=EventType.FORECASTS_RECOMPUTED).count() == 1
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3
    again = io.StringIO()
    send(call_command, "reminders", "run", "--today", "2025-10-01", stdout=again)
    assert "0 task(s) became overdue; 0 reminder(s) and 0 digest(s)" in again.getvalue()
    assert Notification.objects.count() == 3 and len(mail.outbox) == 3


@pytest.mark.django_db
def test_command_refuses_a_malformed_day() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reminders", "run", "--today", "01/10/2025")


@pytest.mark.django_db
def test_background_jobs_run_and_enqueue(directive: Directive, send: Sender) -> None:
    from django_tasks_db.models import DBTaskResult

    _task(directive)
    assert send(jobs.task_reminders.call, today="2025-09-23") == 2
    assert send(jobs.agency_digests.call, today="2025-09-23") == 1
    assert daily.daily_reminders.call(today="2025-09-23") == {
        "overdue": 0,
        "reminders": 0,
        "digests": 0,
        "report_reminders": 0,
        "forecasts": 0,
        "rescored": 0,
        "investment_reminders": 0,
    }
    result = daily.daily_reminders.enqueue(today="2025-10-01")
    assert DBTaskResult.objects.filter(id=result.id).exists()


# --- two workers at the same moment ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_exactly_once(reference_data: None) -> None:
    directive = _directive()
    tasks = [
        _task(directive, content=f"Nhiệm vụ số {number}", deadline=DEADLINE) for number in range(5)
    ]
    tasks += [
        _task(directive, lead=DIEN_BIEN, content=f"Việc Điện Biên {n}", deadline=DEADLINE)
        for n in range(5)
    ]
    day = DEADLINE - timedelta(days=3)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(send_task_reminders(day))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    expected = len(tasks) * 2  # each province's leader and officer
    assert len(results) == 2 and sum(results) == expected
    keys = list(Notification.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == expected == len(set(keys))
    for task in tasks:
        assert Notification.objects.filter(link=f"/directives/tasks/{task.pk}/").count() == 2
    assert len(mail.outbox) == expected
    sent = Counter((message.to[0], message.subject) for message in mail.outbox)
    assert set(sent.values()) == {1}
