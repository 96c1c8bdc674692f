"""Data quality of a source system's deliveries (pure: plain values in and out).

From the batches received in a window: completeness of each mandatory and expected field
(share of records that carried it), share refused to quarantine, duplicates (records resent
with no change), stale records (older than the stored version), and the sync delay (arrival
minus the record's `updated_at`) as a median and 95th percentile read from the batches'
histograms (exact to the bucket: the bucket's upper bound is reported).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dxgov.dossiers.ingest import DELAY_BUCKETS
from dxgov.dossiers.schema import EXPECTED, REQUIRED

# What each field of a dxgov.dossier/1 record holds, in words (the page shows the field's name
# beside it, for the source system's developers).
FIELD_LABELS = {
    "code": gettext_lazy("Dossier code"),
    "procedure_code": gettext_lazy("Procedure code"),
    "agency_code": gettext_lazy("Agency code"),
    "received_at": gettext_lazy("Time received"),
    "updated_at": gettext_lazy("Time last updated"),
    "submitted_at": gettext_lazy("Time submitted"),
    "due_at": gettext_lazy("Due time"),
    "finished_at": gettext_lazy("Time finished"),
    "processing_time": gettext_lazy("Processing time limit"),
    "channel": gettext_lazy("Channel (online, in person, post)"),
    "status_history": gettext_lazy("Status history"),
    "filed_on_dvcqg": gettext_lazy("Filed on the national portal"),
    "synced_to_dvcqg": gettext_lazy("Synchronised to the national portal"),
    "paid_online": gettext_lazy("Fees paid online"),
}


@dataclass(frozen=True)
class BatchFigures:
    total: int
    accepted: int
    updated: int
    unchanged: int
    stale: int
    quarantined: int
    missing: Mapping[str, int]
    delays: Mapping[str, int]


@dataclass
class Quality:
    batches: int = 0
    records: int = 0
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    quarantined: int = 0
    completeness: dict[str, float | None] = field(default_factory=dict)  # field -> share
    delay_median_seconds: int | None = None
    delay_p95_seconds: int | None = None

    @property
    def rejected_share(self) -> float | None:
        return self.quarantined / self.records if self.records else None

    @property
    def duplicate_share(self) -> float | None:
        return self.unchanged / self.records if self.records else None

    @property
    def lowest_completeness(self) -> float | None:
        shares = [s for s in self.completeness.values() if s is not None]
        return min(shares) if shares else None


def _percentile(histogram: Mapping[int, int], share: float) -> int | None:
    total = sum(histogram.values())
    if not total:
        return None
    wanted = share * total
    seen = 0
    for bound in sorted(histogram):
        seen += histogram[bound]
        if seen >= wanted:
            return bound
    return max(histogram)


def quality(batches: Iterable[BatchFigures]) -> Quality:
    result = Quality()
    missing: dict[str, int] = {}
    histogram: dict[int, int] = {}
    for batch in batches:
        result.batches += 1
        result.records += batch.total
        result.accepted += batch.accepted
        result.updated += batch.updated
        result.unchanged += batch.unchanged
        result.stale += batch.stale
        result.quarantined += batch.quarantined
        for key, count in batch.missing.items():
            missing[key] = missing.get(key, 0) + count
        for bound, count in batch.delays.items():
            histogram[int(bound)] = histogram.get(int(bound), 0) + count
    for key in (*REQUIRED, *EXPECTED):
        result.completeness[key] = (
            1 - missing.get(key, 0) / result.records if result.records else None
        )
    result.delay_median_seconds = _percentile(histogram, 0.5)
    result.delay_p95_seconds = _percentile(histogram, 0.95)
    return result


def figures(row: Mapping[str, Any]) -> BatchFigures:
    return BatchFigures(
        total=row["total"],
        accepted=row["accepted"],
        updated=row["updated"],
        unchanged=row["unchanged"],
        stale=row["stale"],
        quarantined=row["quarantined"],
        missing=row["missing"] or {},
        delays=row["delays"] or {},
    )


def human_delay(seconds: int | None, units: tuple[str, str, str, str] | None = None) -> str:
    """A delay bound as a short text ("≤ 15 min", "≤ 3 d"); "" when unknown. ``units``: the
    words for minutes, hours, days and "more than a year" (``delay_units()`` gives the page's
    language's: "≤ 3 ngày")."""
    minutes, hours, days, beyond = units or ("min", "h", "d", "> 1 y")
    if seconds is None:
        return ""
    if seconds >= DELAY_BUCKETS[-1]:
        return beyond
    if seconds < 3600:
        return f"≤ {seconds // 60} {minutes}"
    if seconds < 86400:
        return f"≤ {seconds // 3600} {hours}"
    return f"≤ {seconds // 86400} {days}"


def delay_units() -> tuple[str, str, str, str]:
    """The units of ``human_delay`` in the active language."""
    return (
        _("min"),
        pgettext("hours, short", "h"),
        pgettext("days, short", "d"),
        _("more than a year"),
    )
