"""Public-investment pages that write: a new project, the disbursement update (with its live
green / red check), the month's progress with evidence, a decision or adjustment, a capital
plan decision, the schedule, a milestone reached, the stalled flag, the Excel import and the
weekly cycle's thresholds.

Each form is plain HTML read here into `rules.py`'s inputs and saved by an action. A red
update re-renders the form (422) with what was typed, an error summary ("There is a problem
to fix") linking to each field, and each field's reason beside it; nothing is saved.
Only the investor's officers and leaders (and administrators) reach the forms (403 for the
others, 404 outside the scope); the thresholds are the coordinators'.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxgov.core import formats
from dxgov.core.roles import role_of
from dxgov.investments import access, actions, excel, imports, planyear, rules, summary
from dxgov.investments.models import (
    AllocationKind,
    Category,
    DecisionKind,
    DelayCause,
    DisbursementKind,
    FundingSource,
    InvestmentProject,
    ProjectGroup,
    Stage,
)
from dxgov.orgunits.access import agencies_in_scope
from dxgov.orgunits.models import Agency, AgencyKind, OrgUnit

SOURCE_LABELS = dict(FundingSource.choices)
MILESTONE_ROWS = 6
MAX_UPLOADS = 10


# --- helpers --------------------------------------------------------------------------------


def _day(data: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> date | None:
    text = str(data.get(name, "")).strip()
    if not text:
        return None
    try:
        return formats.parse_date(text)
    except formats.InvalidDate:
        errors.setdefault(name, []).append(
            _("“%(text)s” is not a date: write dd/mm/yyyy.") % {"text": text[:20]}
        )
        return None


def _year(data: Mapping[str, Any], default: int) -> int:
    text = str(data.get("plan_year", "")).strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else default


def _summary(errors: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, message) for name, found in errors.items() for message in found]


def _red(
    request: HttpRequest, template: str, context: dict[str, Any], errors: dict[str, list[str]]
) -> HttpResponse:
    context.update(errors=errors, error_summary=_summary(errors), typed=request.POST)
    return render(request, template, context, status=422)


def _entry_project(request: HttpRequest, project_id: int) -> InvestmentProject:
    project = access.access_project(request.user, project_id)
    access.require_entry(request.user, project)
    return project


def _to_detail(project: InvestmentProject) -> HttpResponseRedirect:
    return redirect(reverse("investments:project_detail", args=[project.pk]))


# --- a new project --------------------------------------------------------------------------


def investor_choices(user: Any) -> list[Agency]:
    """Agencies in scope that invest: ministries, provincial People's Committees and
    provincial departments (a commune's projects are its province's)."""
    return list(
        agencies_in_scope(user)
        .current()
        .filter(
            kind__in=[AgencyKind.MINISTRY, AgencyKind.DEPARTMENT, AgencyKind.PEOPLE_COMMITTEE],
            parent__isnull=False,
        )
        .exclude(kind=AgencyKind.PEOPLE_COMMITTEE, parent__parent__isnull=False)
        .order_by("path")
    )


def _project_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "investors": investor_choices(request.user),
        "groups": ProjectGroup.choices,
        "categories": Category.choices,
        "stages": Stage.choices,
        "provinces": OrgUnit.objects.filter(level="province", valid_to__isnull=True).order_by(
            "name"
        ),
        "errors": {},
        "typed": {},
    }


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    access.require(
        role_of(request.user) in access.ENTRY_ROLES,
        _("Only investors' officers and leaders register projects."),
    )
    context = _project_context(request)
    if request.method != "POST":
        return render(request, "investments/project_new.html", context)
    data = request.POST
    errors: dict[str, list[str]] = {}
    investor = agencies_in_scope(request.user).filter(code=data.get("investor", "")).first()
    if investor is None:
        errors["investor"] = [_("Choose the investor.")]
    province = None
    if data.get("province"):
        province = OrgUnit.objects.filter(
            level="province", code=data["province"], valid_to__isnull=True
        ).first()
    if errors or investor is None:
        return _red(request, "investments/project_new.html", context, errors)
    try:
        project = actions.create_project(
            acting_user=request.user,
            data=actions.NewProject(
                code=data.get("code", ""),
                name=data.get("name", ""),
                investor=investor,
                group=data.get("group", ""),
                category=data.get("category", ""),
                stage=data.get("stage", Stage.PREPARATION),
                province=province,
            ),
        )
    except actions.UpdateRefused as refused:
        return _red(request, "investments/project_new.html", context, refused.findings)
    messages.success(request, _("Project %(code)s registered.") % {"code": project.code})
    return _to_detail(project)


# --- disbursement ----------------------------------------------------------------------------


def _sources(project: InvestmentProject, plan_year: int) -> list[dict[str, Any]]:
    """The sources of the project's plan this year, with the plan and the latest figure."""
    plans = summary.plan_totals(plan_year, [project.pk])
    found = []
    for source in rules.SOURCES:
        total, assigned = plans.get((project.pk, source), (0, 0))
        if total or assigned:
            found.append(
                {
                    "code": source,
                    "label": SOURCE_LABELS[source],
                    "plan": total,
                    "assigned": assigned,
                    "latest": actions.latest_disbursed(project.pk, plan_year, source),
                }
            )
    return found


def _plan_years(project: InvestmentProject) -> list[int]:
    today = timezone.localdate()
    years = set(project.allocations.values_list("plan_year", flat=True))
    years.add(planyear.current_plan_year(today))
    return sorted((y for y in years if y <= today.year), reverse=True)


def _disbursement_context(project: InvestmentProject, plan_year: int) -> dict[str, Any]:
    return {
        "project": project,
        "plan_year": plan_year,
        "years": _plan_years(project),
        "sources": _sources(project, plan_year),
        "kinds": DisbursementKind.choices,
        "today": timezone.localdate(),
        "errors": {},
        "typed": {},
    }


def _disbursement_rows(
    project: InvestmentProject, data: Mapping[str, Any], plan_year: int
) -> tuple[list[actions.DisbursementUpdate], list[str], dict[str, list[str]]]:
    """The typed form as one update per source with a figure, and the findings that need
    no stored figure (the date, nothing typed, the total)."""
    errors: dict[str, list[str]] = {}
    as_of = _day(data, "as_of", errors)
    if not str(data.get("as_of", "")).strip():
        errors["as_of"] = [_("Give the date the figures are as of (dd/mm/yyyy).")]
    kind = str(data.get("kind", ""))
    rows, sources = [], []
    for source in rules.SOURCES:
        typed = str(data.get(f"value-{source}", "")).strip()
        if typed:
            sources.append(source)
            rows.append(
                actions.DisbursementUpdate(
                    project, plan_year, source, as_of, kind, typed, str(data.get("note", ""))
                )
            )
    if not rows:
        errors["value"] = [_("Type the cumulative disbursed value of at least one source.")]
    parsed = {}
    for source in sources:
        try:
            parsed[source] = rules.parse_amount(str(data.get(f"value-{source}", "")))
        except rules.InvalidAmount:
            continue
    problem = rules.check_sources_total(data.get("total"), parsed)
    if problem:
        errors["total"] = [problem]
    return rows, sources, errors


def _row_errors(
    sources: list[str], findings: Mapping[int, rules.Findings], errors: dict[str, list[str]]
) -> dict[str, list[str]]:
    for index, found in findings.items():
        for name, messages_ in found.items():
            target = f"value-{sources[index]}" if name in {"value", "source"} else name
            for message in messages_:
                if message not in errors.get(target, []):
                    errors.setdefault(target, []).append(message)
    return errors


def _check(
    project: InvestmentProject, data: Mapping[str, Any], plan_year: int
) -> dict[str, list[str]]:
    rows, sources, errors = _disbursement_rows(project, data, plan_year)
    if rows and "as_of" not in errors:
        verdicts = actions.check_disbursements(rows)
        _row_errors(sources, {i: v.findings for i, v in enumerate(verdicts)}, errors)
    return errors


@login_required
def disbursement_form(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _entry_project(request, project_id)
    data = request.POST if request.method == "POST" else request.GET
    plan_year = _year(data, planyear.current_plan_year(timezone.localdate()))
    context = _disbursement_context(project, plan_year)
    if request.method != "POST":
        return render(request, "investments/disbursement_form.html", context)
    rows, sources, errors = _disbursement_rows(project, request.POST, plan_year)
    if errors:
        if rows and "as_of" not in errors:
            verdicts = actions.check_disbursements(rows)
            _row_errors(sources, {i: v.findings for i, v in enumerate(verdicts)}, errors)
        return _red(request, "investments/disbursement_form.html", context, errors)
    try:
        outcome = actions.save_disbursements(acting_user=request.user, rows=rows)
    except actions.RowsRefused as refused:
        errors = _row_errors(sources, refused.rows, {})
        return _red(request, "investments/disbursement_form.html", context, errors)
    messages.success(
        request,
        _("Disbursement saved: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
        % {
            "created": outcome.count("created"),
            "updated": outcome.count("updated"),
            "unchanged": outcome.count("unchanged"),
        },
    )
    return _to_detail(project)


@login_required
@require_POST
def disbursement_check(request: HttpRequest, project_id: int) -> HttpResponse:
    """The live check as the officer types: each field green or red, nothing saved."""
    project = _entry_project(request, project_id)
    plan_year = _year(request.POST, planyear.current_plan_year(timezone.localdate()))
    errors = _check(project, request.POST, plan_year)
    sources = _sources(project, plan_year)
    # The form has a total only beside several sources: no answer for a field it lacks.
    fields = ["as_of", "kind", "note", "value"] + (["total"] if len(sources) > 1 else [])
    fields += [f"value-{s['code']}" for s in sources]
    typed = {name: bool(str(request.POST.get(name, "")).strip()) for name in fields}
    return render(
        request,
        "investments/_checks.html",
        {"fields": fields, "errors": errors, "typed": typed, "ok": not errors},
    )


# --- monthly progress -----------------------------------------------------------------------


def _month(text: str) -> date | None:
    text = text.strip()
    for separator in ("-", "/"):
        parts = text.split(separator)
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            first, second = (int(p) for p in parts)
            year, month = (first, second) if first > 12 else (second, first)
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return date(year, month, 1)
    return None


@login_required
def progress_form(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _entry_project(request, project_id)
    today = timezone.localdate()
    context = {
        "project": project,
        "causes": DelayCause.choices,
        "default_month": f"{today:%m/%Y}",
        "errors": {},
        "typed": {},
    }
    if request.method != "POST":
        return render(request, "investments/progress_form.html", context)
    data = request.POST
    errors: dict[str, list[str]] = {}
    month = _month(data.get("month", ""))
    if month is None and data.get("month"):
        errors["month"] = [_("Write the month as mm/yyyy.")]
    as_of = _day(data, "as_of", errors)
    uploads = [
        actions.Upload(f.name or "", f.read()) for f in request.FILES.getlist("files")[:MAX_UPLOADS]
    ]
    if errors:
        return _red(request, "investments/progress_form.html", context, errors)
    try:
        actions.save_progress(
            acting_user=request.user,
            project=project,
            data=rules.ProgressInput(
                month=month,
                as_of=as_of,
                percent=data.get("percent", ""),
                accepted=data.get("accepted", ""),
                causes=data.getlist("causes"),
                note=data.get("note", ""),
                reason=data.get("reason", ""),
            ),
            uploads=uploads,
        )
    except actions.UpdateRefused as refused:
        return _red(request, "investments/progress_form.html", context, refused.findings)
    messages.success(request, _("Progress saved."))
    return _to_detail(project)


# --- decisions -------------------------------------------------------------------------------


@login_required
def decision_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _entry_project(request, project_id)
    current = actions.current_milestones(project)
    latest = project.decisions.order_by("-version").first()
    context = {
        "project": project,
        "kinds": DecisionKind.choices,
        "suggested_kind": rules.ADJUSTMENT
        if latest and latest.kind != rules.POLICY
        else (rules.INVESTMENT if latest else rules.POLICY),
        "latest": latest,
        "sources": [(s, SOURCE_LABELS[s]) for s in rules.SOURCES],
        "milestone_rows": [
            (i, current[i] if i < len(current) else None) for i in range(MILESTONE_ROWS)
        ],
        "errors": {},
        "typed": {},
    }
    if request.method != "POST":
        return render(request, "investments/decision_new.html", context)
    data = request.POST
    errors: dict[str, list[str]] = {}
    milestones = []
    for index in range(MILESTONE_ROWS):
        name = data.get(f"milestone-{index}-name", "").strip()
        day = _day(data, f"milestone-{index}-date", errors)
        if name or day:
            milestones.append(rules.MilestoneInput(name, day))
    dates = {name: _day(data, name, errors) for name in ("signed_on", "start", "end")}
    if errors:
        return _red(request, "investments/decision_new.html", context, errors)
    try:
        actions.record_decision(
            acting_user=request.user,
            project=project,
            data=rules.DecisionInput(
                kind=data.get("kind", ""),
                number=data.get("number", ""),
                signed_on=dates["signed_on"],
                total=data.get("total", ""),
                sources={s: data.get(f"source-{s}", "") for s in rules.SOURCES},
                start=dates["start"],
                end=dates["end"],
                milestones=milestones,
                reason=data.get("reason", ""),
            ),
        )
    except actions.UpdateRefused as refused:
        return _red(request, "investments/decision_new.html", context, refused.findings)
    messages.success(
        request,
        _("Decision recorded: the baseline is now version %(v)d.")
        % {"v": project.decisions.count()},
    )
    return _to_detail(project)


# --- capital plans ---------------------------------------------------------------------------


@login_required
def allocation_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _entry_project(request, project_id)
    receivers = (
        access.projects_for(request.user)
        .filter(managing_agency=project.managing_agency)
        .exclude(pk=project.pk)
        .order_by("code")[:500]
    )
    context = {
        "project": project,
        "kinds": AllocationKind.choices,
        "sources": FundingSource.choices,
        "receivers": receivers,
        "default_year": planyear.current_plan_year(timezone.localdate()),
        "errors": {},
        "typed": {},
    }
    if request.method != "POST":
        return render(request, "investments/allocation_new.html", context)
    data = request.POST
    errors: dict[str, list[str]] = {}
    decided_on = _day(data, "decided_on", errors)
    receiver = None
    if data.get("kind") == rules.TRANSFER and data.get("receiver"):
        receiver = access.projects_for(request.user).filter(code=data["receiver"]).first()
    if errors:
        return _red(request, "investments/allocation_new.html", context, errors)
    try:
        actions.record_allocation(
            acting_user=request.user,
            project=project,
            data=rules.AllocationInput(
                plan_year=_year(data, 0),
                source=data.get("source", ""),
                kind=data.get("kind", ""),
                amount=data.get("amount", ""),
                assigned=data.get("assigned", ""),
                number=data.get("number", ""),
                decided_on=decided_on,
                reason=data.get("reason", ""),
            ),
            receiver=receiver,
        )
    except actions.UpdateRefused as refused:
        return _red(request, "investments/allocation_new.html", context, refused.findings)
    messages.success(request, _("Capital plan recorded."))
    return _to_detail(project)


# --- the schedule ----------------------------------------------------------------------------


@login_required
def schedule_form(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _entry_project(request, project_id)
    data = request.POST if request.method == "POST" else request.GET
    plan_year = _year(data, planyear.current_plan_year(timezone.localdate()))
    stored = project.schedules.filter(plan_year=plan_year).first()
    plan = sum(t for (_p, _s), (t, _a) in summary.plan_totals(plan_year, [project.pk]).items())
    months = planyear.month_ends(plan_year)
    values = (
        list(stored.months)
        if stored
        else [round(planyear.USUAL_CURVE[i] / planyear.USUAL_CURVE[-1] * plan) for i in range(13)]
    )
    context = {
        "project": project,
        "plan_year": plan_year,
        "plan": plan,
        "rows": list(zip(range(13), months, values, strict=True)),
        "stored": stored,
        "errors": {},
        "typed": {},
    }
    if request.method != "POST":
        return render(request, "investments/schedule_form.html", context)
    try:
        actions.set_schedule(
            acting_user=request.user,
            project=project,
            plan_year=plan_year,
            months=[request.POST.get(f"month-{i}", "") for i in range(13)],
        )
    except actions.UpdateRefused as refused:
        return _red(request, "investments/schedule_form.html", context, refused.findings)
    messages.success(request, _("Schedule saved."))
    return _to_detail(project)


# --- milestones, the stalled flag -----------------------------------------------------------


@login_required
@require_POST
def milestone_done(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _entry_project(request, project_id)
    errors: dict[str, list[str]] = {}
    day = _day(request.POST, "achieved_on", errors)
    try:
        if errors:
            raise actions.UpdateRefused(errors)
        actions.record_milestone(
            acting_user=request.user,
            project=project,
            name=request.POST.get("milestone", ""),
            achieved_on=day,
        )
    except actions.UpdateRefused as refused:
        messages.error(request, " ".join(m for found in refused.findings.values() for m in found))
    else:
        messages.success(request, _("Milestone recorded as reached."))
    return _to_detail(project)


@login_required
@require_POST
def stalled(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _entry_project(request, project_id)
    try:
        actions.set_stalled(
            acting_user=request.user,
            project=project,
            stalled=request.POST.get("stalled") == "1",
            reason=request.POST.get("reason", ""),
        )
    except actions.UpdateRefused as refused:
        messages.error(request, " ".join(m for found in refused.findings.values() for m in found))
    else:
        messages.success(request, _("Stalled-project flag saved."))
    return _to_detail(project)


# --- Excel -----------------------------------------------------------------------------------


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        excel.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-dau-tu-cong.xlsx"'
    return response


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    access.require(
        role_of(request.user) in access.ENTRY_ROLES,
        _("Only investors' officers and leaders import figures."),
    )
    context: dict[str, Any] = {"result": None, "errors": {}}
    if request.method != "POST":
        return render(request, "investments/import.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["errors"] = {"file": [_("Choose the filled template (.xlsx).")]}
        context["error_summary"] = _summary(context["errors"])
        return render(request, "investments/import.html", context, status=422)
    dry_run = request.POST.get("dry_run") == "1"
    result = imports.import_workbook(acting_user=request.user, data=upload.read(), dry_run=dry_run)
    context["result"] = result
    if not result.ok:
        return render(request, "investments/import.html", context, status=422)
    if not dry_run:
        messages.success(
            request,
            _(
                "Imported: %(projects)d projects, %(allocations)d plan decisions, "
                "%(disbursements)d disbursement figures."
            )
            % {
                "projects": result.projects,
                "allocations": result.allocations,
                "disbursements": sum(
                    n for status, n in result.disbursements.items() if status != "unchanged"
                ),
            },
        )
        return redirect(reverse("investments:project_list"))
    return render(request, "investments/import.html", context)


# --- the weekly cycle's thresholds -----------------------------------------------------------


def _ratio(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


@login_required
def cycle_settings(request: HttpRequest) -> HttpResponse:
    if not access.may_configure(request.user):
        raise PermissionDenied(_("Only coordinators change the weekly cycle's thresholds."))
    current = summary.thresholds()
    context: dict[str, Any] = {"current": current, "errors": {}, "typed": {}}
    if request.method != "POST":
        return render(request, "investments/settings.html", context)
    values = {
        name: _ratio(request.POST.get(name, ""))
        for name in ("good_from", "unable_below", "grace_share")
    }
    errors = {
        name: [_("Type a number such as 0,9.")] for name, value in values.items() if value is None
    }
    if errors:
        return _red(request, "investments/settings.html", context, errors)
    try:
        actions.save_settings(
            acting_user=request.user,
            good_from=values["good_from"] or 0.0,
            unable_below=values["unable_below"] or 0.0,
            grace_share=values["grace_share"] or 0.0,
        )
    except actions.UpdateRefused as refused:
        return _red(request, "investments/settings.html", context, refused.findings)
    messages.success(request, _("Thresholds saved; this week's projects are classified again."))
    return redirect(reverse("investments:weekly"))
