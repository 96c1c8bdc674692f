"""Platform data behind automatic components: one reader per source, for every unit at once.

Each reader takes the year, the units' agencies and the day the data is read as of, and
returns, per agency id, an `Observation`: the year-to-date value, its monthly series (for the
forecast to year end) and links to the data behind it (the 766 scorecard, the reports, the
tasks). A unit counts its whole subtree (a province: its committee, departments and
communes), found by agency path, in one or two grouped queries per source.

* score766: the Decision 766 total for the year (0–100; the year's score, else the mean of
  its scored months);
* online_share, digitisation_share: dossiers received online / digitised over dossiers
  received in the year, from the same scores' counts;
* reporting_timeliness, reporting_completeness: of the reports due so far this year from the
  subtree's reporting agencies (every active definition and period), the share first sent on
  or before the due date, and the share sent at all;
* task_on_time: of the subtree's tasks whose original deadline fell this year and has passed,
  the share done on time (done late, overdue: not on time; postponed, cancelled: not counted);
* indicator: a catalogue indicator's final value for the agency and year (approved or
  accepted reports, or values without a report);
* investment_disbursement: from the `investments` app when it is installed and provides it
  (see `PROVIDERS`); otherwise unavailable, and the components that use it are skipped.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.core.periods import Frequency
from dxgov.directives.models import Task, TaskStatus
from dxgov.indices.definition import SourceKind
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus
from dxgov.reporting.schedule import due_date_of
from dxgov.scoring.models import Score
from dxgov.scoring.qd766 import DEFAULT_RULESET

log = logging.getLogger(__name__)


@dataclass
class Observation:
    value: float | None
    series: list[tuple[int, float]] = field(default_factory=list)  # (month 1–12, value)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, URL)
    note: str = ""


Reader = Callable[[int, Sequence[Agency], date, str, dict[Any, Any], bool], dict[int, Observation]]


class Unavailable(LookupError):
    """The source cannot be read here (its app is not installed)."""


# --- subtrees ---------------------------------------------------------------------------------


class Subtrees:
    """Which unit an agency counts for: the unit whose path is the longest prefix of its own."""

    def __init__(self, agencies: Iterable[Agency]) -> None:
        self.by_path = {agency.path: agency.id for agency in agencies}
        self._owners: dict[str, int | None] = {}  # rows repeat a path once per month and status

    def owner(self, path: str) -> int | None:
        if path in self._owners:
            return self._owners[path]
        found = None
        parts = path.strip("/").split("/")
        for end in range(len(parts), 0, -1):
            found = self.by_path.get("/" + "/".join(parts[:end]) + "/")
            if found is not None:
                break
        self._owners[path] = found
        return found


# Past this many agencies a query reads every row of the year and keeps the agencies' in
# Python: a list of thousands of ids bound into the query costs more than the extra rows.
IN_LIST_MAX = 300


def _among(field: str, ids: Sequence[int]) -> Q:
    return Q(**{f"{field}__in": list(ids)}) if len(ids) <= IN_LIST_MAX else Q()


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


# --- Decision 766 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    month: int  # 0: the year's score
    total: float
    received: int
    online: int
    digitised: int


def _scores(
    year: int, agencies: Sequence[Agency], *, series: bool, memo: dict[Any, Any]
) -> dict[int, list[ScoreRow]]:
    """Each agency's 766 scores of the year (the year's, month 0; and its months when the
    series is wanted or there is no year's score), read once per computation for every source
    that uses them; only the counts the sources need are read out of the stored counts."""
    key = ("scores", year, series, len(agencies))
    if key in memo:
        found: dict[int, list[ScoreRow]] = memo[key]
        return found
    ids = [a.id for a in agencies]
    fields = (
        "agency_id",
        "period_start",
        "total",
        "counts__dossiers_received",
        "counts__dossiers_online",
        "counts__dossiers_digitised",
    )
    base = Score.objects.filter(ruleset=DEFAULT_RULESET, period_start__year=year)
    out: dict[int, list[ScoreRow]] = {}

    def add(rows: Any, month: bool) -> None:
        for agency_id, start, total, received, online, digitised in rows:
            out.setdefault(agency_id, []).append(
                ScoreRow(
                    start.month if month else 0,
                    float(total),
                    int(received or 0),
                    int(online or 0),
                    int(digitised or 0),
                )
            )

    known = set(ids)

    def mine(rows: Any) -> Any:
        return (row for row in rows if row[0] in known)

    add(mine(base.filter(_among("agency_id", ids), period_kind="year").values_list(*fields)), False)
    wanted = ids if series else [i for i in ids if i not in out]
    if wanted:
        months = base.filter(_among("agency_id", wanted), period_kind="month")
        known = set(wanted)
        add(mine(months.order_by("period_start").values_list(*fields)), True)
    memo[key] = out
    return out


def links(kind: str, code: str, year: int) -> list[tuple[str, str]]:
    """Where the data behind a source's value for an agency and year can be seen."""
    if kind in (SourceKind.SCORE766, SourceKind.ONLINE_SHARE, SourceKind.DIGITISATION_SHARE):
        return [
            (
                _("Decision 766 scorecard %(year)s") % {"year": year},
                reverse("scoring:unit", args=[code]) + f"?period={year}",
            )
        ]
    if kind in (SourceKind.REPORTING_TIMELINESS, SourceKind.REPORTING_COMPLETENESS):
        return [(_("Reporting: definitions and compliance"), reverse("reporting:definition_list"))]
    if kind == SourceKind.TASK_ON_TIME:
        query = f"?agency={code}&deadline_from={year}-01-01&deadline_to={year}-12-31"
        return [
            (_("Tasks due in %(year)s") % {"year": year}, reverse("directives:task_list") + query)
        ]
    return []


def score766(
    year: int,
    agencies: Sequence[Agency],
    as_of: date,
    _arg: str,
    memo: dict[Any, Any],
    series: bool,
) -> dict[int, Observation]:
    found = _scores(year, agencies, series=series, memo=memo)
    out = {}
    for agency in agencies:
        rows = found.get(agency.id, [])
        months = [(r.month, r.total) for r in rows if r.month]
        yearly = [r.total for r in rows if not r.month]
        if yearly:
            value: float | None = yearly[0]
        elif months:
            value = sum(v for _m, v in months) / len(months)
        else:
            value = None
        out[agency.id] = Observation(value, months)
    return out


def _share(numerator: str) -> Reader:
    def read(
        year: int,
        agencies: Sequence[Agency],
        as_of: date,
        _arg: str,
        memo: dict[Any, Any],
        series: bool,
    ) -> dict[int, Observation]:
        found = _scores(year, agencies, series=series, memo=memo)
        out = {}
        for agency in agencies:
            rows = found.get(agency.id, [])
            months = []
            for row in rows:
                share = _ratio(getattr(row, numerator), row.received)
                if row.month and share is not None:
                    months.append((row.month, share))
            chosen = [r for r in rows if not r.month] or [r for r in rows if r.month]
            value = _ratio(
                sum(getattr(r, numerator) for r in chosen), sum(r.received for r in chosen)
            )
            out[agency.id] = Observation(value, months)
        return out

    return read


# --- reporting ---------------------------------------------------------------------------------


def _reporting(year: int, agencies: Sequence[Agency], as_of: date) -> dict[int, dict[str, Any]]:
    """Per unit: expected, sent and on-time counts of the year's reports due by `as_of`, and
    the same per month of the due date."""
    subtrees = Subtrees(agencies)
    tally: dict[int, dict[str, Any]] = {
        a.id: {"expected": 0, "sent": 0, "on_time": 0, "months": {}} for a in agencies
    }
    definitions = ReportDefinition.objects.filter(active=True).prefetch_related(
        "reporting_agencies"
    )
    for definition in definitions:
        reporters = [
            a for a in definition.reporting_agencies.all() if subtrees.owner(a.path) is not None
        ]
        if not reporters:
            continue
        frequency = Frequency(definition.frequency)
        due: dict[str, date] = {}
        for period in periods.periods_between(frequency, date(year, 1, 1), date(year, 12, 31)):
            if period.year != year:
                continue
            day = due_date_of(definition, period)
            if day <= as_of:
                due[period.code] = day
        if not due:
            continue
        sent = {
            (agency_id, period): first
            for agency_id, period, first, status in Report.objects.filter(
                definition=definition, period__in=list(due), agency__in=reporters
            ).values_list("agency_id", "period", "first_submitted_at", "status")
            if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED)
        }
        for reporter in reporters:
            owner = subtrees.owner(reporter.path)
            assert owner is not None
            counts = tally[owner]
            for code, day in due.items():
                month = counts["months"].setdefault(day.month, [0, 0, 0])
                counts["expected"] += 1
                month[0] += 1
                first = sent.get((reporter.id, code))
                if first is None:
                    continue
                counts["sent"] += 1
                month[1] += 1
                if timezone.localdate(first) <= day:
                    counts["on_time"] += 1
                    month[2] += 1
    return tally


def _reporting_reader(part: str) -> Reader:
    def read(
        year: int,
        agencies: Sequence[Agency],
        as_of: date,
        _arg: str,
        memo: dict[Any, Any],
        series: bool,
    ) -> dict[int, Observation]:
        key = ("reporting", year, as_of, len(agencies))
        if key not in memo:
            memo[key] = _reporting(year, agencies, as_of)
        tally = memo[key]
        out = {}
        position = 2 if part == "on_time" else 1
        template = _("%(part)s of %(expected)s reports due")  # once, not per agency
        for agency in agencies:
            counts = tally[agency.id]
            value = _ratio(counts[part], counts["expected"])
            monthly = sorted(
                (month, m[position] / m[0]) for month, m in counts["months"].items() if m[0]
            )
            note = template % {
                "part": counts[part],
                "expected": counts["expected"],
            }
            out[agency.id] = Observation(value, monthly, note=note)
        return out

    return read


# --- tasks --------------------------------------------------------------------------------------


def task_on_time(
    year: int,
    agencies: Sequence[Agency],
    as_of: date,
    _arg: str,
    memo: dict[Any, Any],
    series: bool,
) -> dict[int, Observation]:
    subtrees = Subtrees(agencies)
    counted = (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE, TaskStatus.OVERDUE)
    # Grouped by the lead agency's id, its path looked up here: joining the agencies to group
    # by path cost the query half its time.
    rows = (
        Task.objects.filter(
            original_deadline__year=year,
            original_deadline__lte=as_of,
            status__in=counted,
        )
        .values_list("lead_agency_id", "original_deadline__month", "status")
        .annotate(n=Count("pk"))
    )
    paths = dict(Agency.objects.values_list("id", "path"))
    tally: dict[int, dict[int, list[int]]] = {a.id: {} for a in agencies}
    for lead_id, month, status, n in rows:
        owner = subtrees.owner(paths.get(lead_id, ""))
        if owner is None:
            continue
        cell = tally[owner].setdefault(month, [0, 0])
        cell[0] += n
        if status == TaskStatus.DONE_ON_TIME:
            cell[1] += n
    out = {}
    template = _("%(on_time)s of %(total)s tasks due done on time")  # once, not per agency
    for agency in agencies:
        months = tally[agency.id]
        total = sum(c[0] for c in months.values())
        on_time = sum(c[1] for c in months.values())
        value = _ratio(on_time, total)
        monthly = sorted((month, c[1] / c[0]) for month, c in months.items() if c[0])
        note = template % {
            "on_time": on_time,
            "total": total,
        }
        out[agency.id] = Observation(value, monthly, note=note)
    return out


# --- a catalogue indicator --------------------------------------------------------------------


def indicator(
    year: int,
    agencies: Sequence[Agency],
    as_of: date,
    code: str,
    memo: dict[Any, Any],
    series: bool,
) -> dict[int, Observation]:
    final = Q(report__isnull=True) | Q(
        report__status__in=(ReportStatus.APPROVED, ReportStatus.ACCEPTED)
    )
    rows = (
        DataValue.objects.filter(
            indicator__code=code,
            period_start__year=year,
            period_start__lte=as_of,
            category="",
            value__isnull=False,
        )
        .filter(final, _among("agency_id", [a.id for a in agencies]))
        .order_by("agency_id", "period_start")
        .values_list("agency_id", "period_start", "value")
    )
    found: dict[int, list[tuple[date, float]]] = {}
    for agency_id, start, number in rows:
        if number is not None:
            found.setdefault(agency_id, []).append((start, float(number)))
    out = {}
    for agency in agencies:
        points = found.get(agency.id, [])
        latest = points[-1][1] if points else None
        out[agency.id] = Observation(latest, [(d.month, v) for d, v in points])
    return out


# --- investments (pluggable) --------------------------------------------------------------------

# Where a source's provider lives when another app supplies it: "module:function", the function
# taking (year, agency codes, as_of) and returning {agency code: rate from 0 to 1}. Absent app,
# absent module or function: the source is unavailable and its components are skipped.
PROVIDERS: dict[SourceKind, tuple[str, str]] = {
    SourceKind.INVESTMENT_DISBURSEMENT: (
        "dxgov.investments",
        "dxgov.investments.indices:disbursement_rates",
    ),
}
_registered: dict[SourceKind, Callable[[int, Sequence[str], date], Mapping[str, float]]] = {}


def register_provider(
    kind: SourceKind, provider: Callable[[int, Sequence[str], date], Mapping[str, float]]
) -> None:
    """An app above or beside this one plugs in a source (from its AppConfig.ready())."""
    _registered[kind] = provider


def _provider(kind: SourceKind) -> Callable[[int, Sequence[str], date], Mapping[str, float]]:
    if kind in _registered:
        return _registered[kind]
    app, target = PROVIDERS[kind]
    if not apps.is_installed(app):
        raise Unavailable(_("%(app)s is not installed.") % {"app": app})
    module_name, _colon, name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise Unavailable(
            _("%(module)s does not provide it yet.") % {"module": module_name}
        ) from None
    provider = getattr(module, name, None)
    if not callable(provider):
        raise Unavailable(_("%(module)s does not provide it yet.") % {"module": module_name})
    return provider  # type: ignore[no-any-return]


def investment_disbursement(
    year: int,
    agencies: Sequence[Agency],
    as_of: date,
    _arg: str,
    memo: dict[Any, Any],
    series: bool,
) -> dict[int, Observation]:
    provider = _provider(SourceKind.INVESTMENT_DISBURSEMENT)
    rates = provider(year, [a.code for a in agencies], as_of)
    return {
        a.id: Observation(None if rates.get(a.code) is None else float(rates[a.code]))
        for a in agencies
    }


READERS: dict[SourceKind, Reader] = {
    SourceKind.SCORE766: score766,
    SourceKind.ONLINE_SHARE: _share("online"),
    SourceKind.DIGITISATION_SHARE: _share("digitised"),
    SourceKind.REPORTING_TIMELINESS: _reporting_reader("on_time"),
    SourceKind.REPORTING_COMPLETENESS: _reporting_reader("sent"),
    SourceKind.TASK_ON_TIME: task_on_time,
    SourceKind.INDICATOR: indicator,
    SourceKind.INVESTMENT_DISBURSEMENT: investment_disbursement,
}


def read(
    kind: SourceKind,
    year: int,
    agencies: Sequence[Agency],
    as_of: date,
    argument: str = "",
    *,
    memo: dict[Any, Any] | None = None,
    series: bool = False,
) -> dict[int, Observation]:
    """Every agency's observation of one source; Unavailable when it cannot be read here.

    `memo` shares what several sources read (the 766 scores) within one computation; `series`
    asks for the monthly values too (the forecast to year end)."""
    return READERS[kind](year, agencies, as_of, argument, {} if memo is None else memo, series)
