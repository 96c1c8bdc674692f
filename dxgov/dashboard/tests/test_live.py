"""Real time: an approval appends to the change feed in its transaction and the event stream
carries it; the weekly digest is sent once per ISO week."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from dxgov.accounts.models import User
from dxgov.dashboard import feed
from dxgov.dashboard.digest import send_weekly_digests
from dxgov.dashboard.models import ChangeFeed
from dxgov.dashboard.tests.world import DashWorld
from dxgov.notifications.models import Notification
from dxgov.reporting import actions
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def _events(client: object, after: int) -> str:
    response = client.get(f"/dashboard/events?after={after}")  # type: ignore[attr-defined]
    assert response["Content-Type"] == "text/event-stream"
    return b"".join(response.streaming_content).decode()


def test_approval_reaches_the_event_stream(world: DashWorld, phutho_leader: User) -> None:
    before = feed.latest_id()
    client = client_for(phutho_leader)
    assert "event: change" not in _events(client, before)
    actions.approve_report(acting_user=phutho_leader, report=world.pending)
    row = ChangeFeed.objects.get(id__gt=before)
    assert row.agency_code == "UBND-T25" and "indicators" in row.blocks
    stream = _events(client, before)
    assert f"id: {row.id}\nevent: change\n" in stream
    assert '"agency": "UBND-T25"' in stream
    # Reconnecting with Last-Event-ID gets nothing twice.
    again = client.get("/dashboard/events", HTTP_LAST_EVENT_ID=str(row.id))
    assert "event: change" not in b"".join(again.streaming_content).decode()


def test_a_refused_step_publishes_nothing(world: DashWorld, phutho_officer: User) -> None:
    before = feed.latest_id()
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied: an officer cannot approve)
        actions.approve_report(acting_user=phutho_officer, report=world.pending)
    assert feed.latest_id() == before


@override_settings(DXGOV_SSE_SECONDS=0)
def test_the_stream_ends_and_says_when_to_retry(db: object, coordinator: User) -> None:
    stream = _events(client_for(coordinator), 0)
    assert stream.startswith("retry: ")


def test_approved_figure_appears_on_the_overview(world: DashWorld, phutho_leader: User) -> None:
    client = client_for(phutho_leader)
    url = "/dashboard/agency/UBND-T25/?block=indicators"
    before = client.get(url).content.decode()
    actions.approve_report(acting_user=phutho_leader, report=world.pending)
    after = client.get(url).content.decode()
    assert "63,0%" in after and "63,0%" not in before


def test_weekly_digest_once_per_week(
    world: DashWorld, django_capture_on_commit_callbacks: Any
) -> None:
    monday = date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_weekly_digests(monday)
    assert first >= 1
    leader = User.objects.get(username="dienbien.lanhdao")
    note = Notification.objects.get(recipient=leader, kind="warning_digest")
    assert "2026-W48" in note.dedupe_key and note.link == "/dashboard/agency/UBND-T11/"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests(date(2026, 11, 27)) == 0  # same ISO week: nothing again
    assert Notification.objects.filter(kind="warning_digest").count() == first
    assert len(mail.outbox) == first
    assert send_weekly_digests(date(2026, 11, 30)) == first  # the next week
