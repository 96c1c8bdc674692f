"""Directive and task pages: scope, htmx actions, evidence files, statistics."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.directives import actions
from dxgov.directives.models import Attachment, Directive, DirectiveKind, Task, TaskStatus
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def directive(coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=date(2024, 9, 16),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chỉ thị về chuyển đổi số",
    )


def _task(coordinator: User, directive: Directive, lead: str, days: int = 30) -> Task:
    return actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content=f"Nhiệm vụ của {lead}",
        lead_agency=Agency.objects.get(code=lead),
        deadline=timezone.localdate() + timedelta(days=days),
    )


@pytest.fixture
def tasks(coordinator: User, directive: Directive) -> dict[str, Task]:
    return {
        "phutho": _task(coordinator, directive, "UBND-T25"),
        "dienbien": _task(coordinator, directive, "UBND-T11"),
        "late": _task(coordinator, directive, "UBND-T11", days=-10),
    }


def test_directive_page_gives_the_sentence(coordinator: User, tasks: dict) -> None:
    html = (
        client_for(coordinator).get(f"/directives/{tasks['phutho'].directive_id}/").content.decode()
    )
    assert "3 nhiệm vụ: 0 hoàn thành, 3 đang thực hiện (1 quá hạn)" in html


def test_directive_list_counts_in_scope_only(phutho_officer: User, tasks: dict) -> None:
    html = client_for(phutho_officer).get("/directives/").content.decode()
    assert "34/CT-TTg" in html and "1 nhiệm vụ: 0 hoàn thành, 1 đang thực hiện" in html


def test_task_list_is_scoped_and_filters(
    phutho_officer: User, coordinator: User, tasks: dict
) -> None:
    html = client_for(phutho_officer).get("/directives/tasks/").content.decode()
    assert "Nhiệm vụ của UBND-T25" in html and "Nhiệm vụ của UBND-T11" not in html
    client = client_for(coordinator)
    overdue = client.get("/directives/tasks/", {"status": "overdue"}).content.decode()
    assert overdue.count('class="status status-overdue"') == 1
    by_agency = client.get("/directives/tasks/", {"agency": "UBND-T11"}).content.decode()
    assert "Nhiệm vụ của UBND-T25" not in by_agency and "Nhiệm vụ của UBND-T11" in by_agency
    fragment = client.get(
        "/directives/tasks/", {"q": "T25"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-results"
    ).content.decode()
    assert "<html" not in fragment and "Nhiệm vụ của UBND-T25" in fragment


def test_my_agency_tasks(phutho_officer: User, tasks: dict) -> None:
    html = client_for(phutho_officer).get("/directives/tasks/mine/").content.decode()
    assert "Nhiệm vụ của UBND-T25" in html


def test_task_outside_scope_is_404_for_page_and_actions(phutho_officer: User, tasks: dict) -> None:
    client = client_for(phutho_officer)
    other = tasks["dienbien"]
    assert client.get(f"/directives/tasks/{other.pk}/").status_code == 404
    response = client.post(
        f"/directives/tasks/{other.pk}/progress/", {"percent": 50, "narrative": "x"}
    )
    assert response.status_code == 404
    assert Task.objects.get(pk=other.pk).progress_percent == 0


def test_progress_with_evidence_through_htmx(phutho_officer: User, tasks: dict) -> None:
    task = tasks["phutho"]
    response = client_for(phutho_officer).post(
        f"/directives/tasks/{task.pk}/progress/",
        {
            "percent": 40,
            "narrative": "Đã xây dựng dự thảo",
            "file": SimpleUploadedFile("du-thao.pdf", PDF, content_type="application/pdf"),
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="task-panel"' in html and "<html" not in html
    assert "Đã xây dựng dự thảo" in html and "du-thao.pdf" in html
    task.refresh_from_db()
    assert task.progress_percent == 40
    attachment = Attachment.objects.get(task=task)
    download = client_for(phutho_officer).get(f"/directives/files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_wrong_evidence_type_is_refused_and_nothing_saved(
    phutho_officer: User, tasks: dict
) -> None:
    task = tasks["phutho"]
    response = client_for(phutho_officer).post(
        f"/directives/tasks/{task.pk}/progress/",
        {
            "percent": 40,
            "narrative": "x",
            "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf"),
        },
        HTTP_HX_REQUEST="true",
    )
    assert "không phải loại tệp được chấp nhận" in response.content.decode()
    task.refresh_from_db()
    assert task.progress_percent == 0 and not task.progress_reports.exists()


def test_done_needs_evidence_then_coordinator_confirms(
    phutho_officer: User, coordinator: User, tasks: dict
) -> None:
    task = tasks["phutho"]
    client = client_for(phutho_officer)
    refused = client.post(
        f"/directives/tasks/{task.pk}/done/",
        {"completed_on": timezone.localdate().isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert 'role="alert"' in refused.content.decode()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
    client.post(
        f"/directives/tasks/{task.pk}/done/",
        {
            "completed_on": timezone.localdate().isoformat(),
            "file": SimpleUploadedFile("ket-qua.docx", _docx()),
        },
    )
    assert Task.objects.get(pk=task.pk).status == TaskStatus.AWAITING_CONFIRMATION
    assert client.post(f"/directives/tasks/{task.pk}/confirm/").status_code == 403
    client_for(coordinator).post(f"/directives/tasks/{task.pk}/confirm/")
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE_ON_TIME


def test_illegal_transition_is_explained(coordinator: User, tasks: dict) -> None:
    task = tasks["phutho"]
    html = (
        client_for(coordinator)
        .post(f"/directives/tasks/{task.pk}/confirm/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'role="alert"' in html
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_extension_request_and_approval_keep_the_original_deadline(
    phutho_officer: User, coordinator: User, tasks: dict
) -> None:
    task = tasks["phutho"]
    original = task.deadline
    assert original is not None
    new = original + timedelta(days=30)
    client_for(phutho_officer).post(
        f"/directives/tasks/{task.pk}/extension/",
        {"requested_deadline": new.isoformat(), "reason": "Chờ ý kiến"},
    )
    client_for(coordinator).post(f"/directives/tasks/{task.pk}/approve/", {"note": ""})
    task.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (new, original)
    html = client_for(coordinator).get(f"/directives/tasks/{task.pk}/").content.decode()
    assert "đã gia hạn" in html or "gia hạn" in html


def test_directive_text_upload_checks_content(
    coordinator: User, phutho_officer: User, directive: Directive
) -> None:
    client = client_for(coordinator)
    fake = SimpleUploadedFile("34-CT-TTg.pdf", b"just text pretending")
    html = client.post(f"/directives/{directive.pk}/", {"file": fake}).content.decode()
    assert 'role="alert"' in html and not directive.attachments.exists()
    client.post(f"/directives/{directive.pk}/", {"file": SimpleUploadedFile("34-CT-TTg.pdf", PDF)})
    assert directive.attachments.count() == 1
    officer = client_for(phutho_officer).post(
        f"/directives/{directive.pk}/", {"file": SimpleUploadedFile("x.pdf", PDF)}
    )
    assert officer.status_code == 403


def test_statistics_league_and_overdue(coordinator: User, tasks: dict) -> None:
    html = client_for(coordinator).get("/directives/statistics/").content.decode()
    assert "3 nhiệm vụ: 0 hoàn thành, 3 đang thực hiện (1 quá hạn)" in html
    assert "Ủy ban nhân dân tỉnh Điện Biên" in html
    assert ">10<" in html  # the overdue task is 10 days late


def test_evidence_of_another_province_cannot_be_downloaded(
    phutho_officer: User, dienbien_officer: User, tasks: dict
) -> None:
    task = tasks["dienbien"]
    actions.report_progress_with_evidence(
        acting_user=dienbien_officer,
        task=task,
        percent=10,
        narrative="x",
        uploads=[actions.Upload("bc.pdf", PDF)],
    )
    attachment = Attachment.objects.get(task=task)
    assert client_for(phutho_officer).get(f"/directives/files/{attachment.pk}/").status_code == 404


def test_agency_suggestions_follow_scope(phutho_officer: User, coordinator: User) -> None:
    own = client_for(phutho_officer).get("/directives/tasks/").content.decode()
    assert 'value="SO-25-KHCN"' in own and 'value="UBND-T11"' not in own
    central = client_for(coordinator).get("/directives/tasks/").content.decode()
    assert 'value="UBND-T11"' in central and 'value="BCA"' in central


def test_coordinator_creates_a_directive_and_assigns_a_recurring_task(coordinator: User) -> None:
    client = client_for(coordinator)
    response = client.post(
        "/directives/new/",
        {
            "kind": "chi_thi",
            "number": "07/CT-TTg",
            "issued_on": "2026-02-01",
            "issuing_agency": "CP",
            "title": "Về đẩy mạnh chuyển đổi số",
            "summary": "",
        },
    )
    directive = Directive.objects.get(number="07/CT-TTg")
    assert response.status_code == 302
    client.post(
        f"/directives/{directive.pk}/tasks/new/",
        {
            "content": "Báo cáo kết quả hằng quý",
            "lead_agency": "UBND-T25",
            "coordinating_agencies": "SO-25-KHCN, SO-25-TC",
            "deadline": "2026-03-31",
            "recurrence": "quarterly",
            "recurrence_until": "2026-12-31",
            "expected_result": "Báo cáo",
        },
    )
    tasks = Task.objects.filter(directive=directive).order_by("deadline")
    assert [t.deadline.isoformat() for t in tasks if t.deadline] == [
        "2026-03-31",
        "2026-06-30",
        "2026-09-30",
        "2026-12-31",
    ]
    assert set(tasks[0].coordinating_agencies.values_list("code", flat=True)) == {
        "SO-25-KHCN",
        "SO-25-TC",
    }


def test_task_form_errors_are_shown_and_nothing_saved(
    coordinator: User, directive: Directive
) -> None:
    client = client_for(coordinator)
    before = Task.objects.count()
    response = client.post(
        f"/directives/{directive.pk}/tasks/new/",
        {
            "content": "Nhiệm vụ",
            "lead_agency": "KHONG-CO",
            "deadline": "2024-01-01",
            "recurrence": "none",
        },
        follow=True,
    )
    assert "KHONG-CO" in response.content.decode()
    response = client.post(
        f"/directives/{directive.pk}/tasks/new/",
        {
            "content": "Nhiệm vụ",
            "lead_agency": "BCA",
            "deadline": "2023-01-01",
            "recurrence": "none",
        },
        follow=True,
    )
    assert 'class="message error"' in response.content.decode()
    assert Task.objects.count() == before


def test_officer_cannot_create(phutho_officer: User, directive: Directive) -> None:
    client = client_for(phutho_officer)
    assert client.get("/directives/new/").status_code == 403
    assert client.post(f"/directives/{directive.pk}/tasks/new/", {}).status_code == 403
