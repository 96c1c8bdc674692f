"""The dossiers API: source systems send batches; they and their province read the summaries.

`POST /dossiers/batches` takes JSON (`{"schema", "batch_id", "records"}`), NDJSON
(`application/x-ndjson`) or CSV (`text/csv`) with `schema` and `batch_id` in the query, gzip
with `Content-Encoding: gzip`, from the Bearer token of a source system only. The first
delivery of a batch id answers 201 with its summary; the same id again answers 200 with the
same summary and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from dxgov.core.errors import BadRequest
from dxgov.dossiers import actions, decoding, ingest, personal, schema
from dxgov.dossiers.access import access_batch, own_source
from dxgov.dossiers.models import Batch, SourceSystem
from dxgov.dossiers.schemas import (
    BatchIn,
    BatchOut,
    BatchQuery,
    PageQuery,
    QuarantinedOut,
    QuarantinePage,
)

router = Router(tags=["dossiers"])

NDJSON_TYPES = {"application/x-ndjson", "application/jsonl", "application/json-lines"}
CSV_TYPES = {"text/csv", "application/csv"}


def batch_out(batch: Batch, *, replayed: bool) -> BatchOut:
    return BatchOut(
        id=batch.pk,
        batch_id=batch.batch_id,
        source=batch.source.code,
        received_at=batch.received_at,
        status=batch.status,
        replayed=replayed,
        total=batch.total,
        accepted=batch.accepted,
        updated=batch.updated,
        unchanged=batch.unchanged,
        stale=batch.stale,
        quarantined=batch.quarantined,
    )


def decode_request(request: HttpRequest, query: BatchQuery) -> tuple[str, str, list[decoding.Item]]:
    """The batch's schema, id and items, from any of the accepted bodies."""
    body = request.body
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding == "gzip":
        body = decoding.inflate(body)
    elif encoding not in {"", "identity"}:
        raise decoding.BatchRefused(f"Content-Encoding {encoding} is not accepted; use gzip.")
    kind = request.content_type or ""
    if kind in NDJSON_TYPES or kind in CSV_TYPES:
        items = decoding.decode_lines(body, "ndjson" if kind in NDJSON_TYPES else "csv")
        return query.schema_ or "", query.batch_id or "", items
    if kind != "application/json":
        raise decoding.BatchRefused(
            "Send application/json, application/x-ndjson or text/csv (optionally gzip)."
        )
    schema_name, batch_id, items = decoding.decode_json(body)
    return schema_name or query.schema_ or "", batch_id or query.batch_id or "", items


@router.post(
    "/dossiers/batches",
    response={200: BatchOut, 201: BatchOut},
    summary="Send a batch of dossier records (source systems' tokens only)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": BatchIn.model_json_schema()}},
        }
    },
)
def send_batch(request: HttpRequest, query: Query[BatchQuery]) -> tuple[int, BatchOut]:
    source = own_source(request.user)
    if source is None:
        raise PermissionDenied(_("Only a source system's token can send dossier batches."))
    with ingest.gc_paused():
        outcome = _receive(request, query, source)
    status = 200 if outcome.replayed else 201
    return status, batch_out(outcome.batch, replayed=outcome.replayed)


def _receive(request: HttpRequest, query: BatchQuery, source: SourceSystem) -> ingest.Outcome:
    try:
        schema_name, batch_id, items = decode_request(request, query)
    except decoding.BatchRefused as exc:
        raise BadRequest(str(exc)) from exc
    if schema_name != schema.SCHEMA:
        raise BadRequest(
            _('The batch must declare "schema": "%(schema)s".') % {"schema": schema.SCHEMA}
        )
    if not batch_id or len(batch_id) > 100:
        raise BadRequest(_("A batch needs a batch_id of 1 to 100 characters."))
    if personal.find(batch_id, code=True) is not None:
        # Kept with the batch and shown on its pages: never an identity or phone number (read
        # as a code: "I12345678-0" is a tagged serial, not a passport number).
        raise BadRequest(
            _("The batch_id looks like an identity or phone number; personal data is not accepted.")
        )
    try:
        outcome = actions.receive_batch(
            acting_user=request.user, source=source, batch_id=batch_id, items=items
        )
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from exc
    return outcome


@router.get("/dossiers/batches/{id}", response=BatchOut, summary="A batch's summary")
def batch_detail(request: HttpRequest, id: int) -> BatchOut:
    return batch_out(access_batch(request.user, id), replayed=False)


@router.get(
    "/dossiers/batches/{id}/quarantine",
    response=QuarantinePage,
    summary="A batch's refused records, with what was wrong (personal data removed)",
)
def batch_quarantine(
    request: HttpRequest,
    id: int,
    paging: Query[PageQuery],
) -> QuarantinePage:
    batch = access_batch(request.user, id)
    records = batch.quarantine.order_by("position", "pk")
    start = (paging.page - 1) * paging.page_size
    items: list[Any] = [
        QuarantinedOut(position=q.position, code=q.code, errors=q.errors, record=q.record)
        for q in records[start : start + paging.page_size]
    ]
    return QuarantinePage(
        count=records.count(), page=paging.page, page_size=paging.page_size, items=items
    )
