"""Issue 16 §6: the demo exercises the workflows. Every report of the Phú Thọ and Điện Biên
officers was approved (nothing to fill), the coordinators had no notifications (reminders
never ran) and /audit/ said no checkpoint was ever signed. After the demo's reports and its
first day (dxgov.demo.first_day) each demo officer has work in the period being reported now,
one report is back with its reason, the coordinators have notifications and the ledger has a
signed checkpoint; loading again changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, Checkpoint
from dxgov.demo import reporting as demo
from dxgov.demo.first_day import live_first_day
from dxgov.notifications.models import Notification, NotificationKind
from dxgov.reporting.models import SENT_STATUSES, Report, ReportDefinition, ReportStatus
from dxgov.reporting.periods import Frequency, Period
from dxgov.reporting.schedule import current_period
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0)
# From September: the third quarter (closed on 14 September) is loaded too.
FIRST = Period(Frequency.MONTH, 2026, 9)


def _to_fill(username: str) -> list[str]:
    """The officer's reports in the period being reported now that are not sent yet."""
    officer = User.objects.get(username=username)
    found = []
    for definition in ReportDefinition.objects.filter(reporting_agencies=officer.agency):
        period = current_period(definition, TODAY)
        report = Report.objects.filter(
            definition=definition, agency=officer.agency, period=period.code
        ).first()
        if report is None or report.status not in SENT_STATUSES:
            found.append(f"{definition.code} {period.code}")
    return found


def test_every_demo_officer_has_work_and_the_first_day_was_lived(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # What is done on commit (the notices of a report's steps) is done.
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_reporting_demo(today=TODAY, now=NOW, first_month=FIRST, commune_months=1)
        day = live_first_day(TODAY)

    assert "BC-CDS-QUY 2026Q3" in _to_fill("phutho.canbo")
    assert "BC-CDS-QUY 2026Q3" in _to_fill("hcm.canbo")
    assert "PT-CDS-XA-THANG 202611" in _to_fill("phutho.xa.canbo")
    assert "BC-CDS-THANG 202611" in _to_fill("dienbien.canbo")
    returned = Report.objects.get(
        definition__code=demo.MONTHLY, agency__code=demo.DIEN_BIEN, period="202611"
    )
    assert returned.status == ReportStatus.RETURNED
    assert returned.return_reason == demo.RETURNED_LATEST[demo.DIEN_BIEN]
    told = Notification.objects.get(
        recipient__username="dienbien.canbo", kind=NotificationKind.REPORT_STEP
    )
    assert told.body == returned.return_reason
    # The officer's page lists the quarter's report to fill in.
    page = client_for(User.objects.get(username="phutho.canbo")).get("/reports/")
    assert "Quý III/2026" in page.content.decode()

    # Reminders ran: the coordinators have notifications, among them the reports not received.
    assert day.run is not None and day.run.report_reminders > 0
    for coordinator in ("bkhcn.dieuphoi", "vpcp.dieuphoi"):
        assert Notification.objects.filter(recipient__username=coordinator).exists()
    missing = Notification.objects.get(
        recipient__username="bkhcn.dieuphoi",
        kind=NotificationKind.REPORTS_MISSING,
        title__contains="hằng tháng",
    )
    assert "Ủy ban nhân dân tỉnh Lai Châu" in missing.body
    # A signed checkpoint covers the whole ledger.
    assert day.checkpoint is not None and Checkpoint.objects.count() == 1
    assert (
        day.checkpoint.seq_to
        == AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0]
    )

    before = (AuditEvent.objects.count(), Notification.objects.count(), Report.objects.count())
    demo.load_reporting_demo(today=TODAY, now=NOW, first_month=FIRST, commune_months=1)
    assert live_first_day(TODAY).run is None
    assert (AuditEvent.objects.count(), Notification.objects.count(), Report.objects.count()) == (
        before
    )
