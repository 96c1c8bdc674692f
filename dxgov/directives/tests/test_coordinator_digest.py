"""The coordinators' daily digest (issue 16, §6: the coordinators had no notifications): tasks
reported done waiting for their confirmation, extension requests waiting for their decision;
once a day, nothing when nothing waits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dxgov.accounts.models import User
from dxgov.directives import actions
from dxgov.directives.models import DirectiveKind
from dxgov.directives.reminder_actions import send_coordinator_digests
from dxgov.notifications.models import Notification, NotificationKind
from dxgov.orgunits.models import Agency

pytestmark = pytest.mark.django_db

DAY = date(2025, 9, 10)


def test_the_coordinators_hear_of_what_waits_for_them(
    coordinator: User, phutho_officer: User
) -> None:
    assert send_coordinator_digests(DAY) == 0  # nothing waits: nothing sent
    directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="05/CT-TTg",
        issued_on=date(2025, 1, 2),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị",
    )
    done, late = (
        actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=content,
            lead_agency=Agency.objects.get(code="UBND-T25"),
            deadline=date(2025, 9, 30),
            today=date(2025, 1, 3),
        )
        for content in ("Kết nối cơ sở dữ liệu dân cư", "Số hóa hồ sơ")
    )
    actions.mark_task_done(
        acting_user=phutho_officer, task=done, completed_on=DAY - timedelta(days=1), today=DAY
    )
    actions.request_extension(
        acting_user=phutho_officer,
        task=late,
        requested_deadline=date(2025, 12, 31),
        reason="Chờ kinh phí",
        today=DAY,
    )
    sent = send_coordinator_digests(DAY)
    coordinators = User.objects.filter(role="coordinator", is_active=True)
    assert sent == coordinators.count() >= 2
    note = Notification.objects.get(recipient=coordinator, kind=NotificationKind.COORDINATOR_DIGEST)
    assert note.title == "Việc chờ điều phối viên xử lý, ngày 10/09/2025"
    assert "1 nhiệm vụ đã báo cáo hoàn thành chờ xác nhận" in note.body
    assert "05/CT-TTg: Kết nối cơ sở dữ liệu dân cư (Ủy ban nhân dân tỉnh Phú Thọ)" in note.body
    assert "1 đề nghị gia hạn chờ quyết định" in note.body
    assert note.link == "/directives/tasks/?status=awaiting_confirmation"
    assert send_coordinator_digests(DAY) == 0  # once a day
