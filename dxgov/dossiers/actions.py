"""Writes to dossiers: batches received, source systems and their tokens, the TTHC catalogue."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.accounts.actions import create_token, revoke_token
from dxgov.accounts.models import ApiToken, User
from dxgov.audit.models import EventType
from dxgov.audit.record import changes, record
from dxgov.core.roles import Role
from dxgov.dossiers import decoding, ingest
from dxgov.dossiers.models import (
    ApplicantType,
    Batch,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    SourceSystem,
)
from dxgov.orgunits.models import Agency

SOURCE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


# --- batches --------------------------------------------------------------------------------


@transaction.atomic
def receive_batch(
    *,
    acting_user: Any,
    source: SourceSystem,
    batch_id: str,
    items: Iterable[decoding.Item],
    channel: str = "api",
) -> ingest.Outcome:
    """Validate and store one batch of dossier records from `source` (see ingest.py).

    A batch id the source has used before changes nothing: the answer is the original batch.
    Otherwise every record is a new dossier, a newer version, the same version, an older one
    (ignored) or refused to quarantine; one audit event records the counts.
    """
    if not batch_id or len(batch_id) > 100:
        raise ValidationError(_("A batch needs a batch_id of 1 to 100 characters."))
    if not source.active:
        raise ValidationError(_("Source system %(code)s is inactive.") % {"code": source.code})
    outcome = ingest.write_batch(source=source, batch_id=batch_id, items=items, channel=channel)
    if outcome.replayed:
        return outcome
    batch = outcome.batch
    record(
        event_type=EventType.DOSSIER_BATCH_RECEIVED,
        acting_user=acting_user,
        target=batch,
        agency_id=source.owner_id,
        # The rows written and replaced, as audit_state.BatchState sums them.
        data={"source": source.code, **summary(batch), "state": outcome.state},
    )
    return outcome


def summary(batch: Batch) -> dict[str, Any]:
    return {
        "batch_id": batch.batch_id,
        "total": batch.total,
        "accepted": batch.accepted,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "stale": batch.stale,
        "quarantined": batch.quarantined,
    }


# --- source systems ---------------------------------------------------------------------------


def _check_agencies(owner: Agency, agencies: list[Agency]) -> None:
    if not agencies:
        raise ValidationError(_("A source system must report for at least one agency."))


@transaction.atomic
def create_source(
    *,
    acting_user: Any,
    code: str,
    name: str,
    owner: Agency,
    agencies: list[Agency],
) -> SourceSystem:
    """Register a source system with its technical user (no agency, viewer: its tokens read
    nothing else); it may report for `agencies` and everything below them."""
    if not SOURCE_CODE.match(code):
        raise ValidationError(
            _("A source code is 1 to 32 letters, digits, dots, dashes or underscores.")
        )
    if SourceSystem.objects.filter(code=code).exists():
        raise ValidationError(_("A source system with code %(code)s exists.") % {"code": code})
    if not name.strip():
        raise ValidationError(_("Give the source system a name."))
    _check_agencies(owner, agencies)
    user = User(username=f"source-{code.lower()}", role=Role.VIEWER, agency=None)
    user.full_name = name[:200]
    user.set_unusable_password()
    user.save()
    source = SourceSystem.objects.create(code=code, name=name, owner=owner, user=user)
    source.agencies.set(agencies)
    record(
        event_type=EventType.SOURCE_CREATED,
        acting_user=acting_user,
        target=source,
        agency_id=owner.pk,
        data={
            "new": {
                "code": code,
                "name": name,
                "owner": owner.code,
                "agencies": sorted(a.code for a in agencies),
            }
        },
    )
    return source


@transaction.atomic
def update_source(
    *,
    acting_user: Any,
    source: SourceSystem,
    name: str | None = None,
    agencies: list[Agency] | None = None,
    active: bool | None = None,
) -> SourceSystem:
    old = {
        "name": source.name,
        "active": source.active,
        "agencies": sorted(source.agencies.values_list("code", flat=True)),
    }
    if name is not None:
        if not name.strip():
            raise ValidationError(_("Give the source system a name."))
        source.name = name
    if active is not None:
        source.active = active
    source.save(update_fields=["name", "active"])
    if agencies is not None:
        _check_agencies(source.owner, agencies)
        source.agencies.set(agencies)
    new = {
        "name": source.name,
        "active": source.active,
        "agencies": sorted(source.agencies.values_list("code", flat=True)),
    }
    changed = changes(old, new)
    if changed:
        record(
            event_type=EventType.SOURCE_UPDATED,
            acting_user=acting_user,
            target=source,
            agency_id=source.owner_id,
            data=changed,
        )
    return source


def issue_token(
    *, acting_user: Any, source: SourceSystem, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new API token for the source (its clear text is returned once and never stored)."""
    return create_token(
        acting_user=acting_user, user=source.user, name=f"source {source.code}", days=days
    )


def revoke_source_token(
    *, acting_user: Any, source: SourceSystem, prefix: str, reason: str = ""
) -> ApiToken:
    token = source.user.api_tokens.filter(prefix=prefix).first()
    if token is None:
        raise ValidationError(
            _("Source %(code)s has no token %(prefix)s.")
            % {
                "code": source.code,
                "prefix": prefix,
            }
        )
    return revoke_token(acting_user=acting_user, token=token, reason=reason)


# --- the TTHC catalogue -----------------------------------------------------------------------

_PROCEDURE_FLAGS = (
    "has_fees",
    "fees_integrated",
    "requires_paper_result",
    "content_complete",
    "population_data_connected",
    "active",
)
_PROCEDURE_DATES = ("announced_on", "legal_basis_effective_on", "published_on")


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, ""):
        return False
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "có", "x"}:
        return True
    if text in {"0", "false", "no", "không"}:
        return False
    raise ValidationError(_("%(where)s: must be true or false.") % {"where": where})


def _day(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(
            _("%(where)s: must be a date as YYYY-MM-DD.") % {"where": where}
        ) from exc


def _choice(value: Any, allowed: Any, default: str, where: str) -> str:
    if value in (None, ""):
        return default
    if value not in allowed.values:
        raise ValidationError(
            _("%(where)s: must be one of %(allowed)s.")
            % {"where": where, "allowed": ", ".join(allowed.values)}
        )
    return str(value)


def parse_procedures(data: bytes, name: str) -> list[dict[str, Any]]:
    """Procedure rows from a JSON list (or {"procedures": [...]}) or a CSV file with a header."""
    text = data.decode("utf-8-sig")
    if name.lower().endswith(".csv"):
        rows: list[Any] = list(csv.DictReader(io.StringIO(text, newline="")))
    else:
        try:
            body = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ValidationError(_("The file is neither JSON nor CSV.")) from exc
        listed = body.get("procedures") if isinstance(body, dict) else body
        if not isinstance(listed, list):
            raise ValidationError(_("The JSON must be a list of procedures."))
        rows = listed
    agencies = dict(Agency.objects.values_list("code", "id"))
    found: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        where = f"procedures[{index}]"
        if not isinstance(row, dict):
            raise ValidationError(_("%(where)s: must be an object.") % {"where": where})
        code = str(row.get("code") or "").strip()
        name_ = str(row.get("name") or "").strip()
        if not code or len(code) > 32 or not name_:
            raise ValidationError(
                _("%(where)s: needs a code (at most 32 characters) and a name.") % {"where": where}
            )
        owner_code = str(row.get("owner") or row.get("owner_agency") or "").strip()
        owner_id = None
        if owner_code:
            owner_id = agencies.get(owner_code)
            if owner_id is None:
                raise ValidationError(
                    _("%(where)s.owner: no agency with code %(code)s.")
                    % {"where": where, "code": owner_code}
                )
        values: dict[str, Any] = {
            "code": code,
            "name": name_[:500],
            "level": _choice(row.get("level"), ProcedureLevel, "province", f"{where}.level"),
            "owner_id": owner_id,
            "online_level": _choice(
                row.get("online_level"), OnlineLevel, "none", f"{where}.online_level"
            ),
            "applicant_type": _choice(
                row.get("applicant_type"), ApplicantType, "both", f"{where}.applicant_type"
            ),
        }
        for flag in _PROCEDURE_FLAGS:
            default = flag == "active"
            raw = row.get(flag)
            values[flag] = default if raw in (None, "") else _flag(raw, f"{where}.{flag}")
        for day in _PROCEDURE_DATES:
            values[day] = _day(row.get(day), f"{where}.{day}")
        found.append(values)
    return found


@transaction.atomic
def import_procedures(*, acting_user: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Create or update procedures by code; one audit event with the counts."""
    existing = {p.code: p for p in Procedure.objects.all()}
    now = timezone.now()
    created: list[Procedure] = []
    updated: list[Procedure] = []
    fields = [k for k in (rows[0] if rows else {}) if k != "code"]
    unchanged = 0
    for values in rows:
        current = existing.get(values["code"])
        if current is None:
            created.append(Procedure(**values, updated_at=now))
            continue
        if all(getattr(current, key) == value for key, value in values.items()):
            unchanged += 1
            continue
        for key, value in values.items():
            setattr(current, key, value)
        current.updated_at = now
        updated.append(current)
    Procedure.objects.bulk_create(created, batch_size=1000)
    if updated:
        Procedure.objects.bulk_update(updated, [*fields, "updated_at"], batch_size=1000)
    counts = {"created": len(created), "updated": len(updated), "unchanged": unchanged}
    record(
        event_type=EventType.PROCEDURES_IMPORTED,
        acting_user=acting_user,
        target_type="dossiers.procedure",
        data=counts,
    )
    return counts
