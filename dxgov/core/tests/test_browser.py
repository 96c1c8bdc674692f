"""A real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live server."""

from __future__ import annotations

import pytest

from dxgov.conftest import BrowserPage

pytestmark = pytest.mark.browser


def test_login_and_browse_the_unit_tree(chromium: BrowserPage, password: str) -> None:
    page = chromium.page
    chromium.goto("/units/")
    assert "/accounts/login/" in page.url
    assert page.get_attribute("html", "lang") == "vi"
    chromium.shot("01-login")

    page.fill("#id_username", "phutho.canbo")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit].primary")
    assert page.locator("[role=alert]").is_visible()

    page.fill("#id_username", "phutho.canbo")
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/units/")
    assert page.locator("details").count() == 34
    chromium.shot("02-unit-tree")

    province = page.locator("details", has=page.locator("summary", has_text="Tỉnh Phú Thọ"))
    province.locator("summary").click()
    province.locator(".children li").first.wait_for()
    assert province.locator(".children li").count() > 50
    chromium.shot("03-province-expanded", full_page=False)

    page.fill("#q", "hoang sa")
    page.locator("#unit-results table").wait_for()
    assert "Đặc khu Hoàng Sa" in page.inner_text("#unit-results")
    page.click("text=Đặc khu Hoàng Sa")
    page.wait_for_url("**/units/*/**")
    assert "Thành phố Đà Nẵng" in page.inner_text("main")
    chromium.shot("04-unit-page")

    page.set_viewport_size({"width": 390, "height": 844})
    chromium.shot("05-phone")
    assert chromium.errors == []


def test_keyboard_reaches_the_skip_link_first(chromium: BrowserPage, password: str) -> None:
    page = chromium.page
    chromium.goto("/accounts/login/?next=/agencies/")
    page.fill("#id_username", "hcm.canbo")
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.locator("#agency-results").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    chromium.shot("06-agencies", full_page=False)
    assert chromium.errors == []
