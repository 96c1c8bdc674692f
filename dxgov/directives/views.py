"""Pages for directives and tasks: lists, details with htmx actions, statistics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dxgov.core.errors import TransitionNotAllowed, refusal_text
from dxgov.core.forms import DayField
from dxgov.core.roles import AGENCY_STAFF_ROLES, is_central
from dxgov.core.text import fold
from dxgov.directives import actions, excel, rules, summary, timeline
from dxgov.directives.access import access_attachment, access_task, tasks_for
from dxgov.directives.models import (
    Directive,
    DirectiveKind,
    ExtensionState,
    Task,
    TaskRecurrence,
    TaskStatus,
)
from dxgov.directives.rules import Recurrence
from dxgov.orgunits.access import agencies_in_scope, sees_everything
from dxgov.orgunits.models import Agency, AgencyKind

PAGE_SIZE = 50


def _effective_status() -> Case:
    """Open past its deadline counts as overdue even before the nightly sweep (as stats.py)."""
    today = timezone.localdate()
    return Case(
        When(status=TaskStatus.OPEN, deadline__lt=today, then=Value(TaskStatus.OVERDUE.value)),
        default=F("status"),
        output_field=CharField(),
    )


def _counts(tasks: QuerySet[Task]) -> dict[str, int]:
    rows = tasks.order_by().annotate(counted=_effective_status()).values_list("counted")
    return dict(rows.annotate(n=Count("id")))


def _counts_by_agency(tasks: QuerySet[Task]) -> dict[str, dict[str, int]]:
    """Counts per lead agency and status in one grouped query."""
    by_agency: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        tasks.order_by()
        .annotate(counted=_effective_status())
        .values_list("lead_agency__code", "counted")
        .annotate(n=Count("id"))
    )
    for code, status, n in rows:
        by_agency[code][status] = n
    return by_agency


def _overall(by_agency: dict[str, dict[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for counts in by_agency.values():
        for status, n in counts.items():
            totals[status] += n
    return totals


if TYPE_CHECKING:
    # Generic only for type checkers: Django's Paginator takes no subscript at run time.
    _TaskPaginator = Paginator[Task]
else:
    _TaskPaginator = Paginator


class CountedPaginator(_TaskPaginator):
    """A paginator told the count already known from the status counts (one scan saved)."""

    def __init__(self, object_list: QuerySet[Task], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- directives ----------------------------------------------------------------------------


@login_required
def directive_list(request: HttpRequest) -> HttpResponse:
    directives = Directive.objects.select_related("issuing_agency")
    kind, query = request.GET.get("kind", ""), request.GET.get("q", "").strip()[:100]
    if kind in DirectiveKind.values:
        directives = directives.filter(kind=kind)
    if query:
        directives = directives.filter(search_text__contains=fold(query))
    page = Paginator(directives, PAGE_SIZE).get_page(request.GET.get("page"))
    per_directive: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        tasks_for(request.user)
        .filter(directive__in=[d.pk for d in page])
        .order_by()
        .annotate(counted=_effective_status())
        .values_list("directive_id", "counted")
        .annotate(n=Count("id"))
    )
    for directive_id, status, n in rows:
        per_directive[directive_id][status] = n
    items = [(d, summary.summarise(per_directive[d.pk])) for d in page]
    context = {
        "page": page,
        "items": [(d, s, summary.sentence(s)) for d, s in items],
        "kinds": DirectiveKind.choices,
        "kind": kind,
        "query": query,
        "scoped": not sees_everything(request.user),
    }
    return render(request, "directives/directive_list.html", context)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))


@login_required
def directive_detail(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = Directive.objects.select_related("issuing_agency").filter(pk=directive_id).first()
    if directive is None:
        raise Http404(_("No such directive."))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        uploads = _upload_from(request) or [actions.Upload("", b"")]
        try:
            actions.attach_to_directive(
                acting_user=request.user,  # type: ignore[arg-type]
                directive=directive,
                upload=uploads[0],
            )
            messages.success(request, _("File attached."))
            return redirect("directives:directive_detail", directive_id=directive.pk)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
    tasks = tasks_for(request.user).filter(directive=directive)
    stats = summary.summarise(_counts(tasks))
    context = {
        "directive": directive,
        "stats": stats,
        "sentence": summary.sentence(stats),
        "tasks": tasks.select_related("lead_agency").order_by("deadline", "pk")[:500],
        "attachments": directive.attachments.all(),
        "form": form,
        "can_attach": sees_everything(request.user),
        "task_form": TaskForm(),
        "agency_options": _agency_options(request.user),
        "scoped": not sees_everything(request.user),
    }
    return render(request, "directives/directive_detail.html", context)


# --- task lists ----------------------------------------------------------------------------


class TaskFilter(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=gettext_lazy("Search"))
    # A code in the query string; chosen by name from the agencies in the reader's scope.
    agency = forms.CharField(
        required=False, max_length=32, label=gettext_lazy("Agency"), widget=forms.Select
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("All statuses")), *TaskStatus.choices],
        label=gettext_lazy("Status"),
    )
    deadline_from = DayField(required=False, label=gettext_lazy("Deadline from"))
    deadline_to = DayField(required=False, label=gettext_lazy("Deadline to"))
    key = forms.BooleanField(required=False, label=gettext_lazy("Key tasks only"))
    directive = forms.IntegerField(required=False, widget=forms.HiddenInput)


def filter_tasks(tasks: QuerySet[Task], data: dict[str, Any]) -> QuerySet[Task]:
    if data.get("q"):
        # Content, expected result or directive number; any case, with or without marks.
        tasks = tasks.filter(search_text__contains=fold(data["q"]))
    if data.get("agency"):
        code = data["agency"]
        tasks = tasks.filter(
            Q(lead_agency__code=code) | Q(coordinating_agencies__code=code)
        ).distinct()
    if data.get("status"):
        tasks = tasks.filter(status=data["status"])
    if data.get("deadline_from"):
        tasks = tasks.filter(deadline__gte=data["deadline_from"])
    if data.get("deadline_to"):
        tasks = tasks.filter(deadline__lte=data["deadline_to"])
    if data.get("key"):
        tasks = tasks.filter(is_key=True)
    if data.get("directive"):
        tasks = tasks.filter(directive_id=data["directive"])
    return tasks


def _urgency() -> Case:
    """Open and overdue tasks first, then those awaiting confirmation, postponed, finished."""
    return Case(
        When(status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE], then=Value(0)),
        When(status=TaskStatus.AWAITING_CONFIRMATION, then=Value(1)),
        When(status=TaskStatus.POSTPONED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def _task_list(request: HttpRequest, *, mine: bool) -> HttpResponse:
    data = request.GET.copy()
    user_agency = getattr(request.user, "agency", None)
    if mine and user_agency is not None and not data.get("agency"):
        data["agency"] = user_agency.code
    form = _filter_form(request.user, data)
    tasks = tasks_for(request.user)
    if form.is_valid():
        tasks = filter_tasks(tasks, form.cleaned_data)
    tasks = tasks.select_related("directive", "lead_agency")
    if mine:
        # An agency's own list is its work to do: what is still open comes first, the nearest
        # deadline first; finished tasks follow. (The full list keeps the deadline order of
        # its index.)
        tasks = tasks.order_by(_urgency(), F("deadline").asc(nulls_last=True), "pk")
    else:
        tasks = tasks.order_by("deadline", "pk")
    stats = summary.summarise(_counts(tasks))
    page = CountedPaginator(tasks, PAGE_SIZE, stats.total).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "stats": stats,
        "sentence": summary.sentence(stats),
        "today": timezone.localdate(),
        "mine": mine,
        "querystring": _without_page(request),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "task-results":
        return render(request, "directives/_task_results.html", context)
    return render(request, "directives/task_list.html", context)


def _filter_form(user: Any, data: Any) -> TaskFilter:
    form = TaskFilter(data)
    _agency_choices(form, user, str(data.get("agency", "")))
    return form


def _agency_choices(form: TaskFilter, user: Any, current: str) -> None:
    """The agency filter as a select of names: the agencies in the reader's scope grouped by
    kind (and the one in the query string, should it be outside the suggestions)."""
    options = _agency_options(user)
    known = {code for code, _name in options}
    if current and current not in known:
        agency = Agency.objects.filter(code=current).only("name").first()
        options.append((current, agency.name if agency else current))
    kinds = dict(
        Agency.objects.filter(code__in=[code for code, _name in options]).values_list(
            "code", "kind"
        )
    )
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, name in options:
        groups[str(AgencyKind(kinds[code]).label) if code in kinds else ""].append((code, name))
    choices: list[Any] = [("", _("All agencies"))]
    for label, members in groups.items():
        members.sort(key=lambda option: option[1].casefold())
        if label:
            choices.append((label, members))
        else:
            choices.extend(members)
    form.fields["agency"].widget.choices = choices


def _agency_options(user: Any) -> list[tuple[str, str]]:
    """Suggestions for the agency filter: ministries and provinces for central roles, the
    user's own agency and the ones under it (at most 200) for everyone else."""
    if sees_everything(user):
        agencies = Agency.objects.current().filter(parent__code="CP")
    else:
        agencies = agencies_in_scope(user).current()
    return list(agencies.order_by("path").values_list("code", "name")[:200])


def _filtered(request: HttpRequest) -> tuple[TaskFilter, QuerySet[Task]]:
    """The reader's tasks narrowed by the filter form in the query string."""
    form = _filter_form(request.user, request.GET)
    tasks = tasks_for(request.user)
    if form.is_valid():
        tasks = filter_tasks(tasks, form.cleaned_data)
    return form, tasks


# The league table's two views: today's agencies (a ceased agency's tasks counted for the one
# that took over its work), or the agencies as they were when the tasks were assigned.
LEAGUE_VIEWS = ("as_is", "as_was")


@dataclass(frozen=True)
class LeagueEntry:
    row: summary.LeagueRow
    name: str
    note: str = ""  # the ceased agencies counted in (as is), or when it ceased (as was)


def _league_view(request: HttpRequest) -> str:
    view = request.GET.get("view", "")
    return view if view in LEAGUE_VIEWS else "as_is"


def _league(by_agency: dict[str, dict[str, int]], view: str) -> list[LeagueEntry]:
    """League rows with the agencies' names, each marked with what it stands for."""
    taken: dict[str, list[str]] = {}
    if view == "as_is":
        ceased = Agency.objects.filter(valid_to__isnull=False, successor__isnull=False)
        today_of = summary.agencies_of_today(dict(ceased.values_list("code", "successor__code")))
        by_agency, taken = summary.regroup(by_agency, today_of)
    codes = set(by_agency).union(*taken.values())
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=codes).only("code", "name", "valid_to")
    }

    def name(code: str) -> str:
        return agencies[code].name if code in agencies else code

    entries = []
    for row in summary.league(by_agency):
        agency, note = agencies.get(row.agency), ""
        if row.agency in taken:
            note = _("including the tasks of %(agencies)s") % {
                "agencies": "; ".join(name(code) for code in taken[row.agency])
            }
        elif agency is not None and agency.valid_to is not None:
            note = _("no longer exists since %(day)s") % {
                "day": (agency.valid_to + timedelta(days=1)).strftime("%d/%m/%Y")
            }
        entries.append(LeagueEntry(row, name(row.agency), note))
    return entries


def _with(request: HttpRequest, **values: str) -> str:
    query = request.GET.copy()
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    return _task_list(request, mine=False)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    return _task_list(request, mine=True)


# --- one task ------------------------------------------------------------------------------


class ProgressForm(forms.Form):
    percent = forms.IntegerField(min_value=0, max_value=100, label=gettext_lazy("Progress (%)"))
    narrative = forms.CharField(
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("What has been done"),
    )
    reason = forms.CharField(
        required=False,
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Reason for a decrease (required when progress goes down)"),
    )
    file = forms.FileField(required=False, label=gettext_lazy("Evidence (optional)"))


class DoneForm(forms.Form):
    completed_on = DayField(label=gettext_lazy("Completed on"))
    file = forms.FileField(label=gettext_lazy("Result / evidence"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Reason"),
    )


class ExtensionForm(forms.Form):
    requested_deadline = DayField(label=gettext_lazy("New deadline"))
    reason = forms.CharField(
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Reason"),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Note (required to refuse)"),
    )


def _task_context(request: HttpRequest, task: Task, **extra: Any) -> dict[str, Any]:
    user: Any = request.user
    central = is_central(user)
    lead = (
        user.role in AGENCY_STAFF_ROLES
        and agencies_in_scope(user).filter(pk=task.lead_agency_id).exists()
    )
    pending = task.extension_requests.filter(state=ExtensionState.PENDING).first()
    return {
        "task": task,
        "timeline": timeline.task_timeline(task),
        "coordinating": task.coordinating_agencies.all(),
        "pending_extension": pending,
        "is_central": central,
        "is_lead": lead,
        "today": timezone.localdate(),
        "progress_form": ProgressForm(),
        "done_form": DoneForm(initial={"completed_on": timezone.localdate()}),
        "reason_form": ReasonForm(),
        "extension_form": ExtensionForm(),
        "decision_form": DecisionForm(),
        **extra,
    }


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    return render(request, "directives/task_detail.html", _task_context(request, task))


def _run(request: HttpRequest, task: Task, form: forms.Form, do: Any) -> HttpResponse:
    """Run an action from a posted form; answer with the refreshed task panel (htmx) or page."""
    error = ""
    if form.is_valid():
        try:
            do(form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as exc:
            error = refusal_text(exc)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    task = access_task(request.user, task.pk)
    context = _task_context(request, task, action_error=error, action_ok=not error)
    if request.headers.get("HX-Request"):
        return render(request, "directives/_task_panel.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("directives:task_detail", task_id=task.pk)


@login_required
@require_POST
def task_action(request: HttpRequest, task_id: int, action: str) -> HttpResponse:
    task = access_task(request.user, task_id)
    user: Any = request.user
    handlers: dict[str, tuple[type[forms.Form], Any]] = {
        "progress": (
            ProgressForm,
            lambda d: actions.report_progress_with_evidence(
                acting_user=user,
                task=task,
                percent=d["percent"],
                narrative=d["narrative"],
                reason=d["reason"],
                uploads=_upload_from(request),
            ),
        ),
        "done": (
            DoneForm,
            lambda d: actions.mark_task_done_with_evidence(
                acting_user=user,
                task=task,
                completed_on=d["completed_on"],
                uploads=_upload_from(request),
            ),
        ),
        "confirm": (forms.Form, lambda d: actions.confirm_task(acting_user=user, task=task)),
        "return": (
            ReasonForm,
            lambda d: actions.return_task(acting_user=user, task=task, reason=d["reason"]),
        ),
        "extension": (
            ExtensionForm,
            lambda d: actions.request_extension(
                acting_user=user,
                task=task,
                requested_deadline=d["requested_deadline"],
                reason=d["reason"],
            ),
        ),
        "approve": (DecisionForm, lambda d: _decide(user, task, True, d["note"])),
        "refuse": (DecisionForm, lambda d: _decide(user, task, False, d["note"])),
    }
    if action not in handlers:
        raise Http404(_("No such action."))
    form_class, do = handlers[action]
    return _run(request, task, form_class(request.POST, request.FILES), do)


def _upload_from(request: HttpRequest) -> list[actions.Upload]:
    return [
        actions.Upload(name=f.name or "file", data=f.read()) for f in request.FILES.getlist("file")
    ]


def _decide(user: Any, task: Task, approve: bool, note: str) -> None:
    pending = task.extension_requests.filter(state=ExtensionState.PENDING).first()
    if pending is None:
        raise ValidationError(_("There is no pending extension request for this task."))
    actions.decide_extension(acting_user=user, extension=pending, approve=approve, note=note)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = access_attachment(request.user, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- statistics ----------------------------------------------------------------------------


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    form, tasks = _filtered(request)
    today = timezone.localdate()
    by_agency = _counts_by_agency(tasks)
    overall = summary.summarise(_overall(by_agency))
    view = _league_view(request)
    table = _league(by_agency, view)
    overdue = list(
        tasks.filter(status=TaskStatus.OVERDUE)
        .select_related("lead_agency", "directive")
        .order_by("deadline", "pk")[:100]
    )
    context = {
        "form": form,
        "overall": overall,
        "sentence": summary.sentence(overall),
        "by_status": [
            (label, overall_count(overall, value)) for value, label in TaskStatus.choices
        ],
        "league": table,
        "view": view,
        # The other view, one click away (the filters kept).
        "other_view": _with(request, view="as_was" if view == "as_is" else "as_is"),
        "overdue": [
            (task, summary.days_late(task.deadline, today)) for task in overdue if task.deadline
        ],
        "today": today,
        "scoped": not sees_everything(request.user),
        "querystring": request.GET.urlencode(),
    }
    return render(request, "directives/statistics.html", context)


def overall_count(s: summary.Summary, status: str) -> int:
    return {
        "open": s.in_progress - s.overdue - s.awaiting,
        "overdue": s.overdue,
        "done_on_time": s.on_time,
        "done_late": s.late,
        "awaiting_confirmation": s.awaiting,
        "postponed": s.postponed,
        "cancelled": s.cancelled,
    }[status]


# --- Excel -------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def task_export(request: HttpRequest) -> HttpResponse:
    """The filtered task list as .xlsx (the same filters and scope as the page)."""
    _form, tasks = _filtered(request)
    tasks = (
        tasks.select_related("directive", "lead_agency")
        .prefetch_related("coordinating_agencies")
        .order_by("deadline", "pk")
    )
    stamp = timezone.localdate().isoformat()
    return _xlsx(excel.tasks_workbook(excel.task_rows(tasks)), f"nhiem-vu-{stamp}.xlsx")


@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    _form, tasks = _filtered(request)
    by_agency = _counts_by_agency(tasks)
    overall = summary.summarise(_overall(by_agency))
    league_rows = [
        {
            _("Rank"): entry.row.rank,
            _("Agency"): entry.name,
            _("Tasks"): entry.row.summary.total,
            _("Completed"): entry.row.summary.completed,
            _("On time"): entry.row.summary.on_time,
            _("Late"): entry.row.summary.late,
            _("Overdue"): entry.row.summary.overdue,
            _("On-time rate"): entry.row.summary.on_time_rate,
            _("Note"): entry.note,
        }
        for entry in _league(by_agency, _league_view(request))
    ]
    workbook = excel.statistics_workbook(
        {
            _("Summary"): {
                _("Total"): overall.total,
                _("Completed"): overall.completed,
                _("In progress"): overall.in_progress,
                _("Overdue"): overall.overdue,
                _("On-time rate"): overall.on_time_rate,
            },
            _("By status"): {label: overall_count(overall, v) for v, label in TaskStatus.choices},
            _("League table"): league_rows,
        }
    )
    return _xlsx(workbook, f"thong-ke-nhiem-vu-{timezone.localdate().isoformat()}.xlsx")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(excel.import_template(), "mau-nhap-nhiem-vu.xlsx")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx) filled from the template"))
    dry_run = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Check only (save nothing)")
    )


@login_required
def task_import(request: HttpRequest) -> HttpResponse:
    if not sees_everything(request.user):
        raise PermissionDenied(
            _("Only a central coordinator or an administrator can import tasks.")
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.DXGOV_UPLOAD_MAX_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            result = actions.import_tasks(
                acting_user=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
    return render(request, "directives/task_import.html", {"form": form, "result": result})


# --- creating ----------------------------------------------------------------------------


class DirectiveForm(forms.Form):
    kind = forms.ChoiceField(choices=DirectiveKind.choices, label=gettext_lazy("Kind"))
    number = forms.CharField(
        max_length=rules.NUMBER_MAX,
        label=gettext_lazy("Number and symbol"),
        widget=forms.TextInput(attrs={"placeholder": "155/NQ-CP"}),
    )
    issued_on = DayField(label=gettext_lazy("Issued on"))
    issuing_agency = forms.CharField(
        max_length=rules.AGENCY_CODE_MAX, initial="CP", label=gettext_lazy("Issuing agency code")
    )
    title = forms.CharField(max_length=rules.TITLE_MAX, label=gettext_lazy("Title"))
    summary = forms.CharField(
        required=False,
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Summary"),
    )


def _agency_or_error(form: forms.Form, field: str, code: str) -> Agency | None:
    agency = Agency.objects.filter(code=code.strip()).first()
    if agency is None:
        form.add_error(field, _("No agency with code %(code)s.") % {"code": code})
    return agency


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    fields = set(form.fields)
    for field, messages_ in exc.message_dict.items():
        form.add_error(field if field in fields else None, " ".join(messages_))


@login_required
def directive_new(request: HttpRequest) -> HttpResponse:
    if not sees_everything(request.user):
        raise PermissionDenied(_("Only a central coordinator or an administrator can do this."))
    form = DirectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = _agency_or_error(form, "issuing_agency", data["issuing_agency"])
        if agency is not None:
            try:
                directive = actions.create_directive(
                    acting_user=request.user,  # type: ignore[arg-type]
                    kind=data["kind"],
                    number=data["number"],
                    issued_on=data["issued_on"],
                    issuing_agency=agency,
                    title=data["title"],
                    summary=data["summary"],
                )
                return redirect("directives:directive_detail", directive_id=directive.pk)
            except ValidationError as exc:
                _apply_errors(form, exc)
    return render(request, "directives/directive_new.html", {"form": form})


class TaskForm(forms.Form):
    content = forms.CharField(
        max_length=rules.CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Task"),
    )
    lead_agency = forms.CharField(
        max_length=rules.AGENCY_CODE_MAX,
        label=gettext_lazy("Lead agency code"),
        widget=forms.TextInput(attrs={"list": "agency-options", "autocomplete": "off"}),
    )
    coordinating_agencies = forms.CharField(
        required=False,
        label=gettext_lazy("Coordinating agency codes (comma-separated)"),
        # As many codes as the API takes, each with its comma and a space.
        max_length=rules.COORDINATING_MAX * (rules.AGENCY_CODE_MAX + 2),
    )
    deadline = DayField(required=False, label=gettext_lazy("Deadline"))
    recurrence = forms.ChoiceField(
        choices=TaskRecurrence.choices, initial="none", label=gettext_lazy("Recurs")
    )
    recurrence_until = DayField(required=False, label=gettext_lazy("Recurs until"))
    expected_result = forms.CharField(
        required=False, max_length=rules.CONTENT_MAX, label=gettext_lazy("Expected result")
    )
    is_key = forms.BooleanField(required=False, label=gettext_lazy("Key task"))


@login_required
@require_POST
def task_new(request: HttpRequest, directive_id: int) -> HttpResponse:
    if not sees_everything(request.user):
        raise PermissionDenied(_("Only a central coordinator or an administrator can do this."))
    directive = Directive.objects.filter(pk=directive_id).first()
    if directive is None:
        raise Http404(_("No such directive."))
    form = TaskForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        lead = _agency_or_error(form, "lead_agency", data["lead_agency"])
        codes = [c for c in (x.strip() for x in data["coordinating_agencies"].split(",")) if c]
        coordinating = [_agency_or_error(form, "coordinating_agencies", c) for c in codes]
        if lead is not None and all(coordinating):
            try:
                actions.create_task(
                    acting_user=request.user,  # type: ignore[arg-type]
                    directive=directive,
                    content=data["content"],
                    lead_agency=lead,
                    coordinating_agencies=[a for a in coordinating if a is not None],
                    deadline=data["deadline"],
                    expected_result=data["expected_result"],
                    is_key=data["is_key"],
                    recurrence=Recurrence(data["recurrence"]),
                    recurrence_until=data["recurrence_until"],
                )
                messages.success(request, _("Task assigned."))
                return redirect("directives:directive_detail", directive_id=directive.pk)
            except ValidationError as exc:
                _apply_errors(form, exc)
    errors = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    messages.error(request, errors)
    return redirect("directives:directive_detail", directive_id=directive.pk)
