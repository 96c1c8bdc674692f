"""Re-scoring rounds (ADR 17): a round takes every committed mark (`take_marks`) and re-scores
the marked agencies and their ancestors for the month, its quarter and its year, in one
transaction under the scores' lock, then announces the new scores (`signals.rescored`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from dxgov.dossiers.signals import ImportFinished
from dxgov.scoring import periods
from dxgov.scoring.aggregate import Unit, as_date, lineage, lock_scores, rescore, units
from dxgov.scoring.models import RescoreMark
from dxgov.scoring.periods import Period
from dxgov.scoring.signals import rescored


def targets_of(
    touched: Mapping[date, Iterable[int]], all_units: Mapping[int, Unit]
) -> set[tuple[int, Period]]:
    """The (agency, period) pairs whose scores a change to these agencies' months touches:
    each agency and its ancestors, for the month, its quarter and its year."""
    lines = lineage(all_units)
    targets: set[tuple[int, Period]] = set()
    for month, agencies in touched.items():
        affected: set[int] = set()
        for agency_id in agencies:
            affected.update(lines.get(agency_id, ()))
        for period in periods.containing(month):
            targets.update((agency_id, period) for agency_id in affected)
    return targets


def take_marks() -> dict[date, set[int]]:
    """Remove and return every committed mark (month → agencies)."""
    table = RescoreMark._meta.db_table
    found: dict[date, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} RETURNING month, agency_id")  # noqa: S608
            taken = cursor.fetchall()
        else:
            cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
            last = cursor.fetchone()[0]
            if last is None:
                return found
            cursor.execute(
                f"SELECT DISTINCT month, agency_id FROM {table} WHERE id <= %s",  # noqa: S608
                [last],
            )
            taken = cursor.fetchall()
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last])  # noqa: S608
    for month, agency_id in taken:
        found[as_date(month)].add(int(agency_id))
    return found


@dataclass
class RescoreResult:
    marks: int  # distinct (month, agency) marks taken
    scores: int  # Score rows written


def rescore_pending() -> RescoreResult:
    """One re-scoring round: take every committed mark and re-score what it touches, in one
    transaction (a failure leaves the marks for the next round). Runs as the task a batch
    enqueues (`jobs.rescore_pending_task`), from `dxgov score766 --pending` and in the daily
    run; rounds are serialised by `lock_scores`."""
    with transaction.atomic():
        lock_scores()
        touched = take_marks()
        if not touched:
            return RescoreResult(0, 0)
        all_units = units()
        written = rescore(targets_of(touched, all_units), all_units=all_units)
        result = RescoreResult(sum(len(ids) for ids in touched.values()), written)
        rescored(result)
    return result


def rescore_after_import(finished: ImportFinished) -> None:
    """The `import_finished` hook: the file's scores now, rather than when a worker takes the
    batches' tasks; the round's figures for the command to print."""
    result = rescore_pending()
    finished.notes.append(f"re-scored {result.marks} agency-month(s): {result.scores} scores")


def pending_marks() -> int:
    return RescoreMark.objects.count()
