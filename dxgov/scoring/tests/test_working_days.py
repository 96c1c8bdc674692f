"""Decision 766 counts working days in the one calendar (issue 15, item 4): a dossier without a
due date is judged against its procedure's time counted across Tết, and so is a petition's
15 working days, through ingestion and the database counts alike."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from dxgov.core.calendar import TZ
from dxgov.core.holidays import calendar_for
from dxgov.dossiers import actions
from dxgov.dossiers.models import Dossier, SourceSystem
from dxgov.dossiers.tests.conftest import make_record, make_source
from dxgov.orgunits.models import Agency
from dxgov.scoring import aggregate, qd766

# Tết 2026 is Tuesday 17 February: Monday 16 (the eve) to Friday 20 are days off.
BEFORE_TET = datetime(2026, 2, 13, 9, 0, tzinfo=TZ)  # Friday, the working day before Tết
FIFTH = datetime(2026, 2, 27, 9, 0, tzinfo=TZ)  # 5 working days later: 23, 24, 25, 26, 27 Feb
SIXTH = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # one working day later (Monday)
FIFTEENTH = datetime(2026, 3, 13, 9, 0, tzinfo=TZ)  # 23 Feb – 6 Mar (10), 9 – 13 Mar (15)
FEBRUARY = date(2026, 2, 1)
EARLY_FEBRUARY = datetime(2026, 2, 2, 9, 0, tzinfo=TZ)  # Monday


def _no_due_date(
    code: str, finished: datetime, received_at: datetime = BEFORE_TET, **changes: Any
) -> dict[str, Any]:
    """A dossier of a 5-working-day procedure whose source sent no due date."""
    received = received_at.isoformat()
    return make_record(
        code,
        submitted_at=received,
        received_at=received,
        due_at=None,
        finished_at=finished.isoformat(),
        processing_time={"value": 5, "unit": "working_day"},
        status_history=[
            {"status": "received", "at": received},
            {"status": "finished", "at": finished.isoformat()},
        ],
        updated_at=(finished + timedelta(minutes=5)).isoformat(),
        **changes,
    )


def _send(source: SourceSystem, records: list[dict[str, Any]]) -> None:
    actions.receive_batch(
        acting_user=source.user,
        source=source,
        batch_id="tet",
        items=[(i, f"records[{i}]", r, None) for i, r in enumerate(records)],
    )


@pytest.mark.django_db
def test_a_dossier_without_due_date_is_due_five_working_days_after_receipt_across_tet() -> None:
    source, _token = make_source("PT-MOTCUA", "UBND-T25")
    _send(
        source,
        [
            _no_due_date("TET-ON-TIME", FIFTH),
            _no_due_date("TET-LATE", SIXTH),
            # A petition handled within its 15 working days only when Tết is skipped: received
            # on Monday 2 Feb, due on Monday 2 Mar (not on Monday 23 Feb), handled on 27 Feb.
            _no_due_date(
                "TET-PETITION",
                EARLY_FEBRUARY + timedelta(days=3),
                received_at=EARLY_FEBRUARY,
                petitions=[
                    {"received_at": EARLY_FEBRUARY.isoformat(), "handled_at": FIFTH.isoformat()}
                ],
            ),
        ],
    )
    due = dict(Dossier.objects.values_list("code", "effective_due"))
    assert due == {
        "TET-ON-TIME": FIFTH,
        "TET-LATE": FIFTH,
        "TET-PETITION": EARLY_FEBRUARY + timedelta(days=7),  # Monday 9 Feb, before Tết
    }
    department = Agency.objects.get(code="SO-25-KHCN")
    counts = aggregate.dossier_cells(FEBRUARY)[department.id]
    assert (counts.dossiers_received, counts.dossiers_on_time, counts.dossiers_late) == (3, 2, 1)
    assert (counts.petitions, counts.petitions_on_time) == (1, 1)


@pytest.mark.django_db
def test_a_petition_handled_on_the_fifteenth_working_day_across_tet_is_on_time() -> None:
    calendar = calendar_for({2026, 2027})
    petition = {"received_at": BEFORE_TET.isoformat(), "handled_at": FIFTEENTH.isoformat()}
    as_of = datetime(2026, 3, 31, 23, 59, 59, tzinfo=TZ)
    assert qd766.petition_on_time(petition, as_of, calendar=calendar)
    late = {**petition, "handled_at": (FIFTEENTH + timedelta(days=3)).isoformat()}  # Monday
    assert not qd766.petition_on_time(late, as_of, calendar=calendar)
    # Without the holidays, the 15th working day would have been Friday 6 March.
    assert not qd766.petition_on_time(petition, as_of)
