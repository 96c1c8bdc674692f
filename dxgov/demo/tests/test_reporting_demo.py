"""The demo indicators and reports: idempotent, late and missing agencies, exact roll-ups.

Loaded on a fixed day (23 November 2026) through the actions, with a short history to keep
the test quick; the figures are the generator's, the statuses and times the workflow's.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from dxgov.audit.models import AuditEvent
from dxgov.demo import reporting as demo
from dxgov.indicators.models import Indicator, Target, TargetState, ValidationRule
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus
from dxgov.reporting.periods import Frequency, Period

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0)
FIRST = Period(Frequency.MONTH, 2026, 10)
LATEST = "202611"


def _load() -> dict[str, int]:
    return demo.load_reporting_demo(today=TODAY, now=NOW, first_month=FIRST, commune_months=1)


def _snapshot() -> tuple[int, ...]:
    return (
        Indicator.objects.count(),
        ValidationRule.objects.count(),
        Target.objects.count(),
        ReportDefinition.objects.count(),
        Report.objects.count(),
        DataValue.objects.count(),
        AuditEvent.objects.count(),
    )


def _check_loading_again_writes_nothing(loaded: dict[str, int]) -> None:
    before = _snapshot()
    assert loaded["reports"] > 100 and loaded["values"] > 500
    again = _load()
    assert _snapshot() == before
    assert again.get("reports", 0) == 0 and again.get("values", 0) == 0
    assert again["skipped"] > 100


def _check_latest_month_has_missing_late_and_waiting_provinces(loaded: dict[str, int]) -> None:
    monthly = ReportDefinition.objects.get(code=demo.MONTHLY)
    assert monthly.reporting_agencies.count() == 34
    reports = Report.objects.filter(definition=monthly, period=LATEST).select_related("agency")
    sent = {r.agency.code: r for r in reports if r.status != ReportStatus.DRAFT}
    assert len(sent) == 31
    assert set(demo.MISSING_LATEST).isdisjoint(sent)
    draft = reports.get(agency__code=demo.MISSING_LATEST[0])
    assert draft.status == ReportStatus.DRAFT and draft.values.count() == 5
    late = {code for code, r in sent.items() if r.on_time is False}
    assert late == set(demo.LATE_LATEST)
    assert sent[demo.HCMC].status == ReportStatus.SUBMITTED
    assert sent[demo.PHU_THO].status == ReportStatus.APPROVED and sent[demo.PHU_THO].on_time
    # Submitted and approved through the workflow, at the generated moments (before now).
    assert all(r.first_submitted_at is not None for r in sent.values())
    assert all(r.approved_at is None or r.approved_at >= r.submitted_at for r in sent.values())
    # The current month's Phú Thọ report is a draft for a demo user to finish.
    current = Report.objects.get(definition=monthly, agency__code=demo.PHU_THO, period="202612")
    assert current.status == ReportStatus.DRAFT and current.values.count() == 4
    # The steps were audited, with the moment they happened.
    event = AuditEvent.objects.filter(event_type="report.submitted").latest("seq")
    assert "at" in event.data


def _check_national_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators(
    loaded: dict[str, int],
) -> None:
    values = DataValue.objects.filter(
        indicator__code="DVC_TL_ND_SUDUNG", period="202610", agency__code__startswith="UBND-T"
    )
    assert values.count() == 34
    sums = values.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    national = sums["n"] / sums["d"] * 100
    assert Decimal(20) < national < Decimal(90)
    # Each province's value is its own numerator ÷ denominator × 100.
    for value in values:
        assert value.value == (value.numerator / value.denominator * 100).quantize(
            Decimal("0.000001")
        )
    # Online dossiers never exceed dossiers received (the hard rule the values passed).
    received = dict(
        DataValue.objects.filter(indicator__code="DVC_HS_TIEPNHAN", period="202610").values_list(
            "agency_id", "value"
        )
    )
    for agency_id, online in DataValue.objects.filter(
        indicator__code="DVC_HS_TRUCTUYEN", period="202610"
    ).values_list("agency_id", "value"):
        assert online <= received[agency_id]


def _check_communes_add_up_to_phu_tho(loaded: dict[str, int]) -> None:
    communes = DataValue.objects.filter(
        indicator__code="DVC_TL_ND_SUDUNG", period=LATEST, agency__code__startswith="UBND-X"
    )
    assert communes.count() > 100
    province = DataValue.objects.get(
        indicator__code="DVC_TL_ND_SUDUNG", period=LATEST, agency__code=demo.PHU_THO
    )
    # Five communes have not sent yet: the sent ones hold part of the province's people.
    sums = communes.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    assert 0 < sums["d"] < province.denominator and 0 < sums["n"] < province.numerator
    missing = Report.objects.filter(definition__code=demo.COMMUNES, period=LATEST).count()
    assert (
        missing == ReportDefinition.objects.get(code=demo.COMMUNES).reporting_agencies.count() - 5
    )


def _check_targets_are_approved_and_one_is_revised(loaded: dict[str, int]) -> None:
    targets = Target.objects.select_related("indicator")
    assert targets.count() == 5
    assert all(t.state == TargetState.APPROVED for t in targets)
    revised = [t for t in targets if t.revised]
    assert len(revised) == 1
    target = revised[0]
    assert target.indicator.code == "DVC_TL_HAILONG"
    assert (target.baseline_value, target.value) == (Decimal(90), Decimal(95))
    assert "1565" in target.revisions.get().reason


def _check_the_seeds_national_figures_are_there_with_their_sources(loaded: dict[str, int]) -> None:
    def value(code: str, period: str) -> Decimal:
        return DataValue.objects.get(indicator__code=code, period=period).value

    assert value("QG_DVC_ND_NAM", "2020") == Decimal("1.78")
    assert value("QG_DVC_ND_NAM", "2021") == Decimal("9.51")
    assert value("QG_HS_TRUCTUYEN", "2022Q1") == Decimal("9.4")
    assert value("QG_CCCD_CHIP", "2023") == 84_700_000
    assert value("QG_TKTT_TL", "2024") == Decimal("87.08")
    assert (
        "7 tháng" in DataValue.objects.get(indicator__code="QG_DVC_ND_NAM", period="2022").comment
    )
    # The source named as an official reads it: the article, its outlet and date (issue 16, §2),
    # not the seed file's name.
    definition = Indicator.objects.get(code="QG_DVC_ND_NAM").definition
    assert "VietTimes, 8/8/2022" in definition and "seeds/" not in definition
    bca = Report.objects.get(definition__code="QG-DD-NAM", period="2023")
    assert bca.status == ReportStatus.APPROVED and bca.submitted_by.username == "bca.canbo"


def test_demo_reports_hold_what_the_pages_need_and_load_only_once() -> None:
    """One load (each takes a while): every property, then a second load that writes nothing."""
    loaded = _load()
    _check_latest_month_has_missing_late_and_waiting_provinces(loaded)
    _check_national_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators(loaded)
    _check_communes_add_up_to_phu_tho(loaded)
    _check_targets_are_approved_and_one_is_revised(loaded)
    _check_the_seeds_national_figures_are_there_with_their_sources(loaded)
    _check_loading_again_writes_nothing(loaded)
