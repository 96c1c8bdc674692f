"""Re-scoring as a django-tasks task: each batch that changes counts marks what it touched and
enqueues one in its own transaction (`mark`); a worker (`dxgov serve` starts one, or `dxgov
db_worker`) runs it once the batch has committed. A round takes every mark committed so far
(`rounds.rescore_pending`), so a burst of batches is re-scored in one round and the tasks
after it find nothing to do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from dxgov.scoring import rounds
from dxgov.scoring.aggregate import insert_rows
from dxgov.scoring.models import RescoreMark


@task()
def rescore_pending_task() -> dict[str, int]:
    result = rounds.rescore_pending()
    return {"marks": result.marks, "scores": result.scores}


def mark(touched: Mapping[date, Iterable[int]]) -> int:
    """Mark agencies' months for re-scoring and enqueue the task that re-scores them, both in
    the caller's transaction: they commit (or roll back) with the counts they follow, and the
    task, visible only once they are, always finds them (ADR 17)."""
    lines = [(month, int(agency_id)) for month, ids in touched.items() for agency_id in ids]
    if not lines:
        return 0
    insert_rows(
        RescoreMark._meta.db_table,
        ("month", "agency_id"),
        ((connection.ops.adapt_datefield_value(month), agency_id) for month, agency_id in lines),
    )
    due = next_round(timezone.now())
    if not _join_waiting_round(rescore_pending_task.module_path, due):
        rescore_pending_task.using(run_after=due).enqueue()
    return len(lines)


def _join_waiting_round(task_path: str, due: datetime) -> bool:
    """Whether a re-scoring task due at `due` is already waiting: this batch's marks then go
    to that round instead of a task of their own (one round per window, not one per batch).
    On PostgreSQL the task's row is held FOR SHARE until this transaction ends: a worker
    claims tasks FOR UPDATE SKIP LOCKED, so it cannot start that round before these marks are
    committed (nor, if it has claimed it already, is it found here). SQLite has one writer at
    a time: no worker claims anything while this transaction is open."""
    table = DBTaskResult._meta.db_table
    sql = (
        f"SELECT id FROM {table} WHERE task_path = %s AND status = %s "  # noqa: S608
        "AND run_after = %s LIMIT 1"
    )
    if connection.vendor == "postgresql":
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                task_path,
                str(TaskResultStatus.READY),
                connection.ops.adapt_datetimefield_value(due),
            ],
        )
        return cursor.fetchone() is not None


def next_round(now: datetime) -> datetime:
    """When a batch committed at `now` is re-scored: the next multiple of
    `settings.DXGOV_RESCORE_SECONDS` (every batch of the same window shares it, so under
    steady ingestion one round re-scores them all: a round costs about as much for one
    province's batch as for all of theirs)."""
    step = float(settings.DXGOV_RESCORE_SECONDS)
    if step <= 0:
        return now
    stamp = now.timestamp()
    return datetime.fromtimestamp((stamp // step + 1) * step, tz=UTC)


KEEP_RESULTS = timedelta(days=2)


def prune_task_results(today: date) -> int:
    """Finished re-scoring tasks older than two days are forgotten (one is enqueued per batch
    that changes counts); the daily run calls this."""
    cutoff = datetime.combine(today, time.min, tzinfo=UTC) - KEEP_RESULTS
    deleted, _ = DBTaskResult.objects.filter(
        task_path=rescore_pending_task.module_path,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    return deleted
