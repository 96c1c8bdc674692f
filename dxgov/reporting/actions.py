"""Writes to reports and data values: each one transaction, validated, and audited.

Values are saved all-or-nothing: if any value breaks a hard rule, or has a warning and no
comment, or was changed by someone else since the form was opened (its version moved),
nothing is saved and ValuesRefused carries every finding, so the form can show each cell red
with its reason and keep what the user typed. The same path serves the web form, the API
and Excel uploads (`source` says which). Every changed value is one audit event (old → new).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.audit.models import EventType
from dxgov.audit.record import Entry, record, record_many
from dxgov.core.errors import TransitionNotAllowed
from dxgov.core.models import Holiday
from dxgov.core.roles import is_central
from dxgov.indicators.models import Indicator, Periodicity
from dxgov.indicators.validation import Finding
from dxgov.orgunits.models import Agency
from dxgov.reporting import access, entry, jobs, periods, signals, workflow
from dxgov.reporting.entry import ValueInput as ValueInput  # the callers' type, defined by the form
from dxgov.reporting.models import (
    DataValue,
    FormField,
    Report,
    ReportDefinition,
    ReportKind,
    ReportStatus,
)
from dxgov.reporting.schedule import due_date_of


class ValuesRefused(ValidationError):
    """Some values break a rule or conflict with a newer save; nothing was saved."""

    def __init__(self, findings: dict[str, list[Finding]]) -> None:
        self.findings = findings
        lines = [
            f"{code}: {finding.message}"
            for code, items in findings.items()
            for finding in items
            if finding.severity == "error" or finding.rule == "comment_required"
        ]
        super().__init__(lines or [_("The values were not saved.")])


class ReportLocked(ValidationError):
    """The report is submitted, approved or accepted: its values cannot change."""


class WrongPeriod(ValidationError):
    """The period does not match the report definition's frequency."""


@dataclass
class SaveOutcome:
    report: Report | None
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    dry_run: bool = False


# --- periods and deadlines ------------------------------------------------------------------


def parse_period_for(definition: ReportDefinition, code: str) -> periods.Period:
    try:
        period = periods.parse_period(code)
    except periods.InvalidPeriod as exc:
        raise WrongPeriod({"period": str(exc)}) from exc
    if period.frequency != definition.frequency:
        raise WrongPeriod(
            {
                "period": _("This report is %(frequency)s; %(period)s is not such a period.")
                % {"frequency": definition.get_frequency_display(), "period": code}
            }
        )
    return period


# --- values ---------------------------------------------------------------------------------


def _report_for_update(
    definition: ReportDefinition, agency: Agency, period: periods.Period
) -> Report | None:
    return (
        Report.objects.select_for_update()
        .filter(definition=definition, agency=agency, period=period.code)
        .first()
    )


def save_values(
    *,
    acting_user: Any,
    definition: ReportDefinition,
    agency: Agency,
    period_code: str,
    inputs: Sequence[ValueInput],
    dry_run: bool = False,
    source: str = "form",
) -> SaveOutcome:
    """Validate and save a report's values (all or nothing); a dry run saves nothing."""
    access.require(
        access.may_enter(acting_user, agency),
        _("Only the agency's officers and leaders enter its figures."),
    )
    if not definition.reporting_agencies.filter(pk=agency.pk).exists():
        raise ValidationError(
            {"agency": _("%(agency)s does not send this report.") % {"agency": agency.name}}
        )
    period = parse_period_for(definition, period_code)
    with transaction.atomic():
        outcome = _save_values(acting_user, definition, agency, period, inputs, source)
        if dry_run:
            outcome.dry_run = True
            transaction.set_rollback(True)
    if dry_run and outcome.report is not None and outcome.report.pk is None:
        outcome.report = None
    return outcome


def _save_values(
    acting_user: Any,
    definition: ReportDefinition,
    agency: Agency,
    period: periods.Period,
    inputs: Sequence[ValueInput],
    source: str,
) -> SaveOutcome:
    report = _report_for_update(definition, agency, period)
    if report is not None and not report.editable:
        raise ReportLocked(
            _("This report is %(status)s: its values are locked. A coordinator can reopen it.")
            % {"status": report.get_status_display().lower()}
        )
    form = entry.FormContext.load(definition, agency, period, lock=True)
    findings, parsed = form.check(inputs)
    for item in inputs:
        current = form.stored.get(item.indicator_code)
        if not item.check_version or item.indicator_code not in parsed:
            continue  # not checked, or nothing asked of it (its stored figure stays)
        seen = item.version
        stored_version = current.version if current is not None else None
        if seen != stored_version and parsed.get(item.indicator_code) != form.stored_parsed(
            item.indicator_code
        ):
            findings.setdefault(item.indicator_code, []).append(
                entry.conflict_finding(item.indicator_code, current)
            )
    if entry.blocks(findings):
        raise ValuesRefused(findings)
    entries: list[Entry] = []
    if report is None:
        report = Report.objects.create(
            definition=definition,
            agency=agency,
            period=period.code,
            due_date=due_date_of(definition, period),
        )
        # The report's own row is audited too (audit_state.py): its creation is an event.
        entries.append(_opened_entry(report, definition, agency))
    outcome = SaveOutcome(report=report, findings=findings)
    # Inputs that asked nothing (a blank row of a form) leave their figure as it is.
    outcome.unchanged.extend(
        dict.fromkeys(i.indicator_code for i in inputs if i.indicator_code not in parsed)
    )
    now = timezone.now()
    comments = {item.indicator_code: item.comment.strip() for item in inputs}
    created: list[DataValue] = []
    updated: list[DataValue] = []
    deleted: list[int] = []
    for code, new in parsed.items():
        indicator = form.by_code[code]
        stored = form.stored.get(code)
        comment = comments.get(code, "")
        old = form.stored_parsed(code)
        if stored is not None and old == new and stored.comment == comment:
            outcome.unchanged.append(code)
            continue
        if new is None:  # an explicit clear (validation.Intent.CLEAR)
            if stored is None:
                outcome.unchanged.append(code)
                continue
            deleted.append(stored.pk)
            outcome.deleted.append(code)
            entries.append(_value_entry(report, indicator, None, old, None, comment, source))
            continue
        fields = entry.value_fields(indicator, new)
        if stored is None:
            stored = DataValue(
                indicator=indicator,
                agency=agency,
                period=period.code,
                period_start=period.start,
                frequency=period.frequency.value,
                report=report,
                comment=comment,
                updated_by=acting_user,
                updated_at=now,
                **fields,
            )
            created.append(stored)
            outcome.created.append(code)
        else:
            for name, value in fields.items():
                setattr(stored, name, value)
            stored.comment = comment
            stored.report = report
            stored.version += 1
            stored.updated_by = acting_user
            stored.updated_at = now
            updated.append(stored)
            outcome.updated.append(code)
        entries.append(_value_entry(report, indicator, stored, old, new, comment, source))
    # A form of 200 values is a handful of statements, not hundreds: values in bulk, and the
    # audit events appended to the chain in one go (record_many), all in this transaction.
    if deleted:
        DataValue.objects.filter(pk__in=deleted).delete()
    DataValue.objects.bulk_create(created)
    DataValue.objects.bulk_update(updated, UPDATED_FIELDS)
    record_many(acting_user=acting_user, entries=entries)
    return outcome


UPDATED_FIELDS = [
    "value",
    "numerator",
    "denominator",
    "comment",
    "report",
    "version",
    "updated_by",
    "updated_at",
]


def _opened_entry(report: Report, definition: ReportDefinition, agency: Agency) -> Entry:
    return Entry(
        event_type=EventType.REPORT_CREATED,
        target_type=report._meta.label_lower,
        target_id=str(report.pk),
        agency_id=agency.pk,
        data={
            "definition": definition.code,
            "agency": agency.code,
            "period": report.period,
            "due_date": report.due_date,
        },
    )


def _value_entry(
    report: Report,
    indicator: Indicator,
    stored: DataValue | None,
    old: Any,
    new: Any,
    comment: str,
    source: str,
) -> Entry:
    return Entry(
        event_type=EventType.DATA_VALUE_SAVED,
        target_type="reporting.datavalue",
        target_id=f"{indicator.code}/{report.agency.code}/{report.period}",
        agency_id=report.agency_id,
        data={
            "report": report.pk,
            "indicator": indicator.code,
            "agency": report.agency.code,
            "period": report.period,
            "old": entry.as_text(old),
            "new": entry.as_text(new),
            "version": stored.version if stored is not None else None,
            "source": source,
        },
        reason=comment,
    )


# --- workflow -------------------------------------------------------------------------------


def _step(
    acting_user: Any,
    report: Report,
    step: workflow.Step,
    event_type: EventType,
    reason: str = "",
    at: datetime | None = None,
) -> Report:
    report = (
        Report.objects.select_for_update().select_related("definition", "agency").get(pk=report.pk)
    )
    now = timezone.now()
    earlier = {workflow.Step.APPROVE: report.submitted_at, workflow.Step.ACCEPT: report.approved_at}
    when = _step_time(report, at, now, not_before=earlier.get(step))
    try:
        status = workflow.next_status(
            report.status, step, requires_acceptance=report.definition.requires_acceptance
        )
    except workflow.StepNotAllowed as exc:
        raise TransitionNotAllowed(
            _("A report that is %(status)s cannot be %(step)s.")
            % {"status": report.get_status_display().lower(), "step": _step_label(step)},
            current=report.status,
            action=step.value,
        ) from exc
    old = report.status
    report.status = status
    if step == workflow.Step.SUBMIT:
        report.submitted_at, report.submitted_by = when, acting_user
        if report.first_submitted_at is None:
            report.first_submitted_at = when
    elif step == workflow.Step.APPROVE:
        report.approved_at, report.approved_by = when, acting_user
    elif step == workflow.Step.ACCEPT:
        report.accepted_at, report.accepted_by = when, acting_user
    if step in (workflow.Step.RETURN, workflow.Step.REOPEN):
        report.return_reason = reason
    report.save()
    record(
        event_type=event_type,
        acting_user=acting_user,
        target=report,
        agency_id=report.agency_id,
        data={
            "definition": report.definition.code,
            "agency": report.agency.code,
            "period": report.period,
            "status": {"old": old, "new": status},
            **({"at": when} if at is not None else {}),
        },
        reason=reason,
    )
    signals.report_changed(report)  # open dashboards hear of it on commit
    if at is None:  # a step recorded after the fact (history) tells no one now
        transaction.on_commit(lambda: jobs.announce_step(report.pk, step.value))
    return report


def _step_time(
    report: Report, at: datetime | None, now: datetime, not_before: datetime | None = None
) -> datetime:
    """When a step happened: now, or an earlier moment for a step recorded after the fact.

    A report sent on paper, or history brought over from another system, keeps the day it was
    really sent, which timeliness is judged on; the audit event says both (its own time is now).
    Never in the future, never before the period's data window opened or the previous step.
    """
    if at is None:
        return now
    period = periods.parse_period(report.period)
    opened = timezone.make_aware(datetime.combine(period.cutoff_start, time.min))
    if not_before is not None:
        opened = max(opened, not_before)
    if at > now or at < opened:
        raise ValidationError(
            {
                "at": _("A step recorded after the fact happened between %(start)s and now.")
                % {"start": timezone.localtime(opened).strftime("%H:%M %d/%m/%Y")}
            }
        )
    return at


def _step_label(step: workflow.Step) -> str:
    return {
        workflow.Step.SUBMIT: _("submitted"),
        workflow.Step.APPROVE: _("approved"),
        workflow.Step.ACCEPT: _("accepted"),
        workflow.Step.RETURN: _("returned"),
        workflow.Step.REOPEN: _("reopened"),
    }[step]


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the agency knows what to correct.")})
    return reason


@transaction.atomic
def submit_report(*, acting_user: Any, report: Report, at: datetime | None = None) -> Report:
    access.require(
        access.may_enter(acting_user, report.agency),
        _("Only the agency's officers and leaders submit its report."),
    )
    missing = entry.missing_values(report)
    if missing:
        raise ValidationError(
            _("Enter every indicator before submitting; missing: %(codes)s")
            % {"codes": ", ".join(missing)}
        )
    return _step(acting_user, report, workflow.Step.SUBMIT, EventType.REPORT_SUBMITTED, at=at)


@transaction.atomic
def approve_report(*, acting_user: Any, report: Report, at: datetime | None = None) -> Report:
    access.require(
        access.may_approve(acting_user, report.agency),
        _("Only the agency's leader approves its report."),
    )
    return _step(acting_user, report, workflow.Step.APPROVE, EventType.REPORT_APPROVED, at=at)


@transaction.atomic
def accept_report(*, acting_user: Any, report: Report, at: datetime | None = None) -> Report:
    access.require(
        access.may_receive(acting_user, report.definition),
        _("Only the receiving agency accepts a report."),
    )
    return _step(acting_user, report, workflow.Step.ACCEPT, EventType.REPORT_ACCEPTED, at=at)


@transaction.atomic
def return_report(*, acting_user: Any, report: Report, reason: str) -> Report:
    reason = _require_reason(reason)
    if report.status == ReportStatus.SUBMITTED:
        allowed = access.may_approve(acting_user, report.agency)
    else:
        allowed = access.may_receive(acting_user, report.definition)
    access.require(allowed, _("You cannot return this report."))
    return _step(acting_user, report, workflow.Step.RETURN, EventType.REPORT_RETURNED, reason)


@transaction.atomic
def reopen_report(*, acting_user: Any, report: Report, reason: str) -> Report:
    reason = _require_reason(reason)
    access.require(
        access.may_reopen(acting_user),
        _("Only a central coordinator reopens an approved report."),
    )
    return _step(acting_user, report, workflow.Step.REOPEN, EventType.REPORT_REOPENED, reason)


# --- the regime -------------------------------------------------------------------------------


def _require_central(user: Any) -> None:
    if not is_central(user):
        raise PermissionDenied(_("Only central coordinators and administrators set the regime."))


@transaction.atomic
def save_definition(
    *,
    acting_user: Any,
    code: str,
    name: str,
    frequency: str,
    receiving_agency: Agency,
    reporting_agencies: Iterable[Agency],
    indicators: Sequence[Indicator],
    due_working_days: int = 2,
    requires_acceptance: bool = False,
    content: str = "",
    kind: str = ReportKind.PERIODIC,
    send_method: str = "",
    definition: ReportDefinition | None = None,
) -> ReportDefinition:
    """Create or change a report definition with its form (indicators in order)."""
    _require_central(acting_user)
    errors: dict[str, str] = {}
    if frequency not in Periodicity.values:
        errors["frequency"] = _("Unknown frequency.")
    if not code.strip() or len(code.strip()) > 32:
        errors["code"] = _("A code of 1–32 characters.")
    if not name.strip():
        errors["name"] = _("A report needs a name.")
    if not 0 <= due_working_days <= 60:
        errors["due_working_days"] = _("Between 0 and 60 working days after the cut-off.")
    agencies = list(reporting_agencies)
    if not agencies:
        errors["reporting_agencies"] = _("Name at least one reporting agency.")
    if kind not in ReportKind.values:
        errors["kind"] = _("Unknown kind of report.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "name": name.strip(),
        "frequency": frequency,
        "receiving_agency": receiving_agency,
        "due_working_days": due_working_days,
        "requires_acceptance": requires_acceptance,
        "content": content.strip(),
        "kind": kind,
        "send_method": send_method.strip(),
    }
    if definition is None:
        if ReportDefinition.objects.filter(code=code.strip()).exists():
            raise ValidationError({"code": _("A report definition with this code exists.")})
        definition = ReportDefinition.objects.create(code=code.strip(), **fields)
    else:
        definition = ReportDefinition.objects.select_for_update().get(pk=definition.pk)
        for key, value in fields.items():
            setattr(definition, key, value)
        definition.save()
    definition.reporting_agencies.set(agencies)
    definition.fields.all().delete()
    FormField.objects.bulk_create(
        [
            FormField(definition=definition, indicator=indicator, position=i)
            for i, indicator in enumerate(indicators)
        ]
    )
    record(
        event_type=EventType.REPORT_DEFINITION_SAVED,
        acting_user=acting_user,
        target=definition,
        agency_id=receiving_agency.pk,
        data={
            "code": definition.code,
            **{k: v for k, v in fields.items() if k != "receiving_agency"},
            "receiving_agency": receiving_agency.code,
            "reporting_agencies": len(agencies),
            "indicators": [i.code for i in indicators],
        },
    )
    return definition


@transaction.atomic
def set_holiday(*, acting_user: Any, day: date, name: str, working: bool = False) -> Holiday:
    """Add or change a day off (or a working day: làm bù) in the calendar used for deadlines."""
    _require_central(acting_user)
    if not name.strip():
        raise ValidationError({"name": _("Name the day (e.g. “Nghỉ bù Quốc khánh”).")})
    holiday, created = Holiday.objects.update_or_create(
        day=day, defaults={"name": name.strip(), "working": working}
    )
    record(
        event_type=EventType.HOLIDAY_SET,
        acting_user=acting_user,
        target=holiday,
        data={"day": day, "name": holiday.name, "working": working, "created": created},
    )
    return holiday
