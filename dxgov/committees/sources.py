"""What a session report reads from the other apps, one small function per source, each
returning a report section (plain JSON values) that names where its numbers came from.

Every function reads the data as it stood on the report's day (`day`; `moment` for rows
stamped with a time): a forecast computed after the draft, a disbursement week after the
day, a Decision 766 month not yet over are not used. A source with nothing for the day says
so (`report.unavailable`: "chưa có số liệu"), so a committee whose data is not yet on the
platform still gets its report — as does a platform without the composite-index or the
public-investment app installed (`apps.is_installed`).

Figures are written as text (decimal strings, whole numbers), never as floats, so that a
snapshot's digest is the same however the database returns its JSON.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from dxgov.committees import report
from dxgov.committees.models import CommitteeKind, ItemTask, Session
from dxgov.forecasting.models import Forecast
from dxgov.indicators.models import TargetState, ValueType
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.reporting import completeness, periods
from dxgov.reporting.models import FINAL_STATUSES, DataValue, Report, ReportDefinition
from dxgov.reporting.schedule import due_date_of
from dxgov.scoring import reports as scores

KEY_INDICATORS = 8
RANK_EDGES = 3  # the national report names the first and last three
LATE_LIST = 30


def _text(value: Decimal | float | int | None, places: int = 2) -> str | None:
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return str(number.quantize(quantum, ROUND_HALF_UP))


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def snapshot(session: Session, day: date, moment: datetime) -> dict[str, Any]:
    committee = session.committee
    sections = {
        "tasks": report.task_section(conclusion_tasks(session, day), day),
        "indicators": key_indicators(committee.agency, day, moment),
        "qd766": position_766(committee.kind, committee.agency, day),
        "dti": position_dti(committee.kind, committee.agency, moment),
        "investment": disbursement(committee.kind, committee.agency, day),
        "late_reports": late_reports(committee.agency, day),
    }
    return report.build(
        committee={"code": committee.code, "name": committee.name, "kind": committee.kind},
        session={"id": session.pk, "number": session.number, "held_on": str(session.held_on)},
        day=day,
        drafted_at=moment.isoformat(timespec="seconds"),
        sections=sections,
    )


# --- tasks of earlier sessions' conclusions ----------------------------------------------------


def conclusion_tasks(session: Session, day: date) -> list[report.TaskFact]:
    links = (
        ItemTask.objects.filter(
            item__conclusion__session__committee=session.committee,
            item__conclusion__session__held_on__lt=session.held_on,
            item__conclusion__issued_on__lte=day,
        )
        .select_related("task", "task__lead_agency", "item", "item__conclusion__session")
        .order_by("item__conclusion__session__number", "item__order", "task_id")
    )
    return [
        report.TaskFact(
            id=link.task.pk,
            status=link.task.status,
            deadline=link.task.deadline,
            original_deadline=link.task.original_deadline,
            completed_on=link.task.completed_on,
            lead_code=link.task.lead_agency.code,
            lead_name=link.task.lead_agency.name,
            content=link.task.content,
            session=link.item.conclusion.session.number,
            item=link.item.order,
        )
        for link in links
    ]


# --- key indicators against their targets, with forecasts --------------------------------------


def _latest_value(indicator: Any, agency: Agency, day: date) -> dict[str, Any] | None:
    row = (
        DataValue.objects.filter(
            indicator=indicator,
            agency=agency,
            category="",
            period_start__year=day.year,
            period_start__lte=day,
        )
        .filter(Q(report__isnull=True) | Q(report__status__in=FINAL_STATUSES))
        .order_by("-period_start")
        .first()
    )
    if row is None:
        return None
    if indicator.value_type == ValueType.RATIO:
        if not row.denominator:
            return None
        value: Decimal | None = (row.numerator or Decimal(0)) * indicator.factor / row.denominator
    else:
        value = row.value
    return {"value": _text(value), "period": row.period, "data_value": row.pk}


def key_indicators(agency: Agency, day: date, moment: datetime) -> dict[str, Any]:
    forecasts = list(
        Forecast.objects.filter(
            agency=agency,
            target__year=day.year,
            target__state=TargetState.APPROVED,
            computed_at__lte=moment,
        )
        .select_related("indicator", "target")
        .order_by("indicator__code")[:KEY_INDICATORS]
    )
    if not forecasts:
        return report.unavailable("indicators", "no forecast of this year's targets yet")
    rows = []
    for found in forecasts:
        indicator = found.indicator
        rows.append(
            {
                "indicator": indicator.code,
                "name": indicator.short_name or indicator.name,
                "unit": indicator.unit,
                "decimals": indicator.decimals,
                "year": found.target.year,
                "target": _text(found.target.value),
                "basis": found.target.aggregation,
                "latest": _latest_value(indicator, agency, day),
                "projected": _text(found.projected),
                "probability": _text(
                    None if found.probability is None else found.probability * 100, 0
                ),
                "status": found.status,
                "method": found.method,
                "source": {
                    "forecast": found.pk,
                    "target": found.target.pk,
                    "computed_at": found.computed_at.isoformat(timespec="seconds"),
                },
            }
        )
    return {
        "key": "indicators",
        "available": True,
        "rows": rows,
        "source": {"app": "forecasting", "agency": agency.code, "year": day.year},
    }


# --- Decision 766 ------------------------------------------------------------------------------


def _peers(kind: str, agency: Agency) -> str:
    return (
        "ministries"
        if kind == CommitteeKind.MINISTRY or agency.kind == AgencyKind.MINISTRY
        else "provinces"
    )


def position_766(kind: str, agency: Agency, day: date) -> dict[str, Any]:
    period = scores.latest_complete_period("month", day)
    if period is None:
        return report.unavailable("qd766", "no complete month scored by that day")
    group = _peers(kind, agency)
    ranking = scores.ranking(period, group)
    if not ranking:
        return report.unavailable("qd766", "no complete month scored by that day")
    plain = [
        {"rank": row.rank, "code": row.code, "name": row.name, "total": _text(row.total)}
        for row in ranking
    ]
    if kind == CommitteeKind.NATIONAL:
        rows = plain[:RANK_EDGES] + plain[-RANK_EDGES:] if len(plain) > 2 * RANK_EDGES else plain
        own = None
    else:
        own = next((row for row in plain if row["code"] == agency.code), None)
        rows = [own] if own else []
    return {
        "key": "qd766",
        "available": bool(rows),
        "reason": "" if rows else "the unit has no score for that month",
        "period": period.code,
        "ranked": len(plain),
        "group": group,
        "own": own,
        "rows": rows,
        "source": {
            "app": "scoring",
            "period": period.code,
            "ruleset": scores.RULESET,
            "group": group,
        },
    }


# --- the digital transformation index (dxgov.indices, when installed) --------------------------


def position_dti(kind: str, agency: Agency, moment: datetime) -> dict[str, Any]:
    if not apps.is_installed("dxgov.indices"):
        return report.unavailable("dti", "the composite-index app is not installed")
    result_set = apps.get_model("indices", "ResultSet")
    unit_result = apps.get_model("indices", "UnitResult")
    level = "ministry" if _peers(kind, agency) == "ministries" else "province"
    chosen = (
        result_set.objects.filter(
            edition__level=level,
            view__in=["as_is", "as_was"],
            computed_at__lte=moment,
            provisional=False,
        )
        .select_related("edition")
        .order_by("-edition__year", "view", "-computed_at")
        .first()
    )
    if chosen is None:
        return report.unavailable("dti", "no index results computed by that day")
    results = list(
        unit_result.objects.filter(result_set=chosen, rank__isnull=False)
        .select_related("unit", "unit__agency")
        .order_by("rank", "unit__code")
    )
    plain = [
        {
            "rank": row.rank,
            "code": row.unit.agency.code if row.unit.agency else row.unit.code,
            "name": row.unit.name,
            "score": _text(row.score, 4),
        }
        for row in results
    ]
    if kind == CommitteeKind.NATIONAL:
        rows = plain[:RANK_EDGES] + plain[-RANK_EDGES:] if len(plain) > 2 * RANK_EDGES else plain
        own = None
    else:
        own = next((row for row in plain if row["code"] == agency.code), None)
        rows = [own] if own else []
    return {
        "key": "dti",
        "available": bool(rows),
        "reason": "" if rows else "the unit is not ranked in that edition",
        "edition": chosen.edition.code,
        "edition_name": chosen.edition.name,
        "year": chosen.edition.year,
        "ranked": len(plain),
        "own": own,
        "rows": rows,
        "source": {
            "app": "indices",
            "edition": chosen.edition.code,
            "result_set": chosen.pk,
            "view": chosen.view,
            "computed_at": chosen.computed_at.isoformat(timespec="seconds"),
        },
    }


# --- public-investment disbursement (dxgov.investments, when installed) ------------------------


def _plan_year(day: date) -> int:
    # In January the previous plan year is still being disbursed (investments.planyear).
    return day.year - 1 if day.month == 1 else day.year


def disbursement(kind: str, agency: Agency, day: date) -> dict[str, Any]:
    if not apps.is_installed("dxgov.investments"):
        return report.unavailable("investment", "the public-investment app is not installed")
    week_summary = apps.get_model("investments", "WeekSummary")
    year = _plan_year(day)
    if kind == CommitteeKind.NATIONAL:
        where = {"dimension": "nation", "key": ""}
    else:
        where = {"dimension": "unit", "key": str(agency.pk)}
    row = (
        week_summary.objects.filter(plan_year=year, week_end__lte=day, **where)
        .order_by("-week_end")
        .first()
    )
    if row is None or not (row.plan_total or row.plan_assigned):
        return report.unavailable("investment", "no disbursement figures for that plan year")

    def rate(part: int, whole: int) -> str | None:
        return _text(Decimal(part) * 100 / Decimal(whole), 1) if whole else None

    figures = {
        "plan_year": year,
        "week_end": row.week_end.isoformat(),
        "disbursed": int(row.disbursed),
        "plan_assigned": int(row.plan_assigned),
        "plan_total": int(row.plan_total),
        "rate_assigned": rate(row.disbursed, row.plan_assigned),
        "rate_total": rate(row.disbursed, row.plan_total),
        "projects": int(row.projects),
        "slow": int(row.slow),
        "unable": int(row.unable),
    }
    return {
        "key": "investment",
        "available": True,
        "rows": [figures],
        **figures,
        "source": {"app": "investments", "week_summary": row.pk, "week_end": figures["week_end"]},
    }


# --- late reports (Decree 09) ------------------------------------------------------------------


def _period_on(definition: ReportDefinition, day: date) -> periods.Period:
    """The latest period whose cut-off window had closed on `day` (reporting.schedule's rule
    on the report's day rather than today)."""
    frequency = periods.Frequency(definition.frequency)
    period = periods.period_containing(frequency, day)
    return period.previous() if period.cutoff_end >= day else period


def late_reports(agency: Agency, day: date) -> dict[str, Any]:
    # A form the platform did not hold yet on the day expected nothing then.
    definitions = list(
        ReportDefinition.objects.filter(active=True, created_at__lte=_end_of(day)).order_by("pk")
    )
    if not definitions:
        return report.unavailable("late_reports", "no report definitions")
    through = ReportDefinition.reporting_agencies.through
    expected: dict[int, dict[str, str]] = defaultdict(dict)
    for definition_id, code, name in through.objects.filter(
        reportdefinition_id__in=[d.pk for d in definitions],
        agency__path__startswith=agency.path,
    ).values_list("reportdefinition_id", "agency__code", "agency__name"):
        expected[definition_id][code] = name
    rows: list[dict[str, Any]] = []
    checked = []
    end = _end_of(day)
    for definition in definitions:
        names = expected.get(definition.pk)
        if not names:
            continue
        period = _period_on(definition, day)
        due = due_date_of(definition, period)
        sent = {}
        for code, status, first in Report.objects.filter(
            definition=definition,
            period=period.code,
            agency__code__in=list(names),
            first_submitted_at__lte=end,
        ).values_list("agency__code", "status", "first_submitted_at"):
            sent[code] = completeness.Sent(status, timezone.localdate(first) if first else None)
        found = completeness.completeness(list(names), sent, due, day)
        checked.append(
            {
                "definition": definition.pk,
                "code": definition.code,
                "period": period.code,
                "due": due.isoformat(),
                "expected": len(found.expected),
                "on_time": len(found.on_time),
            }
        )
        for code in found.late_or_missing:
            rows.append(
                {
                    "definition": definition.code,
                    "report": definition.name,
                    "period": period.code,
                    "agency": code,
                    "agency_name": names[code],
                    "due": due.isoformat(),
                    "sent_late": code in found.sent_late,
                }
            )
    if not checked:
        return report.unavailable(
            "late_reports", "no reports expected from the committee's agencies"
        )
    return {
        "key": "late_reports",
        "available": True,
        "late": len(rows),
        "rows": rows[:LATE_LIST],
        "checked": checked,
        "source": {"app": "reporting", "definitions": [c["definition"] for c in checked]},
    }
