"""Early warning (pure): which indicators are off track with how many months left, which tasks
are at risk, which reports are late — found while there is still time to act.

Plain facts in (gathered by dashboard/sources.py), plain items out; every item carries the
link where it can be acted on.

An indicator is judged like with like by the one rule of dxgov.indicators.targets: its figure
to date on the target's basis (the year's sum so far against a yearly sum, a cumulative
indicator's latest value, Σ numerators ÷ Σ denominators for a ratio) against the trajectory
to date (through the quarterly milestones; pro rata for a sum, else the straight path from last
year's figure): behind it by more than `TOLERANCE` of the distance from the start to the
target, it is off track. A target already reached is reached whatever the path says. When the
indicator has a forecast (dxgov.forecasting, recomputed nightly) that is not "too little data",
the forecast decides instead: off track when the forecast says off track (a calibrated
probability of meeting the target under 30%), on track otherwise.

A task is at risk by dxgov.forecasting.forecast.task_risk (the one rule: deadline near with
little progress, or no progress report for a month); the warning lists open tasks not yet past
their deadline (overdue tasks are the task block's business).

A dossier source system has stopped when nothing has come from it — no contact and no batch —
for `SOURCE_SILENT_DAYS` days (counted from its registration if it never sent anything).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dxgov.core import formats
from dxgov.forecasting import forecast as fc
from dxgov.indicators import targets

# The rule lives in indicators.targets; its names are re-exported for the dashboard's callers.
from dxgov.indicators.targets import TOLERANCE as TOLERANCE
from dxgov.indicators.targets import Track as Track
from dxgov.indicators.targets import expected_value as expected_value
from dxgov.indicators.targets import judge as judge

# One-stop-shop systems sync with the national portal at least daily (Decision 766's scores are
# computed from near-real-time dossier data): two whole days without a word is a stopped feed,
# not a quiet night or a weekend's lighter traffic (those still send at least one batch).
SOURCE_SILENT_DAYS = 2


def months_left(today: date, year: int | None = None) -> int:
    """Whole months after the current one until the end of `year` (default: this year;
    August → 4), never below zero."""
    year = today.year if year is None else year
    return max(0, (year - today.year) * 12 + 12 - today.month)


def year_share(day: date) -> Decimal:
    """How much of its year has passed by the end of `day` (31 December → 1)."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return Decimal((day - start).days + 1) / Decimal(length)


def percent_text(share: float | None) -> str:
    """0.62 → "62%" (None → "—")."""
    return formats.percent(None if share is None else share * 100, 0)


# --- facts and items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastFact:
    """An indicator's stored forecast for one agency (dxgov.forecasting.models.Forecast)."""

    status: str  # forecast.Status codes
    probability: float | None
    projected_text: str
    target_year: int

    @property
    def usable(self) -> bool:
        return self.status != fc.Status.TOO_LITTLE_DATA


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
    forecast: ForecastFact | None = None
    # The like-for-like comparison (indicators.targets.compare) that judges it when given.
    comparison: targets.Comparison | None = None
    expected_text: str = ""

    @property
    def by_forecast(self) -> bool:
        """Whether the forecast (not the straight-path rule) judges this indicator."""
        return (
            self.forecast is not None
            and self.forecast.usable
            and self.target is not None
            and self.current is not None
        )

    @property
    def track(self) -> Track:
        if self.by_forecast:
            assert self.forecast is not None and self.target is not None
            assert self.current is not None
            sign = Decimal(1) if self.higher_is_better else Decimal(-1)
            if sign * (self.current - self.target) >= 0:
                return Track.ACHIEVED
            if self.forecast.status == fc.Status.OFF_TRACK:
                return Track.OFF_TRACK
            return Track.ON_TRACK
        if self.comparison is not None:
            return self.comparison.track
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
    last_report_on: date | None = None


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


@dataclass(frozen=True)
class SourceFact:
    source_code: str
    source_name: str
    agency_code: str  # the owner's
    agency_name: str
    registered_on: date
    last_heard_on: date | None  # the later of its last contact and its last batch
    link: str = ""

    def silent_days(self, today: date) -> int:
        return (today - (self.last_heard_on or self.registered_on)).days

    def stopped(self, today: date) -> bool:
        return self.silent_days(today) >= SOURCE_SILENT_DAYS


class Kind(StrEnum):
    INDICATOR = "indicator"
    TASK = "task"
    REPORT = "report"
    SOURCE = "source"
    INVESTMENT = "investment"


@dataclass(frozen=True)
class InvestmentFact:
    """A public-investment project behind on its money this week (slow or unable to disburse,
    dispatch 169/CĐ-TTg), or stalled (dispatch 26/CĐ-TTg)."""

    project_code: str
    project_name: str
    agency_code: str  # the investor
    agency_name: str
    klass: str  # "slow" or "unable"
    rate_expected: float | None  # disbursed as a share of what the schedule expects (%)
    stalled: bool
    link: str


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
    sources_stopped: int = 0
    investments_behind: int = 0

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
    sources: Sequence[SourceFact] = (),
    investments: Sequence[InvestmentFact] = (),
) -> Warnings:
    """Every warning, most urgent first (off-track indicators, then late reports, stopped
    sources, then tasks)."""
    items: list[Item] = []
    left = months_left(today)
    judged = [(fact, fact.track) for fact in indicators]
    counted = [fact for fact, track in judged if track not in (Track.NO_TARGET,)]
    off = [fact for fact, track in judged if track == Track.OFF_TRACK]
    for fact in off:
        months = left
        if fact.expected_text:
            detail = _(
                "%(current)s against %(expected)s expected by now and a target of %(target)s; "
                "%(months)s months left"
            ) % {
                "current": fact.current_text,
                "expected": fact.expected_text,
                "target": fact.target_text,
                "months": left,
            }
        else:
            detail = _("%(current)s against a target of %(target)s; %(months)s months left") % {
                "current": fact.current_text,
                "target": fact.target_text,
                "months": left,
            }
        if fact.by_forecast:
            assert fact.forecast is not None
            months = months_left(today, fact.forecast.target_year)
            detail = _(
                "%(current)s against a target of %(target)s; forecast %(projected)s "
                "(%(probability)s likely to be met); %(months)s months left"
            ) % {
                "current": fact.current_text,
                "target": fact.target_text,
                "projected": fact.forecast.projected_text,
                "probability": percent_text(fact.forecast.probability),
                "months": months,
            }
        items.append(
            Item(
                Kind.INDICATOR,
                fact.agency_code,
                fact.agency_name,
                fact.indicator_name,
                detail,
                fact.link,
                2 if months <= 4 else 1,
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
    risks = fc.tasks_at_risk(
        {
            index: fc.TaskFacts(
                deadline=task.deadline,
                progress_percent=task.progress,
                status=task.status,
                last_report_on=task.last_report_on,
                assigned_on=task.assigned_on,
            )
            for index, task in enumerate(tasks)
            if task.deadline is not None and task.deadline >= today
        },
        today=today,
    )
    for index, risk in sorted(risks.items()):
        task = tasks[index]
        assert task.deadline is not None
        days = (task.deadline - today).days
        detail = _("%(progress)s%% done; due %(due)s (%(days)s days left)") % {
            "progress": task.progress,
            "due": task.deadline.strftime("%d/%m/%Y"),
            "days": days,
        }
        items.append(
            Item(
                Kind.TASK,
                task.agency_code,
                task.agency_name,
                task.content,
                " ".join([detail + ".", *risk.reasons]),
                task.link,
                2 if fc.TaskRiskCode.DEADLINE_NEAR_LOW_PROGRESS in risk.codes else 1,
            )
        )
    stopped = [source for source in sources if source.stopped(today)]
    for source in stopped:
        days = source.silent_days(today)
        detail = (
            ngettext(
                "No data for %(days)d day; last heard from on %(day)s",
                "No data for %(days)d days; last heard from on %(day)s",
                days,
            )
            % {"days": days, "day": source.last_heard_on.strftime("%d/%m/%Y")}
            if source.last_heard_on is not None
            else ngettext(
                "No data since it was registered %(days)d day ago",
                "No data since it was registered %(days)d days ago",
                days,
            )
            % {"days": days}
        )
        items.append(
            Item(
                Kind.SOURCE,
                source.agency_code,
                source.agency_name,
                f"{source.source_code} · {source.source_name}",
                detail,
                source.link,
                2 if days >= 2 * SOURCE_SILENT_DAYS else 1,
            )
        )
    items.extend(_investment_items(investments))
    order = {
        Kind.INDICATOR: 0,
        Kind.REPORT: 1,
        Kind.SOURCE: 2,
        Kind.INVESTMENT: 3,
        Kind.TASK: 4,
    }
    items.sort(key=lambda item: (-item.severity, order[item.kind], item.agency_code, item.title))
    return Warnings(
        items=items,
        indicators_total=len(counted),
        indicators_off_track=len(off),
        months_left=left,
        tasks_at_risk=len(risks),
        reports_late=len(reports),
        sources_stopped=len(stopped),
        investments_behind=len(investments),
    )


def _investment_items(investments: Sequence[InvestmentFact]) -> list[Item]:
    """Projects unable to disburse or stalled act now (their capital may be moved); slow ones
    are watched."""
    items = []
    for fact in investments:
        if fact.stalled:
            detail = _("Stalled, long-pending: capital may be moved to other projects.")
        else:
            share = None if fact.rate_expected is None else fact.rate_expected / 100
            text = (
                _("Unable to disburse: %(rate)s of what its schedule expects by now.")
                if fact.klass == "unable"
                else _("Disbursing slowly: %(rate)s of what its schedule expects by now.")
            )
            detail = text % {"rate": percent_text(share)}
        items.append(
            Item(
                Kind.INVESTMENT,
                fact.agency_code,
                fact.agency_name,
                f"{fact.project_code} · {fact.project_name}",
                detail,
                fact.link,
                2 if fact.stalled or fact.klass == "unable" else 1,
            )
        )
    return items
