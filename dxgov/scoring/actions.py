"""Writes to scoring: the full recompute and the import of official DVCQG scores.

The incremental update is not here: it runs inside each ingestion's transaction, from the
dossiers app's `after_batch` hook (`aggregate.apply_changes`), covered by that batch's audit event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.audit.models import EventType
from dxgov.audit.record import record
from dxgov.orgunits.models import Agency
from dxgov.scoring import aggregate, dvcqg, matching, periods, qd766
from dxgov.scoring.models import OfficialScore, Score
from dxgov.scoring.periods import Period

TOLERANCE = dvcqg.TOLERANCE


@transaction.atomic
def recompute(*, acting_user: Any, period: Period | None = None) -> aggregate.RecomputeResult:
    """Rebuild counts and scores from the stored dossiers: the months of `period`, or every
    month with dossiers."""
    months = period.months if period else aggregate.months_with_dossiers()
    result = aggregate.recompute_months(months)
    record(
        event_type=EventType.SCORES_RECOMPUTED,
        acting_user=acting_user,
        target_type="scoring.period",
        target_id=period.code if period else "all",
        data={
            "months": [m.isoformat() for m in result.months],
            "cells": result.cells,
            "scores": result.scores,
        },
    )
    return result


@dataclass
class ImportResult:
    rows: int
    matched: int
    flagged: list[dict[str, Any]]
    warnings: list[str]


def _period(label: str | None) -> Period | None:
    if not label or ".." in label:
        return None
    try:
        return periods.parse(label)
    except periods.BadPeriod:
        return None


@transaction.atomic
def import_official(
    *,
    acting_user: Any,
    files: list[tuple[str, bytes, Any]],
    root: Agency,
    period_label: str | None = None,
) -> ImportResult:
    """Store the official scores of DVCQG evaluation responses for the province (or ministry)
    `root`, matched to its agencies by name, and flag every unit and group whose official score
    differs by more than 0.015 points from the platform's own (same counts' rule set: the
    portal's, `qd766-portal-v1`, on the platform's rolled-up counts).

    `files`: (name, raw bytes, decoded JSON). Rows for a span that is not a whole month, quarter
    or year are skipped with a warning. Re-importing a unit's group for a period replaces it.
    """
    agencies = dict(Agency.objects.under(root).values_list("name", "id"))
    warnings: list[str] = []
    stored: list[OfficialScore] = []
    flagged: list[dict[str, Any]] = []
    matched = 0
    now = timezone.now()
    for name, raw, payload in files:
        try:
            response = dvcqg.parse(payload, period=period_label)
        except dvcqg.DvcqgFormatError as exc:
            raise ValidationError(f"{name}: {exc}") from exc
        warnings.extend(f"{name}: {w}" for w in response.warnings)
        digest = hashlib.sha256(raw).hexdigest()
        names = {row.unit_id: row.unit_name for row in response.rows if not row.is_root}
        found = matching.match(names, agencies, root.name)
        for row in response.rows:
            period = _period(row.period)
            if period is None:
                warnings.append(
                    _("%(name)s: %(unit)s has no month, quarter or year (%(period)s); skipped.")
                    % {"name": name, "unit": row.unit_name, "period": row.period or "?"}
                )
                continue
            agency_id = root.pk if row.is_root else found.get(row.unit_id)
            matched += agency_id is not None
            OfficialScore.objects.filter(
                unit_id=row.unit_id,
                group=row.group,
                period_kind=period.kind,
                period_start=period.start,
            ).delete()
            stored.append(
                OfficialScore(
                    agency_id=agency_id,
                    period_kind=period.kind,
                    period_start=period.start,
                    group=row.group,
                    endpoint=row.endpoint,
                    unit_id=row.unit_id[:64],
                    unit_code=(row.unit_code or "")[:32],
                    unit_name=row.unit_name[:255],
                    is_root=row.is_root,
                    official_score=row.official_score,
                    max_score=row.max_score,
                    portal_computed=row.computed_score,
                    counts=dict(row.counts),
                    metrics=[_metric_json(m) for m in row.metrics],
                    file_sha256=digest,
                    imported_at=now,
                    imported_by=acting_user if getattr(acting_user, "pk", None) else None,
                )
            )
    OfficialScore.objects.bulk_create(stored, batch_size=1000)
    for official in stored:
        difference = difference_from_platform(official)
        if difference is not None and abs(difference) > TOLERANCE:
            flagged.append(
                {
                    "unit": official.unit_name,
                    "group": official.group,
                    "period": Period(official.period_kind, official.period_start).code,
                    "official": str(official.official_score),
                    "difference": str(difference),
                }
            )
    record(
        event_type=EventType.OFFICIAL_SCORES_IMPORTED,
        acting_user=acting_user,
        target=root,
        agency_id=root.pk,
        data={
            "files": [name for name, _raw, _payload in files],
            "rows": len(stored),
            "matched": matched,
            "flagged": len(flagged),
        },
    )
    return ImportResult(len(stored), matched, flagged, warnings)


def _metric_json(metric: dvcqg.MetricCheck) -> dict[str, Any]:
    return {
        "code": metric.code,
        "numerator": metric.numerator,
        "denominator": metric.denominator,
        "ratio": None if metric.ratio is None else str(metric.ratio),
        "score": None if metric.official_score is None else str(metric.official_score),
        "max": metric.max_score,
    }


def platform_group_score(agency_id: int, kind: str, start: date, group: str) -> Decimal | None:
    """The platform's own score of a group, on its rolled-up counts, with the portal's rules."""
    score = (
        Score.objects.filter(
            agency_id=agency_id,
            period_kind=kind,
            period_start=start,
            ruleset=qd766.DEFAULT_RULESET,
        )
        .only("counts")
        .first()
    )
    if score is None:
        return None
    card = qd766.score(
        qd766.Counts.from_dict(score.counts),
        qd766.PORTAL_RULESET,
        period=kind,  # type: ignore[arg-type]
    )
    return card.group(group).points


def difference_from_platform(official: OfficialScore) -> Decimal | None:
    if official.agency_id is None or official.official_score is None:
        return None
    own = platform_group_score(
        official.agency_id, official.period_kind, official.period_start, official.group
    )
    return None if own is None else official.official_score - own
