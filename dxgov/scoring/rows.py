"""One stored dossier row's contribution to the counts (pure), the mirror of aggregate.py's SQL.

The full recompute sums these facts in SQL over the `Dossier` columns that ingestion stores
(`end_at`, `effective_due`, `late_by_supplements`, the flags…); the incremental update computes
them in Python from the `after_batch` rows with `row_counts`. Both follow `qd766.dossier_facts`
evaluated at the end of the dossier's month of receipt (`periods.month_as_of`); the tests check
all three agree. Petitions are evaluated with `qd766.petition_on_time` on both paths.

One stored-column approximation: a single supplement request with no completion anywhere in the
history is taken to end processing (qd766's `SUPPLEMENT_OPEN`) for the finished count and the
processing time (2.2, shown only); the engine also requires the request to precede the end
status, which a request after the end status (not seen in practice) would contradict.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dxgov.core.calendar import WorkingCalendar
from dxgov.dossiers.processing import NO_HOLIDAYS, SUPPLEMENT_COMPLETED
from dxgov.scoring import qd766
from dxgov.scoring.qd766 import Counts


def supplement_open(row: Mapping[str, Any]) -> bool:
    if row.get("supplement_requests") != 1:
        return False
    history = row.get("status_history") or ()
    return not any(item.get("status") == SUPPLEMENT_COMPLETED for item in history)


def row_on_time(row: Mapping[str, Any], as_of: datetime) -> bool:
    if row.get("late_by_supplements"):
        return False
    due = row.get("effective_due")
    if due is None:
        return True
    end_at = row.get("end_at")
    end = end_at if end_at is not None and end_at <= as_of else as_of
    return bool(end <= due)


def petition_counts(
    petitions: list[Mapping[str, Any]],
    as_of: datetime,
    ruleset: str = qd766.DEFAULT_RULESET,
    calendar: WorkingCalendar = NO_HOLIDAYS,
) -> tuple[int, int]:
    """(on time, satisfied) among a dossier's petitions at `as_of`, their 15 working days
    counted in `calendar`."""
    on_time = satisfied = 0
    for petition in petitions:
        timely = qd766.petition_on_time(petition, as_of, ruleset=ruleset, calendar=calendar)
        on_time += timely
        satisfied += timely and not petition.get("disliked") and not petition.get("recomplained")
    return on_time, satisfied


def row_counts(
    row: Mapping[str, Any],
    *,
    paper: bool,
    as_of: datetime,
    calendar: WorkingCalendar = NO_HOLIDAYS,
) -> Counts:
    """The counts of one dossier row (`dossiers.rows.ROW_FIELDS` values) at `as_of`."""
    values = row_values(row, paper=paper, as_of=as_of, calendar=calendar)
    return Counts(**dict(zip(DOSSIER_FIELDS, values, strict=True)))


def row_values(
    row: Mapping[str, Any],
    *,
    paper: bool,
    as_of: datetime,
    calendar: WorkingCalendar = NO_HOLIDAYS,
) -> tuple[int, ...]:
    """`row_counts` as a tuple in DOSSIER_FIELDS order: what the incremental update adds up
    for every changed dossier of a batch, without building a Counts."""
    get = row.get
    on_time = row_on_time(row, as_of)
    end_at = get("end_at")
    finished = end_at is not None and end_at <= as_of and not supplement_open(row)
    seconds = 0
    if finished:
        elapsed = int((end_at - row["received_at"]).total_seconds())
        seconds = max(0, elapsed - int(get("supplement_seconds") or 0))
    e_result = bool(get("has_e_result"))
    with_fees = int(get("fee_total") or 0) > 0
    digitised = bool(get("digitised"))
    petitions = get("petitions") or ()
    petitions_on_time = petitions_satisfied = 0
    if petitions:
        petitions_on_time, petitions_satisfied = petition_counts(
            list(petitions), as_of, calendar=calendar
        )
    rating = get("rating")
    complained = bool(get("petition_count") or petitions) or (
        rating is not None and int(rating) <= 2
    )
    return (
        1,  # dossiers_received
        int(bool(get("synced_to_dvcqg"))),
        int(on_time),
        int(finished),
        seconds,
        int(get("channel") == qd766.CHANNEL_ONLINE and (e_result or not paper)),
        int(with_fees),
        int(with_fees and get("paid_online") in (1, 2)),
        int(paper),
        int(paper and e_result),
        int(digitised and e_result),
        int(digitised),
        int(bool(get("from_personal_store"))),
        int(bool(get("uses_population_data"))),
        len(petitions),
        petitions_on_time,
        petitions_satisfied,
        int(not on_time),
        int(complained),
    )


DOSSIER_FIELDS: tuple[str, ...] = (
    "dossiers_received",
    "dossiers_synced",
    "dossiers_on_time",
    "dossiers_finished",
    "processing_seconds",
    "dossiers_online",
    "dossiers_with_fees",
    "dossiers_paid_online",
    "dossiers_paper_result",
    "dossiers_e_result",
    "dossiers_digitised",
    "dossiers_reused",
    "dossiers_personal_store",
    "dossiers_population_data",
    "petitions",
    "petitions_on_time",
    "petitions_satisfied",
    "dossiers_late",
    "dossiers_complained",
)
PROCEDURE_FIELDS: tuple[str, ...] = tuple(
    name for name in qd766.COUNT_FIELDS if name not in DOSSIER_FIELDS
)
