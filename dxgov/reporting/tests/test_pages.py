"""The reporting pages over HTTP: the form refuses in red and keeps what was typed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent
from dxgov.notifications.models import Notification
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions, jobs
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus
from dxgov.reporting.tests.conftest import DIEN_BIEN, PHU_THO, good_inputs
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def _form_url(definition: ReportDefinition, agency: str = PHU_THO, period: str = "202603") -> str:
    return reverse("reporting:data_form", args=[definition.pk, agency, period])


def _post_data(**values: str) -> dict[str, str]:
    data = {
        "value-RECEIVED": "1.200",
        "value-ONLINE": "900",
        "num-SHARE": "900",
        "den-SHARE": "1200",
        "value-BUDGET": "2.500.000.000",
        "value-PLAN": "có",
        "value-ACCOUNTS": "45000",
    }
    data.update(values)
    return data


def test_the_form_saves_good_values(phutho_officer: User, definition: ReportDefinition) -> None:
    client = client_for(phutho_officer)
    page = client.get(_form_url(definition))
    assert page.status_code == 200
    assert "Báo cáo chuyển đổi số hằng tháng" in page.content.decode()
    response = client.post(_form_url(definition), _post_data())
    assert response.status_code == 302
    assert DataValue.objects.filter(agency__code=PHU_THO, period="202603").count() == 6
    shown = client.get(_form_url(definition)).content.decode()
    # Stored values come back in the Vietnamese format, with their versions for the next save.
    assert 'value="1.200"' in shown and 'name="version-RECEIVED" value="1"' in shown


def test_a_bad_value_shows_red_with_its_reason_and_nothing_is_saved(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    client = client_for(phutho_officer)
    response = client.post(_form_url(definition), _post_data(**{"value-ONLINE": "1300"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="check-ONLINE" class="check check-error"' in html
    assert "không được lớn hơn tổng số hồ sơ tiếp nhận" in html  # the rule's own message
    assert 'value="1300"' in html  # what was typed is kept
    assert not DataValue.objects.exists() and not Report.objects.exists()


def test_checking_as_you_type_judges_every_row_and_saves_nothing(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    client = client_for(phutho_officer)
    url = reverse("reporting:check_form", args=[definition.pk, PHU_THO, "202603"])
    response = client.post(url, _post_data(**{"num-SHARE": "1500"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="check-SHARE" class="check check-error" hx-swap-oob="true"' in html
    assert 'id="check-RECEIVED" class="check check-ok" hx-swap-oob="true"' in html
    assert (
        not DataValue.objects.exists()
        and not AuditEvent.objects.filter(event_type="data_value.saved").exists()
    )


def test_a_second_save_from_a_stale_form_is_a_conflict(
    phutho_officer: User, phutho_leader: User, definition: ReportDefinition
) -> None:
    officer, leader = client_for(phutho_officer), client_for(phutho_leader)
    officer.post(_form_url(definition), _post_data())
    stale = {**_post_data(), **{f"version-{c}": "1" for c in ("RECEIVED", "ONLINE", "SHARE")}}
    officer.post(_form_url(definition), {**stale, "value-RECEIVED": "1.300"})
    response = leader.post(_form_url(definition), {**stale, "value-RECEIVED": "1.250"})
    assert response.status_code == 200
    assert "after you opened the form" in response.content.decode() or "sau khi bạn mở" in (
        response.content.decode()
    )
    assert DataValue.objects.get(indicator__code="RECEIVED").value == 1300


def test_save_and_submit_then_the_leader_approves_on_the_report_page(
    phutho_officer: User,
    phutho_leader: User,
    definition: ReportDefinition,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(phutho_officer).post(_form_url(definition), {**_post_data(), "then": "submit"})
    report = Report.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    # The leader is told, once.
    assert Notification.objects.filter(recipient=phutho_leader, kind="report_step").count() == 1
    leader = client_for(phutho_leader)
    page = leader.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert reverse("reporting:report_step", args=[report.pk, "approve"]) in page
    leader.post(reverse("reporting:report_step", args=[report.pk, "approve"]))
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    locked = client_for(phutho_officer).get(_form_url(definition)).content.decode()
    assert "disabled" in locked and 'name="then"' not in locked


def test_completeness_lists_who_is_late(
    phutho_officer: User, coordinator: User, definition: ReportDefinition
) -> None:
    actions.save_values(
        acting_user=phutho_officer,
        definition=definition,
        agency=Agency.objects.get(code=PHU_THO),
        period_code="202603",
        inputs=good_inputs(),
    )
    actions.submit_report(acting_user=phutho_officer, report=Report.objects.get())
    html = (
        client_for(coordinator)
        .get(reverse("reporting:definition_detail", args=[definition.pk]) + "?period=202603")
        .content.decode()
    )
    assert "1/2 cơ quan đã gửi báo cáo" in html
    assert "timely-overdue" in html  # Điện Biên: due 17/03/2026 and not sent
    ranking = client_for(coordinator).get(reverse("reporting:compliance", args=[definition.pk]))
    assert ranking.status_code == 200


def test_reminders_are_sent_once(
    phutho_officer: User, dienbien_officer: User, definition: ReportDefinition
) -> None:
    # On 16 March 2026 the March report (due 17 March) is due soon; on 20 March it is late.
    first = jobs.send_report_reminders(date(2026, 3, 16))
    assert first > 0 and jobs.send_report_reminders(date(2026, 3, 16)) == 0
    assert Notification.objects.filter(recipient=dienbien_officer, kind="report_due_soon").exists()
    late = jobs.send_report_reminders(date(2026, 3, 20))
    assert late > 0 and jobs.send_report_reminders(date(2026, 3, 20)) == 0
    assert Notification.objects.filter(recipient=dienbien_officer, kind="report_late").exists()
    assert DIEN_BIEN
