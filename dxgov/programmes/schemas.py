"""The programmes API's bodies and answers (field lengths and ranges declared, so no input the
schema allows can reach the database in a shape it refuses)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema

TEXT = Field("", max_length=4000)
YEAR = Field(..., ge=2020, le=2035)
MAX_PAGE = 100_000


class FieldErrorOut(Schema):
    field: str
    message: str


class RefusedOut(Schema):
    """Bad input: nothing saved; each field and what to fix."""

    message: str
    errors: list[FieldErrorOut]


class ProgrammeFilter(Schema):
    status: Literal["draft", "submitted", "returned", "approved"] | None = None
    q: str | None = Field(None, max_length=100, description="Words in the title or summary")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


class ProgrammeIn(Schema):
    owner: str = Field(..., min_length=1, max_length=32, description="Agency code")
    title: str = Field(..., min_length=1, max_length=300)
    start_year: int = YEAR
    end_year: int = YEAR
    summary: str = TEXT
    de06: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list, max_length=20)
    security_plan: str = TEXT
    feasibility: str = TEXT


class BreakthroughIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    problem: str = Field(..., min_length=1, max_length=4000)
    area: Literal[
        "ict_industry",
        "sector_economy",
        "digital_governance",
        "digital_data",
        "digital_government",
        "smart_city",
    ]


class GoalIn(Schema):
    name: str = Field(..., min_length=1, max_length=300)
    indicator: str = Field("", max_length=32, description="A catalogue code")
    new_indicator: str = Field("", max_length=300)
    formula: str = Field("", max_length=2000)
    unit: str = Field("", max_length=50)
    baseline: str = Field("", max_length=60, description="As typed: 45,5 or 45,5 %")
    targets: dict[int, Annotated[str, Field(max_length=60)]] = Field(
        default_factory=dict, description="Year → the target as typed", max_length=20
    )
    source: str = Field("", max_length=300)
    breakthrough: int | None = Field(None, ge=1, le=2**62)


class ProgrammeTaskIn(Schema):
    content: str = Field(..., min_length=1, max_length=4000)
    lead_agency: str = Field("", max_length=32)
    person: str = Field("", max_length=200)
    deadline: date | None = None
    responsibility: str = TEXT
    expected_result: str = TEXT
    category: Literal[
        "platform",
        "database",
        "infrastructure",
        "service",
        "security",
        "skills",
        "data",
        "economy",
        "regulation",
    ] = "platform"
    de06: str = Field("", max_length=32)
    goal: int | None = Field(None, ge=1, le=2**62)
    breakthrough: int | None = Field(None, ge=1, le=2**62)


class BudgetIn(Schema):
    year: int = YEAR
    source: Literal["central_budget", "local_budget", "oda", "other"]
    amount: str = Field(..., min_length=1, max_length=30, description="Whole đồng, 12.500.000.000")
    investment_code: str = Field("", max_length=32)
    note: str = Field("", max_length=300)


class CommentIn(Schema):
    section: Literal["general", "breakthroughs", "goals", "tasks", "budget", "de06", "security"]
    text: str = Field(..., min_length=1, max_length=4000)


class ReturnIn(Schema):
    comments: list[CommentIn] = Field(default_factory=list, max_length=50)


class ChecklistIn(Schema):
    met: dict[str, bool] = Field(..., max_length=20)
    notes: dict[str, Annotated[str, Field(max_length=4000)]] = Field(
        default_factory=dict, max_length=20
    )


class ApproveIn(Schema):
    decision_number: str = Field(..., min_length=1, max_length=64)
    decision_date: date


class ReviseIn(Schema):
    reason: str = Field(..., max_length=4000)


class LabelIn(Schema):
    label: Literal["overlap", "complementary", "not_related"]
    note: str = Field("", max_length=1000)


class AgencyRef(Schema):
    code: str
    name: str


class BreakthroughOut(Schema):
    id: int
    title: str
    problem: str
    area: str


class TargetOut(Schema):
    year: int
    value: str
    forecast_status: str | None = None
    probability: float | None = None


class GoalOut(Schema):
    id: int
    name: str
    indicator: str | None
    new_indicator: str
    unit: str
    baseline: str | None
    latest_value: str | None
    latest_period: str
    source: str
    targets: list[TargetOut]


class ProgrammeTaskOut(Schema):
    id: int
    content: str
    lead_agency: AgencyRef | None
    person: str
    deadline: date | None
    responsibility: str
    expected_result: str
    category: str
    de06: str
    task_id: int | None
    task_status: str | None


class BudgetOut(Schema):
    year: int
    source: str
    amount: int
    investment_code: str


class VersionOut(Schema):
    number: int
    reason: str
    approved_at: str


class CommentOut(Schema):
    version: int
    section: str
    text: str
    author: str
    created_at: str


class ProgrammeOut(Schema):
    id: int
    owner: AgencyRef
    title: str
    start_year: int
    end_year: int
    status: str
    version: int
    reviewer: AgencyRef | None
    budget_total: int


class ProgrammeDetailOut(ProgrammeOut):
    summary: str
    de06: list[str]
    security_plan: str
    feasibility: str
    change_reason: str
    breakthroughs: list[BreakthroughOut]
    goals: list[GoalOut]
    tasks: list[ProgrammeTaskOut]
    budget: list[BudgetOut]
    versions: list[VersionOut]
    comments: list[CommentOut]


class ProgrammePage(Schema):
    count: int
    page: int
    results: list[ProgrammeOut]


class CreatedOut(Schema):
    id: int


class OverviewRowOut(Schema):
    agency: AgencyRef
    programme_id: int | None
    status: str | None
    late: bool
    goals_on_track: int
    goals_at_risk: int
    goals_off_track: int


class OverviewOut(Schema):
    counts: dict[str, int]
    rows: list[OverviewRowOut]


class PairOut(Schema):
    id: int
    score: float
    text_score: float
    signals: list[str]
    shared_terms: list[str]
    a: str
    b: str
    a_text: str
    b_text: str
    a_agency: str
    b_agency: str
    label: str | None


class ClusterOut(Schema):
    id: int
    size: int
    top: float
    pairs: list[PairOut]


class ClusterPage(Schema):
    count: int
    page: int
    results: list[ClusterOut]


class ClusterFilter(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=200)
