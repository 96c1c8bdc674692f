"""Progress going down (20 % then 10 %) needs a reason: the rule (pure), the action, the task
page and the API all refuse it without one, and keep it with the report when given
(issue 16, §3)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from dxgov.accounts.models import User
from dxgov.directives import actions, rules, timeline
from dxgov.directives.models import DirectiveKind, ProgressReport, Task
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

REFUSAL = "Tiến độ giảm từ 20% xuống 10%: vui lòng nêu lý do giảm."


def test_the_rule() -> None:
    with translation.override("vi"):
        assert rules.progress_problem(20, 10, "") == {"reason": REFUSAL}
        assert rules.progress_problem(20, 10, "   ") == {"reason": REFUSAL}
    assert rules.progress_problem(20, 10, "Phát hiện lỗi, làm lại") == {}
    assert rules.progress_problem(20, 20, "") == {}
    assert rules.progress_problem(20, 30, "") == {}
    assert set(rules.progress_problem(20, 101, "x")) == {"percent"}


@pytest.fixture
def task_at_20(coordinator: User, phutho_officer: User) -> Task:
    directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=timezone.localdate() - timedelta(days=30),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị về chuyển đổi số",
    )
    task = actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content="Kết nối cơ sở dữ liệu dân cư",
        lead_agency=Agency.objects.get(code="UBND-T25"),
        deadline=timezone.localdate() + timedelta(days=30),
    )
    actions.report_progress(acting_user=phutho_officer, task=task, percent=20, narrative="Bắt đầu")
    return task


def _progress(task: Task) -> list[int]:
    return list(ProgressReport.objects.filter(task=task).values_list("percent", flat=True))


def test_the_action(task_at_20: Task, phutho_officer: User) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.report_progress(
            acting_user=phutho_officer, task=task_at_20, percent=10, narrative="x"
        )
    assert set(refused.value.message_dict) == {"reason"}
    task_at_20.refresh_from_db()
    assert task_at_20.progress_percent == 20 and _progress(task_at_20) == [20]
    report = actions.report_progress(
        acting_user=phutho_officer,
        task=task_at_20,
        percent=10,
        narrative="Làm lại phần kết nối",
        reason="Kiểm thử phát hiện lỗi dữ liệu",
    )
    assert report.reason == "Kiểm thử phát hiện lỗi dữ liệu"
    task_at_20.refresh_from_db()
    assert task_at_20.progress_percent == 10
    (entry,) = [e for e in timeline.task_timeline(task_at_20) if e.percent == 10]
    assert entry.reason == "Kiểm thử phát hiện lỗi dữ liệu"


def test_the_page(task_at_20: Task, phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    url = reverse("directives:task_action", args=[task_at_20.pk, "progress"])
    form = {"percent": "10", "narrative": "Làm lại"}
    panel = client.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert REFUSAL in panel and 'role="alert"' in panel
    assert _progress(task_at_20) == [20]
    page = client.post(url, form, follow=True).content.decode()
    assert REFUSAL in page and _progress(task_at_20) == [20]
    client.post(url, {**form, "reason": "Phát hiện lỗi"}, HTTP_HX_REQUEST="true")
    assert _progress(task_at_20) == [20, 10]
    shown = client.get(reverse("directives:task_detail", args=[task_at_20.pk])).content.decode()
    assert "Phát hiện lỗi" in shown


def test_the_api(task_at_20: Task, phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    path = f"/api/v1/tasks/{task_at_20.pk}/progress"

    def post(body: dict[str, object]) -> Any:
        return client.post(path, json.dumps(body), content_type="application/json")

    refused = post({"percent": 10, "narrative": "Làm lại"})
    assert refused.status_code == 400 and REFUSAL in refused.json()["message"]
    assert _progress(task_at_20) == [20]
    done = post({"percent": 10, "narrative": "Làm lại", "reason": "Phát hiện lỗi"})
    assert done.status_code == 201 and done.json()["reason"] == "Phát hiện lỗi"
    entries = client.get(f"/api/v1/tasks/{task_at_20.pk}/timeline").json()
    assert entries[-1]["percent"] == 10 and entries[-1]["reason"] == "Phát hiện lỗi"
