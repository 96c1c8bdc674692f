"""The directives and tasks API: thin endpoints over actions.py, access and stats.py.

Directives are documents every signed-in user may read. A task exists for a user only if its
lead or a coordinating agency is in their scope (404 otherwise, on reads and writes alike).
Every write calls an action; a refused status change is a 409 with the reason.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from dxgov.accounts.models import User
from dxgov.core.limits import could_be_id
from dxgov.core.text import fold
from dxgov.directives import actions, stats, timeline
from dxgov.directives.access import tasks_for
from dxgov.directives.models import Directive, ExtensionRequest, Task
from dxgov.directives.rules import Recurrence, status_label
from dxgov.directives.schemas import (
    AgencyRef,
    AgencyStatisticsOut,
    DirectiveFilter,
    DirectiveIn,
    DirectiveOut,
    DirectivePage,
    DirectiveRef,
    DoneIn,
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    ProgressIn,
    ProgressOut,
    ReasonIn,
    StatisticsFilter,
    StatisticsOut,
    TaskFilter,
    TaskIn,
    TaskOut,
    TaskPage,
    TimelineEntryOut,
)
from dxgov.orgunits.models import Agency

router = Router(tags=["directives"])


# --- lookups ------------------------------------------------------------------------------


def _agency(code: str, field: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ValidationError({field: _("No agency with code %(code)s.") % {"code": code}})
    return agency


def _user(request: HttpRequest) -> User:
    # Both authenticators guarantee a signed-in, active dxgov user here.
    return cast(User, request.user)


def _tasks(request: HttpRequest) -> QuerySet[Task]:
    return (
        tasks_for(request.user)
        .select_related("directive", "lead_agency")
        .prefetch_related("coordinating_agencies")
    )


def _task(request: HttpRequest, task_id: int) -> Task:
    """A task in the user's scope, or 404 (the same answer as for one that does not exist)."""
    task = _tasks(request).filter(pk=task_id).first() if could_be_id(task_id) else None
    if task is None:
        raise Http404(_("No such task in your scope."))
    return task


def _directive(directive_id: int) -> Directive:
    directives = Directive.objects.select_related("issuing_agency")
    directive = directives.filter(pk=directive_id).first() if could_be_id(directive_id) else None
    if directive is None:
        raise Http404(_("No directive with id %(id)s.") % {"id": directive_id})
    return directive


# --- answers ------------------------------------------------------------------------------


def _agency_ref(agency: Agency) -> AgencyRef:
    return AgencyRef(code=agency.code, name=agency.name)


def _directive_out(directive: Directive) -> DirectiveOut:
    return DirectiveOut(
        id=directive.pk,
        kind=directive.kind,
        kind_label=str(directive.get_kind_display()),
        number=directive.number,
        issued_on=directive.issued_on,
        issuing_agency=_agency_ref(directive.issuing_agency),
        title=directive.title,
        summary=directive.summary,
        created_at=directive.created_at,
    )


def _task_out(task: Task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        directive=DirectiveRef(
            id=task.directive.pk, number=task.directive.number, title=task.directive.title
        ),
        content=task.content,
        lead_agency=_agency_ref(task.lead_agency),
        coordinating_agencies=[
            _agency_ref(a) for a in sorted(task.coordinating_agencies.all(), key=lambda a: a.code)
        ],
        original_deadline=task.original_deadline,
        deadline=task.deadline,
        expected_result=task.expected_result,
        is_key=task.is_key,
        status=task.status,
        status_label=status_label(task.status),
        progress_percent=task.progress_percent,
        completed_on=task.completed_on,
        parent=task.parent_id,
        created_at=task.created_at,
        recurrence=task.recurrence,
        series=task.series_id,
    )


def _fresh(request: HttpRequest, task: Task) -> TaskOut:
    return _task_out(_task(request, task.pk))


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _extension_out(extension: ExtensionRequest) -> ExtensionOut:
    return ExtensionOut(
        id=extension.pk,
        task=extension.task_id,
        requested_deadline=extension.requested_deadline,
        previous_deadline=extension.previous_deadline,
        reason=extension.reason,
        state=extension.state,
        requested_by=extension.requested_by.get_username(),
        created_at=extension.created_at,
        decided_by=_username(extension.decided_by),
        decided_at=extension.decided_at,
        decision_note=extension.decision_note,
    )


def _page(queryset: QuerySet[Any], page: int, page_size: int) -> tuple[int, list[Any]]:
    start = (page - 1) * page_size
    return queryset.count(), list(queryset[start : start + page_size])


# --- directives ---------------------------------------------------------------------------


@router.get("/directives", response=DirectivePage, summary="Directives, newest first")
def list_directives(request: HttpRequest, filters: Query[DirectiveFilter]) -> DirectivePage:
    directives = Directive.objects.select_related("issuing_agency")
    if filters.kind:
        directives = directives.filter(kind=filters.kind)
    if filters.number:
        directives = directives.filter(number=filters.number.strip())
    if filters.q:
        for word in fold(filters.q).split():  # number or title; any case, marks or none
            directives = directives.filter(search_text__contains=word)
    count, items = _page(directives, filters.page, filters.page_size)
    return DirectivePage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_directive_out(d) for d in items],
    )


@router.post(
    "/directives",
    response={201: DirectiveOut},
    summary="Create a directive (central coordinators and administrators)",
)
def create_directive(request: HttpRequest, payload: DirectiveIn) -> tuple[int, DirectiveOut]:
    directive = actions.create_directive(
        acting_user=_user(request),
        kind=payload.kind,
        number=payload.number,
        issued_on=payload.issued_on,
        issuing_agency=_agency(payload.issuing_agency, "issuing_agency"),
        title=payload.title,
        summary=payload.summary,
    )
    return 201, _directive_out(directive)


@router.get("/directives/{int:directive_id}", response=DirectiveOut, summary="One directive")
def get_directive(request: HttpRequest, directive_id: int) -> DirectiveOut:
    return _directive_out(_directive(directive_id))


# --- tasks: reading -----------------------------------------------------------------------


@router.get("/tasks", response=TaskPage, summary="Tasks in your scope")
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> TaskPage:
    tasks = _tasks(request)
    if filters.agency:
        code = filters.agency.strip()
        tasks = tasks.filter(
            Q(lead_agency__code=code)
            | Q(
                pk__in=Task.coordinating_agencies.through.objects.filter(agency__code=code).values(
                    "task_id"
                )
            )
        )
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.deadline_from:
        tasks = tasks.filter(deadline__gte=filters.deadline_from)
    if filters.deadline_to:
        tasks = tasks.filter(deadline__lte=filters.deadline_to)
    if filters.is_key is not None:
        tasks = tasks.filter(is_key=filters.is_key)
    if filters.directive is not None:
        tasks = tasks.filter(directive_id=filters.directive)
    if filters.q:
        # Content, expected result or directive number; any case, with or without marks.
        for word in fold(filters.q).split():
            tasks = tasks.filter(search_text__contains=word)
    tasks = tasks.order_by(F("deadline").asc(nulls_last=True), "pk")
    count, items = _page(tasks, filters.page, filters.page_size)
    return TaskPage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[_task_out(t) for t in items],
    )


@router.get(
    "/tasks/statistics",
    response=StatisticsOut,
    summary="Task counts by status, completion and on-time rates (tasks in your scope)",
)
def task_statistics(request: HttpRequest, filters: Query[StatisticsFilter]) -> StatisticsOut:
    tasks = tasks_for(request.user)
    if filters.directive is not None:
        tasks = tasks.filter(directive_id=filters.directive)
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency.strip()).first()
        if agency is None:
            raise Http404(_("No agency with code %(code)s.") % {"code": filters.agency})
        tasks = tasks.filter(lead_agency__path__startswith=agency.path)
    if filters.from_:
        tasks = tasks.filter(deadline__gte=filters.from_)
    if filters.to:
        tasks = tasks.filter(deadline__lte=filters.to)
    rows = list(tasks.values("status", "deadline", lead_agency_code=F("lead_agency__code")))
    today = timezone.localdate()
    return StatisticsOut(
        **stats.summarize(rows, today),
        by_agency=[
            AgencyStatisticsOut(**group) for group in stats.summarize_by_agency(rows, today)
        ],
    )


@router.get("/tasks/{int:task_id}", response=TaskOut, summary="One task")
def get_task(request: HttpRequest, task_id: int) -> TaskOut:
    return _task_out(_task(request, task_id))


@router.get(
    "/tasks/{int:task_id}/timeline",
    response=list[TimelineEntryOut],
    summary="Status changes, progress reports, extension requests and files, oldest first",
)
def task_timeline(request: HttpRequest, task_id: int) -> list[TimelineEntryOut]:
    """The same entries as the task's page (directives.timeline)."""
    entries = timeline.task_timeline(_task(request, task_id))
    return [TimelineEntryOut.model_validate(entry) for entry in entries]


# --- tasks: writing -----------------------------------------------------------------------


@router.post(
    "/tasks",
    response={201: TaskOut},
    summary="Assign a task (central coordinators and administrators)",
)
def create_task(request: HttpRequest, payload: TaskIn) -> tuple[int, TaskOut]:
    directive = _directive(payload.directive)
    parent = _task(request, payload.parent) if payload.parent is not None else None
    task = actions.create_task(
        acting_user=_user(request),
        directive=directive,
        content=payload.content,
        lead_agency=_agency(payload.lead_agency, "lead_agency") if payload.lead_agency else None,
        coordinating_agencies=[
            _agency(code, "coordinating_agencies") for code in payload.coordinating_agencies
        ],
        deadline=payload.deadline,
        expected_result=payload.expected_result,
        is_key=payload.is_key,
        parent=parent,
        recurrence=Recurrence(payload.recurrence),
        recurrence_until=payload.recurrence_until,
    )
    return 201, _fresh(request, task)


@router.post(
    "/tasks/{int:task_id}/progress",
    response={201: ProgressOut},
    summary="Report progress (the lead agency)",
)
def report_progress(
    request: HttpRequest, task_id: int, payload: ProgressIn
) -> tuple[int, ProgressOut]:
    report = actions.report_progress(
        acting_user=_user(request),
        task=_task(request, task_id),
        percent=payload.percent,
        narrative=payload.narrative,
        reason=payload.reason,
    )
    return 201, ProgressOut(
        id=report.pk,
        task=report.task_id,
        percent=report.percent,
        narrative=report.narrative,
        reason=report.reason,
        author=report.author.get_username(),
        created_at=report.created_at,
    )


@router.post(
    "/tasks/{int:task_id}/done",
    response=TaskOut,
    summary="Report the task done (the lead agency); it then awaits confirmation",
)
def mark_done(request: HttpRequest, task_id: int, payload: DoneIn) -> TaskOut:
    task = actions.mark_task_done(
        acting_user=_user(request),
        task=_task(request, task_id),
        completed_on=payload.completed_on,
        narrative=payload.narrative,
    )
    return _fresh(request, task)


@router.post(
    "/tasks/{int:task_id}/confirm",
    response=TaskOut,
    summary="Confirm a task reported done (central coordinators and administrators)",
)
def confirm(request: HttpRequest, task_id: int) -> TaskOut:
    task = actions.confirm_task(
        acting_user=_user(request),
        task=_task(request, task_id),
    )
    return _fresh(request, task)


@router.post(
    "/tasks/{int:task_id}/return",
    response=TaskOut,
    summary="Return a task reported done, with the reason",
)
def return_task(request: HttpRequest, task_id: int, payload: ReasonIn) -> TaskOut:
    task = actions.return_task(
        acting_user=_user(request),
        task=_task(request, task_id),
        reason=payload.reason,
    )
    return _fresh(request, task)


@router.post("/tasks/{int:task_id}/postpone", response=TaskOut, summary="Postpone a task")
def postpone(request: HttpRequest, task_id: int, payload: ReasonIn) -> TaskOut:
    task = actions.postpone_task(
        acting_user=_user(request),
        task=_task(request, task_id),
        reason=payload.reason,
    )
    return _fresh(request, task)


@router.post("/tasks/{int:task_id}/cancel", response=TaskOut, summary="Cancel a task")
def cancel(request: HttpRequest, task_id: int, payload: ReasonIn) -> TaskOut:
    task = actions.cancel_task(
        acting_user=_user(request),
        task=_task(request, task_id),
        reason=payload.reason,
    )
    return _fresh(request, task)


@router.post("/tasks/{int:task_id}/resume", response=TaskOut, summary="Resume a postponed task")
def resume(request: HttpRequest, task_id: int, payload: ReasonIn) -> TaskOut:
    task = actions.resume_task(
        acting_user=_user(request),
        task=_task(request, task_id),
        reason=payload.reason,
    )
    return _fresh(request, task)


@router.post(
    "/tasks/{int:task_id}/extension-requests",
    response={201: ExtensionOut},
    summary="Request a later deadline (the lead agency)",
)
def request_extension(
    request: HttpRequest, task_id: int, payload: ExtensionIn
) -> tuple[int, ExtensionOut]:
    extension = actions.request_extension(
        acting_user=_user(request),
        task=_task(request, task_id),
        requested_deadline=payload.requested_deadline,
        reason=payload.reason,
    )
    return 201, _extension_out(extension)


@router.post(
    "/extension-requests/{int:extension_id}/decision",
    response=ExtensionOut,
    summary="Approve or refuse an extension request (central coordinators and administrators)",
)
def decide_extension(
    request: HttpRequest, extension_id: int, payload: ExtensionDecisionIn
) -> ExtensionOut:
    extension = (
        ExtensionRequest.objects.select_related("requested_by", "decided_by")
        .filter(pk=extension_id, task__in=tasks_for(request.user))
        .first()
        if could_be_id(extension_id)
        else None
    )
    if extension is None:
        raise Http404(_("No such extension request in your scope."))
    decided = actions.decide_extension(
        acting_user=_user(request),
        extension=extension,
        approve=payload.approve,
        note=payload.note,
    )
    decided.refresh_from_db()
    return _extension_out(decided)
