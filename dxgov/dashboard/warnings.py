"""Early warning (pure): which indicators are off track with how many months left, which tasks
are at risk, which reports are late — found while there is still time to act.

Plain facts in (gathered by dashboard/sources.py), plain items out; every item carries the
link where it can be acted on.

An indicator is judged against a straight path from its starting point (the previous year's
last figure, else the year's first) to the year's target, or against the quarter's milestone
when one is set: behind that path by more than `TOLERANCE` of the distance still to cover at
the start, it is off track. A target already reached is on track whatever the path says.
(Forecasts from dxgov.forecasting will refine this when they land; the rule here needs none.)

A task is at risk when it is still open, not yet past its deadline, and either its reported
progress is more than `TASK_SLACK` points behind the share of its time already used, or its
deadline is within `TASK_LAST_DAYS` days and it is under `TASK_LAST_PROGRESS` per cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

TOLERANCE = Decimal("0.05")
TASK_SLACK = 25
TASK_LAST_DAYS = 7
TASK_LAST_PROGRESS = 80


class Track(StrEnum):
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"


def months_left(today: date) -> int:
    """Whole months after the current one until the year ends (August → 4)."""
    return 12 - today.month


def year_share(day: date) -> Decimal:
    """How much of its year has passed by the end of `day` (31 December → 1)."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return Decimal((day - start).days + 1) / Decimal(length)


def expected_value(
    *, start: Decimal, target: Decimal, start_share: Decimal, share: Decimal
) -> Decimal:
    """The value on the straight path from (start_share, start) to (1, target) at `share`."""
    if start_share >= 1:
        return target
    progress = (share - start_share) / (1 - start_share)
    progress = min(Decimal(1), max(Decimal(0), progress))
    return start + (target - start) * progress


def judge(
    *,
    higher_is_better: bool,
    target: Decimal | None,
    current: Decimal | None,
    share: Decimal,
    start: Decimal | None = None,
    start_share: Decimal = Decimal(0),
    milestone: Decimal | None = None,
) -> Track:
    """On track, off track, achieved, or why it cannot be judged (no target, no data)."""
    if target is None:
        return Track.NO_TARGET
    if current is None:
        return Track.NO_DATA
    sign = Decimal(1) if higher_is_better else Decimal(-1)
    if sign * (current - target) >= 0:
        return Track.ACHIEVED
    begin = current if start is None else start
    if milestone is not None:
        expected = milestone
    else:
        expected = expected_value(start=begin, target=target, start_share=start_share, share=share)
    distance = abs(target - begin) or abs(target) or Decimal(1)
    shortfall = sign * (expected - current)
    return Track.OFF_TRACK if shortfall > TOLERANCE * distance else Track.ON_TRACK


# --- facts and items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorFact:
    indicator_code: str
    indicator_name: str
    agency_code: str
    agency_name: str
    higher_is_better: bool
    target: Decimal | None
    current: Decimal | None
    share: Decimal  # how much of the year the latest figure covers
    start: Decimal | None = None
    start_share: Decimal = Decimal(0)
    milestone: Decimal | None = None
    current_text: str = ""
    target_text: str = ""
    link: str = ""

    @property
    def track(self) -> Track:
        return judge(
            higher_is_better=self.higher_is_better,
            target=self.target,
            current=self.current,
            share=self.share,
            start=self.start,
            start_share=self.start_share,
            milestone=self.milestone,
        )


@dataclass(frozen=True)
class TaskFact:
    task_id: int
    content: str
    agency_code: str
    agency_name: str
    status: str
    progress: int
    assigned_on: date
    deadline: date | None
    link: str = ""


@dataclass(frozen=True)
class LateReportFact:
    definition_code: str
    definition_name: str
    period: str
    agency_code: str
    agency_name: str
    due: date
    sent_late: bool  # sent after the deadline (else not sent yet)
    link: str = ""


def task_at_risk(task: TaskFact, today: date) -> bool:
    if task.status != "open" or task.deadline is None or task.deadline < today:
        return False
    days_left = (task.deadline - today).days
    if days_left <= TASK_LAST_DAYS and task.progress < TASK_LAST_PROGRESS:
        return True
    span = (task.deadline - task.assigned_on).days
    if span <= 0:
        return task.progress < 100
    used = min(1.0, max(0.0, (today - task.assigned_on).days / span))
    return task.progress < used * 100 - TASK_SLACK


class Kind(StrEnum):
    INDICATOR = "indicator"
    TASK = "task"
    REPORT = "report"


@dataclass(frozen=True)
class Item:
    kind: Kind
    agency_code: str
    agency_name: str
    title: str
    detail: str
    link: str
    severity: int  # 2: act now, 1: watch


@dataclass(frozen=True)
class Warnings:
    items: list[Item]
    indicators_total: int
    indicators_off_track: int
    months_left: int
    tasks_at_risk: int
    reports_late: int

    @property
    def sentence(self) -> str:
        """ "12 of 40 indicators off track; 4 months left" — the line leaders read first."""
        text = ngettext(
            "%(off)d of %(total)d indicator off track",
            "%(off)d of %(total)d indicators off track",
            self.indicators_total,
        ) % {"off": self.indicators_off_track, "total": self.indicators_total}
        months = ngettext("%(months)d month left", "%(months)d months left", self.months_left) % {
            "months": self.months_left
        }
        return f"{text}; {months}"

    def for_agency(self, prefix_codes: Iterable[str]) -> list[Item]:
        codes = set(prefix_codes)
        return [item for item in self.items if item.agency_code in codes]


def collect(
    indicators: Sequence[IndicatorFact],
    tasks: Sequence[TaskFact],
    reports: Sequence[LateReportFact],
    today: date,
) -> Warnings:
    """Every warning, most urgent first (off-track indicators, then late reports, then tasks)."""
    items: list[Item] = []
    left = months_left(today)
    judged = [(fact, fact.track) for fact in indicators]
    counted = [fact for fact, track in judged if track not in (Track.NO_TARGET,)]
    off = [fact for fact, track in judged if track == Track.OFF_TRACK]
    for fact in off:
        items.append(
            Item(
                Kind.INDICATOR,
                fact.agency_code,
                fact.agency_name,
                fact.indicator_name,
                _("%(current)s against a target of %(target)s; %(months)s months left")
                % {"current": fact.current_text, "target": fact.target_text, "months": left},
                fact.link,
                2 if left <= 4 else 1,
            )
        )
    for report in reports:
        detail = (
            _("%(period)s: sent after the deadline of %(due)s")
            if report.sent_late
            else _("%(period)s: not sent; the deadline was %(due)s")
        ) % {"period": report.period, "due": report.due.strftime("%d/%m/%Y")}
        items.append(
            Item(
                Kind.REPORT,
                report.agency_code,
                report.agency_name,
                report.definition_name,
                detail,
                report.link,
                1 if report.sent_late else 2,
            )
        )
    risky = [task for task in tasks if task_at_risk(task, today)]
    for task in risky:
        assert task.deadline is not None
        items.append(
            Item(
                Kind.TASK,
                task.agency_code,
                task.agency_name,
                task.content,
                _("%(progress)s%% done; due %(due)s (%(days)s days left)")
                % {
                    "progress": task.progress,
                    "due": task.deadline.strftime("%d/%m/%Y"),
                    "days": (task.deadline - today).days,
                },
                task.link,
                2 if (task.deadline - today).days <= TASK_LAST_DAYS else 1,
            )
        )
    order = {Kind.INDICATOR: 0, Kind.REPORT: 1, Kind.TASK: 2}
    items.sort(key=lambda item: (-item.severity, order[item.kind], item.agency_code, item.title))
    return Warnings(
        items=items,
        indicators_total=len(counted),
        indicators_off_track=len(off),
        months_left=left,
        tasks_at_risk=len(risky),
        reports_late=len(reports),
    )
