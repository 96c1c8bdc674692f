"""Pages for periodic reporting: the regime, completeness, the data-entry form, a report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxgov.audit.models import AuditEvent
from dxgov.core.errors import TransitionNotAllowed, refusal_text
from dxgov.core.roles import role_of
from dxgov.indicators.models import Indicator, ValueType
from dxgov.indicators.validation import Finding
from dxgov.orgunits.access import access_agency, agencies_in_scope
from dxgov.orgunits.models import Agency
from dxgov.reporting import access, actions, entry, periods, workflow
from dxgov.reporting.completeness import ranking
from dxgov.reporting.models import DataValue, Report, ReportDefinition
from dxgov.reporting.progress import Progress, progress_for
from dxgov.reporting.schedule import completeness_of, current_period, due_date_of

RANKING_PERIODS = 12


# --- periods ----------------------------------------------------------------------------------


def _period_from(request: HttpRequest, definition: ReportDefinition) -> periods.Period:
    code = request.GET.get("period", "").strip()
    if not code:
        return current_period(definition)
    try:
        return actions.parse_period_for(definition, code)
    except actions.WrongPeriod as exc:
        raise Http404(_("No such period for this report.")) from exc


def recent_periods(definition: ReportDefinition, count: int) -> list[periods.Period]:
    period = current_period(definition)
    result = [period]
    while len(result) < count:
        period = period.previous()
        result.append(period)
    return result


# --- completeness -----------------------------------------------------------------------------


def _expected(user: Any, definition: ReportDefinition) -> list[Agency]:
    in_scope = agencies_in_scope(user)
    return list(definition.reporting_agencies.filter(pk__in=in_scope.values("pk")))


@login_required
def definition_list(request: HttpRequest) -> HttpResponse:
    definitions = ReportDefinition.objects.filter(active=True).select_related("receiving_agency")
    rows = []
    for definition in definitions:
        period = current_period(definition)
        rows.append(
            {
                "definition": definition,
                "period": period,
                "due": due_date_of(definition, period),
                "stats": completeness_of(definition, period, _expected(request.user, definition)),
            }
        )
    mine = []
    user: Any = request.user
    if user.agency_id is not None and role_of(user) in access.ENTRY_ROLES:
        for definition in definitions.filter(reporting_agencies=user.agency):
            period = current_period(definition)
            report = Report.objects.filter(
                definition=definition, agency=user.agency, period=period.code
            ).first()
            mine.append(
                {
                    "definition": definition,
                    "period": period,
                    "report": report,
                    "due": due_date_of(definition, period),
                }
            )
    return render(request, "reporting/definition_list.html", {"rows": rows, "mine": mine})


@login_required
def definition_detail(request: HttpRequest, definition_id: int) -> HttpResponse:
    definition = access.access_definition(request.user, definition_id)
    period = _period_from(request, definition)
    agencies = _expected(request.user, definition)
    stats = completeness_of(definition, period, agencies)
    by_code = {a.code: a for a in agencies}
    reports = {
        r.agency.code: r
        for r in Report.objects.filter(
            definition=definition, period=period.code, agency__in=agencies
        ).select_related("agency")
    }
    status_of = {}
    for code in stats.on_time:
        status_of[code] = "on_time"
    for code in stats.sent_late:
        status_of[code] = "sent_late"
    for code in stats.overdue:
        status_of[code] = "overdue"
    for code in stats.pending:
        status_of[code] = "pending"
    table: list[dict[str, Any]] = [
        {"agency": by_code[code], "report": reports.get(code), "state": status_of[code]}
        for code in stats.expected
    ]
    table.sort(key=lambda row: (row["state"] != "overdue", str(row["state"]), by_code_path(row)))
    context = {
        "definition": definition,
        "period": period,
        "due": due_date_of(definition, period),
        "stats": stats,
        "table": table,
        "periods": recent_periods(definition, RANKING_PERIODS),
        "indicators": [f.indicator for f in definition.fields.select_related("indicator")],
    }
    return render(request, "reporting/definition_detail.html", context)


def by_code_path(row: dict[str, Any]) -> str:
    agency: Agency = row["agency"]
    return agency.path


@login_required
def compliance(request: HttpRequest, definition_id: int) -> HttpResponse:
    """Agencies ranked by reporting on time over the last twelve periods."""
    definition = access.access_definition(request.user, definition_id)
    agencies = _expected(request.user, definition)
    recent = recent_periods(definition, RANKING_PERIODS)
    ranked = ranking(completeness_of(definition, p, agencies) for p in recent)
    names = {a.code: a for a in agencies}
    rows = [{"rank": rank, "row": row, "agency": names[row.agency]} for rank, row in ranked]
    return render(
        request,
        "reporting/compliance.html",
        {"definition": definition, "rows": rows, "first": recent[-1], "last": recent[0]},
    )


# --- the form -----------------------------------------------------------------------------------


def _form_target(
    definition: ReportDefinition, agency_code: str, period_code: str, user: Any
) -> tuple[Agency, periods.Period]:
    agency = access_agency(user, agency_code)
    if not definition.reporting_agencies.filter(pk=agency.pk).exists():
        raise Http404(_("This agency does not send this report."))
    try:
        period = actions.parse_period_for(definition, period_code)
    except actions.WrongPeriod as exc:
        raise Http404(_("No such period for this report.")) from exc
    return agency, period


def _inputs(request: HttpRequest, form: entry.FormContext) -> list[entry.ValueInput]:
    data = request.POST
    inputs = []
    for indicator in form.indicators:
        code = indicator.code
        version = data.get(f"version-{code}", "")
        seen = int(version) if version.isdigit() else None
        inputs.append(
            entry.ValueInput(
                indicator_code=code,
                value=data.get(f"value-{code}"),
                numerator=data.get(f"num-{code}"),
                denominator=data.get(f"den-{code}"),
                comment=data.get(f"comment-{code}", "")[:2000],
                version=seen,
                clear=seen is not None and _emptied(data, indicator),
            )
        )
    return inputs


def _emptied(data: Any, indicator: Indicator) -> bool:
    """Whether the form sent its figure's fields, all blank: the user emptied a value the form
    showed (its version came with it), which is how the form asks to clear it. A field not
    sent at all asks nothing."""
    names = ("num", "den") if indicator.value_type == ValueType.RATIO else ("value",)
    fields = [data.get(f"{name}-{indicator.code}") for name in names]
    return all(field is not None and not field.strip() for field in fields)


def _rows(
    form: entry.FormContext,
    typed: dict[str, dict[str, Any]],
    findings: dict[str, list[Finding]],
    targets: dict[str, Progress],
) -> list[dict[str, Any]]:
    rows = []
    for indicator in form.indicators:
        code = indicator.code
        problems = findings.get(code, [])
        rows.append(
            {
                "indicator": indicator,
                "is_ratio": indicator.value_type == ValueType.RATIO,
                "is_boolean": indicator.value_type == ValueType.BOOLEAN,
                "typed": typed[code],
                "findings": problems,
                "state": _state(problems, typed[code]),
                "target": targets.get(code),
                "previous": form.previous.get(code),
            }
        )
    return rows


def _state(problems: list[Finding], typed: dict[str, Any]) -> str:
    if any(p.severity == "error" for p in problems):
        return "error"
    if problems:
        return "ok" if typed.get("comment", "").strip() else "warning"
    has_value = any(str(typed.get(k, "")).strip() for k in ("value", "numerator", "denominator"))
    return "ok" if has_value else "empty"


def targets_for(form: entry.FormContext) -> dict[str, Progress]:
    """Each indicator's target for the form's agency (by the target's scope: none when the
    targets are for other agencies) and the agency's year up to the form's period judged
    against it, like with like (reporting.progress)."""
    return progress_for(form.indicators, form.agency, form.period.year, as_of=form.period)


def _typed_from_inputs(inputs: list[entry.ValueInput]) -> dict[str, dict[str, Any]]:
    return {
        i.indicator_code: {
            "value": i.value or "",
            "numerator": i.numerator or "",
            "denominator": i.denominator or "",
            "comment": i.comment,
            "version": "" if i.version is None else i.version,
        }
        for i in inputs
    }


def _typed_from_store(form: entry.FormContext) -> dict[str, dict[str, Any]]:
    typed = {}
    for indicator in form.indicators:
        stored = form.stored.get(indicator.code)
        typed[indicator.code] = {
            **entry.typed(indicator, stored),
            "comment": stored.comment if stored else "",
        }
    return typed


@login_required
def data_form(
    request: HttpRequest, definition_id: int, agency_code: str, period: str
) -> HttpResponse:
    definition = access.access_definition(request.user, definition_id)
    agency, the_period = _form_target(definition, agency_code, period, request.user)
    report = Report.objects.filter(
        definition=definition, agency=agency, period=the_period.code
    ).first()
    form = entry.FormContext.load(definition, agency, the_period)
    may_edit = access.may_enter(request.user, agency) and (report is None or report.editable)
    findings: dict[str, list[Finding]] = {}
    if request.method == "POST":
        if not access.may_enter(request.user, agency):
            access.require(False, _("Only the agency's officers and leaders enter its figures."))
        inputs = _inputs(request, form)
        try:
            outcome = actions.save_values(
                acting_user=request.user,
                definition=definition,
                agency=agency,
                period_code=the_period.code,
                inputs=inputs,
            )
        except actions.ValuesRefused as refused:
            findings = refused.findings
            typed = _typed_from_inputs(inputs)
            messages.error(
                request,
                _("Nothing was saved: correct the cells marked in red (or add a comment)."),
            )
            # 200, as Django forms do: a browser treats 4xx page loads as console errors.
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
        else:
            changed = len(outcome.created) + len(outcome.updated) + len(outcome.deleted)
            messages.success(
                request,
                _("Saved: %(changed)s values changed, %(same)s unchanged.")
                % {"changed": changed, "same": len(outcome.unchanged)},
            )
            if request.POST.get("then") == "submit" and outcome.report is not None:
                try:
                    actions.submit_report(acting_user=request.user, report=outcome.report)
                    messages.success(request, _("The report was submitted for approval."))
                except (ValidationError, TransitionNotAllowed) as exc:
                    messages.error(request, refusal_text(exc))
            return redirect(request.path)
    else:
        typed = _typed_from_store(form)
    targets = targets_for(form)
    context = {
        "definition": definition,
        "agency": agency,
        "period": the_period,
        "due": due_date_of(definition, the_period),
        "report": report,
        "may_edit": may_edit,
        "rows": _rows(form, typed, findings, targets),
    }
    return render(request, "reporting/data_form.html", context)


@login_required
@require_POST
def check_form(
    request: HttpRequest, definition_id: int, agency_code: str, period: str
) -> HttpResponse:
    """As the user types (htmx): every row's state, swapped in out of band. Saves nothing."""
    definition = access.access_definition(request.user, definition_id)
    agency, the_period = _form_target(definition, agency_code, period, request.user)
    form = entry.FormContext.load(definition, agency, the_period)
    inputs = _inputs(request, form)
    findings, _parsed = form.check(inputs)
    targets = targets_for(form)
    rows = _rows(form, _typed_from_inputs(inputs), findings, targets)
    return render(request, "reporting/_checks.html", {"rows": rows})


# --- a report -----------------------------------------------------------------------------------


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.access_report(request.user, report_id)
    definition = report.definition
    the_period = periods.parse_period(report.period)
    form = entry.FormContext.load(definition, report.agency, the_period)
    targets = targets_for(form)
    last_year = periods.Period(the_period.frequency, the_period.year - 1, the_period.index)
    same_last_year = {
        v.indicator.code: v
        for v in DataValue.objects.filter(
            agency=report.agency, period=last_year.code, category=""
        ).select_related("indicator")
    }
    rows = []
    for indicator in form.indicators:
        rows.append(
            {
                "indicator": indicator,
                "value": form.stored.get(indicator.code),
                "target": targets.get(indicator.code),
                "last_year": same_last_year.get(indicator.code),
            }
        )
    user: Any = request.user
    steps = workflow.steps_from(report.status, requires_acceptance=definition.requires_acceptance)
    allowed = {
        workflow.Step.SUBMIT: access.may_enter(user, report.agency),
        workflow.Step.APPROVE: access.may_approve(user, report.agency),
        workflow.Step.ACCEPT: access.may_receive(user, definition),
        workflow.Step.RETURN: (
            access.may_approve(user, report.agency)
            if report.status == "submitted"
            else access.may_receive(user, definition)
        ),
        workflow.Step.REOPEN: access.may_reopen(user),
    }
    history = AuditEvent.objects.filter(
        Q(target_type="reporting.report", target_id=str(report.pk))
        | Q(event_type="data_value.saved", data__report=report.pk)
    ).order_by("-seq")[:200]
    context = {
        "report": report,
        "definition": definition,
        "period": the_period,
        "rows": rows,
        "steps": [s for s in steps if allowed[s]],
        "history": history,
        "may_edit": report.editable and access.may_enter(user, report.agency),
    }
    return render(request, "reporting/report_detail.html", context)


STEP_ACTIONS = {
    "submit": lambda user, report, reason: actions.submit_report(acting_user=user, report=report),
    "approve": lambda user, report, reason: actions.approve_report(acting_user=user, report=report),
    "accept": lambda user, report, reason: actions.accept_report(acting_user=user, report=report),
    "return": lambda user, report, reason: actions.return_report(
        acting_user=user, report=report, reason=reason
    ),
    "reopen": lambda user, report, reason: actions.reopen_report(
        acting_user=user, report=report, reason=reason
    ),
}


@login_required
@require_POST
def report_step(request: HttpRequest, report_id: int, step: str) -> HttpResponse:
    report = access.access_report(request.user, report_id)
    if step not in STEP_ACTIONS:
        raise Http404(_("No such action."))
    try:
        STEP_ACTIONS[step](request.user, report, request.POST.get("reason", "")[:2000])
    except (ValidationError, TransitionNotAllowed) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("reporting:report_detail", report_id=report.pk)
