"""Writes to committees, sessions, reports, conclusions and ballots: each one transaction,
checked, and audited; the live views hear of a change when it commits (LiveEvent rows).

Refusals: outside the user's scope an object does not exist (Http404, raised by access.py
before an action is called); a missing right is PermissionDenied; a step the status does not
allow is core.errors.TransitionNotAllowed (→ 409); bad input is ValidationError with a message
per field. Nothing is saved when an action refuses.

A few actions take `at`, the moment a step happened when it is entered afterwards (the demo's
history, a paper ballot typed in later): never in the future, kept in the audit event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.accounts.models import User
from dxgov.audit.models import EventType
from dxgov.audit.record import record
from dxgov.committees import access, ballots, keys, reads, report, signing, sources
from dxgov.committees.ballots import Refusal
from dxgov.committees.models import (
    AgendaDocument,
    AgendaItem,
    Answer,
    Attendance,
    AttendanceStatus,
    Ballot,
    BallotChangeRule,
    BallotStatus,
    BallotVoter,
    Committee,
    CommitteeKind,
    Conclusion,
    ConclusionItem,
    ConclusionStatus,
    Delegation,
    Invitation,
    ItemTask,
    KeyOrigin,
    LiveEvent,
    Membership,
    Position,
    ReportStatus,
    Session,
    SessionReport,
    SessionStatus,
    SigningKey,
)
from dxgov.core.errors import TransitionNotAllowed
from dxgov.core.formats import datetime_text
from dxgov.core.roles import Role
from dxgov.core.uploads import UploadRefused, check_upload
from dxgov.directives import actions as directive_actions
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.notifications.actions import notify
from dxgov.notifications.models import NotificationKind
from dxgov.orgunits.models import Agency

DOCUMENT_FILES = {"pdf", "docx", "xlsx"}
ANSWER_FILES = {"pdf", "docx"}
# A signature made on the member's own device names its moment; it must be this close to now.
CLIENT_CLOCK_SKEW_SECONDS = 300


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the user gave it, and its bytes."""

    name: str
    data: bytes


# --- helpers -----------------------------------------------------------------------------------


def _now(at: datetime | None = None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError({"at": _("A step cannot be recorded in the future.")})
    return at


def _audit(
    event_type: EventType,
    acting_user: Any,
    target: Model,
    committee: Committee,
    reason: str = "",
    **data: Any,
) -> None:
    record(
        event_type=event_type,
        acting_user=acting_user,
        target=target,
        agency_id=committee.agency_id,
        data=data,
        reason=reason,
    )


def _publish(
    *, session: Session | None = None, ballot: Ballot | None = None, blocks: Sequence[str]
) -> None:
    """Part of the change's transaction: live views hear of it once it commits."""
    if ballot is not None and session is None:
        session = ballot.session
    LiveEvent.objects.create(session=session, ballot=ballot, blocks=list(blocks))


def _when(moment: datetime) -> str:
    """ "14:05 05/12/2026", in the platform's time zone."""
    return datetime_text(timezone.localtime(moment))


def _refuse(message: str, *, current: str, action: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(message, current=current, action=action)


def _store_file(upload: Upload, allowed: set[str]) -> tuple[str, str, int, ContentFile[bytes]]:
    try:
        checked = check_upload(
            upload.name, upload.data, allowed=allowed, max_bytes=settings.DXGOV_UPLOAD_MAX_BYTES
        )
    except UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    digest = hashlib.sha256(upload.data).hexdigest()
    return digest, checked.content_type, checked.size, ContentFile(upload.data)


def _people_of(seat: Membership) -> list[User]:
    """Who is told of a member's invitations and ballots: the seat's account, or the active
    leaders of the seat's agency."""
    if seat.user_id is not None:
        return [seat.user] if seat.user is not None and seat.user.is_active else []
    if seat.agency_id is None:
        return []
    return list(
        User.objects.filter(agency_id=seat.agency_id, role=Role.LEADER, is_active=True).order_by(
            "pk"
        )
    )


def _seats_on(committee: Committee, day: date) -> list[Membership]:
    return list(
        committee.memberships.on(day).select_related("user", "agency").order_by("order", "pk")
    )


# --- committees and members --------------------------------------------------------------------


@transaction.atomic
def create_committee(
    *,
    acting_user: User,
    code: str,
    name: str,
    kind: str,
    agency: Agency,
    established_on: date,
    standing_office: Agency | None = None,
    decision: str = "",
    predecessors: Iterable[Committee] = (),
    ended_on: date | None = None,
) -> Committee:
    """A committee, with the committees it replaces (a merged province's); `ended_on` for one
    recorded after its end (a predecessor)."""
    if not access.is_central(acting_user):
        raise PermissionDenied(_("Only a central coordinator or an administrator can do this."))
    code = code.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("Give the committee a code.")
    elif Committee.objects.filter(code=code).exists():
        errors["code"] = _("A committee with the code %(code)s exists.") % {"code": code}
    if not name.strip():
        errors["name"] = _("Give the committee's name.")
    if kind not in CommitteeKind.values:
        errors["kind"] = _("Choose the kind of committee.")
    if ended_on is not None and ended_on < established_on:
        errors["ended_on"] = _("A committee cannot end before it was established.")
    if errors:
        raise ValidationError(errors)
    committee = Committee.objects.create(
        code=code,
        name=name.strip(),
        kind=kind,
        agency=agency,
        standing_office=standing_office,
        decision=decision.strip(),
        established_on=established_on,
        ended_on=ended_on,
    )
    before = list(predecessors)
    committee.predecessors.set(before)
    _audit(
        EventType.COMMITTEE_CREATED,
        acting_user,
        committee,
        committee,
        code=code,
        name=committee.name,
        kind=kind,
        agency=agency.code,
        standing_office=standing_office.code if standing_office else None,
        established_on=established_on,
        ended_on=ended_on,
        predecessors=[c.code for c in before],
    )
    return committee


@transaction.atomic
def add_member(
    *,
    acting_user: User,
    committee: Committee,
    position: str,
    title: str,
    valid_from: date,
    user: User | None = None,
    agency: Agency | None = None,
    person_name: str = "",
    valid_to: date | None = None,
    order: int | None = None,
) -> Membership:
    """Appoint a member (a person with an account, or an agency), from a day (to a day)."""
    access.require_manage(acting_user, committee)
    errors: dict[str, str] = {}
    if position not in Position.values:
        errors["position"] = _("Choose the member's position.")
    if not title.strip():
        errors["title"] = _("Give the member's title, e.g. Minister of Public Security.")
    if user is None and agency is None:
        errors["user"] = _("A member is a person with an account, or an agency.")
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The term cannot end before it starts.")
    if valid_from < committee.established_on:
        errors["valid_from"] = _("The committee was established on %(day)s.") % {
            "day": committee.established_on.strftime("%d/%m/%Y")
        }
    if position == Position.CHAIR and not errors:
        overlapping = committee.memberships.filter(position=Position.CHAIR).on(valid_from)
        if overlapping.exists():
            errors["position"] = _("The committee already has a chair on that day.")
    if errors:
        raise ValidationError(errors)
    if order is None:
        order = (committee.memberships.aggregate(n=Max("order"))["n"] or 0) + 1
    seat = Membership.objects.create(
        committee=committee,
        position=position,
        title=title.strip(),
        person_name=person_name.strip(),
        user=user,
        agency=agency,
        valid_from=valid_from,
        valid_to=valid_to,
        order=order,
    )
    _audit(
        EventType.COMMITTEE_MEMBER_ADDED,
        acting_user,
        seat,
        committee,
        position=position,
        title=seat.title,
        user=user.username if user else None,
        agency=agency.code if agency else None,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return seat


@transaction.atomic
def end_membership(*, acting_user: User, membership: Membership, valid_to: date) -> Membership:
    access.require_manage(acting_user, membership.committee)
    if valid_to < membership.valid_from:
        raise ValidationError({"valid_to": _("The term cannot end before it starts.")})
    old = membership.valid_to
    membership.valid_to = valid_to
    membership.save(update_fields=["valid_to"])
    _audit(
        EventType.COMMITTEE_MEMBER_ENDED,
        acting_user,
        membership,
        membership.committee,
        valid_to={"old": old, "new": valid_to},
    )
    return membership


@transaction.atomic
def grant_delegation(
    *,
    acting_user: User,
    membership: Membership,
    delegate: User,
    valid_from: date,
    valid_to: date,
    document: str,
    reason: str = "",
) -> Delegation:
    """A member's written delegation to a stand-in (given by the member or the office)."""
    if not (
        access.holds_seat(acting_user, membership)
        or access.may_manage(acting_user, membership.committee)
    ):
        raise PermissionDenied(
            _("Only the member or the committee's standing office can delegate a stand-in.")
        )
    errors: dict[str, str] = {}
    if not document.strip():
        errors["document"] = _("Name the delegation letter (its number and date).")
    if valid_to < valid_from:
        errors["valid_to"] = _("The delegation cannot end before it starts.")
    if membership.user_id is not None and membership.user_id == delegate.pk:
        errors["delegate"] = _("A member cannot be their own stand-in.")
    if not delegate.is_active:
        errors["delegate"] = _("The stand-in's account is disabled.")
    if not membership.active_on(valid_from) or (
        membership.valid_to is not None and valid_to > membership.valid_to
    ):
        errors["valid_from"] = _("The delegation must fall within the member's term.")
    if errors:
        raise ValidationError(errors)
    delegation = Delegation.objects.create(
        membership=membership,
        delegate=delegate,
        valid_from=valid_from,
        valid_to=valid_to,
        document=document.strip(),
        reason=reason.strip(),
        granted_by=acting_user,
    )
    _audit(
        EventType.DELEGATION_GRANTED,
        acting_user,
        delegation,
        membership.committee,
        member=membership.pk,
        delegate=delegate.username,
        valid_from=valid_from,
        valid_to=valid_to,
        document=delegation.document,
    )
    return delegation


@transaction.atomic
def revoke_delegation(*, acting_user: User, delegation: Delegation) -> Delegation:
    membership = delegation.membership
    if not (
        access.holds_seat(acting_user, membership)
        or access.may_manage(acting_user, membership.committee)
    ):
        raise PermissionDenied(
            _("Only the member or the committee's standing office can revoke a delegation.")
        )
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        _audit(EventType.DELEGATION_REVOKED, acting_user, delegation, membership.committee)
    return delegation


# --- sessions ----------------------------------------------------------------------------------


@transaction.atomic
def create_session(
    *,
    acting_user: User,
    committee: Committee,
    title: str,
    held_on: date,
    number: int | None = None,
    place: str = "",
    chair: Membership | None = None,
) -> Session:
    access.require_manage(acting_user, committee)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the session's title.")
    if held_on < committee.established_on or (
        committee.ended_on is not None and held_on > committee.ended_on
    ):
        errors["held_on"] = _("The committee does not sit on that day (see its term).")
    if number is None:
        number = (committee.sessions.aggregate(n=Max("number"))["n"] or 0) + 1
    elif number < 1:
        errors["number"] = _("Sessions are numbered from 1.")
    elif committee.sessions.filter(number=number).exists():
        errors["number"] = _("The committee already has a session number %(n)d.") % {"n": number}
    if chair is not None and (chair.committee_id != committee.pk or not chair.active_on(held_on)):
        errors["chair"] = _("The chair must be a member of the committee on the session's day.")
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(
        committee=committee,
        number=number,
        title=title.strip(),
        held_on=held_on,
        place=place.strip(),
        chair=chair,
    )
    _audit(
        EventType.SESSION_CREATED,
        acting_user,
        session,
        committee,
        number=number,
        title=session.title,
        held_on=held_on,
        chair=chair.pk if chair else None,
    )
    return session


def _require_open_session(session: Session, action: str) -> None:
    if session.status == SessionStatus.CLOSED:
        raise _refuse(
            _("The session has been held; its record can no longer be changed."),
            current=session.status,
            action=action,
        )


@transaction.atomic
def add_agenda_item(
    *,
    acting_user: User,
    session: Session,
    title: str,
    presenter: Agency | None = None,
    summary: str = "",
) -> AgendaItem:
    access.require_manage(acting_user, session.committee)
    _require_open_session(session, "add_item")
    if not title.strip():
        raise ValidationError({"title": _("Give the agenda item's title.")})
    order = (session.items.aggregate(n=Max("order"))["n"] or 0) + 1
    item = AgendaItem.objects.create(
        session=session,
        order=order,
        title=title.strip(),
        presenter=presenter,
        summary=summary.strip(),
    )
    _audit(
        EventType.AGENDA_ITEM_ADDED,
        acting_user,
        session,
        session.committee,
        item=item.pk,
        order=order,
        title=item.title,
        presenter=presenter.code if presenter else None,
    )
    _publish(session=session, blocks=("agenda",))
    return item


@transaction.atomic
def attach_document(*, acting_user: User, item: AgendaItem, upload: Upload) -> AgendaDocument:
    session = item.session
    access.require_manage(acting_user, session.committee)
    _require_open_session(session, "attach")
    digest, content_type, size, content = _store_file(upload, DOCUMENT_FILES)
    document = AgendaDocument(
        item=item,
        original_name=upload.name[:255],
        content_type=content_type,
        size=size,
        sha256=digest,
        uploaded_by=acting_user,
    )
    document.file.save(digest, content, save=False)
    document.save()
    _audit(
        EventType.AGENDA_DOCUMENT_ADDED,
        acting_user,
        session,
        session.committee,
        item=item.pk,
        file=document.original_name,
        sha256=digest,
        size=size,
    )
    _publish(session=session, blocks=("agenda",))
    return document


@transaction.atomic
def send_invitations(*, acting_user: User, session: Session, at: datetime | None = None) -> int:
    """Invite every member in office on the session's day (once each) and tell them."""
    access.require_manage(acting_user, session.committee)
    _require_open_session(session, "invite")
    moment = _now(at)
    seats = _seats_on(session.committee, session.held_on)
    if not seats:
        raise ValidationError({"session": _("The committee has no members on the session's day.")})
    invited = set(session.invitations.values_list("membership_id", flat=True))
    new = [seat for seat in seats if seat.pk not in invited]
    Invitation.objects.bulk_create(
        [Invitation(session=session, membership=seat, sent_at=moment) for seat in new]
    )
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.INVITED
    session.invited_at = session.invited_at or moment
    session.save(update_fields=["status", "invited_at"])
    _audit(
        EventType.SESSION_INVITED,
        acting_user,
        session,
        session.committee,
        members=[seat.pk for seat in new],
        at=moment,
    )
    if at is not None:
        return len(new)  # history entered afterwards: nobody is told now
    link = f"/committees/sessions/{session.pk}/"
    title = _("Invitation: %(committee)s, session %(number)d on %(day)s") % {
        "committee": session.committee.name,
        "number": session.number,
        "day": session.held_on.strftime("%d/%m/%Y"),
    }
    for seat in new:
        for person in _people_of(seat):
            notify(
                recipient=person,
                kind=NotificationKind.SESSION_INVITATION,
                title=title,
                body=session.title,
                link=link,
                dedupe_key=f"session:{session.pk}:invite:{seat.pk}:{person.pk}",
            )
    return len(new)


@transaction.atomic
def record_attendance(
    *,
    acting_user: User,
    session: Session,
    membership: Membership,
    status: str,
    reason: str = "",
    delegation: Delegation | None = None,
) -> Attendance:
    """How a member attended (kept per member over time); a stand-in needs a delegation
    covering the session's day, an excused absence its reason."""
    access.require_manage(acting_user, session.committee)
    errors: dict[str, str] = {}
    if membership.committee_id != session.committee_id or not membership.active_on(session.held_on):
        errors["membership"] = _("Not a member of the committee on the session's day.")
    if status not in AttendanceStatus.values:
        errors["status"] = _("Choose how the member attended.")
    if status == AttendanceStatus.STAND_IN:
        if delegation is None:
            found = membership.delegations.filter(revoked_at__isnull=True)
            delegation = next((d for d in found if d.covers(session.held_on)), None)
        if (
            delegation is None
            or delegation.membership_id != membership.pk
            or not delegation.covers(session.held_on)
        ):
            errors["delegation"] = _(
                "A stand-in attends only with the member's delegation for the session's day; "
                "record the delegation first."
            )
    else:
        delegation = None
    if status == AttendanceStatus.ABSENT_EXCUSED and not reason.strip():
        errors["reason"] = _("Give the reason for the absence.")
    if errors:
        raise ValidationError(errors)
    held = Attendance.objects.filter(session=session, membership=membership).first()
    old = held.status if held else None
    if held is None:
        held = Attendance(session=session, membership=membership)
    held.status = status
    held.reason = reason.strip()
    held.delegation = delegation
    held.recorded_by = acting_user
    held.recorded_at = timezone.now()
    held.save()
    _audit(
        EventType.ATTENDANCE_RECORDED,
        acting_user,
        session,
        session.committee,
        reason=held.reason,
        member=membership.pk,
        status={"old": old, "new": status},
        delegation=delegation.pk if delegation else None,
    )
    _publish(session=session, blocks=("attendance",))
    return held


@transaction.atomic
def start_session(*, acting_user: User, session: Session, at: datetime | None = None) -> Session:
    access.require_manage(acting_user, session.committee)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status not in (SessionStatus.PLANNED, SessionStatus.INVITED):
        raise _refuse(
            _("Only a planned session can be opened; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            current=locked.status,
            action="start",
        )
    locked.status = SessionStatus.IN_PROGRESS
    locked.started_at = _now(at)
    locked.current_item = locked.items.order_by("order").first()
    locked.save(update_fields=["status", "started_at", "current_item"])
    _audit(EventType.SESSION_STARTED, acting_user, locked, locked.committee, at=locked.started_at)
    _publish(session=locked, blocks=("agenda", "attendance", "tally"))
    session.status, session.started_at = locked.status, locked.started_at
    session.current_item = locked.current_item
    return locked


@transaction.atomic
def set_current_item(*, acting_user: User, session: Session, item: AgendaItem) -> Session:
    access.require_manage(acting_user, session.committee)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.IN_PROGRESS:
        raise _refuse(
            _("The session is not in progress."), current=locked.status, action="current_item"
        )
    if item.session_id != locked.pk:
        raise ValidationError({"item": _("That item is not on this session's agenda.")})
    old = locked.current_item_id
    locked.current_item = item
    locked.save(update_fields=["current_item"])
    _audit(
        EventType.SESSION_ITEM_CHANGED,
        acting_user,
        locked,
        locked.committee,
        item={"old": old, "new": item.pk},
    )
    _publish(session=locked, blocks=("agenda",))
    session.current_item = item
    return locked


@transaction.atomic
def close_session(*, acting_user: User, session: Session, at: datetime | None = None) -> Session:
    access.require_manage(acting_user, session.committee)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.IN_PROGRESS:
        raise _refuse(
            _("Only a session in progress can be closed."), current=locked.status, action="close"
        )
    locked.status = SessionStatus.CLOSED
    locked.closed_at = _now(at)
    locked.current_item = None
    locked.save(update_fields=["status", "closed_at", "current_item"])
    _audit(EventType.SESSION_CLOSED, acting_user, locked, locked.committee, at=locked.closed_at)
    _publish(session=locked, blocks=("agenda", "attendance", "tally"))
    session.status, session.closed_at = locked.status, locked.closed_at
    return locked


# --- the session report ------------------------------------------------------------------------


@transaction.atomic
def draft_report(
    *, acting_user: User, session: Session, at: datetime | None = None
) -> SessionReport:
    """Draft (or draft again) the standing office's report from the data as it stands now
    (or stood at `at`): a snapshot kept with its sources, never recomputed afterwards."""
    access.require_manage(acting_user, session.committee)
    _require_open_session(session, "draft_report")
    moment = _now(at)
    existing = SessionReport.objects.select_for_update().filter(session=session).first()
    if existing is not None and existing.status == ReportStatus.FINAL:
        raise _refuse(
            _("The report is final; it is kept as it was finalised."),
            current=existing.status,
            action="draft_report",
        )
    day = timezone.localdate(moment)
    snapshot = sources.snapshot(session, day, moment)
    digest = report.digest(snapshot)
    old_digest = existing.digest if existing else None
    held = existing or SessionReport(session=session, drafted_by=acting_user)
    held.as_of, held.snapshot, held.digest = day, snapshot, digest
    held.drafted_at, held.drafted_by = moment, acting_user
    held.save()
    _audit(
        EventType.SESSION_REPORT_DRAFTED,
        acting_user,
        held,
        session.committee,
        session=session.pk,
        as_of=day,
        digest={"old": old_digest, "new": digest},
    )
    return held


@transaction.atomic
def edit_report(
    *,
    acting_user: User,
    report_row: SessionReport,
    number: str,
    introduction: str,
    proposals: str,
) -> SessionReport:
    """The staff's own words around the figures (the figures themselves are not edited)."""
    session = report_row.session
    access.require_manage(acting_user, session.committee)
    locked = SessionReport.objects.select_for_update().get(pk=report_row.pk)
    if locked.status == ReportStatus.FINAL:
        raise _refuse(
            _("The report is final; it is kept as it was finalised."),
            current=locked.status,
            action="edit_report",
        )
    if len(number) > 64:
        raise ValidationError({"number": _("The number is at most 64 characters.")})
    locked.number = number.strip()
    locked.introduction = introduction.strip()
    locked.proposals = proposals.strip()
    locked.save(update_fields=["number", "introduction", "proposals"])
    _audit(
        EventType.SESSION_REPORT_EDITED,
        acting_user,
        locked,
        session.committee,
        number=locked.number,
    )
    return locked


@transaction.atomic
def finalise_report(*, acting_user: User, report_row: SessionReport) -> SessionReport:
    session = report_row.session
    access.require_manage(acting_user, session.committee)
    locked = SessionReport.objects.select_for_update().get(pk=report_row.pk)
    if locked.status == ReportStatus.FINAL:
        raise _refuse(
            _("The report is already final."), current=locked.status, action="finalise_report"
        )
    locked.status = ReportStatus.FINAL
    locked.finalised_at = timezone.now()
    locked.finalised_by = acting_user
    locked.save(update_fields=["status", "finalised_at", "finalised_by"])
    _audit(
        EventType.SESSION_REPORT_FINALISED,
        acting_user,
        locked,
        session.committee,
        digest=locked.digest,
    )
    return locked


# --- conclusions -------------------------------------------------------------------------------


@transaction.atomic
def save_conclusion(
    *,
    acting_user: User,
    session: Session,
    summary: str,
    items: Sequence[str],
) -> Conclusion:
    """The concluding notice's draft: its summary and its items (in order). An item that
    has already assigned tasks keeps its place and text."""
    access.require_manage(acting_user, session.committee)
    conclusion = Conclusion.objects.select_for_update().filter(session=session).first()
    if conclusion is not None and conclusion.status == ConclusionStatus.ISSUED:
        raise _refuse(
            _("The notice has been issued; its items are fixed."),
            current=conclusion.status,
            action="save_conclusion",
        )
    texts = [text.strip() for text in items if text.strip()]
    if not texts:
        raise ValidationError({"items": _("A concluding notice needs at least one item.")})
    if conclusion is None:
        conclusion = Conclusion.objects.create(
            session=session, summary=summary.strip(), created_by=acting_user
        )
    else:
        conclusion.summary = summary.strip()
        conclusion.save(update_fields=["summary"])
    held = {item.order: item for item in conclusion.items.all()}
    for order, text in enumerate(texts, start=1):
        item = held.pop(order, None)
        if item is None:
            ConclusionItem.objects.create(conclusion=conclusion, order=order, text=text)
        elif item.text != text:
            if item.task_links.exists():
                raise ValidationError(
                    {"items": _("Item %(n)d has assigned tasks; its text is fixed.") % {"n": order}}
                )
            item.text = text
            item.save(update_fields=["text"])
    for item in held.values():
        if item.task_links.exists():
            raise ValidationError(
                {"items": _("Item %(n)d has assigned tasks; it cannot go.") % {"n": item.order}}
            )
        item.delete()
    _audit(
        EventType.CONCLUSION_SAVED,
        acting_user,
        conclusion,
        session.committee,
        session=session.pk,
        items=len(texts),
    )
    return conclusion


def notice_title(session: Session) -> str:
    """The notice's title as the Government Office writes it (Vietnamese: an official title)."""
    return (f"Thông báo kết luận tại Phiên họp thứ {session.number} của {session.committee.name}")[
        :500
    ]


@transaction.atomic
def issue_conclusion(
    *,
    acting_user: User,
    conclusion: Conclusion,
    number: str,
    issued_on: date,
    existing: Directive | None = None,
) -> Conclusion:
    """Issue the notice: it becomes one of the platform's directives (a new one, through
    directives.actions, or one entered earlier: `existing`), so its items can assign tasks."""
    session = conclusion.session
    access.require_manage(acting_user, session.committee)
    locked = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
    if locked.status == ConclusionStatus.ISSUED:
        raise _refuse(
            _("The notice has already been issued."), current=locked.status, action="issue"
        )
    if issued_on < session.held_on:
        raise ValidationError(
            {"issued_on": _("A concluding notice is issued on or after the session's day.")}
        )
    if existing is not None:
        if Conclusion.objects.filter(directive=existing).exists():
            raise ValidationError({"number": _("That directive is already another notice.")})
        directive = existing
    else:
        issuer = session.committee.standing_office or session.committee.agency
        directive = directive_actions.create_directive(
            acting_user=acting_user,
            kind=DirectiveKind.THONG_BAO_KET_LUAN,
            number=number,
            issued_on=issued_on,
            issuing_agency=issuer,
            title=notice_title(session),
            summary=locked.summary,
        )
    locked.status = ConclusionStatus.ISSUED
    locked.number = directive.number
    locked.issued_on = directive.issued_on
    locked.directive = directive
    locked.save(update_fields=["status", "number", "issued_on", "directive"])
    _audit(
        EventType.CONCLUSION_ISSUED,
        acting_user,
        locked,
        session.committee,
        number=directive.number,
        issued_on=directive.issued_on,
        directive=directive.pk,
    )
    conclusion.status, conclusion.directive = locked.status, directive
    conclusion.number, conclusion.issued_on = locked.number, locked.issued_on
    return locked


def _link(acting_user: User, item: ConclusionItem, task: Task, created: bool) -> ItemTask:
    link = ItemTask.objects.create(item=item, task=task)
    session = item.conclusion.session
    _audit(
        EventType.CONCLUSION_TASK_LINKED,
        acting_user,
        item.conclusion,
        session.committee,
        session=session.pk,
        item=item.order,
        task=task.pk,
        created=created,
    )
    return link


def _issued(item: ConclusionItem, action: str) -> Directive:
    conclusion = item.conclusion
    if conclusion.status != ConclusionStatus.ISSUED or conclusion.directive is None:
        raise _refuse(
            _("Issue the concluding notice first; its tasks belong to it."),
            current=conclusion.status,
            action=action,
        )
    return conclusion.directive


@transaction.atomic
def assign_task(
    *,
    acting_user: User,
    item: ConclusionItem,
    content: str,
    lead_agency: Agency | None,
    deadline: date | None = None,
    coordinating_agencies: Iterable[Agency] = (),
    expected_result: str = "",
    is_key: bool = False,
    today: date | None = None,
) -> Task:
    """A task the item assigns, created through directives.actions (its rules and rights)
    under the notice, and linked back to the session and the item."""
    access.require_manage(acting_user, item.conclusion.session.committee)
    directive = _issued(item, "assign_task")
    task = directive_actions.create_task(
        acting_user=acting_user,
        directive=directive,
        content=content,
        lead_agency=lead_agency,
        deadline=deadline,
        coordinating_agencies=coordinating_agencies,
        expected_result=expected_result,
        is_key=is_key,
        today=today,
    )
    _link(acting_user, item, task, created=True)
    return task


@transaction.atomic
def link_task(*, acting_user: User, item: ConclusionItem, task: Task) -> ItemTask:
    """Link a task already entered under the notice's directive to the item that assigned it."""
    access.require_manage(acting_user, item.conclusion.session.committee)
    directive = _issued(item, "link_task")
    if task.directive_id != directive.pk:
        raise ValidationError({"task": _("The task belongs to another directive.")})
    if ItemTask.objects.filter(task=task).exists():
        raise ValidationError({"task": _("The task is already linked to a conclusion item.")})
    return _link(acting_user, item, task, created=False)


# --- ballots -----------------------------------------------------------------------------------


@transaction.atomic
def create_ballot(
    *,
    acting_user: User,
    committee: Committee,
    title: str,
    question: str,
    deadline: datetime | None,
    draft_text: str = "",
    number: str = "",
    change_rule: str = BallotChangeRule.REFUSE,
    session: Session | None = None,
    upload: Upload | None = None,
    at: datetime | None = None,
) -> Ballot:
    access.require_manage(acting_user, committee)
    moment = _now(at)
    errors = ballots.question_problems(title, question, deadline, moment)
    if change_rule not in BallotChangeRule.values:
        errors["change_rule"] = _("Choose whether a member may change their answer.")
    if session is not None and session.committee_id != committee.pk:
        errors["session"] = _("The session is another committee's.")
    if len(number) > 64:
        errors["number"] = _("The number is at most 64 characters.")
    if errors:
        raise ValidationError(errors)
    assert deadline is not None  # question_problems refuses a missing one
    ballot = Ballot(
        committee=committee,
        session=session,
        number=number.strip(),
        title=title.strip(),
        question=question.strip(),
        draft_text=draft_text.strip(),
        deadline=deadline,
        change_rule=change_rule,
        created_by=acting_user,
        created_at=moment,
    )
    if upload is not None:
        digest, _type, _size, content = _store_file(upload, ANSWER_FILES)
        ballot.sha256, ballot.document_name = digest, upload.name[:255]
        ballot.document.save(digest, content, save=False)
    ballot.save()
    _audit(
        EventType.BALLOT_CREATED,
        acting_user,
        ballot,
        committee,
        title=ballot.title,
        deadline=deadline,
        change_rule=change_rule,
        session=session.pk if session else None,
        document=ballot.sha256 or None,
    )
    return ballot


@transaction.atomic
def open_ballot(*, acting_user: User, ballot: Ballot, at: datetime | None = None) -> Ballot:
    """Send the ballot to the members in office (the secretary aside): its content is fixed
    and hashed from now on; each member is told."""
    access.require_manage(acting_user, ballot.committee)
    locked = Ballot.objects.select_for_update().select_related("committee").get(pk=ballot.pk)
    if locked.status != BallotStatus.DRAFT:
        raise _refuse(_("The ballot has already been sent."), current=locked.status, action="open")
    moment = _now(at)
    if locked.deadline <= moment:
        raise ValidationError({"deadline": _("The deadline must be after the ballot is sent.")})
    seats = [
        seat
        for seat in _seats_on(locked.committee, timezone.localdate(moment))
        if seat.position != Position.SECRETARY
    ]
    if not seats:
        raise ValidationError({"ballot": _("The committee has no members to ask.")})
    BallotVoter.objects.bulk_create([BallotVoter(ballot=locked, membership=s) for s in seats])
    locked.status = BallotStatus.OPEN
    locked.opened_at = moment
    locked.content_hash = ballots.content_hash(reads.content_of(locked))
    locked.save(update_fields=["status", "opened_at", "content_hash"])
    _audit(
        EventType.BALLOT_OPENED,
        acting_user,
        locked,
        locked.committee,
        content_hash=locked.content_hash,
        members=[s.pk for s in seats],
        deadline=locked.deadline,
        at=moment,
    )
    _publish(ballot=locked, blocks=("tally",))
    if at is None:  # history entered afterwards tells nobody now
        _tell_members(locked, seats)
    ballot.status, ballot.opened_at, ballot.content_hash = (
        locked.status,
        locked.opened_at,
        locked.content_hash,
    )
    return locked


def _tell_members(locked: Ballot, seats: list[Membership]) -> None:
    title = _("Opinion ballot: %(title)s — answer by %(deadline)s") % {
        "title": locked.title,
        "deadline": _when(locked.deadline),
    }
    for seat in seats:
        for person in _people_of(seat):
            notify(
                recipient=person,
                kind=NotificationKind.BALLOT_OPENED,
                title=title,
                body=locked.question,
                link=f"/committees/ballots/{locked.pk}/",
                dedupe_key=f"ballot:{locked.pk}:opened:{seat.pk}:{person.pk}",
            )


def _signer_key(acting_user: User) -> SigningKey:
    """The signer's active key; one is generated (and kept encrypted) on first use."""
    found = keys.active_key(acting_user.pk)
    if found is not None:
        return found
    made = signing.generate(keys.kek())
    key = SigningKey.objects.create(
        user=acting_user,
        key_id=made.key_id,
        public_key=made.public_pem,
        origin=KeyOrigin.GENERATED,
        encrypted_private_key=made.encrypted_private,
    )
    record(
        event_type=EventType.SIGNING_KEY_CREATED,
        acting_user=acting_user,
        target=key,
        agency_id=acting_user.agency_id,
        data={"key_id": key.key_id},
    )
    return key


@transaction.atomic
def register_key(*, acting_user: User, public_pem: str) -> SigningKey:
    """A member's own public key: from now on they sign on their device and send the
    signature; the key they had is retired (their earlier answers still verify with it)."""
    try:
        public = signing.load_public(public_pem.strip())
    except signing.KeyUnusable:
        raise ValidationError(
            {"public_key": _("That is not an Ed25519 public key in PEM format.")}
        ) from None
    identifier = signing.key_id(public)
    if SigningKey.objects.filter(key_id=identifier).exists():
        raise ValidationError({"public_key": _("That key is already registered.")})
    SigningKey.objects.filter(user=acting_user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    key = SigningKey.objects.create(
        user=acting_user,
        key_id=identifier,
        public_key=signing.public_pem(public),
        origin=KeyOrigin.REGISTERED,
    )
    record(
        event_type=EventType.SIGNING_KEY_REGISTERED,
        acting_user=acting_user,
        target=key,
        agency_id=acting_user.agency_id,
        data={"key_id": identifier},
    )
    return key


def _answering_seat(
    acting_user: User, voters: list[Membership], member: Membership | None, day: date
) -> tuple[Membership | None, Any]:
    """The member being answered for, and the delegation when a stand-in answers."""
    if member is not None:
        if access.holds_seat(acting_user, member):
            return member, None
        return member, access.delegation_for(acting_user, member, day)
    own = access.seats_of(acting_user, voters)
    if own:
        return own[0], None
    delegated = [
        (seat, d) for seat in voters if (d := access.delegation_for(acting_user, seat, day))
    ]
    if len(delegated) == 1:
        return delegated[0]
    return None, None


def _answer_refusal(reason: Refusal, ballot: Ballot) -> Exception:
    message = ballots.refusal_message(reason, deadline_text=_when(ballot.deadline))
    if reason in (Refusal.NOT_ASKED, Refusal.NO_DELEGATION):
        return PermissionDenied(message)
    return _refuse(message, current=ballot.status, action="answer")


@transaction.atomic
def answer_ballot(
    *,
    acting_user: User,
    ballot: Ballot,
    choice: str,
    comment: str = "",
    member: Membership | None = None,
    upload: Upload | None = None,
    signature: str = "",
    answered_at: datetime | None = None,
    at: datetime | None = None,
) -> Answer:
    """A member's signed answer (or a stand-in's, marked so). The platform signs with the
    signer's kept key; a signer with a registered key sends the signature they made over the
    same body (`signature`, with the `answered_at` they signed), and a signature that does not
    verify is refused."""
    locked = Ballot.objects.select_for_update().select_related("committee").get(pk=ballot.pk)
    moment = _now(at)
    if answered_at is not None and signature:
        skew = abs((answered_at - moment).total_seconds())
        if at is None and skew > CLIENT_CLOCK_SKEW_SECONDS:
            raise ValidationError(
                {"answered_at": _("The moment signed is too far from now; sign again.")}
            )
        moment = answered_at
    moment = moment.replace(microsecond=0)
    voter_ids = set(locked.voters.values_list("membership_id", flat=True))
    voters = list(
        Membership.objects.filter(pk__in=voter_ids)
        .select_related("user", "agency")
        .order_by("order", "pk")
    )
    day = timezone.localdate(moment)
    seat, delegation = _answering_seat(acting_user, voters, member, day)
    stand_in = seat is not None and not access.holds_seat(acting_user, seat)
    previous = (
        Answer.objects.filter(ballot=locked, membership=seat).aggregate(n=Max("sequence"))["n"]
        if seat is not None
        else None
    )
    reason = ballots.refusal(
        status=locked.status,
        deadline=locked.deadline,
        now=moment,
        asked=seat is not None and seat.pk in voter_ids,
        answered_before=previous is not None,
        change_rule=locked.change_rule,
        stand_in=stand_in,
        delegated=delegation is not None,
    )
    if reason is not None:
        raise _answer_refusal(reason, locked)
    assert seat is not None  # refused above otherwise
    file_digest = ""
    content: ContentFile[bytes] | None = None
    if upload is not None:
        file_digest, _type, _size, content = _store_file(upload, ANSWER_FILES)
    given = ballots.AnswerInput(seat.pk, choice, comment.strip(), file_digest)
    problems = ballots.answer_problems(given)
    if problems:
        raise ValidationError(problems)
    body = ballots.signed_body(
        content_digest=locked.content_hash,
        ballot=locked.pk,
        answer=given,
        member_title=seat.holder,
        answered_by=acting_user.get_username(),
        stand_in=stand_in,
        answered_at=moment,
        sequence=(previous or 0) + 1,
    )
    key = _signer_key(acting_user)
    public = signing.load_public(key.public_key)
    if signature:
        if not signing.verify(public, body, signature):
            raise ValidationError(
                {
                    "signature": _(
                        "The signature does not verify with your key over this answer; nothing "
                        "was recorded. Sign the answer again."
                    )
                }
            )
    elif key.origin == KeyOrigin.REGISTERED:
        raise ValidationError(
            {"signature": _("Your key is on your own device: send the answer with its signature.")}
        )
    else:
        signature = signing.sign(keys.private_key(key), body)
    row = Answer(
        ballot=locked,
        membership=seat,
        sequence=body["sequence"],
        choice=choice,
        comment=given.comment,
        sha256=file_digest,
        answered_by=acting_user,
        delegation=delegation if stand_in else None,
        answered_at=moment,
        signed_body=body,
        signature=signature,
        key=key,
    )
    if upload is not None and content is not None:
        row.file_name = upload.name[:255]
        row.file.save(file_digest, content, save=False)
    row.save()
    _audit(
        EventType.BALLOT_ANSWERED,
        acting_user,
        row,
        locked.committee,
        ballot=locked.pk,
        member=seat.pk,
        choice=choice,
        sequence=row.sequence,
        stand_in=stand_in,
        content_hash=locked.content_hash,
        key_id=key.key_id,
        signature=signature,
    )
    _publish(ballot=locked, blocks=("tally",))
    return row


@transaction.atomic
def extend_deadline(*, acting_user: User, ballot: Ballot, deadline: datetime) -> Ballot:
    access.require_manage(acting_user, ballot.committee)
    locked = Ballot.objects.select_for_update().select_related("committee").get(pk=ballot.pk)
    if locked.status == BallotStatus.CLOSED:
        raise _refuse(_("The ballot is closed."), current=locked.status, action="extend")
    if deadline <= max(locked.deadline, timezone.now()):
        raise ValidationError(
            {"deadline": _("The new deadline must be later than the current one and than now.")}
        )
    old = locked.deadline
    locked.deadline = deadline
    locked.save(update_fields=["deadline"])
    _audit(
        EventType.BALLOT_EXTENDED,
        acting_user,
        locked,
        locked.committee,
        deadline={"old": old, "new": deadline},
    )
    _publish(ballot=locked, blocks=("tally",))
    ballot.deadline = deadline
    return locked


@transaction.atomic
def close_ballot(
    *, acting_user: User, ballot: Ballot, decision: str = "", at: datetime | None = None
) -> Ballot:
    """Close the ballot and consolidate: the tally of the members' latest valid answers (each
    signature checked), who did not answer, and the decision the result leads to."""
    access.require_manage(acting_user, ballot.committee)
    locked = Ballot.objects.select_for_update().select_related("committee").get(pk=ballot.pk)
    if locked.status != BallotStatus.OPEN:
        raise _refuse(
            _("Only an open ballot can be closed; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            current=locked.status,
            action="close",
        )
    moment = _now(at)
    result = reads.ballot_tally(locked)
    locked.status = BallotStatus.CLOSED
    locked.closed_at = moment
    locked.closed_by = acting_user
    locked.result = result.as_dict()
    locked.decision = decision.strip()
    locked.save(update_fields=["status", "closed_at", "closed_by", "result", "decision"])
    _audit(
        EventType.BALLOT_CLOSED,
        acting_user,
        locked,
        locked.committee,
        result=locked.result,
        decision=locked.decision,
        at=moment,
    )
    _publish(ballot=locked, blocks=("tally",))
    ballot.status, ballot.result, ballot.decision = locked.status, locked.result, locked.decision
    return locked


# --- reminders and housekeeping ---------------------------------------------------------------


def send_ballot_reminders(now: datetime | None = None) -> int:
    """Due-soon reminders and overdue warnings for open ballots, each sent once (dedupe keys:
    a second run, or a second worker at the same moment, sends nothing new). Each
    notification commits on its own."""
    moment = now or timezone.now()
    sent = 0
    for ballot, reminder_list, missing in reads.reminders_due(moment):
        seats = {
            seat.pk: seat
            for seat in Membership.objects.filter(
                pk__in=ballot.voters.values("membership_id")
            ).select_related("user")
        }
        for reminder in reminder_list:
            seat = seats[reminder.member]
            for person in _people_of(seat):
                if _remind(ballot, reminder.kind, seat, person):
                    sent += 1
        if missing and ballot.deadline < moment and _warn_office(ballot, len(missing)):
            sent += 1
    return sent


def _remind(ballot: Ballot, kind: str, seat: Membership, person: User) -> bool:
    link = f"/committees/ballots/{ballot.pk}/"
    deadline = _when(ballot.deadline)
    if kind == ballots.DUE_SOON:
        stamp = int(ballot.deadline.timestamp())
        return (
            notify(
                recipient=person,
                kind=NotificationKind.BALLOT_DUE_SOON,
                title=_("Opinion ballot due by %(deadline)s: %(title)s")
                % {"deadline": deadline, "title": ballot.title},
                body=ballot.question,
                link=link,
                dedupe_key=f"ballot:{ballot.pk}:due:{stamp}:{seat.pk}:{person.pk}",
            )
            is not None
        )
    return (
        notify(
            recipient=person,
            kind=NotificationKind.BALLOT_OVERDUE,
            title=_("Not answered by its deadline (%(deadline)s): %(title)s")
            % {"deadline": deadline, "title": ballot.title},
            body=_("The standing office may extend the deadline or close the ballot."),
            link=link,
            dedupe_key=f"ballot:{ballot.pk}:overdue:{seat.pk}:{person.pk}",
        )
        is not None
    )


def _warn_office(ballot: Ballot, missing: int) -> bool:
    person = ballot.created_by
    if not person.is_active:
        return False
    return (
        notify(
            recipient=person,
            kind=NotificationKind.BALLOT_OVERDUE,
            title=_("%(n)d member(s) did not answer by the deadline: %(title)s")
            % {"n": missing, "title": ballot.title},
            body=_("Extend the deadline, or close the ballot and consolidate the answers."),
            link=f"/committees/ballots/{ballot.pk}/",
            dedupe_key=f"ballot:{ballot.pk}:overdue-office:{person.pk}",
        )
        is not None
    )


def prune_live_events(now: datetime | None = None) -> int:
    """Live events older than two days (the views read only the last seconds' worth)."""
    cutoff = (now or timezone.now()) - timedelta(days=2)
    deleted, _rows = LiveEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
