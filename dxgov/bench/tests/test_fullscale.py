"""The full-scale benchmark's reports: approved monthly reports of provinces and of every
commune, with values the dashboard reads like any approved report's."""

from __future__ import annotations

import pytest

from dxgov.accounts.models import User
from dxgov.bench import fullscale
from dxgov.demo import reporting as demo
from dxgov.demo.indicators import load_indicator_demo
from dxgov.indicators.models import Indicator
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

DIEN_BIEN = "UBND-T11"


def test_every_commune_of_a_province_reports_each_month(coordinator: User) -> None:
    load_indicator_demo()
    coordinator_bkhcn = User.objects.get(username=demo.COORDINATOR)
    demo._definitions(coordinator_bkhcn, {i.code: i for i in Indicator.objects.all()})
    lines: list[str] = []
    reports, values = fullscale.load_reports(lines.append, only={DIEN_BIEN}, last=2)
    communes = Agency.objects.current().filter(
        kind=AgencyKind.PEOPLE_COMMITTEE, parent__code=DIEN_BIEN
    )
    form = ReportDefinition.objects.get(code="T11-CDS-XA-THANG")
    assert set(form.reporting_agencies.all()) == set(communes)
    assert form.receiving_agency.code == DIEN_BIEN
    assert reports == 2 * (1 + communes.count()) == Report.objects.count()
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}
    assert values == DataValue.objects.count()
    # Each commune's four figures, both months; ratios carry their parts and their value.
    assert DataValue.objects.filter(report__definition=form).count() == 2 * 4 * communes.count()
    ratio = DataValue.objects.filter(
        report__definition=form, indicator__code="DVC_TL_SOHOA"
    ).first()
    assert ratio is not None and ratio.denominator and ratio.value is not None
    # Running it again writes nothing more.
    assert fullscale.load_reports(lines.append, only={DIEN_BIEN}, last=2) == (0, 0)
    # The dashboard reads them: a commune's page shows its received-dossier count.
    commune = communes.order_by("code").first()
    assert commune is not None
    received = DataValue.objects.filter(agency=commune, indicator__code="DVC_HS_TIEPNHAN").latest(
        "period_start"
    )
    indicator = received.indicator
    body = client_for(coordinator).get(
        f"/dashboard/agency/{commune.code}/indicator/{indicator.pk}/"
    )
    assert body.status_code == 200
    assert f"{int(received.value or 0):,}".replace(",", ".") in body.content.decode()
