"""The shapes of the directives API: <Noun>In (bodies), <Noun>Out (answers), <Noun>Filter."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema

from dxgov.core.limits import MAX_ID, MAX_PAGE
from dxgov.directives.models import DirectiveKind, TaskStatus
from dxgov.directives.rules import (
    AGENCY_CODE_MAX,
    CONTENT_MAX,
    COORDINATING_MAX,
    NUMBER_MAX,
    TEXT_MAX,
    TITLE_MAX,
)


def _iso_date_only(value: Any) -> Any:
    # Pydantic would also read a number as seconds since 1970 (deadline_to=0 is 1970-01-01);
    # the schema says YYYY-MM-DD, so a date is that or a date object, nothing else.
    if isinstance(value, date) or (isinstance(value, str) and re.fullmatch(ISO_DATE, value)):
        return value
    raise ValueError(_("Enter a date as YYYY-MM-DD."))


# Year 0000 is no date (Python's dates start at year 1): the schema says so, as the API does.
ISO_DATE = r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}$"
IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date_only),
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE}),
]
AgencyCode = Annotated[str, Field(min_length=1, max_length=AGENCY_CODE_MAX)]


class AgencyRef(Schema):
    code: str
    name: str


class DirectiveRef(Schema):
    id: int
    number: str
    title: str


# --- directives ---------------------------------------------------------------------------


class DirectiveIn(Schema):
    kind: DirectiveKind
    number: str = Field(
        ..., min_length=1, max_length=NUMBER_MAX, description="Number and symbol, e.g. 155/NQ-CP"
    )
    issued_on: IsoDate
    issuing_agency: str = Field(
        ..., min_length=1, max_length=AGENCY_CODE_MAX, description="Agency code, e.g. CP"
    )
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    summary: str = Field("", max_length=TEXT_MAX)


class DirectiveOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str
    issued_on: date
    issuing_agency: AgencyRef
    title: str
    summary: str
    created_at: datetime


class DirectiveFilter(Schema):
    kind: DirectiveKind | None = None
    number: str | None = Field(None, max_length=64, description="Exact number, e.g. 155/NQ-CP")
    q: str | None = Field(None, max_length=100, description="Words in the number or title")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


class DirectivePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[DirectiveOut]


# --- tasks --------------------------------------------------------------------------------


class TaskIn(Schema):
    directive: int = Field(..., ge=1, le=MAX_ID, description="The directive's id")
    content: str = Field(..., min_length=1, max_length=CONTENT_MAX)
    # Optional here so that a missing lead agency gets the action's own message.
    lead_agency: str | None = Field(
        None, max_length=AGENCY_CODE_MAX, description="Lead agency code"
    )
    coordinating_agencies: list[AgencyCode] = Field(
        default_factory=list, max_length=COORDINATING_MAX
    )
    deadline: IsoDate | None = None
    expected_result: str = Field("", max_length=CONTENT_MAX)
    is_key: bool = False
    parent: int | None = Field(
        None, ge=1, le=MAX_ID, description="The parent task's id, for a sub-task"
    )
    recurrence: Literal["none", "monthly", "quarterly", "yearly"] = Field(
        "none", description="A recurring task becomes one task per period"
    )
    recurrence_until: IsoDate | None = Field(
        None, description="Last date an occurrence may fall on (required when recurring)"
    )


class TaskOut(Schema):
    id: int
    directive: DirectiveRef
    content: str
    lead_agency: AgencyRef
    coordinating_agencies: list[AgencyRef]
    original_deadline: date | None
    deadline: date | None
    expected_result: str
    is_key: bool
    status: str
    status_label: str
    progress_percent: int
    completed_on: date | None
    recurrence: str
    series: int | None
    parent: int | None
    created_at: datetime


class TaskFilter(Schema):
    agency: str | None = Field(
        None, max_length=32, description="Agency code, as lead or coordinating agency"
    )
    status: TaskStatus | None = None
    deadline_from: IsoDate | None = None
    deadline_to: IsoDate | None = None
    is_key: bool | None = None
    q: str | None = Field(None, max_length=100, description="Words in the content or result")
    directive: int | None = Field(None, ge=1, le=MAX_ID, description="The directive's id")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


class TaskPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[TaskOut]


# --- the lead agency's and the coordinator's writes -----------------------------------------


class ProgressIn(Schema):
    percent: int = Field(..., ge=0, le=100)
    narrative: str = Field(..., min_length=1, max_length=TEXT_MAX)
    reason: str = Field(
        "", max_length=TEXT_MAX, description="Why progress went down; required when it does"
    )


class ProgressOut(Schema):
    id: int
    task: int
    percent: int
    narrative: str
    reason: str = Field("", description="Why progress went down (empty when it did not)")
    author: str
    created_at: datetime


class DoneIn(Schema):
    completed_on: IsoDate | None = Field(None, description="Today if absent")
    narrative: str = Field("", max_length=TEXT_MAX)


class ReasonIn(Schema):
    reason: str = Field("", max_length=TEXT_MAX)


class ExtensionIn(Schema):
    requested_deadline: IsoDate
    reason: str = Field(..., min_length=1, max_length=TEXT_MAX)


class ExtensionOut(Schema):
    id: int
    task: int
    requested_deadline: date
    previous_deadline: date
    reason: str
    state: str
    requested_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str


class ExtensionDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=TEXT_MAX)


# --- reading back -------------------------------------------------------------------------


class TimelineFileOut(Schema):
    id: int
    name: str
    size: int


class TimelineEntryOut(Schema):
    at: datetime
    kind: str = Field(
        ...,
        description="status_change, progress_report, extension_request, extension_decision or file",
    )
    actor: str | None = Field(None, description="The user name")
    actor_name: str | None = Field(None, description="The full name, else the user name")
    label: str
    old_status: str | None = None
    new_status: str | None = None
    percent: int | None = None
    text: str = ""
    reason: str = Field("", description="A progress report's reason for going down")
    files: list[TimelineFileOut] = Field(
        default_factory=list, description="Evidence of a progress report, or the file attached"
    )
    previous_deadline: date | None = None
    requested_deadline: date | None = None
    state: str | None = None


class StatisticsFilter(Schema):
    directive: int | None = Field(None, ge=1, le=MAX_ID, description="The directive's id")
    agency: str | None = Field(
        None, max_length=32, description="Lead agency code; agencies under it are included"
    )
    from_: IsoDate | None = Field(None, alias="from", description="Deadline on or after")
    to: IsoDate | None = Field(None, description="Deadline on or before")


class StatusCounts(Schema):
    total: int
    by_status: dict[str, int]
    completed: int
    on_time: int
    late: int
    overdue: int
    completion_rate: float | None = Field(..., description="% completed of those not cancelled")
    on_time_rate: float | None = Field(..., description="% on time of those completed")


class AgencyStatisticsOut(StatusCounts):
    agency: str


class StatisticsOut(StatusCounts):
    by_agency: list[AgencyStatisticsOut]
