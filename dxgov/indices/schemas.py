from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

View = Literal["as_was", "as_is", "nowcast", "forecast"]

# A score sent as text is a number written out: far longer text is refused before it is read,
# and the schema says how long it may be.
SCORE_TEXT_MAX = 24


def _short_score_text(value: Any) -> Any:
    if isinstance(value, str) and len(value) > SCORE_TEXT_MAX:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": SCORE_TEXT_MAX},
        )
    return value


Score = Annotated[
    Decimal | None,
    Field(ge=0, le=1_000_000, max_digits=14, decimal_places=4),
    BeforeValidator(_short_score_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1_000_000},
                {"type": "string", "maxLength": SCORE_TEXT_MAX},
                {"type": "null"},
            ]
        }
    ),
]


class IndexEditionOut(Schema):
    code: str
    index: str
    year: int
    level: str
    name: str
    decision: str
    version: int
    provisional: bool
    views: list[str]


class IndexEditionDetailOut(IndexEditionOut):
    summary: dict[str, Any]
    definition: dict[str, Any]


class IndexViewFilter(Schema):
    view: View | None = Field(None, description="as_was, as_is, nowcast or forecast")


class IndexRankingOut(Schema):
    edition: str
    view: str
    computed_at: datetime | None
    provisional: bool
    main_indicators: list[dict[str, Any]]
    pillars: list[dict[str, Any]]
    groups: list[dict[str, Any]]


class IndexBreakdownOut(Schema):
    edition: str
    view: str
    unit: dict[str, Any]
    score: float | None
    rank: int | None
    change: int | None
    marks: list[str]
    pillars: dict[str, Any]
    merged_from: list[str]
    nodes: list[dict[str, Any]]
    official: dict[str, Any] | None
    history: list[dict[str, Any]]


class IndexSensitivityFilter(Schema):
    draws: int = Field(10_000, ge=100, le=20_000, description="Monte Carlo draws")
    spread: float = Field(0.25, ge=0.05, le=0.5, description="weights vary by ± this share")
    seed: int = Field(2025, ge=0, le=2_147_483_647)


class IndexSensitivityUnitOut(Schema):
    code: str
    name: str
    group: str
    rank: int | None
    low: int | None
    high: int | None
    median: float | None
    top10: float | None
    scenarios: dict[str, int | None]


class IndexSensitivityOut(Schema):
    edition: str
    draws: int
    spread: float
    seed: int
    rules: list[str]
    units: list[IndexSensitivityUnitOut]


class IndexOfficialOut(Schema):
    code: str
    name: str
    view: str
    score: float | None
    rank: int | None
    computed_score: float | None
    computed_rank: int | None
    flagged: bool
    main_values: dict[str, str]


class IndexComponentScoreOut(Schema):
    node: str
    name: str
    max_points: float | None
    self_score: Decimal | None
    self_comment: str
    appraised_score: Decimal | None
    appraisal_comment: str
    final_score: Decimal | None
    evidence: list[str]


class IndexAssessmentOut(Schema):
    edition: str
    unit: str
    name: str
    status: str
    return_reason: str
    submitted_at: datetime | None
    approved_at: datetime | None
    locked_at: datetime | None
    scores: list[IndexComponentScoreOut]


class IndexScoreIn(Schema):
    node: str = Field(..., min_length=1, max_length=32)
    score: Score = None
    comment: str = Field("", max_length=2000)


class IndexScoresIn(Schema):
    scores: list[IndexScoreIn] = Field(..., max_length=500)


class IndexAppraisalIn(Schema):
    node: str = Field(..., min_length=1, max_length=32)
    score: Score = None
    comment: str = Field("", max_length=2000)


class IndexReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class IndexRefusedOut(Schema):
    """A refusal: by field name (the indices' rules), or the list the API gives for a body
    that does not match the schema."""

    message: str
    errors: dict[str, list[str]] | list[dict[str, str]]


class IndexComputedOut(Schema):
    edition: str
    views: dict[str, int]
    seconds: float
