"""The indicators and reporting API: the catalogue, reports and their workflow, value imports
(DHIS2's dataValueSets), and aggregated series.

Indicators and report definitions are the regime: every signed-in user reads them. A report,
and the values of an agency, exist for a user only inside their scope (404 otherwise); the
workflow steps call the actions, which check the role (403) and the status (409 when the
report's status does not allow the step).
"""

from __future__ import annotations

from typing import Any, cast

import pydantic
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dxgov.accounts.models import User
from dxgov.core.errors import BadRequest
from dxgov.core.limits import could_be_id
from dxgov.core.text import nfc, nfc_deep
from dxgov.indicators.models import Indicator
from dxgov.orgunits.access import access_agency, agencies_in_scope
from dxgov.orgunits.models import Agency
from dxgov.reporting import actions, imports, periods, series_query, workflow
from dxgov.reporting.access import access_definition, reports_for
from dxgov.reporting.models import (
    DataValue,
    Report,
    ReportDefinition,
)
from dxgov.reporting.schedule import completeness_of, current_period, due_date_of
from dxgov.reporting.schemas import (
    AgencyRef,
    CompletenessFilter,
    CompletenessOut,
    DataValueSetIn,
    FindingOut,
    GroupResultOut,
    ImportSummaryOut,
    ImportTotalsOut,
    IndicatorFilter,
    IndicatorOut,
    InvalidInputOut,
    ReportDefinitionOut,
    ReportDetailOut,
    ReportFilter,
    ReportOut,
    ReportPage,
    ReportReasonIn,
    SeriesFilter,
    SeriesOut,
    SeriesPointOut,
    ValueOut,
    ValueResultOut,
)

router = Router(tags=["reporting"])

MAX_SERIES_PERIODS = 400


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _agency_ref(agency: Agency) -> AgencyRef:
    return AgencyRef(code=agency.code, name=agency.name)


# --- indicators and definitions ---------------------------------------------------------------


def _indicator_out(indicator: Indicator) -> IndicatorOut:
    return IndicatorOut(
        code=indicator.code,
        name=indicator.name,
        name_en=indicator.name_en,
        definition=indicator.definition,
        unit=indicator.unit,
        value_type=indicator.value_type,
        factor=indicator.factor,
        decimals=indicator.decimals,
        direction=indicator.direction,
        periodicity=indicator.periodicity,
        cumulative=indicator.cumulative,
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        active=indicator.active,
        owner=_agency_ref(indicator.owner),
    )


@router.get("/indicators", response=list[IndicatorOut], summary="The indicator catalogue")
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilter]) -> list[IndicatorOut]:
    indicators = Indicator.objects.select_related("owner")
    if filters.active is not None:
        indicators = indicators.filter(active=filters.active)
    if filters.q:
        for word in filters.q.split():
            indicators = indicators.search(word)
    return [_indicator_out(i) for i in indicators]


@router.get("/indicators/{code}", response=IndicatorOut, summary="One indicator")
def get_indicator(request: HttpRequest, code: Path[str]) -> IndicatorOut:
    indicator = Indicator.objects.select_related("owner").filter(code=code).first()
    if indicator is None:
        raise Http404(_("No indicator with code %(code)s.") % {"code": code})
    return _indicator_out(indicator)


@router.get(
    "/report-definitions",
    response=list[ReportDefinitionOut],
    summary="Report definitions (reporting regimes) with their forms",
)
def list_definitions(request: HttpRequest) -> list[ReportDefinitionOut]:
    definitions = ReportDefinition.objects.select_related("receiving_agency").prefetch_related(
        "fields__indicator", "reporting_agencies"
    )
    return [
        ReportDefinitionOut(
            id=d.pk,
            code=d.code,
            name=d.name,
            kind=d.kind,
            frequency=d.frequency,
            receiving_agency=_agency_ref(d.receiving_agency),
            due_working_days=d.due_working_days,
            requires_acceptance=d.requires_acceptance,
            active=d.active,
            indicators=[
                f.indicator.code for f in sorted(d.fields.all(), key=lambda f: (f.position, f.pk))
            ],
            reporting_agencies=len(d.reporting_agencies.all()),
        )
        for d in definitions
    ]


@router.get(
    "/report-definitions/{int:definition_id}/completeness",
    response=CompletenessOut,
    summary="Who sent a period's report, on time or late (agencies in your scope)",
)
def get_completeness(
    request: HttpRequest, definition_id: int, filters: Query[CompletenessFilter]
) -> CompletenessOut:
    if not could_be_id(definition_id):
        raise Http404(_("No such report definition."))
    definition = access_definition(request.user, definition_id)
    if filters.period:
        try:
            period = actions.parse_period_for(definition, filters.period)
        except actions.WrongPeriod as exc:
            raise BadRequest(" ".join(exc.messages)) from exc
    else:
        period = current_period(definition)
    agencies = list(
        definition.reporting_agencies.filter(pk__in=agencies_in_scope(request.user).values("pk"))
    )
    stats = completeness_of(definition, period, agencies)
    return CompletenessOut(
        definition=definition.code,
        period=period.code,
        period_label=period.label_vi,
        due_date=due_date_of(definition, period),
        expected=stats.expected,
        sent=stats.sent,
        on_time=stats.on_time,
        sent_late=stats.sent_late,
        overdue=stats.overdue,
        pending=stats.pending,
        completeness=stats.completeness,
        timeliness=stats.timeliness,
    )


# --- reports ------------------------------------------------------------------------------------


def _report_out(report: Report) -> dict[str, Any]:
    try:
        label = periods.parse_period(report.period).label_vi
    except periods.InvalidPeriod:
        label = report.period
    return {
        "id": report.pk,
        "definition": report.definition.code,
        "definition_name": report.definition.name,
        "agency": _agency_ref(report.agency),
        "period": report.period,
        "period_label": label,
        "due_date": report.due_date,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "on_time": report.on_time,
        "first_submitted_at": report.first_submitted_at,
        "submitted_at": report.submitted_at,
        "approved_at": report.approved_at,
        "approved_by": report.approved_by.get_username() if report.approved_by else None,
        "accepted_at": report.accepted_at,
        "return_reason": report.return_reason,
        "document_number": report.document_number,
    }


def _reports(request: HttpRequest) -> QuerySet[Report]:
    return reports_for(request.user).select_related("approved_by")


def _report(request: HttpRequest, report_id: int) -> Report:
    report = _reports(request).filter(pk=report_id).first() if could_be_id(report_id) else None
    if report is None:
        raise Http404(_("No such report in your scope."))
    return report


def _detail(report: Report) -> ReportDetailOut:
    values = DataValue.objects.filter(
        agency=report.agency, period=report.period, category=""
    ).select_related("indicator")
    codes = set(report.definition.fields.values_list("indicator__code", flat=True))
    return ReportDetailOut(
        **_report_out(report),
        values=[
            ValueOut(
                indicator=v.indicator.code,
                value=v.value,
                numerator=v.numerator,
                denominator=v.denominator,
                comment=v.comment,
                version=v.version,
            )
            for v in values
            if v.indicator.code in codes
        ],
    )


@router.get("/reports", response=ReportPage, summary="Reports in your scope")
def list_reports(request: HttpRequest, filters: Query[ReportFilter]) -> ReportPage:
    reports = _reports(request)
    if filters.definition:
        reports = reports.filter(definition__code=filters.definition.strip())
    if filters.period:
        reports = reports.filter(period=filters.period.strip().upper())
    if filters.status:
        reports = reports.filter(status=filters.status)
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency.strip()).first()
        if agency is None:
            reports = reports.none()
        else:
            reports = reports.filter(agency__path__startswith=agency.path)
    reports = reports.order_by("-period", "agency__path", "pk")
    start = (filters.page - 1) * filters.page_size
    count = reports.count()
    items = list(reports[start : start + filters.page_size])
    return ReportPage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[ReportOut(**_report_out(r)) for r in items],
    )


@router.get("/reports/{int:report_id}", response=ReportDetailOut, summary="A report and its values")
def get_report(request: HttpRequest, report_id: int) -> ReportDetailOut:
    return _detail(_report(request, report_id))


def _step(request: HttpRequest, report_id: int, step: workflow.Step, reason: str = "") -> Any:
    report = _report(request, report_id)
    user = _user(request)
    # A step the report's status does not allow raises TransitionNotAllowed: 409 (dxgov/api.py).
    if step == workflow.Step.SUBMIT:
        actions.submit_report(acting_user=user, report=report)
    elif step == workflow.Step.APPROVE:
        actions.approve_report(acting_user=user, report=report)
    elif step == workflow.Step.ACCEPT:
        actions.accept_report(acting_user=user, report=report)
    elif step == workflow.Step.RETURN:
        actions.return_report(acting_user=user, report=report, reason=reason)
    else:
        actions.reopen_report(acting_user=user, report=report, reason=reason)
    return _detail(_report(request, report_id))


WORKFLOW_RESPONSES = {200: ReportDetailOut, 409: dict[str, str]}


@router.post(
    "/reports/{int:report_id}/submit",
    response=WORKFLOW_RESPONSES,
    summary="Submit a report (the agency's officers and leaders)",
)
def submit(request: HttpRequest, report_id: int) -> Any:
    return _step(request, report_id, workflow.Step.SUBMIT)


@router.post(
    "/reports/{int:report_id}/approve",
    response=WORKFLOW_RESPONSES,
    summary="Approve a submitted report (the agency's leader)",
)
def approve(request: HttpRequest, report_id: int) -> Any:
    return _step(request, report_id, workflow.Step.APPROVE)


@router.post(
    "/reports/{int:report_id}/accept",
    response=WORKFLOW_RESPONSES,
    summary="Accept an approved report (the receiving agency)",
)
def accept(request: HttpRequest, report_id: int) -> Any:
    return _step(request, report_id, workflow.Step.ACCEPT)


@router.post(
    "/reports/{int:report_id}/return",
    response=WORKFLOW_RESPONSES,
    summary="Return a report with the reason (its leader, or the receiving agency)",
)
def return_(request: HttpRequest, report_id: int, payload: ReportReasonIn) -> Any:
    return _step(request, report_id, workflow.Step.RETURN, payload.reason)


@router.post(
    "/reports/{int:report_id}/reopen",
    response=WORKFLOW_RESPONSES,
    summary="Reopen an approved or accepted report with the reason (coordinators)",
)
def reopen(request: HttpRequest, report_id: int, payload: ReportReasonIn) -> Any:
    return _step(request, report_id, workflow.Step.REOPEN, payload.reason)


# --- data values: import ------------------------------------------------------------------------


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its $defs references written in place (for openapi_extra)."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return cast(dict[str, Any], resolve(schema))


IMPORT_DESCRIPTION = """\
Values for one agency's report of one period, saved all-or-nothing through the same checks as
the web form (DHIS2's dataValueSets). Figures are text as a person types them (`1234`,
`1.234,5`, `Có`); a ratio sends `numerator` and `denominator`, any other indicator `value`:
a part of the other shape is refused (422, the finding names the field), never ignored. A
value sent with the `version` you read is refused as a conflict (409) if it changed since;
without a version it overwrites. A stored value is removed only by `"clear": true` (with no
figure); an item with neither a figure nor `clear` is refused.

Also accepted: `Content-Type: text/csv` with a header line
`definition,agency,period,indicator,value,numerator,denominator,comment,version` (and an
optional `clear` column: `true` or `false`); rows are grouped by definition, agency and
period, and each group is saved all-or-nothing (a dry run: `?dry_run=true`).

Answers: 200 with the import summary when every group was saved (or checked, in a dry run);
422 with the summary when a rule refused some values (their findings say why); 409 when a
value changed since it was read or the report is locked (submitted, approved or accepted).
"""


def _json_groups(request: HttpRequest) -> tuple[list[imports.ValueGroup], bool]:
    try:
        payload = DataValueSetIn.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [
                {"loc": ["body", "payload", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                for e in exc.errors()
            ]
        ) from exc
    # The body is decoded here, not by the API's parser: its text in NFC all the same.
    payload = DataValueSetIn.model_validate(nfc_deep(payload.model_dump()))
    group = imports.ValueGroup(payload.definition, payload.agency, payload.period)
    group.items = [
        imports.ValueItem(
            indicator=v.indicator,
            value=v.value,
            numerator=v.numerator,
            denominator=v.denominator,
            comment=v.comment,
            version=v.version,
            clear=v.clear,
        )
        for v in payload.values
    ]
    return [group], payload.dry_run


def _summary_out(summary: imports.ImportSummary) -> ImportSummaryOut:
    messages = {
        "success": _("The values were checked; nothing was saved (dry run).")
        if summary.dry_run
        else _("The values were saved."),
        "refused": _("Some values break a rule: their form was not saved. See the findings."),
        "conflict": _(
            "Some values changed since you read them, or their report is locked: their form "
            "was not saved."
        ),
    }
    return ImportSummaryOut(
        status=summary.status,  # type: ignore[arg-type]
        message=messages[summary.status],
        dry_run=summary.dry_run,
        totals=ImportTotalsOut(**summary.totals),
        groups=[
            GroupResultOut(
                definition=g.definition,
                agency=g.agency,
                period=g.period,
                status=g.status,  # type: ignore[arg-type]
                message=g.message,
                report=g.report,
                values=[
                    ValueResultOut(
                        indicator=v.indicator,
                        status=v.status,  # type: ignore[arg-type]
                        line=v.line or None,
                        findings=[
                            FindingOut(
                                field=f.field, severity=f.severity, rule=f.rule, message=f.message
                            )
                            for f in v.findings
                        ],
                    )
                    for v in g.values
                ],
            )
            for g in summary.groups
        ],
    )


@router.post(
    "/datavalues",
    response={
        200: ImportSummaryOut,
        409: ImportSummaryOut,
        422: ImportSummaryOut | InvalidInputOut,
    },
    summary="Import data values (JSON or CSV), all-or-nothing per form",
    description=IMPORT_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _inline(DataValueSetIn.model_json_schema())}
            },
        }
    },
)
def import_datavalues(request: HttpRequest, dry_run: bool = False) -> Any:
    content_type = request.content_type or ""
    if content_type == "text/csv":
        try:
            text = nfc(request.body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BadRequest(_("Send the CSV as UTF-8 text.")) from exc
        groups = imports.csv_groups(text)
    elif content_type == "application/json":
        groups, body_dry_run = _json_groups(request)
        dry_run = dry_run or body_dry_run
    else:
        raise HttpError(415, _("Send application/json or text/csv."))
    summary = imports.import_values(acting_user=_user(request), groups=groups, dry_run=dry_run)
    status = {"success": 200, "refused": 422, "conflict": 409}[summary.status]
    return status, _summary_out(summary)


# --- series ---------------------------------------------------------------------------------------


def _period(code: str, name: str) -> periods.Period:
    try:
        return periods.parse_period(code)
    except periods.InvalidPeriod as exc:
        raise BadRequest(f"{name}: {exc.message}") from exc


@router.get(
    "/series",
    response=SeriesOut,
    summary="An indicator over time for an agency and everything below it",
    description=(
        "Values of the agency's subtree added up per period (a ratio: numerators and "
        "denominators summed, then divided). Only values of approved or accepted reports, or "
        "not tied to a report (imported, computed), count: drafts and reports awaiting "
        "approval do not. `view=as_is` (the default) adds the values of the provinces merged "
        "on 1 July 2025 into their successor; `as_was` keeps them on the 63 former provinces."
    ),
)
def get_series(request: HttpRequest, filters: Query[SeriesFilter]) -> SeriesOut:
    indicator = Indicator.objects.filter(code=filters.indicator).first()
    if indicator is None:
        raise Http404(_("No indicator with code %(code)s.") % {"code": filters.indicator})
    agency = access_agency(request.user, filters.agency)
    first, last = _period(filters.from_, "from"), _period(filters.to, "to")
    if first.frequency != last.frequency:
        raise BadRequest(_("from and to must be periods of the same frequency."))
    if first > last:
        raise BadRequest(_("from must not be after to."))
    wanted = [first]
    while wanted[-1] < last:
        if len(wanted) >= MAX_SERIES_PERIODS:
            raise BadRequest(
                _("At most %(max)d periods in one series.") % {"max": MAX_SERIES_PERIODS}
            )
        wanted.append(wanted[-1].next())
    points = series_query.series_for(indicator, agency, wanted, view=filters.view)
    labels = {p.code: p.label_vi for p in wanted}
    return SeriesOut(
        indicator=indicator.code,
        agency=_agency_ref(agency),
        view=filters.view,
        points=[
            SeriesPointOut(
                period=p.period,
                period_label=labels[p.period],
                value=p.value,
                numerator=p.numerator,
                denominator=p.denominator,
                reporting=p.reporting,
            )
            for p in points
        ],
    )
