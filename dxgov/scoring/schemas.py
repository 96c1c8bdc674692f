from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from dxgov.core.limits import MAX_PAGE

PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"
Period = Field(
    None, pattern=PERIOD_PATTERN, description="2026-08 (month), 2026-Q3 (quarter) or 2026 (year)"
)


class ScorePeriodFilter(Schema):
    period: str | None = Period
    kind: Literal["month", "quarter", "year"] = Field(
        "month", description="with no period: the latest of this kind"
    )


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


class ScoreRankingOut(Schema):
    period: str | None
    of: str
    rows: list[ScoreRowOut]


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
