"""The audit page in a real Chromium: an administrator reads the ledger's state."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.audit.actions import create_checkpoint
from dxgov.conftest import BrowserPage

pytestmark = pytest.mark.browser


def test_administrator_reads_the_audit_page(chromium: BrowserPage, password: str) -> None:
    checkpoint = create_checkpoint(acting_user=None)
    assert checkpoint is not None
    page = chromium.page
    chromium.goto("/accounts/login/?next=/audit/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    # An administrator gives the second factor (the demo accounts' published TOTP key).
    page.locator("#id_token").wait_for()
    device = TOTPDevice.objects.get(user__username="quantri", confirmed=True)
    page.fill("#id_token", f"{totp(device.bin_key, step=device.step, digits=6):06d}")
    page.click("button[type=submit].primary")
    page.locator("#verification").wait_for()
    assert "Chuỗi nguyên vẹn" in page.inner_text("#verification")
    last = page.inner_text("#last-checkpoint")
    assert f"{checkpoint.seq_from}–{checkpoint.seq_to}" in last
    assert page.locator("table tbody tr").count() >= 1
    assert page.locator("nav [aria-current=page]").inner_text() == "Sổ nhật ký kiểm toán"
    chromium.shot("07-audit")
    assert chromium.errors == []
