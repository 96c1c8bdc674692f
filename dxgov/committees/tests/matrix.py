"""Committee objects for the access matrix (dxgov/core/tests/test_access_matrix.py).

Per province a steering committee (its name carries the owner's marker, MX-PT-BCD /
MX-DB-BCD) chaired by the province's leader with its officer as a member; a session held
yesterday with its agenda, a document, the report drafted and the concluding notice issued
(one item); an open ballot (members may change their answers) with the leader's answer and
its file; a ballot still in draft. The bodies below are valid for Phú Thọ's objects, so an
allowed request changes the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from dxgov.committees import actions, signing
from dxgov.committees.models import (
    AgendaDocument,
    AgendaItem,
    Answer,
    Attendance,
    Ballot,
    Committee,
    CommitteeKind,
    Conclusion,
    Delegation,
    Invitation,
    ItemTask,
    Membership,
    Position,
    Session,
    SessionReport,
    SigningKey,
)
from dxgov.committees.tests.world import user
from dxgov.orgunits.models import Agency

OWNERS = {"phutho": ("UBND-T25", "PT"), "dienbien": ("UBND-T11", "DB")}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MISSING = {"cm_key": "f" * 64}


def build_committees_world(coordinator: Any) -> dict[str, dict[str, Any]]:
    today = timezone.localdate()
    world: dict[str, dict[str, Any]] = {}
    for owner, (code, tag) in OWNERS.items():
        leader, officer = user(f"{owner}.lanhdao"), user(f"{owner}.canbo")
        committee = actions.create_committee(
            acting_user=coordinator,
            code=f"MX-BCD-{tag}",
            name=f"Ban Chỉ đạo MX-{tag}-BCD",
            kind=CommitteeKind.PROVINCE,
            agency=Agency.objects.get(code=code),
            established_on=today - timedelta(days=365),
        )
        chair = actions.add_member(
            acting_user=coordinator,
            committee=committee,
            position=Position.CHAIR,
            title="Trưởng Ban",
            user=leader,
            valid_from=committee.established_on,
        )
        actions.add_member(
            acting_user=coordinator,
            committee=committee,
            position=Position.MEMBER,
            title="Ủy viên",
            user=officer,
            valid_from=committee.established_on,
        )
        session = actions.create_session(
            acting_user=coordinator,
            committee=committee,
            title=f"Phiên họp MX-{tag}-PHIEN",
            held_on=today - timedelta(days=1),
            chair=chair,
        )
        item = actions.add_agenda_item(acting_user=coordinator, session=session, title="Báo cáo")
        document = actions.attach_document(
            acting_user=coordinator, item=item, upload=actions.Upload("tai-lieu.pdf", PDF)
        )
        actions.draft_report(acting_user=coordinator, session=session)
        conclusion = actions.save_conclusion(
            acting_user=coordinator, session=session, summary="", items=["Nội dung kết luận"]
        )
        actions.issue_conclusion(
            acting_user=coordinator,
            conclusion=conclusion,
            number=f"9{len(world)}/TB-MATRAN",
            issued_on=today,
        )
        ballot = actions.create_ballot(
            acting_user=coordinator,
            committee=committee,
            title=f"Phiếu MX-{tag}-PHIEU",
            question="Đồng ý?",
            deadline=timezone.now() + timedelta(days=3),
            change_rule="replace",
        )
        actions.open_ballot(acting_user=coordinator, ballot=ballot)
        answer = actions.answer_ballot(
            acting_user=leader,
            ballot=ballot,
            choice="agree",
            upload=actions.Upload("y-kien.pdf", PDF),
        )
        draft = actions.create_ballot(
            acting_user=coordinator,
            committee=committee,
            title=f"Phiếu nháp MX-{tag}-PHIEU",
            question="Đồng ý?",
            deadline=timezone.now() + timedelta(days=5),
        )
        world[owner] = {
            "committee": committee.pk,
            "cm_session": session.pk,
            "cm_session_pt": session.pk,
            "cm_document": document.pk,
            "cm_ballot": ballot.pk,
            "cm_ballot_draft": draft.pk,
            "cm_answer": answer.pk,
            "cm_item": conclusion.items.get().pk,
            "cm_key": answer.key.key_id,
        }
    return world


def seat_body() -> dict[str, Any]:
    """Attendance for Phú Thọ's officer (a member of its committee)."""
    seat = Membership.objects.get(committee__code="MX-BCD-PT", user__username="phutho.canbo")
    return {"membership": seat.pk, "status": "remote"}


def seat_api_body() -> dict[str, Any]:
    return {"member": seat_body()["membership"], "status": "remote"}


def ballot_form_body() -> dict[str, Any]:
    day = timezone.localdate() + timedelta(days=5)
    return {
        "title": "Phiếu ma trận",
        "question": "Đồng ý?",
        "deadline_day": day.strftime("%d/%m/%Y"),
        "deadline_time": "17:00",
        "change_rule": "refuse",
        "send_now": "on",
    }


def ballot_api_body() -> dict[str, Any]:
    return {
        "title": "Phiếu ma trận",
        "question": "Đồng ý?",
        "deadline": (timezone.now() + timedelta(days=5)).isoformat(),
    }


def session_form_body() -> dict[str, Any]:
    day = timezone.localdate() + timedelta(days=20)
    return {"what": "session", "title": "Phiên họp ma trận", "held_on": day.strftime("%d/%m/%Y")}


def extend_body() -> dict[str, Any]:
    day = timezone.localdate() + timedelta(days=10)
    return {"deadline_day": day.strftime("%d/%m/%Y"), "deadline_time": "17:00"}


def task_api_body() -> dict[str, Any]:
    return {
        "content": "Nhiệm vụ ma trận",
        "lead_agency": "UBND-T25",
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }


def key_body() -> dict[str, Any]:
    return {"public_key": signing.public_pem(Ed25519PrivateKey.generate().public_key())}


def committees_state() -> tuple[Any, ...]:
    return (
        Committee.objects.count(),
        Membership.objects.count(),
        Delegation.objects.count(),
        list(Session.objects.order_by("pk").values_list("pk", "status", "current_item")),
        AgendaItem.objects.count(),
        AgendaDocument.objects.count(),
        Invitation.objects.count(),
        list(Attendance.objects.order_by("pk").values_list("pk", "status")),
        list(SessionReport.objects.order_by("pk").values_list("pk", "status", "digest", "number")),
        list(Conclusion.objects.order_by("pk").values_list("pk", "status")),
        ItemTask.objects.count(),
        list(Ballot.objects.order_by("pk").values_list("pk", "status", "deadline")),
        Answer.objects.count(),
        SigningKey.objects.count(),
    )
