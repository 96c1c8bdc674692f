"""The shapes of the indicators and reporting API: <Noun>In, <Noun>Out, <Noun>Filter."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from dxgov.core.limits import MAX_PAGE
from dxgov.reporting.models import ReportStatus

CODE = Field(..., min_length=1, max_length=32)
# A year from 1000 (periods.MIN_YEAR): "0000" is no period, and the schema says so.
PERIOD = Field(
    ...,
    min_length=4,
    max_length=16,
    pattern=r"^\s*[1-9][0-9]{3}([0-9]{2}|[QqSs][0-9]|[Nn]9)?\s*$",
    description="A period code: 202503, 2025Q1, …",
)
FIGURE = Field(None, max_length=64, description="As typed on the form: 1234, 1.234,5, Có")


class AgencyRef(Schema):
    code: str
    name: str


# --- indicators -----------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    definition: str
    unit: str
    value_type: str
    factor: int
    decimals: int
    direction: str
    periodicity: str
    cumulative: bool
    min_value: Decimal | None
    max_value: Decimal | None
    active: bool
    owner: AgencyRef


class IndicatorFilter(Schema):
    q: str | None = Field(None, max_length=100, description="Words in the code or name")
    active: bool | None = None


class ReportDefinitionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    frequency: str
    receiving_agency: AgencyRef
    due_working_days: int
    requires_acceptance: bool
    active: bool
    indicators: list[str]
    reporting_agencies: int


class CompletenessFilter(Schema):
    period: str | None = Field(
        None, max_length=16, description="A period code (default: the current period)"
    )


class CompletenessOut(Schema):
    definition: str
    period: str
    period_label: str
    due_date: date
    expected: list[str]
    sent: list[str]
    on_time: list[str]
    sent_late: list[str]
    overdue: list[str]
    pending: list[str]
    completeness: float | None
    timeliness: float | None


# --- reports --------------------------------------------------------------------------------


class ReportFilter(Schema):
    definition: str | None = Field(None, max_length=32, description="Report definition code")
    period: str | None = Field(None, max_length=16)
    status: ReportStatus | None = None
    agency: str | None = Field(None, max_length=32, description="Agency code (and below it)")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


class ValueOut(Schema):
    indicator: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    comment: str
    version: int


class ReportOut(Schema):
    id: int
    definition: str
    definition_name: str
    agency: AgencyRef
    period: str
    period_label: str
    due_date: date
    status: str
    status_label: str
    on_time: bool | None
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    accepted_at: datetime | None
    return_reason: str
    document_number: str


class ReportDetailOut(ReportOut):
    values: list[ValueOut]


class ReportPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReportOut]


class ReportReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


# --- data values ----------------------------------------------------------------------------


class DataValueIn(Schema):
    indicator: str = CODE
    value: str | None = FIGURE
    numerator: str | None = FIGURE
    denominator: str | None = FIGURE
    comment: str = Field("", max_length=2000)
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The version you read; omit it to overwrite whatever is stored",
    )
    clear: bool = Field(
        False,
        description=(
            "Remove the stored value: send it without value, numerator or denominator. "
            "The only way a request removes a value; an item with no figure and no clear "
            "is refused"
        ),
    )


class DataValueSetIn(Schema):
    definition: str = CODE
    agency: str = CODE
    period: str = PERIOD
    dry_run: bool = False
    values: list[DataValueIn] = Field(..., min_length=1, max_length=1000)


class FindingOut(Schema):
    field: str
    severity: str
    rule: str
    message: str


class ValueResultOut(Schema):
    indicator: str
    status: Literal["created", "updated", "unchanged", "deleted", "refused", "ignored"]
    line: int | None = None
    findings: list[FindingOut]


class GroupResultOut(Schema):
    definition: str
    agency: str
    period: str
    status: Literal["saved", "checked", "refused", "conflict", "locked"]
    message: str
    report: int | None
    values: list[ValueResultOut]


class ImportTotalsOut(Schema):
    created: int
    updated: int
    unchanged: int
    deleted: int
    refused: int
    ignored: int


class FieldErrorOut(Schema):
    field: str
    message: str


class InvalidInputOut(Schema):
    """A body or query that does not match the schema (422 before anything is judged)."""

    message: str
    errors: list[FieldErrorOut]


class ImportSummaryOut(Schema):
    status: Literal["success", "refused", "conflict"]
    message: str
    dry_run: bool
    totals: ImportTotalsOut
    groups: list[GroupResultOut]


# --- series ---------------------------------------------------------------------------------


class SeriesFilter(Schema):
    indicator: str = Field(..., min_length=1, max_length=32)
    agency: str = Field(..., min_length=1, max_length=32)
    from_: str = Field(..., alias="from", min_length=4, max_length=16)
    to: str = Field(..., min_length=4, max_length=16)
    view: Literal["as_is", "as_was"] = "as_is"


class SeriesPointOut(Schema):
    period: str
    period_label: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    reporting: int = Field(..., description="How many agencies' values were added up")


class SeriesOut(Schema):
    indicator: str
    agency: AgencyRef
    view: str
    points: list[SeriesPointOut]
