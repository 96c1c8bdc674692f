"""Rendered blocks kept between requests: served again until a change they show is announced
in the change feed, never shared between users who see different rows, off with a setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.dashboard import cache, feed
from dxgov.dashboard.models import ChangeFeed, ChangeKind
from dxgov.dashboard.tests.world import DashWorld
from dxgov.directives import actions as directive_actions
from dxgov.directives.models import Directive, Task
from dxgov.forecasting.actions import recompute_forecasts
from dxgov.notifications.actions import notify
from dxgov.operations.daily import run_daily
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions
from dxgov.reporting.models import DataValue
from dxgov.scoring.rounds import RescoreResult
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

INDICATORS = "/dashboard/agency/UBND-T25/?block=indicators"


def _body(client: object, url: str) -> str:
    response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return str(response.content.decode())


def _directive(coordinator: User) -> Directive:
    return directive_actions.create_directive(
        acting_user=coordinator,
        kind="nghi_quyet",
        number="901/NQ-CP",
        issued_on=timezone.localdate() - timedelta(days=60),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Nghị quyết thử bộ nhớ đệm",
    )


def _task(coordinator: User, directive: Directive, lead: str, content: str) -> Task:
    return directive_actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content=content,
        lead_agency=Agency.objects.get(code=lead),
        deadline=timezone.localdate() - timedelta(days=3),
    )


def test_a_block_is_served_again_until_a_change_is_announced(
    world: DashWorld, phutho_leader: User
) -> None:
    client = client_for(phutho_leader)
    first = _body(client, INDICATORS)
    # A figure changed behind the actions' back: nothing announced it, the block stays.
    DataValue.objects.filter(agency__code="UBND-T25", indicator=world.rate).update(
        numerator=1, denominator=1000
    )
    assert _body(client, INDICATORS) == first
    # An approval announces itself in the feed in its own transaction: the next request builds
    # the block again and shows every committed figure.
    actions.approve_report(acting_user=phutho_leader, report=world.pending)
    assert _body(client, INDICATORS) != first


@override_settings(DXGOV_DASHBOARD_CACHE_SECONDS=0)
def test_the_cache_can_be_turned_off(world: DashWorld, phutho_leader: User) -> None:
    client = client_for(phutho_leader)
    first = _body(client, INDICATORS)
    DataValue.objects.filter(agency__code="UBND-T25", indicator=world.rate).update(
        numerator=1, denominator=1000
    )
    assert _body(client, INDICATORS) != first


def test_a_new_task_refreshes_the_task_block(world: DashWorld, coordinator: User) -> None:
    client = client_for(coordinator)
    directive = _directive(coordinator)
    before = _body(client, "/dashboard/?block=tasks")
    head = feed.latest_id()
    _task(coordinator, directive, "UBND-T25", "Số hoá hồ sơ đất đai quá hạn")
    row = ChangeFeed.objects.get(id__gt=head)
    assert row.kind == ChangeKind.TASKS and row.agency_code == "UBND-T25"
    after = _body(client, "/dashboard/?block=tasks")
    assert "Số hoá hồ sơ đất đai quá hạn" in after
    assert "Số hoá hồ sơ đất đai quá hạn" not in before


def test_users_with_different_scopes_never_share_a_block(
    world: DashWorld, coordinator: User, phutho_leader: User, dienbien_leader: User
) -> None:
    directive = _directive(coordinator)
    _task(coordinator, directive, "UBND-T25", "Việc riêng của Phú Thọ")
    _task(coordinator, directive, "UBND-T11", "Việc riêng của Điện Biên")
    url = "/dashboard/?block=tasks"
    with override_settings(DXGOV_DASHBOARD_CACHE_SECONDS=0):
        fresh = {u.username: _body(client_for(u), url) for u in (phutho_leader, dienbien_leader)}
    # Phú Thọ's leader fills the cache first; Điện Biên's must still get only its own tasks.
    cached = {u.username: _body(client_for(u), url) for u in (phutho_leader, dienbien_leader)}
    assert cached == fresh
    assert "Việc riêng của Phú Thọ" in cached[phutho_leader.username]
    assert "Việc riêng của Phú Thọ" not in cached[dienbien_leader.username]
    assert "Việc riêng của Điện Biên" in cached[dienbien_leader.username]


def test_the_language_is_part_of_the_key(world: DashWorld, coordinator: User) -> None:
    client = client_for(coordinator)
    vietnamese = _body(client, "/dashboard/?block=tasks")
    english = client.get("/dashboard/?block=tasks", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies.load({"django_language": "en"})
    english_body = _body(client, "/dashboard/?block=tasks")
    assert english.status_code == 200
    assert "Tasks by status" in english_body and "Tasks by status" not in vietnamese


def test_overdue_moves_and_forecast_runs_are_announced(world: DashWorld, coordinator: User) -> None:
    head = feed.latest_id()
    recompute_forecasts(acting_user=None)
    assert ChangeFeed.objects.filter(id__gt=head, kind=ChangeKind.FORECASTS).count() == 1
    directive = _directive(coordinator)
    task = _task(coordinator, directive, "UBND-T25", "Việc sắp quá hạn")
    Task.objects.filter(pk=task.pk).update(status="open")  # as if created before its deadline
    head = feed.latest_id()
    run = run_daily(timezone.localdate())
    assert run.overdue == 1
    # One row for the day's moves, however many tasks moved.
    assert list(ChangeFeed.objects.filter(id__gt=head).values_list("kind", flat=True)) == [
        ChangeKind.TASKS,
        ChangeKind.FORECASTS,
    ]


def test_the_daily_run_prunes_the_feed(world: DashWorld) -> None:
    old = feed.publish(kind=ChangeKind.REPORT, agency=None, blocks=("indicators",))
    ChangeFeed.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=3))
    run_daily(timezone.localdate())
    assert not ChangeFeed.objects.filter(pk=old.pk).exists()


# --- whole pages, per session -----------------------------------------------------------------

AGENCY_PAGE = "/dashboard/agency/UBND-T25/"


def test_a_page_is_served_again_to_its_session_until_a_change(
    world: DashWorld, phutho_leader: User
) -> None:
    client = client_for(phutho_leader)
    _body(client, AGENCY_PAGE)  # the first page sets the CSRF cookie the kept one is keyed by
    first = _body(client, AGENCY_PAGE)
    DataValue.objects.filter(agency__code="UBND-T25", indicator=world.rate).update(
        numerator=1, denominator=1000
    )
    # The same bytes, masked CSRF token included: the whole page came from the cache.
    assert _body(client, AGENCY_PAGE) == first
    actions.approve_report(acting_user=phutho_leader, report=world.pending)
    assert _body(client, AGENCY_PAGE) != first


def test_pages_are_kept_per_session(
    world: DashWorld, phutho_leader: User, dienbien_leader: User
) -> None:
    phutho, dienbien = client_for(phutho_leader), client_for(dienbien_leader)
    for client in (phutho, dienbien):
        _body(client, "/dashboard/")  # CSRF cookies set
    ours = _body(phutho, "/dashboard/")
    theirs = _body(dienbien, "/dashboard/")
    name, other = phutho_leader.display_name(), dienbien_leader.display_name()
    assert name in ours and name not in theirs and other in theirs
    # A second session of the same user builds its own page (its own CSRF token).
    again = client_for(phutho_leader)
    assert _body(again, "/dashboard/") != ours
    assert _body(phutho, "/dashboard/") == ours


def test_a_new_notification_changes_the_page(world: DashWorld, phutho_leader: User) -> None:
    client = client_for(phutho_leader)
    before = _body(client, "/dashboard/")
    notify(
        recipient=phutho_leader,
        kind="report_step",
        title="Có báo cáo mới",
        body="",
        link="",
        dedupe_key="cache-test",
        send_email=False,
    )
    after = _body(client, "/dashboard/")
    assert after != before and 'id="unread-count" class="badge warn">1<' in after


def test_a_waiting_message_is_never_skipped(world: DashWorld, phutho_leader: User) -> None:
    request = RequestFactory().get("/dashboard/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.session.save()
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = phutho_leader
    heads = cache.feed_heads()
    assert cache.page_key(request, heads) is not None
    messages.success(request, "Đã lưu.")
    assert cache.page_key(request, heads) is None


def test_a_rescoring_round_refreshes_only_what_shows_scores(
    world: DashWorld, coordinator: User
) -> None:
    client = client_for(coordinator)
    request = RequestFactory().get("/dashboard/")
    request.user = coordinator
    heads = cache.feed_heads()
    keys = {name: cache.key(request, name, heads) for name in ("ranking", "warnings", "map")}
    feed.scores_changed(RescoreResult(marks=1, scores=3))
    after = cache.feed_heads()
    assert cache.key(request, "ranking", after) != keys["ranking"]
    assert cache.key(request, "warnings", after) == keys["warnings"]
    assert cache.key(request, "map", after) == keys["map"]
    scores_map = RequestFactory().get("/dashboard/?show=score766")
    scores_map.user = coordinator
    assert cache.key(scores_map, "map", heads) != cache.key(scores_map, "map", after)
    assert _body(client, "/dashboard/?block=ranking")
