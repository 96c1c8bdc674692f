"""The directives and tasks API through real HTTP: sessions and bearer tokens, scope, roles,
status conflicts, bad input.

Phú Thọ's officer never sees a task led by Điện Biên: not in a list, not by guessing its id
(404), and no write reaches it. Every refusal leaves the database as it was.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.directives import actions
from dxgov.directives.models import (
    Directive,
    DirectiveKind,
    ExtensionRequest,
    ExtensionState,
    ProgressReport,
    Task,
    TaskStatus,
)
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

PHU_THO, DIEN_BIEN = "UBND-T25", "UBND-T11"
TODAY = timezone.localdate()
ISSUED = TODAY - timedelta(days=60)
DEADLINE = TODAY + timedelta(days=30)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json", **EN)


def _get(client: Client, path: str, params: dict[str, Any] | None = None) -> Any:
    return client.get(path, params or {}, **EN)


def _bearer(user: User) -> Client:
    _token, raw = create_token(acting_user=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def directive(coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=ISSUED,
        issuing_agency=_agency("CP"),
        title="Nghị quyết phiên họp Chính phủ thường kỳ",
    )


def _task(coordinator: User, directive: Directive, lead: str = PHU_THO, **kwargs: Any) -> Task:
    values: dict[str, Any] = {"content": "Kết nối cơ sở dữ liệu dân cư", "deadline": DEADLINE}
    values.update(kwargs)
    return actions.create_task(
        acting_user=coordinator, directive=directive, lead_agency=_agency(lead), **values
    )


@pytest.fixture
def phutho_task(coordinator: User, directive: Directive) -> Task:
    return _task(coordinator, directive)


@pytest.fixture
def dienbien_task(coordinator: User, directive: Directive) -> Task:
    return _task(coordinator, directive, lead=DIEN_BIEN, content="Số hóa hồ sơ hộ tịch")


def _state() -> tuple[int, int, int, int, int]:
    return (
        Directive.objects.count(),
        Task.objects.count(),
        ProgressReport.objects.count(),
        ExtensionRequest.objects.count(),
        AuditEvent.objects.count(),
    )


# --- authentication -----------------------------------------------------------------------


def test_signing_in_is_required(client: Client, phutho_task: Task) -> None:
    for path in ("/api/v1/directives", "/api/v1/tasks", f"/api/v1/tasks/{phutho_task.pk}"):
        response = client.get(path)
        assert response.status_code == 401 and "Bearer" in response.json()["message"]
    response = _post(client, f"/api/v1/tasks/{phutho_task.pk}/progress", {"percent": 5})
    assert response.status_code == 401


def test_bearer_token_reads_and_writes_with_its_users_scope(
    phutho_officer: User, phutho_task: Task, dienbien_task: Task
) -> None:
    client = _bearer(phutho_officer)
    ids = [t["id"] for t in client.get("/api/v1/tasks").json()["items"]]
    assert ids == [phutho_task.pk]
    response = _post(
        client,
        f"/api/v1/tasks/{phutho_task.pk}/progress",
        {"percent": 35, "narrative": "Xong 5 xã"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "phutho.canbo" and response.json()["percent"] == 35
    phutho_task.refresh_from_db()
    assert phutho_task.progress_percent == 35
    assert client.get(f"/api/v1/tasks/{dienbien_task.pk}").status_code == 404


# --- directives ---------------------------------------------------------------------------


def test_coordinator_creates_lists_and_reads_directives(coordinator: User) -> None:
    client = _bearer(coordinator)
    body = {
        "kind": "chi_thi",
        "number": "34/CT-TTg",
        "issued_on": "2025-08-26",
        "issuing_agency": "CP",
        "title": "Về đẩy mạnh chuyển đổi số",
        "summary": "Tóm tắt",
    }
    response = _post(client, "/api/v1/directives", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["number"] == "34/CT-TTg" and created["issuing_agency"]["code"] == "CP"
    assert created["kind_label"]  # the label, translated
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.event_type == EventType.DIRECTIVE_CREATED
    _post(client, "/api/v1/directives", {**body, "number": "155/NQ-CP", "kind": "nghi_quyet"})

    listing = _get(client, "/api/v1/directives").json()
    assert listing["count"] == 2 and listing["page"] == 1 and len(listing["items"]) == 2
    by_number = _get(client, "/api/v1/directives", {"number": "155/NQ-CP"}).json()
    assert [d["number"] for d in by_number["items"]] == ["155/NQ-CP"]
    by_kind = _get(client, "/api/v1/directives", {"kind": "chi_thi"}).json()
    assert [d["number"] for d in by_kind["items"]] == ["34/CT-TTg"]
    by_words = _get(client, "/api/v1/directives", {"q": "34/CT"}).json()
    assert [d["number"] for d in by_words["items"]] == ["34/CT-TTg"]
    paged = _get(client, "/api/v1/directives", {"page_size": 1, "page": 2}).json()
    assert paged["count"] == 2 and len(paged["items"]) == 1

    one = _get(client, f"/api/v1/directives/{created['id']}")
    assert one.status_code == 200 and one.json()["title"] == "Về đẩy mạnh chuyển đổi số"
    assert _get(client, "/api/v1/directives/999999").status_code == 404


def test_any_signed_in_user_reads_directives(dienbien_officer: User, directive: Directive) -> None:
    listing = _get(client_for(dienbien_officer), "/api/v1/directives").json()
    assert [d["id"] for d in listing["items"]] == [directive.pk]


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"number": "155/NQ-CP"}, 400, "already exists"),
        ({"issuing_agency": "NOPE"}, 400, "No agency with code NOPE"),
        ({"title": "  "}, 400, "title"),
        ({"kind": "thong_tu"}, 422, "kind"),
        ({"issued_on": "26/08/2025"}, 422, "issued_on"),
    ],
)
def test_bad_directive_is_refused_and_nothing_saved(
    coordinator: User, directive: Directive, change: dict[str, str], status: int, fragment: str
) -> None:
    body = {
        "kind": "chi_thi",
        "number": "34/CT-TTg",
        "issued_on": "2025-08-26",
        "issuing_agency": "CP",
        "title": "Về đẩy mạnh chuyển đổi số",
        **change,
    }
    before = _state()
    response = _post(client_for(coordinator), "/api/v1/directives", body)
    assert response.status_code == status
    assert fragment in response.json()["message"]
    assert _state() == before


# --- roles --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["phutho_officer", "phutho_leader"])
def test_agency_staff_cannot_create_or_confirm(
    who: str, request: pytest.FixtureRequest, directive: Directive, phutho_task: Task
) -> None:
    client = client_for(request.getfixturevalue(who))
    actions.mark_task_done(acting_user=request.getfixturevalue("phutho_officer"), task=phutho_task)
    before = _state()
    directive_body = {
        "kind": "chi_thi",
        "number": "1/CT-UBND",
        "issued_on": "2025-08-26",
        "issuing_agency": PHU_THO,
        "title": "Chỉ thị",
    }
    task_body = {"directive": directive.pk, "content": "X", "lead_agency": PHU_THO}
    attempts = [
        _post(client, "/api/v1/directives", directive_body),
        _post(client, "/api/v1/tasks", task_body),
        _post(client, f"/api/v1/tasks/{phutho_task.pk}/confirm"),
        _post(client, f"/api/v1/tasks/{phutho_task.pk}/return", {"reason": "x"}),
        _post(client, f"/api/v1/tasks/{phutho_task.pk}/cancel", {"reason": "x"}),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert "coordinator" in response.json()["message"]
    assert _state() == before
    phutho_task.refresh_from_db()
    assert phutho_task.status == TaskStatus.AWAITING_CONFIRMATION


def test_coordinator_cannot_report_for_the_lead_agency(
    coordinator: User, phutho_task: Task
) -> None:
    before = _state()
    response = _post(
        client_for(coordinator),
        f"/api/v1/tasks/{phutho_task.pk}/progress",
        {"percent": 10, "narrative": "x"},
    )
    assert response.status_code == 403 and "lead agency" in response.json()["message"]
    assert _state() == before


# --- creating tasks -----------------------------------------------------------------------


def test_coordinator_assigns_a_task(coordinator: User, directive: Directive) -> None:
    body = {
        "directive": directive.pk,
        "content": "Hoàn thành kết nối 148 xã",
        "lead_agency": PHU_THO,
        "coordinating_agencies": ["BCA", "BKHCN"],
        "deadline": DEADLINE.isoformat(),
        "expected_result": "Báo cáo kết quả",
        "is_key": True,
    }
    response = _post(_bearer(coordinator), "/api/v1/tasks", body)
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["status"] == "open" and task["lead_agency"]["code"] == PHU_THO
    assert [a["code"] for a in task["coordinating_agencies"]] == ["BCA", "BKHCN"]
    assert task["deadline"] == task["original_deadline"] == DEADLINE.isoformat()
    assert task["is_key"] is True and task["directive"]["number"] == "155/NQ-CP"
    saved = Task.objects.get(pk=task["id"])
    assert saved.content == "Hoàn thành kết nối 148 xã"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.event_type == EventType.TASK_CREATED
    assert event.target_id == str(saved.pk)


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"lead_agency": None}, 400, "lead agency"),
        ({"lead_agency": "NOPE"}, 400, "No agency with code NOPE"),
        ({"deadline": (ISSUED - timedelta(days=1)).isoformat()}, 400, "before the directive"),
        ({"coordinating_agencies": [PHU_THO]}, 400, "lead agency cannot also"),
        ({"content": " "}, 400, "Describe the task"),
        ({"directive": 999999}, 404, "No directive"),
        ({"deadline": "31/12/2025"}, 422, "deadline"),
    ],
)
def test_bad_task_is_refused_and_nothing_saved(
    coordinator: User, directive: Directive, change: dict[str, Any], status: int, fragment: str
) -> None:
    body = {
        "directive": directive.pk,
        "content": "Hoàn thành kết nối",
        "lead_agency": PHU_THO,
        "deadline": DEADLINE.isoformat(),
        **change,
    }
    before = _state()
    response = _post(client_for(coordinator), "/api/v1/tasks", body)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert fragment in response.json()["message"]
    assert _state() == before


def test_missing_lead_agency_key_altogether(coordinator: User, directive: Directive) -> None:
    before = _state()
    response = _post(
        client_for(coordinator), "/api/v1/tasks", {"directive": directive.pk, "content": "X"}
    )
    assert response.status_code == 400 and "lead agency" in response.json()["message"]
    assert _state() == before


# --- listing and scope --------------------------------------------------------------------


def test_task_list_is_scoped(
    coordinator: User,
    directive: Directive,
    phutho_officer: User,
    dienbien_officer: User,
    phutho_task: Task,
    dienbien_task: Task,
) -> None:
    shared = _task(coordinator, directive, lead=DIEN_BIEN, coordinating_agencies=[_agency(PHU_THO)])

    def ids(user: User, **params: Any) -> set[int]:
        body = _get(client_for(user), "/api/v1/tasks", params).json()
        assert body["count"] == len(body["items"])
        return {t["id"] for t in body["items"]}

    assert ids(phutho_officer) == {phutho_task.pk, shared.pk}
    assert ids(dienbien_officer) == {dienbien_task.pk, shared.pk}
    assert ids(coordinator) == {phutho_task.pk, dienbien_task.pk, shared.pk}
    # Filtering by Điện Biên does not widen Phú Thọ's view: only the shared task.
    assert ids(phutho_officer, agency=DIEN_BIEN) == {shared.pk}
    assert ids(phutho_officer, q="hộ tịch") == set()
    assert ids(coordinator, q="hộ tịch") == {dienbien_task.pk}


def test_task_list_filters_and_pages(
    coordinator: User, directive: Directive, phutho_officer: User
) -> None:
    other = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=ISSUED,
        issuing_agency=_agency("CP"),
        title="Chỉ thị",
    )
    soon = _task(coordinator, directive, deadline=TODAY + timedelta(days=5), is_key=True)
    later = _task(coordinator, directive, deadline=TODAY + timedelta(days=50))
    late = _task(coordinator, other, deadline=TODAY - timedelta(days=5), content="Cấp chữ ký số")
    led_by_bca = _task(coordinator, directive, lead="BCA", coordinating_agencies=[_agency("BKHCN")])
    client = client_for(coordinator)

    def ids(**params: Any) -> list[int]:
        response = _get(client, "/api/v1/tasks", params)
        assert response.status_code == 200, response.content
        return [t["id"] for t in response.json()["items"]]

    # Ordered by deadline.
    assert ids(agency=PHU_THO) == [late.pk, soon.pk, later.pk]
    assert ids(agency="BKHCN") == [led_by_bca.pk]  # as coordinating agency
    assert ids(status="overdue") == [late.pk]
    assert ids(is_key="true") == [soon.pk]
    assert ids(directive=other.pk) == [late.pk]
    assert ids(q="chữ ký") == [late.pk]
    window = {"deadline_from": TODAY.isoformat(), "deadline_to": (TODAY + timedelta(days=40))}
    assert set(ids(**window)) == {soon.pk, led_by_bca.pk}
    page = _get(client, "/api/v1/tasks", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 4 and page["page"] == 2 and page["page_size"] == 2
    assert len(page["items"]) == 2
    assert _get(client, "/api/v1/tasks", {"status": "finished"}).status_code == 422


def test_outside_scope_every_read_and_write_is_404(
    coordinator: User, phutho_officer: User, phutho_leader: User, dienbien_task: Task
) -> None:
    dienbien_officer = User.objects.get(username="dienbien.canbo")
    extension = actions.request_extension(
        acting_user=dienbien_officer,
        task=dienbien_task,
        requested_deadline=DEADLINE + timedelta(days=30),
        reason="Chờ kinh phí",
    )
    before = _state()
    base = f"/api/v1/tasks/{dienbien_task.pk}"
    for user in (phutho_officer, phutho_leader):
        client = client_for(user)
        assert _get(client, base).status_code == 404
        assert _get(client, f"{base}/timeline").status_code == 404
        writes = [
            (f"{base}/progress", {"percent": 10, "narrative": "x"}),
            (f"{base}/done", {}),
            (f"{base}/confirm", {}),
            (f"{base}/return", {"reason": "x"}),
            (f"{base}/postpone", {"reason": "x"}),
            (f"{base}/cancel", {"reason": "x"}),
            (f"{base}/resume", {"reason": "x"}),
            (
                f"{base}/extension-requests",
                {"requested_deadline": "2030-01-01", "reason": "x"},
            ),
            (f"/api/v1/extension-requests/{extension.pk}/decision", {"approve": True}),
        ]
        for path, body in writes:
            response = _post(client, path, body)
            assert response.status_code == 404, path
            assert "scope" in response.json()["message"]
    # A guessed id that does not exist answers exactly the same.
    missing = _get(client_for(phutho_officer), "/api/v1/tasks/999999")
    assert missing.status_code == 404
    assert missing.json() == _get(client_for(phutho_officer), base).json()
    assert _state() == before
    dienbien_task.refresh_from_db()
    assert dienbien_task.status == TaskStatus.OPEN and dienbien_task.progress_percent == 0


# --- the life of a task -------------------------------------------------------------------


def test_progress_extension_done_confirm_and_timeline(
    coordinator: User, phutho_officer: User, phutho_task: Task
) -> None:
    officer, central = client_for(phutho_officer), _bearer(coordinator)
    base = f"/api/v1/tasks/{phutho_task.pk}"

    response = _post(officer, f"{base}/progress", {"percent": 40, "narrative": "Đã kết nối 5 xã"})
    assert response.status_code == 201 and response.json()["task"] == phutho_task.pk

    extended = DEADLINE + timedelta(days=30)
    response = _post(
        officer,
        f"{base}/extension-requests",
        {"requested_deadline": extended.isoformat(), "reason": "Chờ nâng cấp hạ tầng"},
    )
    assert response.status_code == 201, response.content
    extension = response.json()
    assert extension["state"] == "pending" and extension["previous_deadline"] == str(DEADLINE)

    response = _post(
        central,
        f"/api/v1/extension-requests/{extension['id']}/decision",
        {"approve": True, "note": "Đồng ý"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved" and response.json()["decided_by"]
    task = _get(officer, base).json()
    assert task["deadline"] == extended.isoformat()
    assert task["original_deadline"] == DEADLINE.isoformat()

    response = _post(officer, f"{base}/done", {"narrative": "Hoàn thành 148 xã"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "awaiting_confirmation"
    assert response.json()["completed_on"] == TODAY.isoformat()

    response = _post(central, f"{base}/confirm")
    assert response.status_code == 200 and response.json()["status"] == "done_on_time"

    again = _post(central, f"{base}/confirm")
    assert again.status_code == 409
    assert "already completed" in again.json()["message"]

    timeline = _get(officer, f"{base}/timeline").json()
    kinds = [entry["kind"] for entry in timeline]
    assert kinds == [
        "status_change",  # assigned
        "progress_report",
        "extension_request",
        "extension_decision",
        "progress_report",  # the narrative given with "done"
        "status_change",  # reported done
        "status_change",  # confirmed
    ]
    times = [entry["at"] for entry in timeline]
    assert times == sorted(times)
    assert (timeline[0]["old_status"], timeline[0]["new_status"]) == (None, "open")
    assert timeline[1]["percent"] == 40 and timeline[1]["text"] == "Đã kết nối 5 xã"
    assert timeline[2]["requested_deadline"] == extended.isoformat()
    assert timeline[3]["state"] == "approved" and timeline[3]["text"] == "Đồng ý"
    assert timeline[4]["percent"] == 100
    assert timeline[-1]["new_status"] == "done_on_time"
    assert timeline[-1]["actor"] == "vpcp.dieuphoi"


def test_late_completion_is_confirmed_late(
    coordinator: User, directive: Directive, phutho_officer: User
) -> None:
    task = _task(coordinator, directive, deadline=TODAY - timedelta(days=3))
    assert task.status == TaskStatus.OVERDUE
    officer = client_for(phutho_officer)
    assert _post(officer, f"/api/v1/tasks/{task.pk}/done", {}).status_code == 200
    response = _post(client_for(coordinator), f"/api/v1/tasks/{task.pk}/confirm")
    assert response.json()["status"] == "done_late"


def test_done_in_the_future_is_refused(phutho_officer: User, phutho_task: Task) -> None:
    before = _state()
    response = _post(
        client_for(phutho_officer),
        f"/api/v1/tasks/{phutho_task.pk}/done",
        {"completed_on": (TODAY + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400 and "future" in response.json()["message"]
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"percent": 150, "narrative": "x"}, 422, "percent"),
        ({"percent": -1, "narrative": "x"}, 422, "percent"),
        ({"percent": 50, "narrative": "  "}, 400, "Describe the progress"),
        ({"narrative": "x"}, 422, "percent"),
    ],
)
def test_bad_progress_is_refused_and_nothing_saved(
    phutho_officer: User, phutho_task: Task, body: dict[str, Any], status: int, fragment: str
) -> None:
    before = _state()
    response = _post(client_for(phutho_officer), f"/api/v1/tasks/{phutho_task.pk}/progress", body)
    assert response.status_code == status
    assert fragment in response.json()["message"]
    assert _state() == before
    phutho_task.refresh_from_db()
    assert phutho_task.progress_percent == 0


def test_return_reopens_and_needs_a_reason(
    coordinator: User, phutho_officer: User, phutho_task: Task
) -> None:
    actions.mark_task_done(acting_user=phutho_officer, task=phutho_task)
    central = client_for(coordinator)
    base = f"/api/v1/tasks/{phutho_task.pk}"
    before = _state()
    response = _post(central, f"{base}/return", {"reason": " "})
    assert response.status_code == 400 and "returned" in response.json()["message"]
    assert _state() == before
    response = _post(central, f"{base}/return", {"reason": "Thiếu biên bản nghiệm thu"})
    assert response.status_code == 200
    assert response.json()["status"] == "open" and response.json()["completed_on"] is None


def test_extension_refusal_and_conflicts(
    coordinator: User, phutho_officer: User, phutho_task: Task
) -> None:
    officer, central = client_for(phutho_officer), client_for(coordinator)
    base = f"/api/v1/tasks/{phutho_task.pk}"
    too_early = _post(
        officer,
        f"{base}/extension-requests",
        {"requested_deadline": DEADLINE.isoformat(), "reason": "x"},
    )
    assert too_early.status_code == 400 and "later than" in too_early.json()["message"]
    assert not ExtensionRequest.objects.exists()
    created = _post(
        officer,
        f"{base}/extension-requests",
        {"requested_deadline": (DEADLINE + timedelta(days=5)).isoformat(), "reason": "Lý do"},
    ).json()
    decision = f"/api/v1/extension-requests/{created['id']}/decision"
    assert _post(officer, decision, {"approve": True}).status_code == 403
    no_note = _post(central, decision, {"approve": False})
    assert no_note.status_code == 400 and "refused" in no_note.json()["message"]
    refused = _post(central, decision, {"approve": False, "note": "Đủ thời gian"})
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    assert _post(central, decision, {"approve": True}).status_code == 400  # decided once
    phutho_task.refresh_from_db()
    assert phutho_task.deadline == DEADLINE
    assert ExtensionRequest.objects.get().state == ExtensionState.REFUSED
    assert (
        _post(central, "/api/v1/extension-requests/999999/decision", {"approve": True}).status_code
        == 404
    )


def test_postpone_resume_cancel(coordinator: User, phutho_officer: User, phutho_task: Task) -> None:
    central, officer = _bearer(coordinator), client_for(phutho_officer)
    base = f"/api/v1/tasks/{phutho_task.pk}"
    before = _state()
    assert _post(officer, f"{base}/postpone", {"reason": "x"}).status_code == 403
    no_reason = _post(central, f"{base}/postpone", {})
    assert no_reason.status_code == 400 and "postponed" in no_reason.json()["message"]
    not_postponed = _post(central, f"{base}/resume")
    assert not_postponed.status_code == 409
    body = not_postponed.json()
    assert "Only a postponed task can be resumed" in body["message"]
    assert body["current"] == "open"
    assert _state() == before

    response = _post(central, f"{base}/postpone", {"reason": "Chờ Nghị định"})
    assert response.status_code == 200 and response.json()["status"] == "postponed"
    blocked = _post(officer, f"{base}/progress", {"percent": 5, "narrative": "x"})
    assert blocked.status_code == 409 and "resume it first" in blocked.json()["message"]
    response = _post(central, f"{base}/resume", {"reason": "Đã có Nghị định"})
    assert response.status_code == 200 and response.json()["status"] == "open"
    response = _post(central, f"{base}/cancel", {"reason": "Không còn phù hợp"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    final = _post(central, f"{base}/cancel", {"reason": "x"})
    assert final.status_code == 409 and "cancelled" in final.json()["message"]
    types = list(
        AuditEvent.objects.filter(target_id=str(phutho_task.pk), target_type="directives.task")
        .order_by("seq")
        .values_list("event_type", flat=True)
    )
    assert types[-3:] == ["task.postponed", "task.resumed", "task.cancelled"]


def test_conflict_message_is_translated(coordinator: User, phutho_task: Task) -> None:
    client = client_for(coordinator)
    response = client.post(
        f"/api/v1/tasks/{phutho_task.pk}/confirm", content_type="application/json"
    )
    assert response.status_code == 409
    assert "chờ xác nhận" in response.json()["message"]


# --- statistics ---------------------------------------------------------------------------


def test_statistics(
    coordinator: User, directive: Directive, phutho_officer: User, dienbien_officer: User
) -> None:
    past = TODAY - timedelta(days=2)
    on_time = _task(coordinator, directive)
    actions.mark_task_done(acting_user=phutho_officer, task=on_time)
    actions.confirm_task(acting_user=coordinator, task=on_time)
    late = _task(coordinator, directive, deadline=past)
    actions.mark_task_done(acting_user=phutho_officer, task=late)
    actions.confirm_task(acting_user=coordinator, task=late)
    _task(coordinator, directive, lead="SO-25-KHCN")  # open, under Phú Thọ
    cancelled = _task(coordinator, directive)
    actions.cancel_task(acting_user=coordinator, task=cancelled, reason="Trùng lặp")
    db_overdue = _task(coordinator, directive, lead=DIEN_BIEN, deadline=past)
    other = actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.CHI_THI,
        number="34/CT-TTg",
        issued_on=ISSUED,
        issuing_agency=_agency("CP"),
        title="Chỉ thị",
    )
    _task(coordinator, other, lead=DIEN_BIEN, deadline=None)

    def stats(user: User, **params: Any) -> dict[str, Any]:
        response = _get(client_for(user), "/api/v1/tasks/statistics", params)
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        return body

    everything = stats(coordinator)
    assert everything["total"] == 6
    assert everything["by_status"] == {
        "open": 2,
        "overdue": 1,
        "done_on_time": 1,
        "done_late": 1,
        "awaiting_confirmation": 0,
        "postponed": 0,
        "cancelled": 1,
    }
    assert (everything["completed"], everything["on_time"], everything["late"]) == (2, 1, 1)
    assert everything["completion_rate"] == 40.0  # 2 of the 5 not cancelled
    assert everything["on_time_rate"] == 50.0
    assert [g["agency"] for g in everything["by_agency"]] == ["SO-25-KHCN", DIEN_BIEN, PHU_THO]

    phutho = stats(phutho_officer)  # scope: Điện Biên's tasks are not counted
    assert phutho["total"] == 4 and phutho["overdue"] == 0
    assert DIEN_BIEN not in [g["agency"] for g in phutho["by_agency"]]
    assert stats(phutho_officer, agency=DIEN_BIEN)["total"] == 0
    # An agency includes the agencies under it.
    assert stats(coordinator, agency=PHU_THO)["total"] == 4
    assert stats(coordinator, agency="SO-25-KHCN")["by_status"]["open"] == 1
    assert stats(coordinator, directive=other.pk)["total"] == 1
    dated = stats(coordinator, **{"from": (past - timedelta(days=1)).isoformat(), "to": past})
    assert dated["total"] == 2 and dated["overdue"] == 1
    dienbien = stats(dienbien_officer)
    assert dienbien["total"] == 2 and dienbien["overdue"] == 1
    assert db_overdue.status == TaskStatus.OVERDUE
    missing = _get(client_for(coordinator), "/api/v1/tasks/statistics", {"agency": "NOPE"})
    assert missing.status_code == 404


def test_statistics_of_nothing(phutho_officer: User) -> None:
    body = _get(client_for(phutho_officer), "/api/v1/tasks/statistics").json()
    assert body["total"] == 0 and body["completion_rate"] is None and body["by_agency"] == []


def test_sub_task_and_the_api_documentation(
    coordinator: User, directive: Directive, phutho_task: Task
) -> None:
    client = client_for(coordinator)
    body = {"directive": directive.pk, "content": "Tiểu mục", "lead_agency": PHU_THO}
    response = _post(client, "/api/v1/tasks", {**body, "parent": phutho_task.pk})
    assert response.status_code == 201 and response.json()["parent"] == phutho_task.pk
    assert _post(client, "/api/v1/tasks", {**body, "parent": 999999}).status_code == 404
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/directives",
        "/api/v1/directives/{directive_id}",
        "/api/v1/tasks",
        "/api/v1/tasks/statistics",
        "/api/v1/tasks/{task_id}/timeline",
        "/api/v1/tasks/{task_id}/extension-requests",
        "/api/v1/extension-requests/{extension_id}/decision",
    ):
        assert path in paths
