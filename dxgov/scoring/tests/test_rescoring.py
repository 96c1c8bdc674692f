"""Re-scoring after batches (ADR 17): counts change with the batch, scores in a round that the
batch's task runs; marks and task commit or roll back with the batch; rounds run one at a
time; a served platform's own task worker runs them."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dxgov.dashboard.models import ChangeFeed, ChangeKind
from dxgov.dossiers import actions
from dxgov.dossiers.models import SourceSystem
from dxgov.dossiers.signals import after_batch
from dxgov.dossiers.tests.conftest import make_record, make_source
from dxgov.dossiers.tests.test_reliability import _kill, _post, _serve
from dxgov.operations.daily import run_daily
from dxgov.orgunits.models import Agency
from dxgov.scoring import aggregate, jobs, rounds
from dxgov.scoring.jobs import prune_task_results, rescore_pending_task
from dxgov.scoring.models import MonthCounts, RescoreMark, Score
from dxgov.testing.serving import free_port

JULY = date(2025, 7, 1)


def _send(source: SourceSystem, batch_id: str, records: list[dict[str, Any]]) -> None:
    actions.receive_batch(
        acting_user=source.user,
        source=source,
        batch_id=batch_id,
        items=[(i, f"records[{i}]", r, None) for i, r in enumerate(records)],
    )


def _tasks(status: str = TaskResultStatus.READY) -> Any:
    return DBTaskResult.objects.filter(task_path=rescore_pending_task.module_path, status=status)


def _scores() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {
        (s.agency_id, s.period_kind, s.period_start, s.ruleset): (s.total, s.counts)
        for s in Score.objects.all()
    }


# --- the round's timing (pure) -----------------------------------------------------------


@override_settings(DXGOV_RESCORE_SECONDS=2)
def test_a_round_starts_at_the_next_multiple_of_the_interval() -> None:
    at = datetime(2026, 1, 5, 8, 0, 0, 500_000, tzinfo=UTC)
    assert jobs.next_round(at) == datetime(2026, 1, 5, 8, 0, 2, tzinfo=UTC)
    # Every batch of the same window shares the round; on the boundary, the next one.
    assert jobs.next_round(at + timedelta(seconds=1.4)) == jobs.next_round(at)
    boundary = datetime(2026, 1, 5, 8, 0, 2, tzinfo=UTC)
    assert jobs.next_round(boundary) == boundary + timedelta(seconds=2)


@override_settings(DXGOV_RESCORE_SECONDS=0)
def test_no_interval_means_a_round_as_soon_as_a_worker_takes_the_task() -> None:
    at = datetime(2026, 1, 5, 8, 0, 0, 123_000, tzinfo=UTC)
    assert jobs.next_round(at) == at


# --- in the database ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_changes_counts_at_once_and_scores_in_the_round_its_task_runs() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    before = timezone.now()
    _send(source, "b1", [make_record(f"R{i}") for i in range(6)])
    # The counts are the batch's own write; the scores wait for the round.
    department = Agency.objects.get(code="SO-25-KHCN")
    assert MonthCounts.objects.get(agency=department, month=JULY).dossiers_received == 6
    assert not Score.objects.exists()
    marks = set(RescoreMark.objects.values_list("month", "agency_id"))
    assert marks == {(JULY, department.id)}
    task = _tasks().get()
    assert before <= task.run_after <= timezone.now() + timedelta(seconds=2)
    # What the worker runs: every mark taken, the department and its ancestors re-scored for
    # the month, the quarter and the year.
    assert rescore_pending_task.call() == {"marks": 1, "scores": 6}
    assert not RescoreMark.objects.exists()
    province = Agency.objects.get(code="UBND-T25")
    kinds = set(
        Score.objects.filter(agency__in=[department, province]).values_list(
            "agency__code", "period_kind"
        )
    )
    assert kinds == {
        (a, k) for a in ("SO-25-KHCN", "UBND-T25") for k in ("month", "quarter", "year")
    }
    assert Score.objects.get(agency=province, period_kind="month").dossiers_received == 6
    # The round's scores are those a full recompute gives.
    rounded = _scores()
    aggregate.recompute_months([JULY])
    assert _scores() == rounded
    # A second task finds nothing to do.
    assert rescore_pending_task.call() == {"marks": 0, "scores": 0}


@pytest.mark.django_db
@override_settings(DXGOV_RESCORE_SECONDS=3600)
def test_batches_of_one_window_join_one_round() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    dienbien, _other = make_source("DB-MOTCUA", "UBND-T11")
    _send(source, "b1", [make_record("P1")])
    _send(dienbien, "b1", [make_record("D1", agency_code="UBND-T11")])
    _send(source, "b2", [make_record("P2", agency_code="UBND-T25")])
    assert _tasks().count() == 1
    assert RescoreMark.objects.count() == 3
    assert rescore_pending_task.call() == {"marks": 3, "scores": 9}


@pytest.mark.skipif(
    not os.environ.get("DXGOV_DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL's row locks (SQLite has one writer at a time)",
)
@pytest.mark.django_db(transaction=True)
@override_settings(DXGOV_RESCORE_SECONDS=3600)
def test_a_worker_cannot_start_a_round_a_batch_has_joined_until_the_batch_commits(
    reference_data: None,
) -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    _send(source, "b1", [make_record("P1")])
    task = _tasks().get()
    due = jobs.next_round(timezone.now())
    DBTaskResult.objects.filter(id=task.id).update(run_after=due)
    claimed: list[Any] = []

    def worker_claims() -> None:
        # As django-tasks-db's worker does: FOR UPDATE SKIP LOCKED on the ready tasks.
        try:
            with transaction.atomic():
                found = (
                    DBTaskResult.objects.filter(id=task.id)
                    .select_for_update(skip_locked=True)
                    .first()
                )
                claimed.append(found is not None)
        finally:
            connection.close()

    with transaction.atomic():
        _send(source, "b2", [make_record("P2", agency_code="UBND-T25")])  # joins the round
        assert _tasks().count() == 1
        thread = threading.Thread(target=worker_claims)
        thread.start()
        thread.join(timeout=30)
        assert claimed == [False]  # held while the joining batch is open
    thread = threading.Thread(target=worker_claims)
    thread.start()
    thread.join(timeout=30)
    assert claimed == [False, True]  # claimable once the batch's marks are committed
    assert rescore_pending_task.call()["marks"] == 2


@pytest.mark.django_db
def test_a_batch_rolled_back_leaves_no_mark_and_no_task() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")

    def fail(write: Any) -> None:
        raise RuntimeError("a later hook failed")

    after_batch.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            _send(source, "b1", [make_record("R1")])
    finally:
        after_batch.disconnect(fail)
    assert not RescoreMark.objects.exists()
    assert not _tasks().exists()
    assert not MonthCounts.objects.exists()


@pytest.mark.django_db
def test_a_batch_that_changes_no_count_marks_nothing() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    _send(source, "b1", [make_record("R1")])
    rounds.rescore_pending()
    # A newer version whose counted fields are all the same.
    _send(source, "b2", [make_record("R1", updated_at="2025-07-09T10:00:00+07:00")])
    assert not RescoreMark.objects.exists()


@pytest.mark.django_db
def test_the_round_announces_new_scores_to_dashboards() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    _send(source, "b1", [make_record("R1")])
    assert not ChangeFeed.objects.filter(kind=ChangeKind.SCORES).exists()
    rounds.rescore_pending()
    assert ChangeFeed.objects.filter(kind=ChangeKind.SCORES).count() == 1
    rounds.rescore_pending()  # nothing re-scored: nothing announced
    assert ChangeFeed.objects.filter(kind=ChangeKind.SCORES).count() == 1


@pytest.mark.django_db
def test_the_daily_run_rescores_what_no_worker_took_and_forgets_old_tasks() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    _send(source, "b1", [make_record("R1")])
    task = _tasks().get()
    result = run_daily(timezone.localdate())
    assert result.rescored == 6 and not RescoreMark.objects.exists()
    # Finished tasks are kept two days, then forgotten.
    DBTaskResult.objects.filter(id=task.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - timedelta(days=1)
    )
    assert prune_task_results(timezone.localdate()) == 0
    assert prune_task_results(timezone.localdate() + timedelta(days=3)) == 1


@pytest.mark.django_db
def test_the_pending_command_rescores_now() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    _send(source, "b1", [make_record("R1"), make_record("R2")])
    out = _call("score766", "pending")
    assert out == "1 mark(s) waiting; re-scored 1 agency-month(s): 6 scores"
    assert Score.objects.count() == 6


def _call(*args: str) -> str:
    import io

    buffer = io.StringIO()
    call_command(*args, stdout=buffer)
    return buffer.getvalue().strip()


@pytest.mark.django_db(transaction=True)
def test_rounds_at_the_same_moment_run_one_after_the_other(reference_data: None) -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    dienbien, _other = make_source("DB-MOTCUA", "UBND-T11")
    _send(source, "b1", [make_record(f"P{i}") for i in range(4)])
    _send(
        dienbien,
        "b1",
        [make_record(f"D{i}", agency_code="UBND-T11") for i in range(3)],
    )
    results: list[Any] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(2)

    def round_() -> None:
        try:
            gate.wait(timeout=10)
            results.append(rounds.rescore_pending())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=round_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    # One round took both marks; the other, waiting for it, found none.
    assert sorted(r.marks for r in results) == [0, 2]
    rounded = _scores()
    with transaction.atomic():
        aggregate.recompute_months([JULY])
    assert _scores() == rounded and len(rounded) == 9  # (department + province) × 3, province × 3


# --- a served platform re-scores by itself ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_serve_runs_a_task_worker_that_rescores_after_a_batch(
    tmp_path: Path, reference_data: None
) -> None:
    import gzip
    import json

    _source, token = make_source("PT-MOTCUA", "UBND-T25")
    port = free_port()
    server = _serve(port, tmp_path, {"DXGOV_RESCORE_SECONDS": "1"})
    try:
        body = gzip.compress(
            json.dumps(
                {
                    "schema": "dxgov.dossier/1",
                    "batch_id": "served-1",
                    "records": [make_record(f"S{i}") for i in range(3)],
                }
            ).encode()
        )
        status, summary = _post(port, token, body)
        assert status == 201 and summary["accepted"] == 3
        province = Agency.objects.get(code="UBND-T25")
        # Nobody calls a round here: the server's own worker takes the batch's task.
        _wait_until(lambda: Score.objects.filter(agency=province).count() == 3, 30)
        assert Score.objects.get(agency=province, period_kind="month").dossiers_received == 3
        assert not RescoreMark.objects.exists()
    finally:
        _kill(server)


def _wait_until(check: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not so within {seconds} s")
