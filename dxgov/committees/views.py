"""Committee pages: the committees, a committee (members, stand-ins, sessions, ballots,
attendance over time), a session (agenda and documents, invitations, attendance, the report,
the concluding notice and its tasks), the report and its .docx, the live session view, a
ballot (answering, tally, consolidation, the result's .docx), a member's own page, and the
live views' event streams. Who sees and does what: committees/access.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxgov.accounts.models import User
from dxgov.committees import access, actions, document, forms, reads, report
from dxgov.committees.models import (
    Answer,
    AttendanceStatus,
    Ballot,
    BallotStatus,
    Committee,
    CommitteeKind,
    ConclusionItem,
    Delegation,
    LiveEvent,
    Membership,
    Session,
    SessionReport,
    SessionStatus,
)
from dxgov.core import formats, sse
from dxgov.core.errors import TransitionNotAllowed, refusal_text
from dxgov.directives.rules import status_label
from dxgov.forecasting.models import ForecastStatus
from dxgov.orgunits.models import Agency

LIVE_BLOCKS = ("agenda", "attendance", "tally")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _refused(request: HttpRequest, exc: ValidationError | TransitionNotAllowed) -> None:
    messages.error(request, refusal_text(exc))


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


def _upload(file: Any) -> actions.Upload | None:
    return None if file is None else actions.Upload(file.name, file.read())


def _agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code.strip()).first() if code.strip() else None


def _download(stored: Any, name: str, content_type: str) -> FileResponse:
    response = FileResponse(
        stored.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _docx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=document.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _latest_event(where: Q) -> int:
    return int(LiveEvent.objects.filter(where).aggregate(n=Max("id"))["n"] or 0)


# --- committees ---------------------------------------------------------------------------------


@login_required
@require_GET
def committee_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    committees = list(access.committees_for(user).order_by("ended_on", "kind", "name"))
    today = timezone.localdate()
    rows = []
    for committee in committees:
        upcoming = (
            committee.sessions.filter(held_on__gte=today)
            .exclude(status=SessionStatus.CLOSED)
            .order_by("held_on")
            .first()
        )
        rows.append(
            {
                "committee": committee,
                "members": committee.memberships.on(today).count(),
                "sessions": committee.sessions.count(),
                "next": upcoming,
                "open_ballots": committee.ballots.filter(status=BallotStatus.OPEN).count(),
            }
        )
    return render(request, "committees/list.html", {"rows": rows, "today": today})


def _seat_choices(committee: Committee, day: date) -> list[tuple[int, str]]:
    return [(s.pk, s.holder) for s in committee.memberships.on(day).order_by("order", "pk")]


def _post_committee(request: HttpRequest, committee: Committee) -> dict[str, Any]:
    """A form posted on the committee's page: a session, a member or a stand-in. Returns the
    forms (with their errors) to show again, or {} when it was saved."""
    user, what = _user(request), request.POST.get("what", "")
    today = timezone.localdate()
    try:
        if what == "session":
            access.require_manage(user, committee)
            session_form = forms.SessionForm(request.POST)
            if not session_form.is_valid():
                return {"session_form": session_form, "errors": session_form.errors}
            data = session_form.cleaned_data
            actions.create_session(
                acting_user=user,
                committee=committee,
                title=data["title"],
                held_on=data["held_on"],
                place=data["place"],
                chair=committee.memberships.on(data["held_on"]).filter(position="chair").first(),
            )
        elif what == "member":
            access.require_manage(user, committee)
            member_form = forms.MemberForm(request.POST)
            if not member_form.is_valid():
                return {"member_form": member_form, "errors": member_form.errors}
            data = member_form.cleaned_data
            person = User.objects.filter(username=data["username"].strip()).first()
            if data["username"].strip() and person is None:
                member_form.add_error("username", _("No account with that user name."))
                return {"member_form": member_form, "errors": member_form.errors}
            actions.add_member(
                acting_user=user,
                committee=committee,
                position=data["position"],
                title=data["title"],
                person_name=data["person_name"],
                user=person,
                agency=_agency(data["agency"]),
                valid_from=data["valid_from"],
            )
        elif what == "delegation":
            delegation_form = forms.DelegationForm(
                request.POST, seats=_seat_choices(committee, today)
            )
            if not delegation_form.is_valid():
                return {"delegation_form": delegation_form, "errors": delegation_form.errors}
            data = delegation_form.cleaned_data
            delegate = User.objects.filter(username=data["delegate"].strip()).first()
            if delegate is None:
                delegation_form.add_error("delegate", _("No account with that user name."))
                return {"delegation_form": delegation_form, "errors": delegation_form.errors}
            actions.grant_delegation(
                acting_user=user,
                membership=committee.memberships.get(pk=data["membership"]),
                delegate=delegate,
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                document=data["document"],
            )
        else:
            raise Http404(_("Nothing to do."))
    except ValidationError as exc:
        return {"errors": _errors(exc)}
    messages.success(request, _("Saved."))
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    committee = access.access_committee(user, pk)
    today = timezone.localdate()
    shown: dict[str, Any] = {}
    if request.method == "POST":
        shown = _post_committee(request, committee)
        if not shown:
            return redirect("committees:detail", pk=committee.pk)
    seats = list(committee.memberships.select_related("user", "agency").order_by("order", "pk"))
    sessions, attendance = reads.attendance_history(committee)
    context = {
        "committee": committee,
        "manage": access.may_manage(user, committee),
        "current": [s for s in seats if s.active_on(today)],
        "former": [s for s in seats if not s.active_on(today)],
        "delegations": list(
            Delegation.objects.filter(membership__committee=committee)
            .select_related("membership", "delegate")
            .order_by("-valid_to")[:20]
        ),
        "sessions": list(committee.sessions.order_by("-held_on", "-number")),
        "ballots": list(committee.ballots.order_by("-created_at")[:20]),
        "history_sessions": sessions,
        "history": attendance,
        "predecessors": list(committee.predecessors.all()),
        "session_form": shown.get("session_form") or forms.SessionForm(),
        "member_form": shown.get("member_form") or forms.MemberForm(),
        "delegation_form": shown.get("delegation_form")
        or forms.DelegationForm(seats=_seat_choices(committee, today)),
        "errors": shown.get("errors"),
        "today": today,
    }
    return render(request, "committees/detail.html", context, status=422 if shown else 200)


# --- sessions -----------------------------------------------------------------------------------


def _session_context(request: HttpRequest, session: Session) -> dict[str, Any]:
    user = _user(request)
    committee = session.committee
    items = list(session.items.select_related("presenter").prefetch_related("documents"))
    seats = list(committee.memberships.on(session.held_on).select_related("user", "agency"))
    held = {a.membership_id: a for a in session.attendance.select_related("delegation__delegate")}
    invited = set(session.invitations.values_list("membership_id", flat=True))
    conclusion = getattr(session, "conclusion", None)
    conclusion_items = []
    if conclusion is not None:
        for item in conclusion.items.prefetch_related("task_links__task__lead_agency"):
            conclusion_items.append((item, [link.task for link in item.task_links.all()]))
    return {
        "session": session,
        "committee": committee,
        "manage": access.may_manage(user, committee),
        "central": access.is_central(user),
        "items": items,
        "seats": [(seat, held.get(seat.pk), seat.pk in invited) for seat in seats],
        "statuses": AttendanceStatus.choices,
        "report": SessionReport.objects.filter(session=session).first(),
        "conclusion": conclusion,
        "conclusion_items": conclusion_items,
        "ballots": list(session.ballots.order_by("-created_at")),
        "conclusion_form": forms.ConclusionForm(
            initial={
                "summary": conclusion.summary if conclusion else "",
                "items": "\n".join(item.text for item, _tasks in conclusion_items),
            }
        ),
        "issue_form": forms.IssueForm(initial={"issued_on": session.held_on}),
        "agenda_form": forms.AgendaForm(),
    }


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_session(_user(request), pk)
    return render(request, "committees/session.html", _session_context(request, session))


def _invite(request: HttpRequest, session: Session) -> str:
    count = actions.send_invitations(acting_user=_user(request), session=session)
    return _("%(n)d invitation(s) sent.") % {"n": count}


def _start(request: HttpRequest, session: Session) -> str:
    actions.start_session(acting_user=_user(request), session=session)
    return _("The session is open.")


def _close(request: HttpRequest, session: Session) -> str:
    actions.close_session(acting_user=_user(request), session=session)
    return _("The session is closed.")


def _current(request: HttpRequest, session: Session) -> str:
    item = session.items.filter(pk=_int(request.POST.get("item")) or 0).first()
    if item is None:
        raise ValidationError({"item": _("Choose an item of this session's agenda.")})
    actions.set_current_item(acting_user=_user(request), session=session, item=item)
    return _("Done.")


def _attendance(request: HttpRequest, session: Session) -> str:
    form = forms.AttendanceForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose the member and how they attended."))
    seat = session.committee.memberships.filter(pk=form.cleaned_data["membership"]).first()
    if seat is None:
        raise ValidationError({"membership": _("Not a member of this committee.")})
    actions.record_attendance(
        acting_user=_user(request),
        session=session,
        membership=seat,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
    )
    return _("Saved.")


def _agenda(request: HttpRequest, session: Session) -> str:
    form = forms.AgendaForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"title": _("Give the agenda item's title.")})
    actions.add_agenda_item(
        acting_user=_user(request),
        session=session,
        title=form.cleaned_data["title"],
        presenter=_agency(form.cleaned_data["presenter"]),
    )
    return _("Saved.")


def _document(request: HttpRequest, session: Session) -> str:
    form = forms.DocumentForm(request.POST, request.FILES)
    item = session.items.filter(pk=_int(request.POST.get("item")) or 0).first()
    upload = _upload(form.cleaned_data["file"]) if form.is_valid() else None
    if item is None or upload is None:
        raise ValidationError({"file": _("Choose the agenda item and the file.")})
    actions.attach_document(acting_user=_user(request), item=item, upload=upload)
    return _("Saved.")


def _draft(request: HttpRequest, session: Session) -> str:
    actions.draft_report(acting_user=_user(request), session=session)
    return _("The report was drafted from the data as it stands now.")


def _finalise(request: HttpRequest, session: Session) -> str:
    held = SessionReport.objects.filter(session=session).first()
    if held is None:
        raise TransitionNotAllowed(_("Draft the report first."), current="none", action="finalise")
    actions.finalise_report(acting_user=_user(request), report_row=held)
    return _("The report is final.")


def _conclusion(request: HttpRequest, session: Session) -> str:
    form = forms.ConclusionForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"items": _("A concluding notice needs at least one item.")})
    actions.save_conclusion(
        acting_user=_user(request),
        session=session,
        summary=form.cleaned_data["summary"],
        items=form.cleaned_data["items"].splitlines(),
    )
    return _("Saved.")


def _int(text: Any) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 10 else None


def _issue(request: HttpRequest, session: Session) -> str:
    conclusion = getattr(session, "conclusion", None)
    if conclusion is None:
        raise TransitionNotAllowed(
            _("Draft the concluding notice first."), current="none", action="issue"
        )
    form = forms.IssueForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Give the notice's number and the day it is issued."))
    actions.issue_conclusion(
        acting_user=_user(request),
        conclusion=conclusion,
        number=form.cleaned_data["number"],
        issued_on=form.cleaned_data["issued_on"],
    )
    return _("The notice is issued: its items can assign tasks.")


def _assign(request: HttpRequest, session: Session) -> str:
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        raise ValidationError(
            {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}
        )
    data = form.cleaned_data
    item = ConclusionItem.objects.filter(pk=data["item"], conclusion__session=session).first()
    if item is None:
        raise ValidationError({"item": _("Choose an item of this notice.")})
    lead = _agency(data["lead_agency"])
    if lead is None:
        raise ValidationError({"lead_agency": _("No agency with that code.")})
    codes = [c.strip() for c in data["coordinating"].split(",") if c.strip()]
    coordinating = [a for a in (_agency(c) for c in codes) if a is not None]
    if len(coordinating) != len(codes):
        raise ValidationError({"coordinating": _("No agency with one of those codes.")})
    actions.assign_task(
        acting_user=_user(request),
        item=item,
        content=data["content"],
        lead_agency=lead,
        deadline=data["deadline"],
        coordinating_agencies=coordinating,
        expected_result=data["expected_result"],
    )
    return _("The task is assigned.")


SESSION_STEPS: dict[str, Callable[[HttpRequest, Session], str]] = {
    "invite": _invite,
    "start": _start,
    "close": _close,
    "current": _current,
    "attendance": _attendance,
    "agenda": _agenda,
    "document": _document,
    "report": _draft,
    "finalise": _finalise,
    "conclusion": _conclusion,
    "issue": _issue,
    "assign": _assign,
}


@login_required
@require_POST
def session_action(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    session = access.access_session(_user(request), pk)
    handler = SESSION_STEPS.get(step)
    if handler is None:
        raise Http404(_("No such step."))
    try:
        done = handler(request, session)
    except (ValidationError, TransitionNotAllowed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    if request.POST.get("next", "") == "live":
        return redirect("committees:live", pk=session.pk)
    return redirect("committees:session", pk=session.pk)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    found = access.access_document(_user(request), pk)
    return _download(found.file, found.original_name, found.content_type)


# --- the report ---------------------------------------------------------------------------------


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _outlook(status: str) -> str:
    return str(ForecastStatus(status).label) if status in ForecastStatus.values else status


def _report_or_404(session: Session) -> SessionReport:
    found = SessionReport.objects.filter(session=session).first()
    if found is None:
        raise Http404(_("The report has not been drafted yet."))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = access.access_session(user, pk)
    held = _report_or_404(session)
    form = forms.ReportTextForm(
        initial={
            "number": held.number,
            "introduction": held.introduction,
            "proposals": held.proposals,
        }
    )
    status = 200
    if request.method == "POST":
        access.require_manage(user, session.committee)
        form = forms.ReportTextForm(request.POST)
        if form.is_valid():
            try:
                actions.edit_report(acting_user=user, report_row=held, **form.cleaned_data)
            except (ValidationError, TransitionNotAllowed) as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("Saved."))
            return redirect("committees:report", pk=session.pk)
        status = 422
    snapshot = held.snapshot
    tasks = report.section(snapshot, "tasks")
    indicators = report.section(snapshot, "indicators")
    context = {
        "session": session,
        "committee": session.committee,
        "report": held,
        "manage": access.may_manage(user, session.committee),
        "form": form,
        "tasks": tasks,
        "task_rows": [
            {**row, "label": status_label(row["status"]), "due": _day(row["deadline"])}
            for row in tasks.get("rows", [])
        ],
        "sentence": report.sentence(tasks["counts"]) if tasks.get("counts") else "",
        "by_session": [
            (group["session"], report.sentence(group["counts"]))
            for group in tasks.get("by_session", [])
        ],
        "indicators": indicators,
        "indicator_rows": [
            {
                **row,
                "outlook": _outlook(row["status"]),
                "computed": datetime.fromisoformat(row["source"]["computed_at"]),
            }
            for row in indicators.get("rows", [])
        ],
        "qd766": report.section(snapshot, "qd766"),
        "dti": report.section(snapshot, "dti"),
        "investment": report.section(snapshot, "investment"),
        "late": report.section(snapshot, "late_reports"),
        "digest_ok": held.digest == report.digest(snapshot),
    }
    return render(request, "committees/report.html", context, status=status)


def _letterhead(committee: Committee, day: date, number: str, symbol: str) -> document.Letterhead:
    office = committee.standing_office
    place = "Hà Nội"
    if committee.kind == CommitteeKind.PROVINCE:
        place = committee.agency.label
    return document.Letterhead(
        superior=committee.name,
        issuer=office.name if office else "Cơ quan thường trực",
        place=place,
        day=day,
        number=number,
        symbol=symbol,
        recipients=[f"Thành viên {committee.name}"],
        signer_titles=["TM. CƠ QUAN THƯỜNG TRỰC"],
    )


@login_required
@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_session(_user(request), pk)
    held = _report_or_404(session)
    day = timezone.localdate(held.finalised_at) if held.finalised_at else held.as_of
    data = document.session_report(
        _letterhead(session.committee, day, held.number, "BC"),
        committee=session.committee.name,
        session_number=session.number,
        held_on=session.held_on,
        snapshot=held.snapshot,
        digest=held.digest,
        introduction=held.introduction,
        proposals=held.proposals,
    )
    return _docx(data, f"bao-cao-phien-hop-{session.number}-{session.committee.code}.docx")


# --- the live session view ----------------------------------------------------------------------


def _tally_context(ballot: Ballot | None) -> dict[str, Any]:
    if ballot is None:
        return {"ballot": None}
    answers = reads.answers_of(ballot)
    tally = reads.ballot_tally(ballot, answers)
    seats = {seat.pk: seat for seat in reads.voters(ballot)}
    latest = {a.membership_id: a for a in answers}  # in sequence order: the last one stays
    return {
        "ballot": ballot,
        "tally": tally,
        "lines": [(seats[m], latest.get(m)) for m in seats],
        "missing": [seats[m] for m in tally.missing if m in seats],
        "invalid": [a for a in answers if a.pk in set(tally.invalid)],
        "asked": max(tally.asked, 1),
    }


def _live_context(session: Session) -> dict[str, Any]:
    seats = list(session.committee.memberships.on(session.held_on).select_related("user"))
    held = {a.membership_id: a for a in session.attendance.select_related("delegation__delegate")}
    ballot = session.ballots.exclude(status=BallotStatus.DRAFT).order_by("-opened_at").first()
    counts: dict[str, int] = {}
    for row in held.values():
        counts[row.status] = counts.get(row.status, 0) + 1
    return {
        "session": session,
        "items": list(session.items.select_related("presenter").prefetch_related("documents")),
        "seats": [(seat, held.get(seat.pk)) for seat in seats],
        "attendance_counts": [
            (label, counts.get(value, 0)) for value, label in AttendanceStatus.choices
        ],
        **_tally_context(ballot),
    }


@login_required
@require_GET
def live(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = access.access_session(user, pk)
    block = request.GET.get("block", "")
    context = {**_live_context(session), "manage": access.may_manage(user, session.committee)}
    if block:
        if block not in LIVE_BLOCKS:
            raise Http404(_("No such block."))
        return render(request, f"committees/_live_{block}.html", context)
    context["last_event"] = _latest_event(Q(session=session))
    return render(request, "committees/live.html", context)


def _poll(where: Q) -> Callable[[int], list[tuple[int, str, Any]]]:
    def poll(last: int) -> list[tuple[int, str, Any]]:
        rows = LiveEvent.objects.filter(where, id__gt=last).order_by("id")[:50]
        return [(row.id, "change", {"blocks": row.blocks}) for row in rows]

    return poll


@login_required
@require_GET
def session_events(request: HttpRequest, pk: int) -> HttpResponseBase:
    session = access.access_session(_user(request), pk)
    where = Q(session=session)
    return sse.response(_poll(where), sse.start_after(request, lambda: _latest_event(where)))


# --- ballots ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ballot_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    committee = access.access_committee(user, pk)
    access.require_manage(user, committee)
    sessions = [
        (s.pk, _("Session %(n)d — %(day)s") % {"n": s.number, "day": formats.date_text(s.held_on)})
        for s in committee.sessions.exclude(status=SessionStatus.CLOSED).order_by("held_on")
    ]
    form = forms.BallotForm(sessions=sessions)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = forms.BallotForm(request.POST, request.FILES, sessions=sessions)
        if form.is_valid():
            deadline = form.deadline()
            data = form.cleaned_data
            if deadline is not None or not form.errors:
                try:
                    ballot = actions.create_ballot(
                        acting_user=user,
                        committee=committee,
                        title=data["title"],
                        number=data["number"],
                        question=data["question"],
                        draft_text=data["draft_text"],
                        deadline=deadline,
                        change_rule=data["change_rule"],
                        session=committee.sessions.filter(pk=data["session"]).first()
                        if data["session"]
                        else None,
                        upload=_upload(data.get("file")),
                    )
                    if data["send_now"]:
                        actions.open_ballot(acting_user=user, ballot=ballot)
                except ValidationError as exc:
                    errors = _errors(exc)
                    for field, items in errors.items():
                        target = "deadline_day" if field == "deadline" else field
                        for message in items:
                            form.add_error(target if target in form.fields else None, message)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("committees:ballot", pk=ballot.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "committees/ballot_new.html",
        {"committee": committee, "form": form},
        status=status,
    )


def _answer_seats(user: User, ballot: Ballot) -> list[tuple[int, str]]:
    today = timezone.localdate()
    choices = []
    for seat in reads.voters(ballot):
        if access.holds_seat(user, seat):
            choices.append((seat.pk, seat.holder))
        elif access.delegation_for(user, seat, today) is not None:
            choices.append((seat.pk, _("%(member)s (as stand-in)") % {"member": seat.holder}))
    return choices


def _post_answer(
    request: HttpRequest, ballot: Ballot, form: forms.AnswerForm
) -> tuple[bool, forms.AnswerForm]:
    user = _user(request)
    if not form.is_valid():
        return False, form
    data = form.cleaned_data
    member = None
    if data.get("member"):
        member = Membership.objects.filter(
            pk=data["member"], pk__in=ballot.voters.values("membership_id")
        ).first()
    try:
        actions.answer_ballot(
            acting_user=user,
            ballot=ballot,
            choice=data["choice"],
            comment=data["comment"],
            member=member,
            upload=_upload(data.get("file")),
        )
    except ValidationError as exc:
        for field, items in _errors(exc).items():
            for message in items:
                form.add_error(field if field in form.fields else None, message)
        return False, form
    except TransitionNotAllowed as exc:
        form.add_error(None, exc.message)
        return False, form
    return True, form


@login_required
@require_http_methods(["GET", "POST"])
def ballot_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ballot = access.access_ballot(user, pk)
    if request.GET.get("block") == "tally":
        return render(request, "committees/_live_tally.html", _tally_context(ballot))
    seats = _answer_seats(user, ballot)
    form = forms.AnswerForm(seats=seats)
    status = 200
    if request.method == "POST":
        form = forms.AnswerForm(request.POST, request.FILES, seats=seats)
        saved, form = _post_answer(request, ballot, form)
        if saved:
            messages.success(request, _("Your answer was recorded and signed."))
            return redirect("committees:ballot", pk=ballot.pk)
        status = 422
    mine = list(
        Answer.objects.filter(ballot=ballot, answered_by=user).select_related("membership", "key")
    )
    context = {
        "ballot": ballot,
        "committee": ballot.committee,
        "manage": access.may_manage(user, ballot.committee),
        "seats": seats,
        "form": form,
        "mine": mine,
        "may_answer": bool(seats)
        and ballot.status == BallotStatus.OPEN
        and ballot.deadline >= timezone.now(),
        "past_deadline": ballot.deadline < timezone.now(),
        "extend_form": forms.ExtendForm(),
        "close_form": forms.CloseForm(),
        "last_event": _latest_event(Q(ballot=ballot)),
        **_tally_context(ballot),
    }
    return render(request, "committees/ballot.html", context, status=status)


@login_required
@require_POST
def ballot_action(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = _user(request)
    ballot = access.access_ballot(user, pk)
    try:
        if step == "open":
            actions.open_ballot(acting_user=user, ballot=ballot)
        elif step == "extend":
            form = forms.ExtendForm(request.POST)
            deadline = form.deadline() if form.is_valid() else None
            if deadline is None:
                raise ValidationError({"deadline": _("Give the new deadline.")})
            actions.extend_deadline(acting_user=user, ballot=ballot, deadline=deadline)
        elif step == "close":
            form_close = forms.CloseForm(request.POST)
            decision = form_close.cleaned_data["decision"] if form_close.is_valid() else ""
            actions.close_ballot(acting_user=user, ballot=ballot, decision=decision)
        else:
            raise Http404(_("No such step."))
    except (ValidationError, TransitionNotAllowed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("committees:ballot", pk=ballot.pk)


@login_required
@require_GET
def ballot_docx(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = access.access_ballot(_user(request), pk)
    if ballot.status == BallotStatus.DRAFT:
        raise Http404(_("The ballot has not been sent yet."))
    answers = reads.answers_of(ballot)
    tally = reads.ballot_tally(ballot, answers)
    latest = {a.membership_id: a for a in answers}
    lines = []
    for seat in reads.voters(ballot):
        answer = latest.get(seat.pk)
        if answer is None:
            lines.append(document.MemberLine(seat.holder, ""))
            continue
        lines.append(
            document.MemberLine(
                name=seat.holder,
                choice=answer.choice,
                comment=answer.comment,
                answered_at=formats.datetime_text(timezone.localtime(answer.answered_at)),
                answered_by=(answer.answered_by.full_name or answer.answered_by.username)
                if answer.stand_in
                else "",
                valid=reads.answer_problem(answer, ballot.content_hash) is None,
            )
        )
    opened = ballot.opened_at or ballot.created_at
    day = timezone.localdate(ballot.closed_at) if ballot.closed_at else timezone.localdate()
    data = document.ballot_result(
        _letterhead(ballot.committee, day, "", "BC"),
        document.BallotResult(
            committee=ballot.committee.name,
            title=ballot.title,
            question=ballot.question,
            number=ballot.number,
            opened=formats.date_text(timezone.localtime(opened)),
            deadline=formats.datetime_text(timezone.localtime(ballot.deadline)),
            content_hash=ballot.content_hash,
            tally=ballot.result or tally.as_dict(),
            members=lines,
            decision=ballot.decision,
        ),
    )
    return _docx(data, f"ket-qua-lay-y-kien-{ballot.pk}.docx")


@login_required
@require_GET
def ballot_events(request: HttpRequest, pk: int) -> HttpResponseBase:
    ballot = access.access_ballot(_user(request), pk)
    where = Q(ballot=ballot)
    return sse.response(_poll(where), sse.start_after(request, lambda: _latest_event(where)))


@login_required
@require_GET
def answer_file(request: HttpRequest, pk: int) -> FileResponse:
    answer = access.access_answer(_user(request), pk)
    if not answer.file:
        raise Http404(_("The answer has no file."))
    return _download(answer.file, answer.file_name, "application/octet-stream")


# --- a member's own page ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    key_form = forms.KeyForm()
    status = 200
    if request.method == "POST":
        key_form = forms.KeyForm(request.POST)
        if key_form.is_valid():
            try:
                actions.register_key(
                    acting_user=user, public_pem=key_form.cleaned_data["public_key"]
                )
            except ValidationError as exc:
                for message in _errors(exc).get("public_key", exc.messages):
                    key_form.add_error("public_key", message)
            else:
                messages.success(request, _("Your key is registered."))
                return redirect("committees:mine")
        status = 422
    upcoming, past = reads.my_sessions(user)
    found = reads.my_ballots(user)
    context = {
        "open": [b for b in found if b.state == "open"],
        "overdue": [b for b in found if b.state == "overdue"],
        "answered": [b for b in found if b.state in ("answered", "closed")],
        "upcoming": upcoming,
        "past": past,
        "documents": reads.documents_to_read(upcoming),
        "delegations": reads.delegations_held(user),
        "keys": list(user.signing_keys.order_by("-created_at")),
        "key_form": key_form,
        "seats": list(reads.my_seats(user)),
    }
    return render(request, "committees/mine.html", context, status=status)
