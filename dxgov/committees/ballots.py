"""Opinion ballots (phiếu lấy ý kiến thành viên), the rules as plain values (pure: no ORM).

A ballot asks a question (with a draft text or a document) of the committee's members with a
deadline. What is asked is fixed when the ballot opens, and its content hash (SHA-256 of the
canonical JSON of `Content`) is what every answer signs, with the answer itself
(`signed_body`): a signature therefore proves which question a member answered, how, when,
and whether a stand-in answered for them.

The rules:
- a member answers while the ballot is open and on or before its deadline (a moment);
- only a member the ballot was sent to answers (or a stand-in holding a delegation from them);
- a second answer is refused, or kept as a change with the first kept too, as the ballot's
  `change_rule` says; the latest answer of each member counts;
- the tally counts the latest answers whose signature verifies; an answer whose signature
  does not verify is flagged, listed apart and never counted (nothing is dropped);
- the ballot passes when more than half of the members asked agree.

Reminders: "due soon" once per member within `REMIND_BEFORE` of the deadline; "overdue" once
per member who has not answered when the deadline has passed (the caller's dedupe keys make
each one message, however often or concurrently the day's run goes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

SIGNED_VERSION = 1
REMIND_BEFORE = timedelta(hours=24)
COMMENT_MAX = 4000


class Choice(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    OTHER = "other"


class ChangeRule(StrEnum):
    REFUSE = "refuse"  # one answer per member
    REPLACE = "replace"  # a member may change their answer; every answer is kept


class Refusal(StrEnum):
    """Why an answer is refused (each has its message in `refusal_message`)."""

    NOT_OPEN = "not_open"
    CLOSED = "closed"
    PAST_DEADLINE = "past_deadline"
    NOT_ASKED = "not_asked"
    ALREADY_ANSWERED = "already_answered"
    NO_DELEGATION = "no_delegation"


def canonical(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes that are hashed and signed (as the audit
    checkpoints', `audit.signing.canonical_body`)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Content:
    """What a ballot asks, fixed when it opens. The deadline is not part of it: extending a
    deadline does not change the question members answered."""

    ballot: int
    committee: str
    number: str
    title: str
    question: str
    draft_text: str = ""
    document_sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ballot": self.ballot,
            "committee": self.committee,
            "number": self.number,
            "title": self.title,
            "question": self.question,
            "draft_text": self.draft_text,
            "document_sha256": self.document_sha256,
        }


def content_hash(content: Content | Mapping[str, Any]) -> str:
    data = content.as_dict() if isinstance(content, Content) else dict(content)
    return hashlib.sha256(canonical(data)).hexdigest()


def question_problems(
    title: str, question: str, deadline: datetime | None, now: datetime
) -> dict[str, str]:
    """Field-by-field problems of a ballot about to be created or opened."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = _("Give the ballot a title.")
    if not question.strip():
        problems["question"] = _("A ballot needs a question for the members to answer.")
    if deadline is None:
        problems["deadline"] = _("Give the deadline for answers.")
    elif deadline <= now:
        problems["deadline"] = _("The deadline must be in the future.")
    return problems


@dataclass(frozen=True)
class AnswerInput:
    """An answer as about to be given."""

    member: int
    choice: str
    comment: str = ""
    file_sha256: str = ""


def signed_body(
    *,
    content_digest: str,
    ballot: int,
    answer: AnswerInput,
    member_title: str,
    answered_by: str,
    stand_in: bool,
    answered_at: datetime,
    sequence: int,
) -> dict[str, Any]:
    """The exact mapping an answer's signature covers (every value a string, int, bool)."""
    return {
        "v": SIGNED_VERSION,
        "ballot": ballot,
        "content_hash": content_digest,
        "member": answer.member,
        "member_title": member_title,
        "choice": answer.choice,
        "comment": answer.comment,
        "file_sha256": answer.file_sha256,
        "answered_by": answered_by,
        "stand_in": stand_in,
        "answered_at": answered_at.isoformat(timespec="seconds"),
        "sequence": sequence,
    }


def answer_problems(answer: AnswerInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    if answer.choice not in Choice.__members__.values():
        problems["choice"] = _("Choose agree, disagree or another opinion.")
    if answer.choice == Choice.OTHER and not answer.comment.strip():
        problems["comment"] = _("Say what your other opinion is.")
    if len(answer.comment) > COMMENT_MAX:
        problems["comment"] = _("The comment is longer than %(n)d characters.") % {"n": COMMENT_MAX}
    return problems


def refusal(
    *,
    status: str,
    deadline: datetime,
    now: datetime,
    asked: bool,
    answered_before: bool,
    change_rule: str,
    stand_in: bool,
    delegated: bool,
) -> Refusal | None:
    """Why this answer may not be given now, or None. Checked in this order: the ballot's
    state, the deadline, who answers, a second answer."""
    if status == "closed":
        return Refusal.CLOSED
    if status != "open":
        return Refusal.NOT_OPEN
    if now > deadline:
        return Refusal.PAST_DEADLINE
    if not asked:
        return Refusal.NOT_ASKED
    if stand_in and not delegated:
        return Refusal.NO_DELEGATION
    if answered_before and change_rule != ChangeRule.REPLACE:
        return Refusal.ALREADY_ANSWERED
    return None


def refusal_message(reason: Refusal, *, deadline_text: str = "") -> str:
    messages = {
        Refusal.NOT_OPEN: _("The ballot has not been sent to the members yet."),
        Refusal.CLOSED: _("The ballot is closed; answers are no longer taken."),
        Refusal.PAST_DEADLINE: _(
            "The deadline for answers (%(deadline)s) has passed; the answer was not recorded. "
            "Ask the standing office to extend the deadline."
        )
        % {"deadline": deadline_text},
        Refusal.NOT_ASKED: _(
            "You are not a member this ballot was sent to, nor a stand-in for one."
        ),
        Refusal.ALREADY_ANSWERED: _(
            "You have already answered this ballot, and its rule allows one answer per member."
        ),
        Refusal.NO_DELEGATION: _(
            "You hold no delegation from this member for today; a stand-in answers only with one."
        ),
    }
    return messages[reason]


# --- the tally --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerFact:
    """One stored answer, as the tally sees it."""

    id: int
    member: int
    choice: str
    sequence: int
    valid: bool  # its signature verifies and its body matches the stored answer
    stand_in: bool = False


@dataclass
class Tally:
    asked: int
    agree: int = 0
    disagree: int = 0
    other: int = 0
    answered: list[int] = field(default_factory=list)  # members, in the order asked
    missing: list[int] = field(default_factory=list)  # members who did not answer
    invalid: list[int] = field(default_factory=list)  # answers whose signature fails (ids)
    stand_ins: int = 0
    changed: int = 0  # members whose latest answer changed an earlier one

    @property
    def counted(self) -> int:
        return self.agree + self.disagree + self.other

    @property
    def approved(self) -> bool:
        """More than half of the members asked agree (not of those who answered)."""
        return self.agree * 2 > self.asked

    def as_dict(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "agree": self.agree,
            "disagree": self.disagree,
            "other": self.other,
            "answered": list(self.answered),
            "missing": list(self.missing),
            "invalid": list(self.invalid),
            "stand_ins": self.stand_ins,
            "changed": self.changed,
            "approved": self.approved,
        }


def latest(answers: Iterable[AnswerFact]) -> dict[int, AnswerFact]:
    """Each member's latest answer, by member."""
    found: dict[int, AnswerFact] = {}
    for answer in answers:
        held = found.get(answer.member)
        if held is None or (answer.sequence, answer.id) > (held.sequence, held.id):
            found[answer.member] = answer
    return found


def tally(asked: Iterable[int], answers: Iterable[AnswerFact]) -> Tally:
    """Counts of the members' latest answers whose signatures verify."""
    members = list(dict.fromkeys(asked))
    answers = list(answers)
    current = latest(answers)
    result = Tally(asked=len(members))
    result.invalid = sorted(a.id for a in answers if not a.valid)
    for member in members:
        answer = current.get(member)
        if answer is None or not answer.valid:
            result.missing.append(member)
            continue
        result.answered.append(member)
        if answer.choice == Choice.AGREE:
            result.agree += 1
        elif answer.choice == Choice.DISAGREE:
            result.disagree += 1
        else:
            result.other += 1
        result.stand_ins += int(answer.stand_in)
        result.changed += int(answer.sequence > 1)
    return result


# --- reminders --------------------------------------------------------------------------------

DUE_SOON = "ballot_due_soon"
OVERDUE = "ballot_overdue"


@dataclass(frozen=True)
class Reminder:
    ballot: int
    member: int
    kind: str


def due_reminders(
    ballots: Iterable[Mapping[str, Any]],
    answered: Mapping[int, set[int]],
    now: datetime,
    before: timedelta = REMIND_BEFORE,
) -> list[Reminder]:
    """For each open ballot (`id`, `status`, `deadline`, `members`), each member who has not
    answered: "due soon" within `before` of the deadline, "overdue" once it has passed."""
    found: list[Reminder] = []
    for ballot in ballots:
        if ballot["status"] != "open":
            continue
        deadline: datetime = ballot["deadline"]
        if now > deadline:
            kind = OVERDUE
        elif deadline - now <= before:
            kind = DUE_SOON
        else:
            continue
        done = answered.get(int(ballot["id"]), set())
        found.extend(
            Reminder(int(ballot["id"]), int(member), kind)
            for member in ballot["members"]
            if member not in done
        )
    return found
