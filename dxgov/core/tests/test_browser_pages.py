"""Every page of the access matrix in a real Chromium, on a phone (390 px) and on a desk
(1440 px), and the wall at 1920 × 1080 (issue 16, §4).

One live server, one browser, the pages visited in a loop, each as a user who may read it (the
coordinator, else the province's officer; core/tests/test_visible_text.page_visits): the page
never scrolls sideways, the console stays clean, the text holds no English-style number or
internal code (dxgov/testing/visible.py), and axe-core (npm, injected from node_modules by the
test, never served to users) finds no serious or critical accessibility problem on the main
pages. The main pages are also saved as screenshots (var/screenshots/pages-*.png).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Error as PlaywrightError

from dxgov.conftest import BrowserPage
from dxgov.core.tests import test_access_matrix as matrix
from dxgov.core.tests.test_visible_text import MARKERS, build_world, page_visits
from dxgov.testing.visible import problems, visible_text

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1440)
# The pages axe-core checks, and that are saved as screenshots.
MAIN_PAGES = frozenset(
    {
        "dashboard:overview",
        "directives:task_list",
        "directives:task_detail",
        "reporting:data_form",
        "indicators:indicator_list",
        "indicators:indicator_detail",
        "scoring:ranking",
        "audit:ledger",
    }
)
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help} — ` +
      v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
# Routes a browser does not show as a page: the live event stream and the map's outline.
NOT_PAGES = frozenset({"dashboard:events", "dashboard:silhouette"})
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What sticks out past the window (outside any box that scrolls on its own): the culprits.
STICKING_OUT = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right <= window.innerWidth + 1 || box.width === 0) continue;
    let held = false;
    for (let up = el.parentElement; up && !held; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      held = (x === "auto" || x === "scroll" || x === "hidden")
        && up.getBoundingClientRect().right <= window.innerWidth + 1;
    }
    if (!held) out.push(`${el.tagName}.${el.className} (${Math.round(box.right)} px)`);
  }
  return out.slice(-3);
}"""
# A page (not a download, not an htmx fragment such as a unit's children): it has a <main>.
IS_PAGE = "() => document.querySelector('main') !== null"
HEIGHT = "() => [document.documentElement.scrollHeight, window.innerHeight]"


def _one_reader_per_page(world: matrix.World) -> list[tuple[str, str, str]]:
    """Each page once, as the coordinator where allowed, else as the officer."""
    seen: dict[str, tuple[str, str, str]] = {}
    for name, role, path in page_visits(world):
        if name not in NOT_PAGES:
            seen.setdefault(name, (name, role, path))
    return list(seen.values())


def _sign_in(chromium: BrowserPage, world: matrix.World, role: str) -> None:
    context = chromium.page.context
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": world.sessions[role],
                "url": chromium.base,
            }
        ]
    )


def _check(chromium: BrowserPage, name: str, path: str, found: list[str]) -> None:
    """The page at each width (loaded once, then the window widened): no sideways scroll;
    its console and its text once; axe and a screenshot for the main pages."""
    page = chromium.page
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    chromium.errors.clear()
    try:
        response = page.goto(chromium.base + path, wait_until="domcontentloaded")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return  # an export: a file, not a page
        raise
    if response is None or response.status != 200:
        found.append(f"{name} {path}: status {response.status if response else 'none'}")
        return
    if not page.evaluate(IS_PAGE):
        # A fragment that htmx puts into a page: shown bare, the browser still asks for
        # /favicon.ico; let that settle so its 404 is not counted against the next page.
        page.wait_for_load_state("networkidle")
        return
    page.wait_for_load_state("load")
    for width in WIDTHS:
        where = f"{name} {path} at {width} px"
        if width != WIDTHS[0]:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(50)
        scroll, inner = page.evaluate(WIDTH)
        if scroll > inner:
            culprits = ", ".join(page.evaluate(STICKING_OUT))
            found.append(f"{where}: the page scrolls sideways ({scroll} px wide: {culprits})")
        if name in MAIN_PAGES:
            chromium.shot(f"pages-{width}-{name.replace(':', '-')}", full_page=width == 390)
    where = f"{name} {path}"
    text = MARKERS.sub("", visible_text(page.content()))
    found += [f"{where}: {problem}" for problem in problems(text)]
    if name in MAIN_PAGES:
        page.evaluate(AXE.read_text(encoding="utf-8"))
        found += [f"{where} at {WIDTHS[-1]} px: axe {v}" for v in page.evaluate(AXE_RUN)]
    found += [f"{where}: console: {error}" for error in chromium.errors]


def test_every_page_fits_a_phone_and_a_desk_and_the_wall_fits_its_screen(
    chromium: BrowserPage, reference_data: Any, tmp_path: Path
) -> None:
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        world = build_world()
        visits = _one_reader_per_page(world)
        assert len(visits) > 40
        found: list[str] = []
        for role in ("coordinator", "officer"):
            _sign_in(chromium, world, role)
            for name, reader, path in visits:
                if reader != role:
                    continue
                _check(chromium, name, path, found)
        # The wall: an operations-room screen fills 1920 × 1080 without scrolling.
        _sign_in(chromium, world, "coordinator")
        page = chromium.page
        page.set_viewport_size({"width": 1920, "height": 1080})
        chromium.errors.clear()
        chromium.goto("/dashboard/wall/")
        page.locator("#wall-clock").wait_for()
        page.wait_for_timeout(300)
        for measure, what in ((WIDTH, "wide"), (HEIGHT, "tall")):
            size, screen = page.evaluate(measure)
            if size > screen:
                found.append(f"the wall is too {what} for its screen ({size} px)")
        assert page.locator(".wall .exports").first.is_hidden()  # nothing to click or download
        chromium.shot("pages-1920-dashboard-wall", full_page=False)
        found += [f"wall: console: {error}" for error in chromium.errors]
    assert not found, "\n".join(found)
