"""The report workflow as a table (pure): which step is allowed from which status.

draft ─submit→ submitted ─approve→ approved ─accept→ accepted   (accept only when the
definition requires acceptance by the receiving agency)
submitted ─return→ returned (by the agency leader); approved ─return→ returned (by the
receiver, when acceptance is required); approved/accepted ─reopen→ returned (coordinator,
with a reason). A returned report is edited and submitted again.
"""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    ACCEPT = "accept"
    RETURN = "return"
    REOPEN = "reopen"


class StepNotAllowed(ValueError):
    """The report's status does not allow this step."""


_FROM: dict[Step, frozenset[str]] = {
    Step.SUBMIT: frozenset({"draft", "returned"}),
    Step.APPROVE: frozenset({"submitted"}),
    Step.ACCEPT: frozenset({"approved"}),
    Step.RETURN: frozenset({"submitted", "approved"}),
    Step.REOPEN: frozenset({"approved", "accepted"}),
}
_TO: dict[Step, str] = {
    Step.SUBMIT: "submitted",
    Step.APPROVE: "approved",
    Step.ACCEPT: "accepted",
    Step.RETURN: "returned",
    Step.REOPEN: "returned",
}


def next_status(status: str, step: Step, *, requires_acceptance: bool) -> str:
    """The status after `step`, or StepNotAllowed."""
    allowed = _FROM[step]
    if step in (Step.ACCEPT,) and not requires_acceptance:
        allowed = frozenset()
    if step == Step.RETURN and status == "approved" and not requires_acceptance:
        allowed = frozenset()
    if status not in allowed:
        raise StepNotAllowed(f"{step.value} is not allowed from {status}")
    return _TO[step]


def steps_from(status: str, *, requires_acceptance: bool) -> list[Step]:
    """The steps a report in `status` could take next (before permissions)."""
    possible = []
    for step in Step:
        try:
            next_status(status, step, requires_acceptance=requires_acceptance)
        except StepNotAllowed:
            continue
        possible.append(step)
    return possible
