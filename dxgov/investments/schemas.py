"""The shapes of the public-investment API: <Noun>In, <Noun>Out, <Noun>Filter.

Amounts are sent as text typed the Vietnamese way ("1.234.567.000") or as JSON integers, and
come back as integers of đồng; dates as ISO (yyyy-mm-dd) or dd/mm/yyyy text. Every field has
its bounds, so no input reaches the database beyond its columns.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from dxgov.core.limits import MAX_PAGE

CODE = Field(..., min_length=1, max_length=32)
AMOUNT = Field(..., description="Whole đồng: 1.234.567.000 as text, or an integer")
PLAN_YEAR = Field(..., ge=2000, le=2100)
DAY = Field(..., min_length=1, max_length=20, description="yyyy-mm-dd or dd/mm/yyyy")
NOTE = Field("", max_length=2000)
# Text far longer than any amount is refused by the schema, not parsed.
Amount = Annotated[str, Field(max_length=40)] | int


class AgencyRef(Schema):
    code: str
    name: str


class InvestmentFindingOut(Schema):
    field: str
    message: str


class InvestmentRefusedOut(Schema):
    """A red update: nothing was saved; each finding names its field."""

    message: str
    findings: list[InvestmentFindingOut]


# --- projects -------------------------------------------------------------------------------


class ProjectFilter(Schema):
    q: str | None = Field(None, max_length=100, description="Words in the code or name")
    unit: str | None = Field(None, max_length=32, description="Managing agency code")
    category: str | None = Field(None, max_length=16)
    group: str | None = Field(None, max_length=16)
    stage: str | None = Field(None, max_length=16)
    stalled: bool | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


class ProjectIn(Schema):
    code: str = CODE
    name: str = Field(..., min_length=1, max_length=300)
    investor: str = CODE
    group: Literal["national_key", "a", "b", "c"]
    category: Literal[
        "infrastructure", "platforms", "data", "cybersecurity", "applications", "skills"
    ]
    stage: Literal["preparation", "implementation", "completion", "settled"] = "preparation"
    province: str | None = Field(None, max_length=8, description="Province code, e.g. 25")


class BaselineOut(Schema):
    version: int
    original_total: int
    current_total: int
    cost_variance: int
    cost_variance_percent: float | None
    start: date | None
    original_end: date | None
    current_end: date | None
    schedule_variance_days: int | None
    rebaselined: bool


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    investor: AgencyRef
    managing_agency: AgencyRef
    province: str | None
    group: str
    category: str
    stage: str
    stalled: bool
    stalled_reason: str
    physical_percent: float | None
    accepted_value: int | None
    baseline: BaselineOut


class ProjectPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProjectOut]


class MilestoneOut(Schema):
    name: str
    original: date | None
    planned: date
    moved_days: int | None
    reached: date | None
    overdue: bool


class DecisionOut(Schema):
    id: int
    kind: str
    version: int
    number: str
    signed_on: date
    total: int
    sources: dict[str, int]
    start: date
    end: date
    reason: str
    late: bool
    milestones: list[tuple[str, date]]


class AllocationOut(Schema):
    id: int
    plan_year: int
    source: str
    kind: str
    amount: int
    assigned: int
    number: str
    decided_on: date
    reason: str
    counterpart: str | None
    late: bool


class ProjectDetailOut(ProjectOut):
    decisions: list[DecisionOut]
    milestones: list[MilestoneOut]
    allocations: list[AllocationOut]


class TimelineItemOut(Schema):
    day: date
    kind: str
    text: str
    late: bool


# --- decisions, plans, schedule, progress -----------------------------------------------------


class MilestoneIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    planned_on: str = DAY


class DecisionIn(Schema):
    kind: Literal["policy", "investment", "adjustment"]
    number: str = Field(..., min_length=1, max_length=64)
    signed_on: str = DAY
    total: Amount = AMOUNT
    sources: dict[Literal["central_budget", "local_budget", "oda", "other_state"], Amount] = Field(
        default_factory=dict
    )
    start: str = DAY
    end: str = DAY
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50)
    reason: str = NOTE


class AllocationIn(Schema):
    plan_year: int = PLAN_YEAR
    source: Literal["central_budget", "local_budget", "oda", "other_state"]
    kind: Literal["initial", "addition", "cut", "transfer"]
    amount: Amount = AMOUNT
    assigned: Amount | None = Field(None, description="The part assigned by the Prime Minister")
    number: str = Field(..., min_length=1, max_length=64)
    decided_on: str = DAY
    reason: str = NOTE
    receiver: str | None = Field(None, max_length=32, description="Project code (a transfer)")


class ScheduleIn(Schema):
    plan_year: int = PLAN_YEAR
    months: list[Amount] = Field(
        ..., min_length=13, max_length=13, description="Cumulative plan at the 13 month ends"
    )


class SchedulePeriodOut(Schema):
    period: str
    end: date
    planned: int


class ScheduleOut(Schema):
    project: str
    plan_year: int
    months: list[SchedulePeriodOut]
    quarters: list[SchedulePeriodOut]
    weeks: list[SchedulePeriodOut]
    year: int
    from_schedule: bool  # False: the usual curve applied to the plan


class ScheduleFilter(Schema):
    plan_year: int | None = Field(None, ge=2000, le=2100, description="Default: the current")


class MonthlyProgressIn(Schema):
    month: str = Field(..., min_length=6, max_length=7, description="yyyy-mm or mm/yyyy")
    as_of: str = DAY
    percent: Annotated[str, Field(max_length=16)] | float = Field(
        ..., description="0 to 100, one decimal: 45,5"
    )
    accepted_value: Amount | None = None
    causes: list[Literal["procedures", "site_clearance", "capacity", "late_capital", "other"]] = (
        Field(default_factory=list, max_length=5)
    )
    note: str = NOTE
    reason: str = NOTE


class MonthlyProgressOut(Schema):
    month: date
    as_of: date
    percent: float
    accepted_value: int | None
    causes: list[str]
    late: bool


class DisbursementOut(Schema):
    plan_year: int
    source: str
    as_of: date
    kind: str
    value: int
    note: str
    version: int
    late: bool
    channel: str


class DisbursementFilter(Schema):
    plan_year: int | None = Field(None, ge=2000, le=2100)


# --- bulk disbursement ------------------------------------------------------------------------


class DisbursementRowIn(Schema):
    project: str = CODE
    plan_year: int = PLAN_YEAR
    source: str = Field(..., min_length=1, max_length=32)
    as_of: str = DAY
    kind: str = Field(..., min_length=1, max_length=32, description="estimate or actual")
    value: Amount = AMOUNT
    note: str = NOTE


class DisbursementSetIn(Schema):
    dry_run: bool = False
    rows: list[DisbursementRowIn] = Field(..., min_length=1, max_length=10_000)


class DisbursementRowOut(Schema):
    row: int
    project: str
    plan_year: int | None
    source: str
    as_of: date | None
    kind: str
    status: str
    findings: list[InvestmentFindingOut]


class DisbursementTotalsOut(Schema):
    created: int
    updated: int
    unchanged: int
    refused: int


class DisbursementImportOut(Schema):
    status: Literal["success", "refused"]
    message: str
    dry_run: bool
    totals: DisbursementTotalsOut
    rows: list[DisbursementRowOut]


# --- the weekly table and the portfolio -------------------------------------------------------


class WeekFilter(Schema):
    plan_year: int | None = Field(None, ge=2000, le=2100)
    week: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Any day of the week wanted (yyyy-mm-dd)"
    )


class PortfolioFilter(WeekFilter):
    unit: str | None = Field(None, max_length=32, description="A ministry or province (code)")


class YearEndForecastOut(Schema):
    projected: float | None
    low: float | None
    high: float | None
    probability: float | None
    status: str
    method: str


class UnitLineOut(Schema):
    code: str
    name: str
    kind: str
    disbursed: int
    plan_total: int
    plan_assigned: int
    rate_total: float | None
    rate_assigned: float | None
    above_average: bool | None
    projects: int
    good: int
    slow: int
    unable: int
    forecast: YearEndForecastOut | None


class WeeklyOut(Schema):
    plan_year: int
    week: date | None
    week_number: int | None
    national: UnitLineOut
    average_total: float | None
    average_assigned: float | None
    target_rate: float
    thresholds: dict[str, float]
    units: list[UnitLineOut]


class CurvePointOut(Schema):
    week: date
    disbursed: int
    plan_total: int
    plan_assigned: int
    expected: int


class SliceOut(Schema):
    key: str
    label: str
    disbursed: int
    plan_total: int
    rate_total: float | None


class RiskOut(Schema):
    code: str
    name: str
    investor: str
    disbursed: int
    plan_total: int
    expected: int
    klass: str


class PortfolioOut(Schema):
    plan_year: int
    week: date | None
    scope: str
    curve: list[CurvePointOut]
    by_category: list[SliceOut]
    by_group: list[SliceOut]
    by_source: list[SliceOut]
    at_risk_money: list[RiskOut]
    at_risk_money_count: int
    milestones_overdue_count: int
    silent_count: int
    stalled_count: int


class TimelinessOut(Schema):
    code: str
    name: str
    entries: int
    late: int
    on_time_rate: float | None
    rank: int


class TimelinessFilter(Schema):
    plan_year: int | None = Field(None, ge=2000, le=2100)
