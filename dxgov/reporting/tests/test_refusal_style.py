"""A refusal is an error, shown as the GOV.UK error summary ("Có lỗi cần sửa"), never in the
green box of a success (issue 16, §3)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.directives import actions as directive_actions
from dxgov.directives.models import DirectiveKind, Task
from dxgov.orgunits.models import Agency
from dxgov.reporting.models import ReportDefinition
from dxgov.reporting.tests.conftest import PHU_THO
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

GOOD = {
    "value-RECEIVED": "1.200",
    "value-ONLINE": "900",
    "num-SHARE": "900",
    "den-SHARE": "1200",
    "value-BUDGET": "2.500.000.000",
    "value-PLAN": "có",
    "value-ACCOUNTS": "45000",
}


def _summary(html: str) -> str:
    found = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert found is not None, "no error summary on the page"
    return found.group(1)


def _status_boxes(html: str) -> str:
    return " ".join(re.findall(r'<ul class="messages" role="status">(.*?)</ul>', html, re.S))


def test_a_refused_form_shows_an_error_summary_not_a_success_box(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    url = reverse("reporting:data_form", args=[definition.pk, PHU_THO, "202603"])
    html = client_for(phutho_officer).post(url, {**GOOD, "value-ONLINE": "1300"}).content.decode()
    summary = _summary(html)
    assert "Có lỗi cần sửa" in summary and "Chưa lưu gì" in summary
    assert "Chưa lưu gì" not in _status_boxes(html)
    assert re.search(r'<div class="error-summary" role="alert"', html)
    # Screen readers hear it first: the page title starts with "Lỗi:".
    assert re.search(r"<title>\s*Lỗi: ", html)


def test_a_success_stays_a_status_message(
    phutho_officer: User, definition: ReportDefinition
) -> None:
    url = reverse("reporting:data_form", args=[definition.pk, PHU_THO, "202603"])
    html = client_for(phutho_officer).post(url, GOOD, follow=True).content.decode()
    assert "Đã lưu" in _status_boxes(html)
    assert 'class="error-summary"' not in html and not re.search(r"<title>\s*Lỗi", html)


def test_a_refused_upload_and_a_refused_task_action_are_error_summaries(
    coordinator: User, phutho_officer: User
) -> None:
    # The task import's refusal (not a workbook at all) ...
    html = (
        client_for(coordinator)
        .post("/directives/tasks/import/", {"file": SimpleUploadedFile("nv.xlsx", b"not a zip")})
        .content.decode()
    )
    assert "Có lỗi cần sửa" in _summary(html) and "Chưa lưu gì" in _summary(html)
    # ... and a task action refused in the htmx panel (a percentage over 100).
    task = _task(coordinator)
    url = reverse("directives:task_action", args=[task.pk, "progress"])
    panel = (
        client_for(phutho_officer)
        .post(url, {"percent": "150", "narrative": "x"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Có lỗi cần sửa" in _summary(panel)


def _task(coordinator: User) -> Task:
    directive = directive_actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=timezone.localdate() - timedelta(days=30),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị",
    )
    return directive_actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content="Nhiệm vụ",
        lead_agency=Agency.objects.get(code=PHU_THO),
        deadline=timezone.localdate() + timedelta(days=30),
    )
