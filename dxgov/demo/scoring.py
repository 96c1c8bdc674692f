"""Generated dossiers into the database through the ingestion action (`--ingest`, small scales).

Source systems are registered with `dossiers.actions.create_source` (one per province or
ministry, reporting for it and everything below), the catalogue with `import_procedures`, and
every batch goes through `dossiers.actions.receive_batch`: validation, quarantine, the audit
event and the incremental scoring hook all run, exactly as for a batch posted to the API.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from dxgov.demo.dossiers import ProcedureRecord, SourcePlan, batches
from dxgov.dossiers import actions
from dxgov.dossiers.models import SourceSystem
from dxgov.orgunits.models import Agency
from dxgov.scoring.rounds import rescore_pending


def scope_agency_code(plan: SourcePlan) -> str:
    return f"UBND-T{plan.scope}" if plan.code.startswith("MCDT-") else plan.scope


def ensure_sources(plans: Iterable[SourcePlan]) -> dict[str, SourceSystem]:
    found = {source.code: source for source in SourceSystem.objects.all()}
    agencies = {a.code: a for a in Agency.objects.current()}
    for plan in plans:
        if plan.code in found:
            continue
        agency = agencies.get(scope_agency_code(plan))
        if agency is None:
            continue
        found[plan.code] = actions.create_source(
            acting_user=None,
            code=plan.code,
            name=f"Hệ thống thông tin giải quyết TTHC, {agency.name}",
            owner=agency,
            agencies=[agency],
        )
    return found


def load_catalogue(procedures: Iterable[ProcedureRecord]) -> dict[str, int]:
    data = json.dumps([p.to_wire() for p in procedures], ensure_ascii=False).encode()
    rows = actions.parse_procedures(data, "generated.json")
    return actions.import_procedures(acting_user=None, rows=rows)


def _items(records: list[dict[str, Any]]) -> Iterator[tuple[int, str, Any, str | None]]:
    for index, record in enumerate(records):
        yield index, f"records[{index}]", record, None


def ingest(
    procedures: Iterable[ProcedureRecord],
    plans: Iterable[SourcePlan],
    pairs: Iterable[tuple[str, dict[str, Any]]],
    *,
    batch: int = 2000,
    prefix: str = "generated",
) -> dict[str, int]:
    """Register sources and the catalogue, then receive the records source by source."""
    plans = list(plans)
    sources = ensure_sources(plans)
    load_catalogue(procedures)
    counts: dict[str, int] = {}
    for code, group in groupby(pairs, key=lambda pair: pair[0]):
        source = sources[code]
        records = (record for _code, record in group)
        for body in batches(records, batch, f"{prefix}-{code}-{_first_code(source)}"):
            outcome = actions.receive_batch(
                acting_user=source.user,
                source=source,
                batch_id=body["batch_id"],
                items=_items(body["records"]),
                channel="file",
            )
            counts[code] = counts.get(code, 0) + outcome.batch.total
    rescore_pending()  # the scores now, as a worker would a moment later
    return counts


def _first_code(source: SourceSystem) -> int:
    """A per-run batch id part: the number of batches the source already sent."""
    return source.batches.count()
