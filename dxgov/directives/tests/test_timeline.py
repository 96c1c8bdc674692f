"""A task's timeline is read once (directives.timeline): its page and the API list the same
events, for a task that went through every kind of event."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.directives import actions, timeline
from dxgov.directives.actions import Upload
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DIRECTIVES = Path(__file__).resolve().parents[1]


@pytest.fixture
def lived(coordinator: User, phutho_officer: User) -> Task:
    """A task assigned, reported on with evidence, extended, refused an extension, reported
    done with the result attached, and confirmed."""
    directive: Directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=date(2024, 9, 16),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị về chuyển đổi số",
    )
    today = timezone.localdate()
    task = actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content="Kết nối cơ sở dữ liệu dân cư",
        lead_agency=Agency.objects.get(code="UBND-T25"),
        deadline=today + timedelta(days=30),
    )
    actions.report_progress_with_evidence(
        acting_user=phutho_officer,
        task=task,
        percent=40,
        narrative="Đã kết nối 5 xã",
        uploads=[Upload("bien-ban.pdf", PDF)],
    )
    for months, approve in ((1, True), (2, False)):
        task.refresh_from_db()
        extension = actions.request_extension(
            acting_user=phutho_officer,
            task=task,
            requested_deadline=today + timedelta(days=30 + 30 * months),
            reason="Chờ nâng cấp hạ tầng",
        )
        actions.decide_extension(
            acting_user=coordinator, extension=extension, approve=approve, note="Ý kiến"
        )
    task.refresh_from_db()
    actions.mark_task_done_with_evidence(
        acting_user=phutho_officer,
        task=task,
        completed_on=today,
        uploads=[Upload("ket-qua.pdf", PDF)],
    )
    task.refresh_from_db()
    actions.confirm_task(acting_user=coordinator, task=task)
    return task


def _ms(text: str) -> datetime:
    """An ISO time to the millisecond (the API's JSON gives milliseconds)."""
    at = datetime.fromisoformat(text)
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _page_entries(html: str) -> list[tuple[str, datetime, list[str]]]:
    timeline = html[html.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    found = []
    for item in re.findall(r'<li data-kind="(.*?)</li>', timeline, re.S):
        kind = item[: item.index('"')]
        at = re.search(r'<time datetime="([^"]+)"', item)
        assert at is not None
        files = [
            unescape(name)
            for name in re.findall(r'class="file-link">.*?</svg> ([^<]+)</a>', item, re.S)
        ]
        found.append((kind, _ms(at.group(1)), files))
    return found


def test_the_page_and_the_api_list_the_same_events(lived: Task, phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    api = client.get(f"/api/v1/tasks/{lived.pk}/timeline").json()
    page = client.get(reverse("directives:task_detail", args=[lived.pk]))
    assert page.status_code == 200
    listed = [
        (entry["kind"], _ms(entry["at"]), [f["name"] for f in entry["files"]]) for entry in api
    ]
    assert _page_entries(page.content.decode()) == listed
    kinds = [kind for kind, _at, _files in listed]
    assert kinds == [
        "status_change",  # assigned
        "progress_report",
        "extension_request",
        "extension_decision",  # approved
        "extension_request",
        "extension_decision",  # refused
        "status_change",  # reported done
        "file",  # the result, attached with "done"
        "status_change",  # confirmed
    ]
    assert listed[1][2] == ["bien-ban.pdf"] and listed[7][2] == ["ket-qua.pdf"]
    # Shown by full name (the user name stays in the API's `actor`).
    assert (
        api[1]["actor"] == "phutho.canbo" and api[1]["actor_name"] == phutho_officer.display_name()
    )
    assert api[1]["actor_name"] in page.content.decode()
    assert [api[3]["state"], api[5]["state"]] == ["approved", "refused"]


def test_one_reader_of_the_timeline() -> None:
    """Neither the views nor the API read the task's events themselves."""
    for name in ("views.py", "api.py"):
        source = (DIRECTIVES / name).read_text(encoding="utf-8")
        assert "AuditEvent" not in source and "progress_reports" not in source, name
        assert "timeline.task_timeline(" in source, name


def test_a_file_is_marked_with_a_served_icon_not_an_emoji(
    lived: Task, phutho_officer: User
) -> None:
    """Issue 16 §3: the 📎 emoji has no glyph in the served fonts (an empty box); the icon is
    the platform's own inline SVG (core.icons: Lucide's paperclip)."""
    page = client_for(phutho_officer).get(reverse("directives:task_detail", args=[lived.pk]))
    html = page.content.decode()
    assert "📎" not in html
    links = re.findall(r'<a href="[^"]+" class="file-link">(.*?)</a>', html, re.S)
    assert len(links) == 2
    for link in links:
        assert re.match(r'<svg class="icon icon-paperclip" aria-hidden="true"', link)


def test_names_are_full_names_and_the_system_is_named_in_words(
    coordinator: User, phutho_officer: User
) -> None:
    """Issue 16 §3: people by their full name (the user name only for an account without one),
    and a change made by the day's run as "Hệ thống", not the stored label "system"."""
    directive = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="35/CT-TTg",
        issued_on=date(2025, 1, 2),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị",
    )
    task = actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content="Nhiệm vụ quá hạn",
        lead_agency=Agency.objects.get(code="UBND-T25"),
        deadline=date(2025, 3, 31),
        today=date(2025, 1, 3),
    )
    actions.refresh_overdue(acting_user=None, today=date(2025, 4, 1))
    phutho_officer.full_name = ""
    phutho_officer.save(update_fields=["full_name"])
    task.refresh_from_db()
    actions.report_progress(acting_user=phutho_officer, task=task, percent=10, narrative="x")
    names = [(e.kind, e.actor_name) for e in timeline.task_timeline(task)]
    assert names == [
        ("status_change", coordinator.full_name),
        ("status_change", "Hệ thống"),
        ("progress_report", "phutho.canbo"),
    ]
    html = client_for(coordinator).get(reverse("directives:task_detail", args=[task.pk]))
    text = html.content.decode()
    assert "Hệ thống" in text and "— system" not in text
