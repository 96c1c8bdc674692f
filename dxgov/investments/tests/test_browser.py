"""Green or red in a real Chromium: Phú Thọ's officer types a disbursement above the plan,
sees it red with the reason as they type, saves anyway and is refused with nothing saved,
corrects it, sees green and saves; the coordinator's weekly national table then shows the
province's new rate."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts.models import User
from dxgov.conftest import BrowserPage
from dxgov.investments import planyear
from dxgov.investments.models import Disbursement
from dxgov.testing import investments as make

pytestmark = pytest.mark.browser


def _login(chromium: BrowserPage, username: str, password: str, next_url: str) -> None:
    page = chromium.page
    page.context.clear_cookies()
    chromium.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    if TOTPDevice.objects.filter(user__username=username, confirmed=True).exists():
        page.locator("#id_token").wait_for()
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_token", f"{totp(device.bin_key, step=device.step, digits=6):06d}")
        page.click("button[type=submit].primary")


def test_an_officer_corrects_a_red_disbursement_and_the_weekly_table_follows(
    chromium: BrowserPage, password: str
) -> None:
    today = timezone.localdate()
    year = planyear.current_plan_year(today)
    officer = User.objects.get(username="phutho.canbo")
    project = make.project(officer, "DA-BROWSER-01")
    make.decide(
        officer,
        project,
        signed_on=date(year - 1, 6, 1),
        start=date(year - 1, 7, 1),
        end=date(year + 1, 12, 31),
        milestones=(),
    )
    make.allocate(
        officer, project, "1.000.000.000", plan_year=year, decided_on=date(year - 1, 12, 20)
    )
    page = chromium.page
    _login(chromium, "phutho.canbo", password, f"/investments/projects/{project.pk}/disbursement/")
    field = page.locator("#f-value-central_budget")
    field.wait_for()
    field.fill("1.200.000.000")
    red = page.locator("#check-value-central_budget .verdict-red")
    red.wait_for()
    assert "vượt kế hoạch" in red.inner_text()
    page.locator("#verdict .verdict-red").wait_for()
    chromium.shot("60-investment-red")
    # Saving anyway is refused: the reason beside the field, what was typed kept, nothing saved.
    page.click("#disbursement-form button[type=submit]")
    page.locator(".error-summary").wait_for()
    assert "vượt kế hoạch" in page.inner_text(".error-summary")
    assert page.input_value("#f-value-central_budget") == "1.200.000.000"
    assert not Disbursement.objects.filter(project=project).exists()
    field = page.locator("#f-value-central_budget")
    field.fill("900.000.000")
    page.locator("#check-value-central_budget .verdict-ok").wait_for()
    page.locator("#verdict .verdict-ok").wait_for()
    page.click("#disbursement-form button[type=submit]")
    page.locator(".message.success").wait_for()
    assert Disbursement.objects.get(project=project).value == 900_000_000

    _login(chromium, "vpcp.dieuphoi", password, "/investments/weekly/")
    row = page.locator("tr", has=page.locator("a", has_text="Phú Thọ")).first
    row.wait_for()
    assert "90,0%" in row.inner_text()
    chromium.shot("61-investment-weekly")
    assert chromium.errors == [] or all("status of 422" in e for e in chromium.errors)
