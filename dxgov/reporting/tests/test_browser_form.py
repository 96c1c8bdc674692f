"""An officer fills the monthly form in a real Chromium: red as they type, refused, then saved."""

from __future__ import annotations

import pytest

from dxgov.accounts.models import User
from dxgov.conftest import BrowserPage
from dxgov.reporting.models import DataValue, ReportDefinition
from dxgov.reporting.tests.conftest import make_definition, make_indicators

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_definition(chromium: BrowserPage) -> ReportDefinition:
    coordinator = User.objects.get(username="vpcp.dieuphoi")
    return make_definition(coordinator, make_indicators(coordinator))


def test_the_form_turns_red_as_you_type_and_refuses_then_saves(
    chromium: BrowserPage, browser_definition: ReportDefinition, password: str
) -> None:
    page = chromium.page
    form = f"/reports/definitions/{browser_definition.pk}/form/UBND-T25/202603/"
    chromium.goto(f"/accounts/login/?next={form}")
    page.fill("#id_username", "phutho.canbo")
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.locator("#data-form").wait_for()
    page.fill("#value-RECEIVED", "1.200")
    page.fill("#value-ONLINE", "1300")
    page.locator("#check-ONLINE.check-error").wait_for(timeout=10_000)
    page.locator("#check-RECEIVED.check-ok").wait_for(timeout=10_000)
    assert "1300" in page.input_value("#value-ONLINE")
    chromium.shot("30-form-red-as-you-type")

    page.fill("#num-SHARE", "900")
    page.fill("#den-SHARE", "1200")
    page.fill("#value-BUDGET", "2.500.000.000")
    page.select_option("#value-PLAN", "có")
    page.fill("#value-ACCOUNTS", "45000")
    page.click("#data-form button[type=submit].primary")
    page.locator(".message.error").wait_for()
    assert not DataValue.objects.exists()
    assert page.input_value("#value-ONLINE") == "1300"
    chromium.shot("31-form-refused")

    page.fill("#value-ONLINE", "900")
    page.locator("#check-ONLINE.check-ok").wait_for(timeout=10_000)
    page.click("#data-form button[type=submit].primary")
    page.locator(".message.success").wait_for()
    assert DataValue.objects.filter(agency__code="UBND-T25", period="202603").count() == 6
    chromium.shot("32-form-saved")
    assert not chromium.errors, chromium.errors
