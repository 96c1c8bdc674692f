"""A real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"

# Playwright's sync API runs an event loop; the ORM calls here happen outside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and os.environ.get("CI") != "true",
        reason="Debian's chromium is not installed (apt-get install chromium); CI installs it",
    ),
]


@pytest.fixture
def page(live_server: Any, reference_data: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.base = live_server.url  # type: ignore[attr-defined]
        yield page
        browser.close()


def test_login_and_browse_the_unit_tree(page: Any, password: str) -> None:
    page.goto(page.base + "/units/")
    assert "/accounts/login/" in page.url
    assert page.get_attribute("html", "lang") == "vi"
    page.screenshot(path=str(SHOTS / "01-login.png"), full_page=True)

    page.fill("#id_username", "phutho.canbo")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit].primary")
    assert page.locator("[role=alert]").is_visible()

    page.fill("#id_username", "phutho.canbo")
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/units/")
    assert page.locator("details").count() == 34
    page.screenshot(path=str(SHOTS / "02-unit-tree.png"), full_page=True)

    province = page.locator("details", has=page.locator("summary", has_text="Tỉnh Phú Thọ"))
    province.locator("summary").click()
    province.locator(".children li").first.wait_for()
    assert province.locator(".children li").count() > 50
    page.screenshot(path=str(SHOTS / "03-province-expanded.png"), full_page=False)

    page.fill("#q", "hoang sa")
    page.locator("#unit-results table").wait_for()
    assert "Đặc khu Hoàng Sa" in page.inner_text("#unit-results")
    page.click("text=Đặc khu Hoàng Sa")
    page.wait_for_url("**/units/*/**")
    assert "Thành phố Đà Nẵng" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "04-unit-page.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "05-phone.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


def test_keyboard_reaches_the_skip_link_first(page: Any, password: str) -> None:
    page.goto(page.base + "/accounts/login/?next=/agencies/")
    page.fill("#id_username", "hcm.canbo")
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.locator("#agency-results").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.screenshot(path=str(SHOTS / "06-agencies.png"), full_page=False)
    assert page.errors == []  # type: ignore[attr-defined]
