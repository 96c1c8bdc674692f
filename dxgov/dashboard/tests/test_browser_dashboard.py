"""The command centre in a real Chromium: log in, the overview, a province on the map, a
commune's indicator, and a live update arriving after an approval, with no console errors."""

from __future__ import annotations

from typing import Any

import pytest

from dxgov.accounts.models import User
from dxgov.conftest import BrowserPage
from dxgov.dashboard.tests.world import build
from dxgov.reporting import actions

pytestmark = pytest.mark.browser

# A point where the element itself is hit (a province's shape need not cover its box's centre).
_POINT_INSIDE = """(selector) => {
  const element = document.querySelector(selector);
  const box = element.getBoundingClientRect();
  for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
    const x = box.left + box.width * i / 24, y = box.top + box.height * j / 24;
    if (document.elementFromPoint(x, y) === element) return [x, y];
  }
  return null;
}"""


def _click_inside(page: Any, selector: str) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    point = page.evaluate(_POINT_INSIDE, selector)
    assert point is not None, f"nothing of {selector} can be clicked"
    page.mouse.click(*point)


def test_drill_down_and_live_update(
    chromium: BrowserPage, password: str, reference_data: Any
) -> None:
    world = build(User.objects.get(username="vpcp.dieuphoi"))
    page = chromium.page
    chromium.goto("/accounts/login/?next=/dashboard/")
    page.fill("#id_username", "phutho.canbo")
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/dashboard/")
    page.locator("#block-indicators canvas").first.wait_for()
    assert page.locator("svg.dxmap path.area").count() == 34  # the provinces' shapes
    assert "Quần đảo Hoàng Sa (TP Đà Nẵng)" in page.inner_html("#block-map")
    assert "Quần đảo Trường Sa (tỉnh Khánh Hòa)" in page.inner_html("#block-map")
    chromium.shot("dashboard-01-overview")

    # Phú Thọ is the one province in this officer's scope: a link on the map.
    _click_inside(page, 'svg.dxmap a.province path[data-code="UBND-T25"]')
    page.wait_for_url("**/dashboard/agency/UBND-T25/**")
    assert "Ủy ban nhân dân tỉnh Phú Thọ" in page.inner_text("h1")
    chromium.shot("dashboard-02-province")

    page.select_option("#indicator-choice", str(world.rate.pk))
    page.click("form.inline-form button[type=submit]")
    page.wait_for_load_state()
    href = f"/dashboard/agency/{world.commune.code}/indicator/{world.rate.pk}/"
    commune_link = page.locator(f'#block-children a[href="{href}"]')
    commune_link.click()
    page.wait_for_url(f"**/indicator/{world.rate.pk}/")
    assert world.commune.name in page.inner_text("h1")
    page.locator("#block-values canvas").first.wait_for()
    # Three months, then the national target for the year (the end of the path drawn to it).
    assert page.locator("#block-values tbody tr").count() == 4
    assert "80,0%" in page.locator("#block-values tbody tr").last.inner_text()
    chromium.shot("dashboard-03-commune-indicator")

    # Back on the province: its leader approves the pending report; the page updates by itself.
    chromium.goto("/dashboard/agency/UBND-T25/")
    table = page.locator("#block-indicators")
    table.wait_for()
    assert "63,0%" not in table.inner_text()
    page.wait_for_timeout(500)  # the event stream is open
    actions.approve_report(
        acting_user=User.objects.get(username="phutho.lanhdao"), report=world.pending
    )
    page.locator("#block-indicators", has_text="63,0%").wait_for(timeout=15000)
    assert "UBND-T25" in page.inner_text("#live-status")
    chromium.shot("dashboard-04-live-update")

    chromium.goto("/dashboard/wall/?rotate=5")
    page.locator(".wall-view").first.wait_for()
    chromium.shot("dashboard-05-wall", full_page=False)
    assert chromium.errors == []
