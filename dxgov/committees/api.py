"""The committees API: committees and their members, sessions with agenda and attendance, the
session report (its stored snapshot), concluding notices and the tasks their items assign,
opinion ballots and signed answers — each answer with its signed body, signature and the
signer's public key, so that anyone can check it offline (docs/verify_ballot.py).

The scope is the pages' (committees/access.py): outside it a committee and everything in it
is a 404. Refused input answers 422 with each field's problem; a step the status does not
allow, 409; a right the caller lacks, 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from dxgov.accounts.models import User
from dxgov.committees import access, actions, reads
from dxgov.committees.models import (
    Answer,
    Ballot,
    Committee,
    ConclusionItem,
    Membership,
    Session,
    SessionReport,
    SigningKey,
)
from dxgov.committees.schemas import (
    AnswerIn,
    AnswerOut,
    AttendanceIn,
    BallotIn,
    BallotOut,
    CloseIn,
    CommitteeDetailOut,
    CommitteeOut,
    CommitteeRefusedOut,
    CommitteeReportOut,
    ConclusionOut,
    ConclusionTaskIn,
    ConclusionTaskOut,
    KeyIn,
    KeyOut,
    SessionDetailOut,
    SessionOut,
    SignedAnswersOut,
)
from dxgov.core.roles import role_of
from dxgov.orgunits.models import Agency
from dxgov.reporting.schemas import InvalidInputOut

router = Router(tags=["committees"])


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _refused(exc: ValidationError) -> tuple[int, dict[str, Any]]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    return 422, {
        "message": " ".join(m for items in errors.values() for m in items),
        "errors": errors,
    }


def _committee(committee: Committee) -> dict[str, Any]:
    return {
        "id": committee.pk,
        "code": committee.code,
        "name": committee.name,
        "kind": committee.kind,
        "agency": committee.agency.code,
        "standing_office": committee.standing_office.code if committee.standing_office else None,
        "established_on": committee.established_on,
        "ended_on": committee.ended_on,
    }


def _member(seat: Membership) -> dict[str, Any]:
    return {
        "id": seat.pk,
        "position": seat.position,
        "title": seat.title,
        "person_name": seat.person_name,
        "user": seat.user.username if seat.user else None,
        "agency": seat.agency.code if seat.agency else None,
        "valid_from": seat.valid_from,
        "valid_to": seat.valid_to,
    }


def _session(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "committee": session.committee.code,
        "number": session.number,
        "title": session.title,
        "held_on": session.held_on,
        "place": session.place,
        "status": session.status,
        "chair": session.chair_id,
    }


@router.get("/committees", response=list[CommitteeOut], summary="Committees in your scope")
def committees(request: HttpRequest) -> list[dict[str, Any]]:
    return [_committee(c) for c in access.committees_for(_user(request)).order_by("code")]


@router.get(
    "/committees/{int:committee_id}",
    response=CommitteeDetailOut,
    summary="A committee with its members (past and present)",
)
def committee(request: HttpRequest, committee_id: int) -> dict[str, Any]:
    found = access.access_committee(_user(request), committee_id)
    seats = found.memberships.select_related("user", "agency").order_by("order", "pk")
    return {
        **_committee(found),
        "members": [_member(s) for s in seats],
        "predecessors": [c.code for c in found.predecessors.all()],
    }


@router.get(
    "/committees/{int:committee_id}/sessions", response=list[SessionOut], summary="Its sessions"
)
def sessions(request: HttpRequest, committee_id: int) -> list[dict[str, Any]]:
    found = access.access_committee(_user(request), committee_id)
    return [_session(s) for s in found.sessions.select_related("committee").order_by("number")]


@router.get(
    "/committees/sessions/{int:session_id}",
    response=SessionDetailOut,
    summary="A session: agenda with documents, invitations, attendance",
)
def session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    found = access.access_session(_user(request), session_id)
    agenda = [
        {
            "id": item.pk,
            "order": item.order,
            "title": item.title,
            "presenter": item.presenter.code if item.presenter else None,
            "documents": [
                {"id": d.pk, "name": d.original_name, "sha256": d.sha256}
                for d in item.documents.all()
            ],
        }
        for item in found.items.select_related("presenter").prefetch_related("documents")
    ]
    attendance = [
        {
            "member": row.membership_id,
            "status": row.status,
            "reason": row.reason,
            "stand_in": row.delegation.delegate.username if row.delegation else None,
        }
        for row in found.attendance.select_related("delegation__delegate")
    ]
    return {
        **_session(found),
        "agenda": agenda,
        "current_item": found.current_item_id,
        "invited": list(found.invitations.values_list("membership_id", flat=True)),
        "attendance": attendance,
    }


@router.post(
    "/committees/sessions/{int:session_id}/attendance",
    response={200: SessionDetailOut, 422: CommitteeRefusedOut | InvalidInputOut},
    summary="Record how a member attended (a stand-in needs a delegation)",
)
def attendance(request: HttpRequest, session_id: int, body: AttendanceIn) -> Any:
    user = _user(request)
    found = access.access_session(user, session_id)
    access.require_manage(user, found.committee)
    seat = found.committee.memberships.filter(pk=body.member).first()
    if seat is None:
        return 422, {
            "message": _("Not a member of this committee."),
            "errors": {"member": [_("Not a member of this committee.")]},
        }
    try:
        actions.record_attendance(
            acting_user=user,
            session=found,
            membership=seat,
            status=body.status,
            reason=body.reason,
        )
    except ValidationError as exc:
        return _refused(exc)
    return 200, session(request, session_id)


def _report(held: SessionReport) -> dict[str, Any]:
    return {
        "session": held.session_id,
        "status": held.status,
        "number": held.number,
        "as_of": held.as_of,
        "drafted_at": held.drafted_at,
        "digest": held.digest,
        "snapshot": held.snapshot,
    }


@router.get(
    "/committees/sessions/{int:session_id}/report",
    response=CommitteeReportOut,
    summary="The session report: its figures as drafted, each with its source",
)
def session_report(request: HttpRequest, session_id: int) -> dict[str, Any]:
    found = access.access_session(_user(request), session_id)
    held = SessionReport.objects.filter(session=found).first()
    if held is None:
        raise Http404(_("The report has not been drafted yet."))
    return _report(held)


@router.post(
    "/committees/sessions/{int:session_id}/report",
    response={200: CommitteeReportOut},
    summary="Draft (again) the report from the data as it stands now",
)
def draft_report(request: HttpRequest, session_id: int) -> Any:
    user = _user(request)
    found = access.access_session(user, session_id)
    access.require_manage(user, found.committee)
    return 200, _report(actions.draft_report(acting_user=user, session=found))


@router.get(
    "/committees/sessions/{int:session_id}/conclusion",
    response=ConclusionOut,
    summary="The concluding notice, its items and the tasks each assigned",
)
def conclusion(request: HttpRequest, session_id: int) -> dict[str, Any]:
    found = access.access_session(_user(request), session_id)
    notice = getattr(found, "conclusion", None)
    if notice is None:
        raise Http404(_("No concluding notice yet."))
    items = [
        {
            "id": item.pk,
            "order": item.order,
            "text": item.text,
            "tasks": list(item.task_links.values_list("task_id", flat=True)),
        }
        for item in notice.items.order_by("order")
    ]
    return {
        "session": found.pk,
        "status": notice.status,
        "number": notice.number,
        "issued_on": notice.issued_on,
        "directive": notice.directive_id,
        "summary": notice.summary,
        "items": items,
    }


@router.post(
    "/committees/conclusion-items/{int:item_id}/tasks",
    response={201: ConclusionTaskOut, 422: CommitteeRefusedOut | InvalidInputOut},
    summary="A task the item assigns, created through the directives (linked back to it)",
)
def assign_task(request: HttpRequest, item_id: int, body: ConclusionTaskIn) -> Any:
    user = _user(request)
    item = (
        ConclusionItem.objects.select_related("conclusion__session__committee")
        .filter(
            pk=item_id,
            conclusion__session__committee__in=access.committees_for(user).values("pk"),
        )
        .first()
    )
    if item is None:
        raise Http404(_("No such conclusion item in your scope."))
    access.require_manage(user, item.conclusion.session.committee)
    lead = Agency.objects.filter(code=body.lead_agency).first()
    coordinating = list(Agency.objects.filter(code__in=body.coordinating_agencies))
    if lead is None or len(coordinating) != len(set(body.coordinating_agencies)):
        field = "lead_agency" if lead is None else "coordinating_agencies"
        return 422, {
            "message": _("No agency with that code."),
            "errors": {field: [_("No agency with that code.")]},
        }
    try:
        task = actions.assign_task(
            acting_user=user,
            item=item,
            content=body.content,
            lead_agency=lead,
            deadline=body.deadline,
            coordinating_agencies=coordinating,
            expected_result=body.expected_result,
        )
    except ValidationError as exc:
        return _refused(exc)
    return 201, {
        "id": task.pk,
        "directive": task.directive.number,
        "item": item.pk,
        "content": task.content,
        "lead_agency": lead.code,
        "deadline": task.deadline,
        "status": task.status,
    }


# --- ballots --------------------------------------------------------------------------------------


def _signing(user: User, ballot: Ballot) -> list[dict[str, Any]]:
    """What a signed answer by this caller would hold, for each member they may answer for
    (the client fills in choice, comment, file and the moment, and signs: docs/api.md)."""
    if ballot.status != "open":
        return []
    day = timezone.localdate()
    found = []
    for seat in reads.voters(ballot):
        own = access.holds_seat(user, seat)
        if not own and access.delegation_for(user, seat, day) is None:
            continue
        done = ballot.answers.filter(membership=seat).aggregate(n=Max("sequence"))["n"] or 0
        found.append(
            {
                "v": 1,
                "ballot": ballot.pk,
                "content_hash": ballot.content_hash,
                "member": seat.pk,
                "member_title": seat.holder,
                "answered_by": user.username,
                "stand_in": not own,
                "sequence": done + 1,
            }
        )
    return found


def _ballot(ballot: Ballot, user: User) -> dict[str, Any]:
    tally = ballot.result or (
        reads.ballot_tally(ballot).as_dict() if ballot.status != "draft" else None
    )
    return {
        "id": ballot.pk,
        "committee": ballot.committee.code,
        "number": ballot.number,
        "title": ballot.title,
        "question": ballot.question,
        "draft_text": ballot.draft_text,
        "document_sha256": ballot.sha256,
        "deadline": ballot.deadline,
        "change_rule": ballot.change_rule,
        "status": ballot.status,
        "content_hash": ballot.content_hash,
        "opened_at": ballot.opened_at,
        "closed_at": ballot.closed_at,
        "tally": tally,
        "decision": ballot.decision,
        "signing": _signing(user, ballot),
    }


@router.get("/committees/ballots", response=list[BallotOut], summary="Ballots in your scope")
def ballots(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    rows = access.ballots_for(user).exclude(status="draft").order_by("-created_at")[:200]
    return [_ballot(b, user) for b in rows]


@router.post(
    "/committees/{int:committee_id}/ballots",
    response={201: BallotOut, 422: CommitteeRefusedOut | InvalidInputOut},
    summary="A new opinion ballot (sent to the members at once unless open is false)",
)
def create_ballot(request: HttpRequest, committee_id: int, body: BallotIn) -> Any:
    user = _user(request)
    found = access.access_committee(user, committee_id)
    access.require_manage(user, found)
    deadline = body.deadline
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    chosen = None
    if body.session is not None:
        chosen = found.sessions.filter(pk=body.session).first()
        if chosen is None:
            return 422, {
                "message": _("No such session of this committee."),
                "errors": {"session": [_("No such session of this committee.")]},
            }
    try:
        ballot = actions.create_ballot(
            acting_user=user,
            committee=found,
            title=body.title,
            question=body.question,
            draft_text=body.draft_text,
            number=body.number,
            deadline=deadline,
            change_rule=body.change_rule,
            session=chosen,
        )
        if body.open:
            ballot = actions.open_ballot(acting_user=user, ballot=ballot)
    except ValidationError as exc:
        return _refused(exc)
    return 201, _ballot(ballot, user)


@router.get("/committees/ballots/{int:ballot_id}", response=BallotOut, summary="A ballot")
def ballot(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    user = _user(request)
    return _ballot(access.access_ballot(user, ballot_id), user)


def _answer(answer: Answer, content_hash: str) -> dict[str, Any]:
    problem = reads.answer_problem(answer, content_hash)
    return {
        "id": answer.pk,
        "member": answer.membership_id,
        "member_title": answer.membership.holder,
        "choice": answer.choice,
        "comment": answer.comment,
        "sequence": answer.sequence,
        "stand_in": answer.delegation_id is not None,
        "answered_by": answer.answered_by.username,
        "answered_at": answer.answered_at,
        "key_id": answer.key.key_id,
        "signature": answer.signature,
        "signed_body": answer.signed_body,
        "verified": problem is None,
        "problem": problem,
    }


@router.post(
    "/committees/ballots/{int:ballot_id}/answers",
    response={201: AnswerOut, 422: CommitteeRefusedOut | InvalidInputOut},
    summary="Answer (signed by the platform with your kept key, or send your own signature)",
)
def answer(request: HttpRequest, ballot_id: int, body: AnswerIn) -> Any:
    user = _user(request)
    found = access.access_ballot(user, ballot_id)
    member = None
    if body.member is not None:
        member = Membership.objects.filter(
            pk=body.member, pk__in=found.voters.values("membership_id")
        ).first()
        if member is None:
            return 422, {
                "message": _("That member was not asked."),
                "errors": {"member": [_("That member was not asked.")]},
            }
    if body.answered_at is not None and timezone.is_naive(body.answered_at):
        return 422, {
            "message": _("Give the moment with its time zone."),
            "errors": {"answered_at": [_("Give the moment with its time zone.")]},
        }
    try:
        row = actions.answer_ballot(
            acting_user=user,
            ballot=found,
            choice=body.choice,
            comment=body.comment,
            member=member,
            signature=body.signature,
            answered_at=body.answered_at,
        )
    except ValidationError as exc:
        return _refused(exc)
    return 201, _answer(row, found.content_hash)


@router.get(
    "/committees/ballots/{int:ballot_id}/answers",
    response=SignedAnswersOut,
    summary="Every signed answer with what was asked and the signers' public keys "
    "(check them offline: docs/verify_ballot.py)",
)
def signed_answers(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    found = access.access_ballot(_user(request), ballot_id)
    rows = reads.answers_of(found)
    keys = {row.key.key_id: row.key for row in rows}
    return {
        "ballot": reads.content_of(found).as_dict(),
        "content_hash": found.content_hash,
        "answers": [_answer(row, found.content_hash) for row in rows],
        "keys": [_key(key) for key in keys.values()],
    }


@router.post(
    "/committees/ballots/{int:ballot_id}/close",
    response={200: BallotOut},
    summary="Close and consolidate: the tally, who did not answer, the decision",
)
def close(request: HttpRequest, ballot_id: int, body: CloseIn) -> Any:
    user = _user(request)
    found = access.access_ballot(user, ballot_id)
    closed = actions.close_ballot(acting_user=user, ballot=found, decision=body.decision)
    return 200, _ballot(closed, user)


def _key(key: SigningKey) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "public_key": key.public_key,
        "origin": key.origin,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }


@router.get(
    "/committees/keys/{key_id}",
    response=KeyOut,
    summary="A signer's public key (what verifies their answers)",
)
def key(request: HttpRequest, key_id: str) -> dict[str, Any]:
    if role_of(_user(request)) is None:
        raise Http404(_("No such key."))
    found = SigningKey.objects.filter(key_id=key_id).first()
    if found is None:
        raise Http404(_("No such key."))
    return _key(found)


@router.post(
    "/committees/keys",
    response={201: KeyOut, 422: CommitteeRefusedOut | InvalidInputOut},
    summary="Register your own public key: you then sign your answers yourself",
)
def register_key(request: HttpRequest, body: KeyIn) -> Any:
    try:
        found = actions.register_key(acting_user=_user(request), public_pem=body.public_key)
    except ValidationError as exc:
        return _refused(exc)
    return 201, _key(found)
