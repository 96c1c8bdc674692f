"""The task lists (issue 16, §3): "Nhiệm vụ của cơ quan tôi" puts open and overdue tasks first,
nearest deadline first, finished ones after; the agency filter is a select of the agencies in
the reader's scope, by name."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.directives import actions
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def _task(coordinator: User, directive: Directive, content: str, deadline: date) -> Task:
    return actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content=content,
        lead_agency=Agency.objects.get(code="UBND-T25"),
        deadline=deadline,
        today=date(2025, 1, 3),
    )


@pytest.fixture
def directive(coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=date(2025, 1, 2),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị về chuyển đổi số",
    )


def _listed(html: str) -> list[str]:
    return re.findall(r'<a href="/directives/tasks/\d+/">([^<]+)</a>', html)


def test_my_agency_s_open_tasks_come_first(
    coordinator: User, phutho_officer: User, directive: Directive
) -> None:
    today = timezone.localdate()
    done = _task(coordinator, directive, "Đã xong từ lâu", date(2025, 3, 31))
    actions.mark_task_done(
        acting_user=phutho_officer, task=done, completed_on=date(2025, 3, 1), today=date(2025, 3, 2)
    )
    actions.confirm_task(acting_user=coordinator, task=done)
    _task(coordinator, directive, "Còn hạn, xa", today + timedelta(days=60))
    _task(coordinator, directive, "Quá hạn", date(2025, 6, 30))
    _task(coordinator, directive, "Còn hạn, gần", today + timedelta(days=5))
    actions.refresh_overdue(acting_user=None, today=today)
    html = client_for(phutho_officer).get("/directives/tasks/mine/").content.decode()
    assert _listed(html) == ["Quá hạn", "Còn hạn, gần", "Còn hạn, xa", "Đã xong từ lâu"]


def test_the_agency_filter_is_a_select_of_names_in_scope(
    coordinator: User, phutho_officer: User, directive: Directive
) -> None:
    html = client_for(phutho_officer).get("/directives/tasks/").content.decode()
    select = re.search(r'<select name="agency"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, "the agency filter is not a select"
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))
    assert options["UBND-T25"] == "Ủy ban nhân dân tỉnh Phú Thọ"
    assert options["SO-25-KHCN"].startswith("Sở Khoa học và Công nghệ")
    assert "UBND-T11" not in options  # Điện Biên: outside the officer's scope
    # Chosen, it filters (and stays selected).
    _task(coordinator, directive, "Của Phú Thọ", date(2026, 12, 31))
    chosen = client_for(coordinator).get("/directives/tasks/", {"agency": "UBND-T25"})
    text = chosen.content.decode()
    assert '<option value="UBND-T25" selected>' in text and "Của Phú Thọ" in _listed(text)
