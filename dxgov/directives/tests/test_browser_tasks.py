"""An officer works a task in a real Chromium: list, filter, report progress with htmx."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.directives import actions
from dxgov.directives.models import DirectiveKind, Task
from dxgov.orgunits.models import Agency

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and os.environ.get("CI") != "true",
        reason="Debian's chromium is not installed (apt-get install chromium); CI installs it",
    ),
]


@pytest.fixture
def task(reference_data: None) -> Task:
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


def test_officer_reports_progress_on_a_task(live_server: Any, task: Task, password: str) -> None:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(live_server.url + "/accounts/login/?next=/directives/tasks/mine/")
        page.fill("#id_username", "phutho.canbo")
        page.fill("#id_password", password)
        page.click("button[type=submit].primary")
        page.locator("#task-results").wait_for()
        results = page.inner_text("#task-results")
        assert "2 nhiệm vụ: 0 hoàn thành, 2 đang thực hiện (1 quá hạn)" in results
        assert "UBND-T11" not in results
        page.screenshot(path=str(SHOTS / "10-my-tasks.png"), full_page=True)

        page.click(f"a[href='/directives/tasks/{task.pk}/']")
        page.locator("#task-panel").wait_for()
        page.click("summary:has-text('Báo cáo tiến độ')")
        page.fill("#id_percent", "60")
        page.fill("#id_narrative", "Đã hoàn thành dự thảo đề án, đang lấy ý kiến các sở")
        page.click("form[action$='/progress/'] button[type=submit]")
        page.locator("#task-panel [role=status]").wait_for()
        assert "60%" in page.inner_text("#task-panel")
        assert "Đã hoàn thành dự thảo đề án" in page.inner_text(".timeline")
        page.screenshot(path=str(SHOTS / "11-task-progress.png"), full_page=True)

        page.goto(live_server.url + "/directives/statistics/")
        assert "Bảng xếp hạng" in page.inner_text("main")
        page.screenshot(path=str(SHOTS / "12-statistics.png"), full_page=True)
        browser.close()
    task.refresh_from_db()
    assert task.progress_percent == 60
    assert errors == []
