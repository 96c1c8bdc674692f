"""Completeness and timeliness of reporting (pure): DHIS2's reporting rates, per Decree 09.

For one definition and period: which agencies were expected, which sent (submitted, approved
or accepted), which sent on time (first submission on or before the due date), which are late
(sent after it, or not yet sent with the deadline passed) and which are missing. Over many
periods: a ranking of agencies by compliance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

SENT = frozenset({"submitted", "approved", "accepted"})


@dataclass(frozen=True)
class Sent:
    """What is known of one agency's report: its status and when it was first submitted."""

    status: str
    first_submitted_on: date | None


@dataclass
class Completeness:
    expected: list[str]
    sent: list[str] = field(default_factory=list)
    on_time: list[str] = field(default_factory=list)
    sent_late: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)  # not sent, deadline passed
    pending: list[str] = field(default_factory=list)  # not sent, deadline not yet passed

    @property
    def completeness(self) -> float | None:
        return len(self.sent) / len(self.expected) if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return len(self.on_time) / len(self.expected) if self.expected else None

    @property
    def late_or_missing(self) -> list[str]:
        return self.overdue + self.sent_late


def completeness(
    expected: Iterable[str], reports: Mapping[str, Sent], due: date, today: date
) -> Completeness:
    """Classify each expected agency (by code) for one report definition and period."""
    result = Completeness(expected=sorted(set(expected)))
    for agency in result.expected:
        report = reports.get(agency)
        submitted = report.first_submitted_on if report is not None else None
        if report is not None and report.status in SENT and submitted is not None:
            result.sent.append(agency)
            (result.on_time if submitted <= due else result.sent_late).append(agency)
        elif submitted is not None and submitted > due:
            # Sent late, then returned: it was sent late; it counts as not sent now.
            result.overdue.append(agency)
        elif today > due:
            result.overdue.append(agency)
        else:
            result.pending.append(agency)
    return result


@dataclass(frozen=True)
class Compliance:
    agency: str
    expected: int
    sent: int
    on_time: int

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0

    @property
    def sent_rate(self) -> float:
        return self.sent / self.expected if self.expected else 0.0


def ranking(periods: Iterable[Completeness]) -> list[tuple[int, Compliance]]:
    """Agencies ranked by on-time rate, then sent rate, over the given periods (ties share)."""
    totals: dict[str, list[int]] = {}
    for period in periods:
        for agency in period.expected:
            row = totals.setdefault(agency, [0, 0, 0])
            row[0] += 1
        for agency in period.sent:
            totals[agency][1] += 1
        for agency in period.on_time:
            totals[agency][2] += 1
    rows = [Compliance(a, e, s, o) for a, (e, s, o) in totals.items()]
    rows.sort(key=lambda c: (-c.on_time_rate, -c.sent_rate, c.agency))
    ranked: list[tuple[int, Compliance]] = []
    for position, compliance in enumerate(rows, start=1):
        if ranked and (ranked[-1][1].on_time_rate, ranked[-1][1].sent_rate) == (
            compliance.on_time_rate,
            compliance.sent_rate,
        ):
            ranked.append((ranked[-1][0], compliance))
        else:
            ranked.append((position, compliance))
    return ranked
