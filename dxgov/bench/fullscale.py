"""The command centre's benchmark data at national scale (`dxgov bench dashboard --full-scale`).

On top of `dxgov demo`: 50,000 tasks (through the task actions, as `bench tasks` makes them);
every month from January 2024 to the last closed month reported and approved by all 34
provinces (the demo's monthly form) and by all 3,321 communes (one commune form per province,
like the demo's Phú Thọ form), the figures generated as the demo's; the 10 million dossiers
come from `dxgov bench score`, run first on the same database.

This is benchmark set-up, not a user write path: reports and values are written in bulk (as
`bench score` COPYs its dossiers), approved as they are written, without audit events. Before
the July 2025 merger the communes' figures are generated on today's units, for the volume.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.bench import tasks as task_bench
from dxgov.demo import reporting as demo
from dxgov.demo import reports as generate
from dxgov.indicators.models import Indicator
from dxgov.orgunits.agencies import GOVERNMENT
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.reporting import actions as reporting_actions
from dxgov.reporting import entry
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus
from dxgov.reporting.periods import Frequency, Period, parse_period
from dxgov.reporting.schedule import due_date_of

Out = Callable[[str], None]
TASKS = 50_000
COMMUNE_FORM = "{province}-CDS-XA-THANG"


def _months(today: datetime) -> list[Period]:
    return demo.closed_periods(Frequency.MONTH, generate.FIRST_MONTH, today.date())


def commune_forms(coordinator: User, only: set[str] | None = None) -> list[ReportDefinition]:
    """One monthly commune form per province (Phú Thọ's is the demo's), through the action."""
    template = ReportDefinition.objects.get(code=demo.COMMUNES)
    indicators = [f.indicator for f in template.fields.select_related("indicator")]
    forms = [template]
    provinces = Agency.objects.current().filter(
        kind=AgencyKind.PEOPLE_COMMITTEE, parent__code=GOVERNMENT
    )
    for province in provinces.order_by("code"):
        if province.code == demo.PHU_THO or (only is not None and province.code not in only):
            continue
        code = COMMUNE_FORM.format(province=province.code.removeprefix("UBND-"))
        found = ReportDefinition.objects.filter(code=code).first()
        if found is None:
            found = reporting_actions.save_definition(
                acting_user=coordinator,
                code=code,
                name=f"{template.name} ({province.name})",
                frequency=template.frequency,
                receiving_agency=province,
                reporting_agencies=Agency.objects.current().filter(
                    kind=AgencyKind.PEOPLE_COMMITTEE, parent=province
                ),
                indicators=indicators,
                due_working_days=template.due_working_days,
                content=template.content,
                kind=template.kind,
                send_method=template.send_method,
            )
        forms.append(found)
    return forms


def _values(
    report: Report, figures: generate.Figures, indicators: dict[str, Indicator]
) -> list[DataValue]:
    start = parse_period(report.period).start
    rows = []
    for code, figure in figures.items():
        indicator = indicators[code]
        rows.append(
            DataValue(
                indicator=indicator,
                agency_id=report.agency_id,
                period=report.period,
                period_start=start,
                frequency=Frequency.MONTH,
                report=report,
                updated_at=report.approved_at or timezone.now(),
                **entry.value_fields(indicator, figure),
            )
        )
    return rows


def _approved(definition: ReportDefinition, agency_id: int, period: Period) -> Report:
    due = due_date_of(definition, period)
    sent = timezone.make_aware(datetime.combine(due - timedelta(days=1), time(9)))
    return Report(
        definition=definition,
        agency_id=agency_id,
        period=period.code,
        due_date=due,
        status=ReportStatus.APPROVED,
        first_submitted_at=sent,
        submitted_at=sent,
        approved_at=sent + timedelta(hours=3),
        created_at=sent - timedelta(days=2),
    )


def _write(pairs: list[tuple[Report, generate.Figures]], indicators: dict[str, Indicator]) -> int:
    # Written directly, not through save_values: millions of approved values would take hours
    # through the form's validation; the pages measured read them the same way.
    with transaction.atomic():
        Report.objects.bulk_create([report for report, _ in pairs], batch_size=2000)
        values = [v for report, figures in pairs for v in _values(report, figures, indicators)]
        DataValue.objects.bulk_create(values, batch_size=5000)
    return len(values)


def load_reports(
    out: Out, seed: int = generate.SEED, only: set[str] | None = None, last: int | None = None
) -> tuple[int, int]:
    """Every month since January 2024 (or the `last` few) for the 34 provinces (or `only`
    these) and all their communes; what exists already is left as it is."""
    coordinator = User.objects.get(username=demo.COORDINATOR)
    indicators = {i.code: i for i in Indicator.objects.all()}
    today = timezone.localtime()
    history = _months(today)
    months = history[-last:] if last else history
    monthly = ReportDefinition.objects.get(code=demo.MONTHLY)
    provinces = list(monthly.reporting_agencies.select_related("orgunit").order_by("code"))
    places = demo._places(provinces)
    if only is not None:
        provinces = [a for a in provinces if a.code in only]
    # Running totals start in January 2024 whatever the months written.
    series = {a.code: generate.province_months(seed, places[a.code], history) for a in provinces}
    reports = values = 0
    done = demo._existing(monthly)
    pairs = [
        (_approved(monthly, a.pk, p), series[a.code][p.code])
        for p in months
        for a in provinces
        if (a.pk, p.code) not in done
    ]
    values += _write(pairs, indicators)
    reports += len(pairs)
    for form in commune_forms(coordinator, only):
        province = form.receiving_agency
        if only is not None and province.code not in only:
            continue
        communes = list(form.reporting_agencies.order_by("code"))
        codes = [c.code for c in communes]
        done = demo._existing(form)
        for period in months:
            split = generate.commune_month(seed, series[province.code][period.code], codes, period)
            pairs = [
                (_approved(form, c.pk, period), split[c.code])
                for c in communes
                if (c.pk, period.code) not in done
            ]
            values += _write(pairs, indicators)
            reports += len(pairs)
        out(f"  {form.code}: {len(communes)} communes × {len(months)} months")
    return reports, values


def prepare(out: Out) -> None:
    task_bench.prepare(TASKS, out)
    out("writing three years of monthly reports of provinces and communes…")
    reports, values = load_reports(out)
    out(f"  {reports} reports and {values} values written")
