"""The shapes of the command centre's API: <Noun>Out, <Noun>Filter."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field


class AgencyRef(Schema):
    code: str
    name: str


class WarningOut(Schema):
    kind: Literal["indicator", "task", "report", "source", "investment"]
    kind_label: str
    severity: int = Field(..., description="2: act now; 1: watch")
    agency: AgencyRef
    title: str
    detail: str
    link: str = Field(..., description="Where it is acted on (a path on this platform)")


class WarningCountsOut(Schema):
    indicators_total: int = Field(..., description="Indicators with a target, judged")
    indicators_off_track: int
    months_left: int
    tasks_at_risk: int
    reports_late: int
    sources_stopped: int


class WarningsOut(Schema):
    agency: AgencyRef = Field(..., description="The agency asked for, or the nation (CP)")
    year: int
    sentence: str = Field(..., description="The line leaders read first")
    counts: WarningCountsOut
    items: list[WarningOut]


class WarningsFilter(Schema):
    agency: str | None = Field(
        None,
        max_length=32,
        description="Agency code (its warnings and those below it; 404 outside your scope). "
        "Empty or CP: the national overview's warnings in your scope.",
    )
