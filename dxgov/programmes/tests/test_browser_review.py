"""A programme's review in a real Chromium: the Ministry of Science and Technology's
coordinator returns a province's programme with a comment on its goals, then marks a pair of
overlapping tasks on the clusters page (htmx swaps the label in place)."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts.models import User
from dxgov.conftest import BrowserPage
from dxgov.programmes import actions
from dxgov.programmes.models import OverlapLabel, OverlapPair, Programme, ProgrammeStatus
from dxgov.testing import programmes as make

pytestmark = pytest.mark.browser


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


def test_a_reviewer_returns_a_programme_and_marks_an_overlap(
    chromium: BrowserPage, password: str
) -> None:
    coordinator = User.objects.get(username="bkhcn.dieuphoi")
    indicator = make.percent_indicator(coordinator, "PG_BROWSER")
    submitted = []
    for officer, leader, owner, lead in (
        ("phutho.canbo", "phutho.lanhdao", "UBND-T25", "SO-25-YT"),
        ("dienbien.canbo", "dienbien.lanhdao", "UBND-T11", "SO-11-YT"),
    ):
        programme = make.complete_programme(
            User.objects.get(username=officer), indicator, owner=owner, lead=lead, tasks=2
        )
        actions.submit_programme(acting_user=User.objects.get(username=leader), programme=programme)
        submitted.append(programme)
    actions.detect_overlaps(acting_user=coordinator)
    phutho = submitted[0]
    page = chromium.page
    _login(chromium, "bkhcn.dieuphoi", password, f"/programmes/{phutho.pk}/review/")
    page.locator("#checklist").wait_for()
    assert "rõ người, rõ việc" in page.inner_text("#checklist")
    # Returning without a comment is refused, in red, and nothing changes.
    page.click("#return button[type=submit]")
    page.locator(".error-summary").wait_for()
    assert Programme.objects.get(pk=phutho.pk).status == ProgrammeStatus.SUBMITTED
    page.fill("#f-comment-goals", "Bổ sung chỉ tiêu năm 2027 cho mục tiêu hồ sơ trực tuyến.")
    page.click("#return button[type=submit]")
    page.locator(".message.success").wait_for()
    returned = Programme.objects.get(pk=phutho.pk)
    assert returned.status == ProgrammeStatus.RETURNED
    assert returned.comments.get().section == "goals"
    assert "Bổ sung chỉ tiêu năm 2027" in page.inner_text("#comments")
    chromium.shot("50-programme-returned")

    chromium.goto("/programmes/overlaps/")
    pair = OverlapPair.objects.order_by("-score").first()
    assert pair is not None
    row = page.locator(f"#pair-{pair.pk}")
    row.wait_for()
    row.locator("button.pg-label-overlap").click()
    row.locator("button.pg-label-overlap.chosen").wait_for()
    label = OverlapLabel.objects.get()
    assert label.label == "overlap" and label.labelled_by == coordinator
    chromium.shot("51-programme-overlaps")
    assert chromium.errors == [] or all("status of 422" in e for e in chromium.errors)
