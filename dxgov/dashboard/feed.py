"""Publishing to and reading from the change feed (ChangeFeed).

`publish` is called inside the writer's transaction (it is part of that write, not a write of
its own: no audit event, as the audited change is the step that calls it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from dxgov.dashboard.models import ChangeFeed, ChangeKind

REPORT_BLOCKS = ("indicators", "reporting", "warnings", "map")
SCORE_BLOCKS = ("ranking",)
KEEP = timedelta(days=2)


def publish(*, kind: str, agency: Any | None, blocks: tuple[str, ...]) -> ChangeFeed:
    return ChangeFeed.objects.create(
        kind=kind,
        agency_code=getattr(agency, "code", "") or "",
        agency_path=getattr(agency, "path", "") or "",
        blocks=list(blocks),
    )


def report_changed(report: Any) -> None:
    """A report moved in its workflow: its figures, compliance and warnings may have changed."""
    publish(kind=ChangeKind.REPORT, agency=report.agency, blocks=REPORT_BLOCKS)


def scores_changed(result: Any) -> None:
    """A re-scoring round recomputed Decision 766 scores (scoring's `rescored` hook, run in the
    round's transaction). National scores: no agency, so every open dashboard hears of it and
    refreshes its ranking block."""
    if result.marks:
        publish(kind=ChangeKind.SCORES, agency=None, blocks=SCORE_BLOCKS)


TASK_BLOCKS = ("tasks", "warnings")
FORECAST_BLOCKS = ("indicators", "warnings", "map")


def tasks_changed(agency: Any | None) -> None:
    """A task was created, moved in its workflow or imported (agency: its lead agency, None
    for many at once): task statistics, the overdue list and the warnings may have changed."""
    publish(kind=ChangeKind.TASKS, agency=agency, blocks=TASK_BLOCKS)


def forecasts_changed(_: None = None) -> None:
    """The forecasts were recomputed: the key indicators' bands and the warnings changed."""
    publish(kind=ChangeKind.FORECASTS, agency=None, blocks=FORECAST_BLOCKS)


INVESTMENT_BLOCKS = ("investments", "warnings")


def investments_changed(agency: Any | None) -> None:
    """A unit's public-investment figures changed (a plan, a disbursed value, a stalled flag;
    agency: the ministry or province, None for many): the disbursement block and the warnings."""
    publish(kind=ChangeKind.INVESTMENTS, agency=agency, blocks=INVESTMENT_BLOCKS)


def latest_id() -> int:
    row = ChangeFeed.objects.order_by("-id").values_list("id", flat=True).first()
    return int(row or 0)


def latest_at() -> Any | None:
    """When the latest change was committed (None: none kept), for the wall's freshness line."""
    return ChangeFeed.objects.order_by("-id").values_list("at", flat=True).first()


def since(last_id: int, limit: int = 50) -> list[ChangeFeed]:
    return list(ChangeFeed.objects.filter(id__gt=last_id).order_by("id")[:limit])


def prune(now: Any = None) -> int:
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = ChangeFeed.objects.filter(at__lt=cutoff).delete()
    return deleted
