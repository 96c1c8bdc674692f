"""Ballot reminders: due soon, then overdue (members and the standing office), each sent once —
however often the day's run goes, and when two workers run it at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from dxgov.committees import actions
from dxgov.committees.tests.world import World, build, open_ballot
from dxgov.notifications.models import Notification
from dxgov.operations import daily


def _kinds() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("kind", "recipient__username"))


@pytest.mark.django_db
def test_due_soon_then_overdue_each_once(db: Any) -> None:
    world = build()
    ballot = open_ballot(world, deadline=timezone.now() + timedelta(hours=30))
    actions.answer_ballot(acting_user=world.leader, ballot=ballot, choice="agree")
    Notification.objects.all().delete()
    now = timezone.now()
    assert actions.send_ballot_reminders(now) == 0  # 30 hours left: nothing yet
    soon = now + timedelta(hours=10)
    assert actions.send_ballot_reminders(soon) == 1  # the officer, who has not answered
    assert actions.send_ballot_reminders(soon) == 0
    assert _kinds() == [("ballot_due_soon", "phutho.canbo")]
    late = ballot.deadline + timedelta(minutes=5)
    assert actions.send_ballot_reminders(late) == 2  # the officer, and the office's warning
    assert actions.send_ballot_reminders(late + timedelta(days=1)) == 0
    assert _kinds() == [
        ("ballot_due_soon", "phutho.canbo"),
        ("ballot_overdue", "phutho.canbo"),
        ("ballot_overdue", "vpcp.dieuphoi"),
    ]
    # An extended deadline reminds afresh before it; overdue stays once.
    later = ballot.deadline + timedelta(days=1)
    actions.extend_deadline(acting_user=world.coordinator, ballot=ballot, deadline=later)
    ballot.refresh_from_db()
    assert actions.send_ballot_reminders(later - timedelta(hours=10)) == 1
    actions.close_ballot(acting_user=world.coordinator, ballot=ballot)
    assert actions.send_ballot_reminders(ballot.deadline + timedelta(days=3)) == 0


@pytest.mark.django_db
def test_the_days_run_sends_them(db: Any) -> None:
    world = build()
    open_ballot(world, deadline=timezone.now() + timedelta(hours=2))
    Notification.objects.all().delete()
    result = daily.run_daily(timezone.localdate())
    assert result.reminders >= 2  # the two members' due-soon reminders
    assert Notification.objects.filter(kind="ballot_due_soon").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_exactly_once(reference_data: None) -> None:
    world: World = build()
    ballots = [
        open_ballot(world, title=f"Phiếu {n}", deadline=timezone.now() + timedelta(hours=3))
        for n in range(4)
    ]
    Notification.objects.all().delete()
    mail.outbox.clear()
    moment = timezone.now()
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(actions.send_ballot_reminders(moment))
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
    expected = len(ballots) * 2  # each ballot's two members
    assert sum(results) == expected
    keys = list(Notification.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == expected == len(set(keys))
    assert len(mail.outbox) == expected
