"""The DTI in a real Chromium: a province's officer enters its self-assessment, a score above
the maximum is refused in red and nothing is saved, the corrected scores are saved and
submitted; a coordinator then tries weights and sees the ranks move as they type."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts.models import User
from dxgov.conftest import BrowserPage
from dxgov.indices import actions
from dxgov.indices.models import Assessment, AssessmentStatus, ComponentScore, Edition

pytestmark = pytest.mark.browser
EDITION = "dti-province-2025"


def _login(chromium: BrowserPage, username: str, password: str, next_url: str) -> None:
    page = chromium.page
    chromium.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    if TOTPDevice.objects.filter(user__username=username, confirmed=True).exists():
        page.locator("#id_token").wait_for()
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_token", f"{totp(device.bin_key, step=device.step, digits=6):06d}")
        page.click("button[type=submit].primary")


def test_self_assessment_refused_then_saved_and_trial_weights(
    chromium: BrowserPage, password: str
) -> None:
    coordinator = User.objects.get(username="vpcp.dieuphoi")
    actions.load_editions(acting_user=coordinator, codes=[EDITION])
    page = chromium.page
    url = f"/indices/{EDITION}/assessments/UBND-T25/"
    _login(chromium, "phutho.canbo", password, url)
    page.locator("#scores").wait_for()
    for i in range(1, 9):
        page.fill(f"#id_score-CS{i}", "100")
    page.fill("#id_score-CS3", "130")
    page.click("#scores button[type=submit].primary")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "130" in summary.inner_text() and "125" in summary.inner_text()
    assert page.locator("#id_score-CS3[aria-invalid=true]").count() == 1
    assert page.input_value("#id_score-CS3") == "130"  # what was typed stays
    assert not ComponentScore.objects.exists()
    chromium.shot("40-dti-self-assessment-refused")

    page.fill("#id_score-CS3", "110,5")
    page.click("#scores button[type=submit].primary")
    page.locator(".message.success").wait_for()
    assert ComponentScore.objects.get(node="CS3").self_score == 110.5
    page.click("form[action$='/submit/'] button")
    page.locator(".message.success").wait_for()
    assert Assessment.objects.get().status == AssessmentStatus.SUBMITTED
    assert "Chờ thẩm định" in page.inner_text("main")
    chromium.shot("41-dti-self-assessment-submitted")

    actions.compute_edition(acting_user=coordinator, edition=Edition.objects.get(code=EDITION))
    page.context.clear_cookies()
    _login(chromium, "vpcp.dieuphoi", password, f"/indices/{EDITION}/weights/")
    page.locator("#trial").wait_for()
    first = page.locator("#trial tbody tr").first.inner_text()
    assert "Phú Thọ" in first
    page.fill("#w-CS6", "abc")
    page.locator("#trial .error-summary").wait_for(timeout=10_000)
    page.fill("#w-CS6", "500")
    page.locator("#trial table").wait_for(timeout=10_000)
    chromium.shot("42-dti-trial-weights")
    # The refused form is answered 422, which Chromium logs; nothing else may go wrong.
    assert [e for e in chromium.errors if "status of 422" not in e] == []
