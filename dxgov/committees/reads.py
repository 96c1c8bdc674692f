"""Reads behind the committee pages, the API and the consolidation: a ballot's content and
tally (each answer's signature checked), who is due a reminder, attendance per member over
time, and a member's own view (ballots, sessions, documents to read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from dxgov.committees import access, ballots, signing
from dxgov.committees.models import (
    AgendaDocument,
    Answer,
    Attendance,
    Ballot,
    BallotStatus,
    Committee,
    Delegation,
    Membership,
    Session,
    SessionStatus,
)


def content_of(ballot: Ballot) -> ballots.Content:
    return ballots.Content(
        ballot=ballot.pk,
        committee=ballot.committee.code,
        number=ballot.number,
        title=ballot.title,
        question=ballot.question,
        draft_text=ballot.draft_text,
        document_sha256=ballot.sha256,
    )


# --- signatures --------------------------------------------------------------------------------


def answer_problem(answer: Answer, content_hash: str) -> str | None:
    """Why a stored answer does not stand (None: it does): its signed body must say what the
    row says, over the ballot's content as sent, and its signature must verify."""
    body = answer.signed_body if isinstance(answer.signed_body, dict) else {}
    expected = {
        "ballot": answer.ballot_id,
        "content_hash": content_hash,
        "member": answer.membership_id,
        "choice": answer.choice,
        "comment": answer.comment,
        "file_sha256": answer.sha256,
        "sequence": answer.sequence,
        "stand_in": answer.delegation_id is not None,
    }
    for name, value in expected.items():
        if body.get(name) != value:
            return f"signed {name} differs from the answer recorded"
    try:
        public = signing.load_public(answer.key.public_key)
    except signing.KeyUnusable:
        return "the signer's public key is unusable"
    if signing.key_id(public) != answer.key.key_id:
        return "the signer's public key does not match its id"
    if not signing.verify(public, body, answer.signature):
        return "the signature does not verify"
    return None


def answers_of(ballot: Ballot) -> list[Answer]:
    return list(
        ballot.answers.select_related("membership", "answered_by", "key", "delegation").order_by(
            "membership__order", "membership_id", "sequence"
        )
    )


def ballot_tally(ballot: Ballot, answers: Iterable[Answer] | None = None) -> ballots.Tally:
    rows = answers_of(ballot) if answers is None else list(answers)
    facts = [
        ballots.AnswerFact(
            id=row.pk,
            member=row.membership_id,
            choice=row.choice,
            sequence=row.sequence,
            valid=answer_problem(row, ballot.content_hash) is None,
            stand_in=row.delegation_id is not None,
        )
        for row in rows
    ]
    asked = list(
        ballot.voters.order_by("membership__order", "membership_id").values_list(
            "membership_id", flat=True
        )
    )
    return ballots.tally(asked, facts)


def voters(ballot: Ballot) -> list[Membership]:
    return list(
        Membership.objects.filter(pk__in=ballot.voters.values("membership_id"))
        .select_related("user", "agency")
        .order_by("order", "pk")
    )


def reminders_due(
    now: datetime,
) -> list[tuple[Ballot, list[ballots.Reminder], list[int]]]:
    """Each open ballot whose deadline is near or past, with its due reminders and the
    members who have not answered."""
    window = now + ballots.REMIND_BEFORE
    open_ = list(
        Ballot.objects.filter(status=BallotStatus.OPEN, deadline__lte=window)
        .select_related("committee", "created_by")
        .order_by("pk")
    )
    found = []
    for ballot in open_:
        members = list(ballot.voters.values_list("membership_id", flat=True))
        answered = set(ballot.answers.values_list("membership_id", flat=True))
        plain = {"id": ballot.pk, "status": ballot.status, "deadline": ballot.deadline}
        due = ballots.due_reminders([{**plain, "members": members}], {ballot.pk: answered}, now)
        missing = [m for m in members if m not in answered]
        found.append((ballot, due, missing))
    return found


# --- attendance over time -----------------------------------------------------------------------


@dataclass
class AttendanceRow:
    seat: Membership
    cells: list[Attendance | None]  # one per session, in the sessions' order
    counts: dict[str, int] = field(default_factory=dict)


def attendance_history(committee: Committee, limit: int = 12) -> tuple[list[Session], list[Any]]:
    """The latest sessions (oldest first) and, per member who sat in any of them, how they
    attended each (None: not recorded, or not a member then)."""
    sessions = list(committee.sessions.order_by("-held_on", "-number")[:limit])[::-1]
    records = Attendance.objects.filter(session__in=sessions).select_related("delegation")
    by_seat: dict[int, dict[int, Attendance]] = defaultdict(dict)
    for row in records:
        by_seat[row.membership_id][row.session_id] = row
    seats = list(
        committee.memberships.filter(pk__in=list(by_seat)).select_related("user", "agency")
    )
    rows = []
    for seat in seats:
        cells = [by_seat[seat.pk].get(s.pk) for s in sessions]
        counts: dict[str, int] = defaultdict(int)
        for cell in cells:
            if cell is not None:
                counts[cell.status] += 1
        rows.append(AttendanceRow(seat, cells, dict(counts)))
    return sessions, rows


# --- a member's own view ----------------------------------------------------------------------


def my_seats(user: Any) -> QuerySet[Membership]:
    """Seats the user holds (their account's, or their agency's as its leader) or stands in
    for under a delegation."""
    mine = Q(user=user) | Q(delegations__delegate=user, delegations__revoked_at__isnull=True)
    if getattr(user, "agency_id", None) is not None and getattr(user, "role", "") == "leader":
        mine |= Q(agency_id=user.agency_id, user__isnull=True)
    return Membership.objects.filter(mine).distinct().select_related("committee")


@dataclass(frozen=True)
class MyBallot:
    ballot: Ballot
    seat: Membership
    answer: Answer | None
    state: str  # "open", "answered", "overdue", "closed"
    stand_in: bool


def my_ballots(user: Any, now: datetime | None = None) -> list[MyBallot]:
    moment = now or timezone.now()
    seats = {seat.pk: seat for seat in my_seats(user)}
    if not seats:
        return []
    rows = (
        Ballot.objects.filter(voters__membership_id__in=list(seats))
        .exclude(status=BallotStatus.DRAFT)
        .distinct()
        .select_related("committee")
        .order_by("-deadline")[:100]
    )
    found = []
    for ballot in rows:
        asked = set(ballot.voters.values_list("membership_id", flat=True)) & set(seats)
        for seat_id in sorted(asked):
            seat = seats[seat_id]
            answer = ballot.answers.filter(membership_id=seat_id).order_by("-sequence").first()
            if answer is not None:
                state = "answered"
            elif ballot.status == BallotStatus.CLOSED:
                state = "closed"
            elif ballot.deadline < moment:
                state = "overdue"
            else:
                state = "open"
            found.append(MyBallot(ballot, seat, answer, state, not access.holds_seat(user, seat)))
    order = {"open": 0, "overdue": 1, "answered": 2, "closed": 3}
    return sorted(found, key=lambda b: (order[b.state], b.ballot.deadline))


def my_sessions(user: Any, today: date | None = None) -> tuple[list[Session], list[Session]]:
    """Upcoming sessions the user is invited to (or sits in), and the latest past ones."""
    day = today or timezone.localdate()
    seats = my_seats(user)
    committees = {seat.committee_id for seat in seats}
    sessions = Session.objects.filter(committee_id__in=committees).select_related("committee")
    upcoming = list(
        sessions.filter(held_on__gte=day).exclude(status=SessionStatus.CLOSED).order_by("held_on")
    )
    past = list(sessions.filter(Q(held_on__lt=day) | Q(status=SessionStatus.CLOSED))[:10])
    return upcoming, past


def documents_to_read(upcoming: Iterable[Session]) -> list[AgendaDocument]:
    return list(
        AgendaDocument.objects.filter(item__session__in=list(upcoming))
        .select_related("item", "item__session", "item__session__committee")
        .order_by("item__session__held_on", "item__order", "pk")
    )


def delegations_held(user: Any) -> list[Delegation]:
    return list(
        Delegation.objects.filter(delegate=user, revoked_at__isnull=True)
        .select_related("membership", "membership__committee")
        .order_by("-valid_to")
    )


def next_number(committee: Committee) -> int:
    return int((committee.sessions.aggregate(n=Max("number"))["n"] or 0) + 1)
