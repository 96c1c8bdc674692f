"""Re-scoring as a django-tasks task: each batch that changes counts enqueues one in its own
transaction (`aggregate.mark`); a worker (`dxgov serve` starts one, or `dxgov db_worker`)
runs it once the batch has committed. A round takes every mark committed so far, so a burst
of batches is re-scored in one round and the tasks after it find nothing to do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from dxgov.scoring import aggregate


@task()
def rescore_pending_task() -> dict[str, int]:
    result = aggregate.rescore_pending()
    return {"marks": result.marks, "scores": result.scores}


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
