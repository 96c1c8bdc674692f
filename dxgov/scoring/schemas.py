from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from dxgov.core.limits import MAX_PAGE
from dxgov.scoring import periods


class ScorePeriodFilter(Schema):
    period: str | None = Field(
        None,
        max_length=16,
        description="202608 (month), 2026Q3 (quarter) or 2026 (year); 2026-08 and 2026-Q3 "
        "are read too",
    )
    kind: Literal["month", "quarter", "year"] = Field(
        "month", description="with no period: the latest of this kind"
    )

    @field_validator("period")
    @classmethod
    def _a_period(cls, value: str | None) -> str | None:
        # Read by the one parser (scoring.periods): what it refuses is a 422.
        return None if value is None else periods.parse(value).code


class ScoreRankingFilter(ScorePeriodFilter):
    of: Literal["provinces", "ministries"] = "provinces"


class ScoreCompareFilter(ScorePeriodFilter):
    a: str | None = Field(None, max_length=32, description="first agency code")
    b: str | None = Field(None, max_length=32, description="second agency code")


class ScoreDossierFilter(ScorePeriodFilter):
    metric: str = Field("2.1", max_length=8, description="metric code, e.g. 2.1")
    part: Literal["numerator", "denominator"] = "numerator"
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


class ScoreRowOut(Schema):
    rank: int
    code: str
    name: str
    total: float
    publicity: float
    progress: float
    online: float
    payment: float
    digitisation: float
    satisfaction: float
    dossiers_received: int


class UnrankedOut(Schema):
    code: str
    name: str
    gap: str = Field(
        ..., description="no_source, source_silent, no_dossiers or not_scored (scoring.gaps)"
    )
    reason: str = Field(..., description="The reason in words")


class ScoreRankingOut(Schema):
    period: str | None
    of: str
    rows: list[ScoreRowOut]
    unranked: list[UnrankedOut] = Field(
        default_factory=list, description="The units without a score for the period, and why"
    )


class ScoreGroupOut(Schema):
    code: str
    label: str
    points: float
    max: int


class ScoreMetricOut(Schema):
    code: str
    label: str
    group: str
    numerator: int
    denominator: int
    ratio: float | None
    points: float
    max: int


class ScoreRankOut(Schema):
    rank: int
    of: int


class ScoreTrendOut(Schema):
    period: str
    total: float | None


class ScoreOfficialOut(Schema):
    group: str
    label: str
    official: float | None
    computed: float | None
    computed_portal_rules: float | None
    difference: float | None
    flagged: bool


class ScoreUnitOut(Schema):
    code: str
    name: str
    period: str
    total: float | None
    rank: ScoreRankOut | None
    groups: list[ScoreGroupOut]
    metrics: list[ScoreMetricOut]
    trend: list[ScoreTrendOut]
    children: list[ScoreRowOut]
    official: list[ScoreOfficialOut]


class ScoreCompareOut(Schema):
    period: str
    units: list[ScoreUnitOut]


class ScoreDossierOut(Schema):
    code: str
    procedure_code: str
    agency_code: str
    received_at: datetime
    end_at: datetime | None
    status: str


class ScoreDossierPage(Schema):
    metric: str
    part: str
    count_field: str
    count: int
    page: int
    page_size: int
    items: list[ScoreDossierOut]
