"""An officer works a task in a real Chromium: list, filter, report progress with htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.conftest import BrowserPage
from dxgov.directives import actions
from dxgov.directives.models import DirectiveKind, Task
from dxgov.orgunits.models import Agency

pytestmark = pytest.mark.browser


@pytest.fixture
def task(chromium: BrowserPage) -> Task:
    coordinator = User.objects.get(username="vpcp.dieuphoi")
    directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=timezone.localdate() - timedelta(days=60),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Về tăng cường chuyển đổi số",
    )
    for days, code in ((-5, "UBND-T25"), (20, "UBND-T25"), (10, "UBND-T11")):
        actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=f"Triển khai đề án đột phá ({code}, {days} ngày)",
            lead_agency=Agency.objects.get(code=code),
            deadline=timezone.localdate() + timedelta(days=days),
        )
    return Task.objects.get(content__contains="UBND-T25, 20")


def test_officer_reports_progress_on_a_task(
    chromium: BrowserPage, task: Task, password: str
) -> None:
    page = chromium.page
    chromium.goto("/accounts/login/?next=/directives/tasks/mine/")
    page.fill("#id_username", "phutho.canbo")
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.locator("#task-results").wait_for()
    results = page.inner_text("#task-results")
    assert "2 nhiệm vụ: 0 hoàn thành, 2 đang thực hiện (1 quá hạn)" in results
    assert "UBND-T11" not in results
    chromium.shot("10-my-tasks")

    page.click(f"a[href='/directives/tasks/{task.pk}/']")
    page.locator("#task-panel").wait_for()
    page.click("summary:has-text('Báo cáo tiến độ')")
    page.fill("#id_percent", "60")
    page.fill("#id_narrative", "Đã hoàn thành dự thảo đề án, đang lấy ý kiến các sở")
    page.click("form[action$='/progress/'] button[type=submit]")
    page.locator("#task-panel [role=status]").wait_for()
    assert "60%" in page.inner_text("#task-panel")
    assert "Đã hoàn thành dự thảo đề án" in page.inner_text(".timeline")
    chromium.shot("11-task-progress")

    chromium.goto("/directives/statistics/")
    assert "Bảng xếp hạng" in page.inner_text("main")
    chromium.shot("12-statistics")
    task.refresh_from_db()
    assert task.progress_percent == 60
    assert chromium.errors == []
