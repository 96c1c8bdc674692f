"""The shapes of the dossiers API: <Noun>In (bodies), <Noun>Out (answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from dxgov.core.limits import MAX_PAGE


class BatchIn(Schema):
    """A JSON batch (documentation only: the body is read by ingest.py, which also takes
    NDJSON and CSV with `schema` and `batch_id` as query parameters, and gzip)."""

    schema_: str = Field("dxgov.dossier/1", alias="schema", max_length=50)
    batch_id: str = Field(..., min_length=1, max_length=100)
    records: list[dict[str, Any]] = Field(..., max_length=50_000)


class BatchOut(Schema):
    id: int
    batch_id: str
    source: str
    received_at: datetime
    status: str
    replayed: bool
    total: int
    accepted: int
    updated: int
    unchanged: int
    stale: int
    quarantined: int


class BatchQuery(Schema):
    batch_id: str | None = Field(None, max_length=100, description="For NDJSON and CSV bodies")
    schema_: str | None = Field(
        None, alias="schema", max_length=50, description="dxgov.dossier/1 (NDJSON and CSV)"
    )


class QuarantinedOut(Schema):
    position: int
    code: str
    errors: list[str]
    record: Any


class QuarantinePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[QuarantinedOut]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=1000)
