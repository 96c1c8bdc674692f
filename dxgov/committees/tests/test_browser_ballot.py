"""A vote in session on tablets, in a real Chromium: the chair opens the live session view,
a member opens the ballot on their tablet and answers, and the chair's tally changes by itself
(server-sent events), without a reload."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from dxgov.committees import actions
from dxgov.committees.models import Answer
from dxgov.committees.tests.world import build, open_ballot, user
from dxgov.conftest import SCREENSHOTS, BrowserPage
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}  # a tablet held upright
NOT_SCROLLED_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _signed_in(chromium: BrowserPage, username: str) -> Any:
    """A tablet-sized browser context signed in as `username` (second factor given)."""
    session = client_for(user(username), second_factor=True).cookies[settings.SESSION_COOKIE_NAME]
    context = chromium.page.context.browser.new_context(locale="vi-VN", viewport=TABLET)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": chromium.base}]
    )
    page = context.new_page()
    page.on("console", lambda m: chromium.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: chromium.errors.append(str(e)))
    return page


def test_a_member_answers_on_a_tablet_and_the_chairs_tally_changes_live(
    chromium: BrowserPage, reference_data: Any
) -> None:
    world = build()
    session = world.session
    actions.start_session(acting_user=world.coordinator, session=session)
    ballot = open_ballot(
        world,
        title="Thông qua Kế hoạch chuyển đổi số năm 2027",
        deadline=timezone.now() + timedelta(hours=2),
        session=session,
    )

    chair = _signed_in(chromium, "phutho.lanhdao")
    chair.goto(f"{chromium.base}/committees/sessions/{session.pk}/live/")
    agree = chair.locator('#block-tally [data-choice="agree"]')
    assert agree.inner_text() == "0"
    assert "0/2 thành viên đã trả lời" in chair.inner_text("#block-tally")
    chair.evaluate("() => { window.notReloaded = true; }")
    chair.wait_for_timeout(700)  # the event stream is open
    assert chair.evaluate(NOT_SCROLLED_SIDEWAYS)
    chair.screenshot(path=str(SCREENSHOTS / "committees-live-before.png"), full_page=True)

    member = _signed_in(chromium, "phutho.canbo")
    member.goto(f"{chromium.base}/committees/ballots/{ballot.pk}/")
    assert "Đồng chí có đồng ý thông qua dự thảo Kế hoạch không?" in member.inner_text("main")
    assert member.evaluate(NOT_SCROLLED_SIDEWAYS)
    member.screenshot(path=str(SCREENSHOTS / "committees-ballot-tablet.png"), full_page=True)
    member.click("label.choice-agree")
    member.fill("#id_comment", "Nhất trí với dự thảo.")
    member.click("#send-answer")
    member.wait_for_url(f"**/committees/ballots/{ballot.pk}/")
    assert "Ý kiến của bạn đã được ghi nhận và ký số." in member.inner_text("main")

    # The chair's tally moves by itself.
    chair.locator('#block-tally [data-choice="agree"]', has_text="1").wait_for(timeout=15000)
    assert "1/2 thành viên đã trả lời" in chair.inner_text("#block-tally")
    assert chair.evaluate("() => window.notReloaded === true")
    chair.screenshot(path=str(SCREENSHOTS / "committees-live-after.png"), full_page=True)

    answer = Answer.objects.get()
    assert answer.membership == world.member and answer.signed_body["choice"] == "agree"
    assert chromium.errors == []
