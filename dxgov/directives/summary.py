"""Task statistics from plain counts (pure): the seeds' sentence, rates, league table, overdue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

COMPLETED = ("done_on_time", "done_late")
IN_PROGRESS = ("open", "overdue", "awaiting_confirmation")


@dataclass(frozen=True)
class Summary:
    total: int
    completed: int
    on_time: int
    late: int
    in_progress: int
    overdue: int
    awaiting: int
    postponed: int
    cancelled: int

    @property
    def on_time_rate(self) -> float | None:
        """Share of completed tasks completed by their original deadline."""
        return self.on_time / self.completed if self.completed else None

    @property
    def on_time_percent(self) -> float | None:
        rate = self.on_time_rate
        return None if rate is None else round(rate * 100, 1)

    @property
    def completion_percent(self) -> float | None:
        rate = self.completion_rate
        return None if rate is None else round(rate * 100, 1)

    @property
    def completion_rate(self) -> float | None:
        """Completed over the tasks expected done: a cancelled task is not (as stats.py)."""
        expected = self.total - self.cancelled
        return self.completed / expected if expected else None


def summarise(counts: Mapping[str, int]) -> Summary:
    get = counts.get
    return Summary(
        total=sum(counts.values()),
        completed=sum(get(s, 0) for s in COMPLETED),
        on_time=get("done_on_time", 0),
        late=get("done_late", 0),
        in_progress=sum(get(s, 0) for s in IN_PROGRESS),
        overdue=get("overdue", 0),
        awaiting=get("awaiting_confirmation", 0),
        postponed=get("postponed", 0),
        cancelled=get("cancelled", 0),
    )


def sentence(summary: Summary) -> str:
    """ "27 nhiệm vụ: 15 hoàn thành, 12 đang thực hiện" — the figure leaders quote."""
    text = ngettext(
        "%(total)d task: %(completed)d completed, %(in_progress)d in progress",
        "%(total)d tasks: %(completed)d completed, %(in_progress)d in progress",
        summary.total,
    ) % {"total": summary.total, "completed": summary.completed, "in_progress": summary.in_progress}
    if summary.overdue:
        text += _(" (%(overdue)d overdue)") % {"overdue": summary.overdue}
    return text


@dataclass(frozen=True)
class LeagueRow:
    agency: str
    summary: Summary
    rank: int = 0


def league(
    by_agency: Mapping[str, Mapping[str, int]], *, min_completed: int = 1
) -> list[LeagueRow]:
    """Agencies ranked by on-time completion rate, then fewer overdue, then more completed.

    Agencies with fewer than `min_completed` completed tasks have no rate and come last.
    """
    rows = [LeagueRow(agency, summarise(counts)) for agency, counts in by_agency.items()]

    def key(row: LeagueRow) -> tuple[int, float, int, int, str]:
        s = row.summary
        rated = s.completed >= min_completed and s.on_time_rate is not None
        return (0 if rated else 1, -(s.on_time_rate or 0.0), s.overdue, -s.completed, row.agency)

    ordered = sorted(rows, key=key)
    ranked: list[LeagueRow] = []
    for position, row in enumerate(ordered, start=1):
        previous = ranked[-1] if ranked else None
        same = previous is not None and key(previous)[:4] == key(row)[:4]
        ranked.append(
            LeagueRow(row.agency, row.summary, previous.rank if same and previous else position)
        )
    return ranked


def agencies_of_today(successor_of: Mapping[str, str]) -> dict[str, str]:
    """Each ceased agency's agency of today, following successions (a ministry merged in March
    2025 into one that was itself reorganised …); `successor_of` maps a ceased agency to its
    successor. A cycle (bad data) stops at the agency it came back to."""
    found = {}
    for code in successor_of:
        seen, current = {code}, successor_of[code]
        while current in successor_of and current not in seen:
            seen.add(current)
            current = successor_of[current]
        found[code] = current
    return found


def regroup(
    by_agency: Mapping[str, Mapping[str, int]], today_of: Mapping[str, str]
) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    """The counts moved onto today's agencies: a ceased agency's tasks count for the agency
    that took over its work (`today_of`, from agencies_of_today). Also returns, for each of
    today's agencies that took some, the ceased agencies counted in, sorted."""
    counts: dict[str, dict[str, int]] = {}
    taken: dict[str, list[str]] = {}
    for agency, by_status in by_agency.items():
        target = today_of.get(agency, agency)
        merged = counts.setdefault(target, {})
        for status, n in by_status.items():
            merged[status] = merged.get(status, 0) + n
        if target != agency:
            taken.setdefault(target, []).append(agency)
    return counts, {target: sorted(codes) for target, codes in taken.items()}


def days_late(deadline: date, today: date) -> int:
    """Whole days past a deadline; the deadline day itself is not late."""
    return max(0, (today - deadline).days)
