"""`dxgov bench reporting`: entering a 200-indicator form, and rolling a year up 3,321 communes.

(a) A monthly form of N indicators (default 200: nine counts for each ratio) for Phú Thọ with
24 previous months of history (bulk-inserted, so the outlier check has its six-plus points):
FormContext.check as the user types (the form loaded once, then judged), the load and check
together, save_values of every value into a new period (first save) and again with a tenth
changed (re-save, versions given), and the same over HTTP with Django's test client: the
htmx check endpoint and the form's POST (a re-save).
(b) A year of a ratio indicator for every commune People's Committee (12 × 3,321 values,
bulk-inserted once): one GROUP BY agency in SQL and aggregate.rollup up commune → province
→ nation, as the pages do, against a bare SQL SUM over the same rows (the baseline).
Benchmark rows use their own indicator codes (BENCH_…) and years from 2031 on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.audit.record import audit_disabled
from dxgov.bench.common import machine, median_p95, timed, write_section
from dxgov.demo.users import load_demo_users
from dxgov.indicators import actions as indicator_actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import Indicator, ValueType
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import Agency, AgencyKind, OrgUnit
from dxgov.reporting import actions, aggregate, entry
from dxgov.reporting.entry import ValueInput
from dxgov.reporting.models import DataValue, Report, ReportDefinition
from dxgov.reporting.periods import Frequency, Period
from dxgov.testing.clients import client_for

PHU_THO = "UBND-T25"
FORM_CODE = "BENCH-FORM"
ROLL_CODE = "BENCH_ROLL"
HISTORY_START = Period(Frequency.MONTH, 2031, 1)
ROLL_YEAR = 2040
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _prepare_reference() -> tuple[User, User]:
    if not OrgUnit.objects.exists():
        load_orgunits(acting_user=None)
    if not User.objects.filter(username="bkhcn.dieuphoi").exists():
        load_demo_users()
    return (
        User.objects.get(username="bkhcn.dieuphoi"),
        User.objects.select_related("agency").get(username="phutho.canbo"),
    )


def _indicator(coordinator: User, code: str, value_type: str) -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is not None:
        return found
    return indicator_actions.create_indicator(
        acting_user=coordinator,
        data=IndicatorInput(
            code=code,
            name=f"Chỉ tiêu đo hiệu năng {code}",
            value_type=value_type,
            owner=Agency.objects.get(code="BKHCN"),
            factor=100 if value_type == ValueType.RATIO else 1,
        ),
    )


def _figure(indicator: Indicator, month: int, i: int) -> tuple[Decimal, Decimal | None]:
    base = Decimal(1000 + 37 * i + (month % 7) * 3)
    if indicator.value_type == ValueType.RATIO:
        return base - 200, base
    return base, None


def _prepare_form(
    coordinator: User, size: int, history: int
) -> tuple[ReportDefinition, list[Indicator], Agency]:
    code = f"{FORM_CODE}-{size}"
    indicators = [
        _indicator(
            coordinator,
            f"BENCH_{i:03d}",
            ValueType.RATIO if i % 10 == 9 else ValueType.COUNT,
        )
        for i in range(size)
    ]
    agency = Agency.objects.get(code=PHU_THO)
    definition = ReportDefinition.objects.filter(code=code).first()
    if definition is None:
        definition = actions.save_definition(
            acting_user=coordinator,
            code=code,
            name=f"Biểu đo hiệu năng {size} chỉ tiêu",
            frequency="month",
            receiving_agency=Agency.objects.get(code="BKHCN"),
            reporting_agencies=[agency],
            indicators=indicators,
        )
    period, rows = HISTORY_START, []
    have = set(
        DataValue.objects.filter(agency=agency, indicator__in=indicators).values_list(
            "indicator_id", "period"
        )
    )
    for _ in range(history):
        for i, indicator in enumerate(indicators):
            if (indicator.pk, period.code) in have:
                continue
            value, denominator = _figure(indicator, period.index, i)
            rows.append(
                DataValue(
                    indicator=indicator,
                    agency=agency,
                    period=period.code,
                    period_start=period.start,
                    frequency="month",
                    value=value if denominator is None else value / denominator * 100,
                    numerator=value if denominator is not None else None,
                    denominator=denominator,
                )
            )
        period = period.next()
    # Direct: the history the form's outlier check reads, not what is timed (the save is).
    DataValue.objects.bulk_create(rows, batch_size=2000)
    return definition, indicators, agency


def _inputs(
    indicators: list[Indicator],
    month: int,
    changed: int = 0,
    versions: dict[str, int] | None = None,
) -> list[ValueInput]:
    items = []
    for i, indicator in enumerate(indicators):
        value, denominator = _figure(indicator, month, i)
        if i < changed:
            value += 1
        version = (versions or {}).get(indicator.code)
        if denominator is not None:
            items.append(
                ValueInput(
                    indicator.code,
                    numerator=str(value),
                    denominator=str(denominator),
                    version=version,
                )
            )
        else:
            items.append(ValueInput(indicator.code, value=str(value), version=version))
    return items


def _post_data(items: list[ValueInput]) -> dict[str, str]:
    data: dict[str, str] = {}
    for item in items:
        if item.numerator is not None:
            data[f"num-{item.indicator_code}"] = item.numerator
            data[f"den-{item.indicator_code}"] = item.denominator or ""
        else:
            data[f"value-{item.indicator_code}"] = item.value or ""
        if item.version is not None:
            data[f"version-{item.indicator_code}"] = str(item.version)
    return data


def _free_period(definition: ReportDefinition, after: Period) -> Period:
    used = set(Report.objects.filter(definition=definition).values_list("period", flat=True))
    period = after
    while period.code in used:
        period = period.next()
    return period


def bench_form(*, size: int, history: int, repeat: int, out: Callable[[str], None]) -> list[str]:
    coordinator, officer = _prepare_reference()
    definition, indicators, agency = _prepare_form(coordinator, size, history)
    first_free = Period(Frequency.MONTH, HISTORY_START.year + (history + 11) // 12 + 1, 1)
    period = _free_period(definition, first_free)
    form = entry.FormContext.load(definition, agency, period)
    typing = _inputs(indicators, period.index)
    lines = []

    def row(label: str, samples: list[float]) -> None:
        median, p95 = median_p95(samples)
        lines.append(f"| {label} | {median:.1f} | {p95:.1f} |")
        out(lines[-1])

    row(
        "FormContext.check (as the user types, form loaded)",
        timed(lambda: form.check(typing), repeat),
    )
    row(
        "FormContext.load + check",
        timed(lambda: entry.FormContext.load(definition, agency, period).check(typing), repeat),
    )
    first: list[float] = []
    again: list[float] = []

    def save(code: str, items: list[ValueInput]) -> object:
        return actions.save_values(
            acting_user=officer,
            definition=definition,
            agency=agency,
            period_code=code,
            inputs=items,
        )

    for _ in range(repeat):
        period = _free_period(definition, period)
        items = _inputs(indicators, period.index)
        first += timed(partial(save, period.code, items), 1, warmup=0)
        versions = dict(
            DataValue.objects.filter(agency=agency, period=period.code).values_list(
                "indicator__code", "version"
            )
        )
        changed = _inputs(indicators, period.index, changed=max(1, size // 10), versions=versions)
        again += timed(partial(save, period.code, changed), 1, warmup=0)
    row(f"save_values, first save of {size} values", first)
    row(f"save_values, re-save with {max(1, size // 10)} changed", again)
    # The audit's share of a save: the same first save with recording off (benchmark only),
    # alternating with recording on so both see the same machine load.
    audited: list[float] = []
    unaudited: list[float] = []
    for _ in range(repeat):
        period = _free_period(definition, period)
        audited += timed(partial(save, period.code, _inputs(indicators, period.index)), 1, warmup=0)
        period = _free_period(definition, period)
        with audit_disabled():
            unaudited += timed(
                partial(save, period.code, _inputs(indicators, period.index)), 1, warmup=0
            )
    row(f"save_values of {size} values, audit on", audited)
    row(f"save_values of {size} values, audit off (benchmark only)", unaudited)
    ratio = median_p95(audited)[0] / max(median_p95(unaudited)[0], 1e-9)
    lines.append(f"| audit overhead on a form save: ×{ratio:.2f} | | |")
    out(lines[-1])
    # Over HTTP (Django test client, in process): the htmx check and the form's POST.
    logging.getLogger("dxgov.request").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = client_for(officer)
    url = f"/reports/definitions/{definition.pk}/form/{agency.code}/{period.code}/"
    check_data = _post_data(_inputs(indicators, period.index, changed=3))

    def check() -> None:
        response = client.post(url + "check", check_data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.status_code

    row("HTTP POST …/check (htmx, all rows judged)", timed(check, repeat))
    state = {"n": 0}

    def post() -> None:
        state["n"] += 1
        versions = dict(
            DataValue.objects.filter(agency=agency, period=period.code).values_list(
                "indicator__code", "version"
            )
        )
        items = _inputs(indicators, period.index, changed=state["n"] % 2 * 5 + 1, versions=versions)
        response = client.post(url, _post_data(items))
        assert response.status_code == 302, response.status_code

    row("HTTP POST form (save, re-save with changes)", timed(post, repeat))
    return lines


def _prepare_rollup(coordinator: User, communes: int | None) -> tuple[Indicator, list[str]]:
    indicator = _indicator(coordinator, ROLL_CODE, ValueType.RATIO)
    agencies = list(
        Agency.objects.current()
        .filter(kind=AgencyKind.PEOPLE_COMMITTEE, code__startswith="UBND-X")
        .order_by("code")
        .values_list("pk", flat=True)[: communes or None]
    )
    months = [Period(Frequency.MONTH, ROLL_YEAR, m) for m in range(1, 13)]
    codes = [m.code for m in months]
    have = set(
        DataValue.objects.filter(indicator=indicator, period__in=codes).values_list(
            "agency_id", "period"
        )
    )
    rows = [
        DataValue(
            indicator=indicator,
            agency_id=pk,
            period=m.code,
            period_start=m.start,
            frequency="month",
            numerator=Decimal(300 + pk % 500),
            denominator=Decimal(1000 + pk % 700),
            value=Decimal(300 + pk % 500) / Decimal(1000 + pk % 700) * 100,
        )
        for m in months
        for pk in agencies
        if (pk, m.code) not in have
    ]
    # Direct: a year of every commune's values for the roll-up being timed, not an entry.
    DataValue.objects.bulk_create(rows, batch_size=5000)
    return indicator, codes


def rollup_year(indicator: Indicator, codes: list[str]) -> Decimal | None:
    """The national ratio of a year: GROUP BY agency in SQL, then aggregate.rollup up the tree."""
    sums = (
        DataValue.objects.filter(indicator=indicator, period__in=codes, category="")
        .values("agency_id")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .values_list("agency_id", "n", "d")
    )
    values = {
        str(agency): aggregate.ratio_contribution(n, d) for agency, n, d in sums if d is not None
    }
    parent_of = {
        str(pk): str(parent) if parent else None
        for pk, parent in Agency.objects.filter(
            kind__in=["people_committee", "government"]
        ).values_list("pk", "parent_id")
    }
    totals = aggregate.rollup(parent_of, values)
    root = str(Agency.objects.get(code="CP").pk)
    return aggregate.ratio(totals[root], indicator.factor)


def bench_rollup(*, communes: int | None, repeat: int, out: Callable[[str], None]) -> list[str]:
    coordinator, _officer = _prepare_reference()
    indicator, codes = _prepare_rollup(coordinator, communes)
    rows = DataValue.objects.filter(indicator=indicator, period__in=codes).count()

    def baseline() -> object:
        return DataValue.objects.filter(indicator=indicator, period__in=codes).aggregate(
            n=Sum("numerator"), d=Sum("denominator")
        )

    national = rollup_year(indicator, codes)
    plain = baseline()
    assert isinstance(plain, dict)
    assert national is not None and abs(national - plain["n"] / plain["d"] * 100) < Decimal("1e-9")
    base = median_p95(timed(baseline, repeat))
    roll = median_p95(timed(lambda: rollup_year(indicator, codes), repeat))
    lines = [
        f"{rows:,} values (12 months × the communes); national ratio {national:.4f} % both ways.",
        "",
        "| operation | median ms | p95 ms | ÷ baseline |",
        "|---|---:|---:|---:|",
        f"| baseline: SQL SUM(numerator), SUM(denominator) | {base[0]:.1f} | {base[1]:.1f} | 1 |",
        f"| GROUP BY agency + aggregate.rollup commune → province → nation | {roll[0]:.1f} | "
        f"{roll[1]:.1f} | {roll[0] / base[0]:.1f} |",
    ]
    for line in lines[-2:]:
        out(line)
    return lines


def main(*, small: bool, repeat: int, out: Callable[[str], None]) -> None:
    size, history, communes = (12, 7, 60) if small else (200, 24, None)
    repeat = min(repeat, 3) if small else repeat
    form = bench_form(size=size, history=history, repeat=repeat, out=out)
    roll = bench_rollup(communes=communes, repeat=repeat, out=out)
    vendor = VENDORS.get(connection.vendor, connection.vendor)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    body = "\n".join(
        [
            f"## Reporting on {vendor}: data entry and roll-up (`dxgov bench reporting`)",
            "",
            f"Measured {stamp}. Machine: {machine()}.",
            "",
            f"(a) A monthly form of {size} indicators (a tenth ratios) for one province, "
            f"{history} previous months in the database; {repeat} runs per row (server-side "
            "time, Django test client in process for HTTP).",
            "",
            "| operation | median ms | p95 ms |",
            "|---|---:|---:|",
            *form,
            "",
            "(b) Rolling a year of monthly data up every commune People's Committee.",
            "",
            *roll,
            *(["", "Run with --small (smoke sizes): not figures to quote."] if small else []),
        ]
    )
    write_section(f"reporting-{connection.vendor}", body)
