from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from dxgov.directives import rules as task_rules

ID = Field(..., ge=1, le=2_147_483_647)
Choice = Literal["agree", "disagree", "other"]
Attendance = Literal["present", "remote", "stand_in", "absent_excused", "absent"]


class CommitteeRefusedOut(Schema):
    message: str
    errors: dict[str, list[str]]


class MemberOut(Schema):
    id: int
    position: str
    title: str
    person_name: str
    user: str | None
    agency: str | None
    valid_from: date
    valid_to: date | None


class CommitteeOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    agency: str
    standing_office: str | None
    established_on: date
    ended_on: date | None


class CommitteeDetailOut(CommitteeOut):
    members: list[MemberOut]
    predecessors: list[str]


class SessionOut(Schema):
    id: int
    committee: str
    number: int
    title: str
    held_on: date
    place: str
    status: str
    chair: int | None


class SessionDetailOut(SessionOut):
    agenda: list[dict[str, Any]]
    current_item: int | None
    invited: list[int]
    attendance: list[dict[str, Any]]


class AttendanceIn(Schema):
    member: int = ID
    status: Attendance
    reason: str = Field("", max_length=1000)


class CommitteeReportOut(Schema):
    session: int
    status: str
    number: str
    as_of: date
    drafted_at: datetime
    digest: str
    snapshot: dict[str, Any]


class ConclusionOut(Schema):
    session: int
    status: str
    number: str
    issued_on: date | None
    directive: int | None
    summary: str
    items: list[dict[str, Any]]


class ConclusionTaskIn(Schema):
    """A task assigned from a conclusion item: a directive's task, with the same limits."""

    content: str = Field(..., min_length=1, max_length=task_rules.CONTENT_MAX)
    lead_agency: str = Field(..., min_length=1, max_length=task_rules.AGENCY_CODE_MAX)
    coordinating_agencies: list[
        Annotated[str, Field(min_length=1, max_length=task_rules.AGENCY_CODE_MAX)]
    ] = Field(default_factory=list, max_length=task_rules.COORDINATING_MAX)
    deadline: date | None = None
    expected_result: str = Field("", max_length=task_rules.CONTENT_MAX)


class ConclusionTaskOut(Schema):
    id: int
    directive: str
    item: int
    content: str
    lead_agency: str
    deadline: date | None
    status: str


class BallotIn(Schema):
    title: str = Field(..., max_length=300)
    question: str = Field("", max_length=4000)
    draft_text: str = Field("", max_length=20000)
    number: str = Field("", max_length=64)
    deadline: datetime
    change_rule: Literal["refuse", "replace"] = "refuse"
    session: int | None = Field(None, ge=1, le=2_147_483_647)
    open: bool = Field(True, description="Send it to the members at once")


class BallotOut(Schema):
    id: int
    committee: str
    number: str
    title: str
    question: str
    draft_text: str
    document_sha256: str
    deadline: datetime
    change_rule: str
    status: str
    content_hash: str
    opened_at: datetime | None
    closed_at: datetime | None
    tally: dict[str, Any] | None
    decision: str
    signing: list[dict[str, Any]] = Field(
        default_factory=list,
        description="For each member the caller may answer for: what the signed body holds",
    )


class AnswerIn(Schema):
    choice: Choice
    comment: str = Field("", max_length=4000)
    member: int | None = Field(None, ge=1, le=2_147_483_647)
    signature: str = Field("", max_length=128, description="hex Ed25519 signature (own key)")
    answered_at: datetime | None = Field(None, description="the moment signed (own key)")


class AnswerOut(Schema):
    id: int
    member: int
    member_title: str
    choice: str
    comment: str
    sequence: int
    stand_in: bool
    answered_by: str
    answered_at: datetime
    key_id: str
    signature: str
    signed_body: dict[str, Any]
    verified: bool
    problem: str | None


class SignedAnswersOut(Schema):
    ballot: dict[str, Any]
    content_hash: str
    answers: list[AnswerOut]
    keys: list[dict[str, Any]]


class CloseIn(Schema):
    decision: str = Field("", max_length=4000)


class KeyIn(Schema):
    public_key: str = Field(..., max_length=2000)


class KeyOut(Schema):
    key_id: str
    public_key: str
    origin: str
    created_at: datetime
    revoked_at: datetime | None
