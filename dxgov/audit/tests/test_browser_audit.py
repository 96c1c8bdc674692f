"""The audit page in a real Chromium: an administrator reads the ledger's state."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.audit.actions import create_checkpoint

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


def test_administrator_reads_the_audit_page(
    live_server: Any, reference_data: None, password: str
) -> None:
    from playwright.sync_api import sync_playwright

    checkpoint = create_checkpoint(acting_user=None)
    assert checkpoint is not None
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(live_server.url + "/accounts/login/?next=/audit/")
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
        page.screenshot(path=str(SHOTS / "07-audit.png"), full_page=True)
        browser.close()
    assert errors == []
