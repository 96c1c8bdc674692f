"""The public-investment API: projects, decisions, plans, schedules, progress, disbursement
updates in bulk (JSON or CSV, dry run, a summary per row, like /datavalues), the weekly
national table, portfolio figures and timeliness.

A project exists for a user only inside their scope (404 otherwise, a missing id alike); only
the investor's officers and leaders (and administrators) record its figures (403). A red
update answers 422 with its findings by field (by row for a bulk update) and saves nothing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

import pydantic
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dxgov.accounts.models import User
from dxgov.core import formats
from dxgov.core.errors import BadRequest
from dxgov.core.limits import could_be_id
from dxgov.core.periods import Frequency, period_code
from dxgov.core.text import nfc, nfc_deep
from dxgov.investments import (
    access,
    actions,
    figures,
    imports,
    planyear,
    portfolio,
    rules,
    summary,
)
from dxgov.investments.models import Allocation, Disbursement, InvestmentProject, Schedule
from dxgov.investments.schemas import (
    AgencyRef,
    AllocationIn,
    AllocationOut,
    BaselineOut,
    CurvePointOut,
    DecisionIn,
    DecisionOut,
    DisbursementFilter,
    DisbursementImportOut,
    DisbursementOut,
    DisbursementRowIn,
    DisbursementRowOut,
    DisbursementSetIn,
    DisbursementTotalsOut,
    InvestmentFindingOut,
    InvestmentRefusedOut,
    MilestoneOut,
    MonthlyProgressIn,
    MonthlyProgressOut,
    PortfolioFilter,
    PortfolioOut,
    ProjectDetailOut,
    ProjectFilter,
    ProjectIn,
    ProjectOut,
    ProjectPage,
    RiskOut,
    ScheduleFilter,
    ScheduleIn,
    ScheduleOut,
    SchedulePeriodOut,
    SliceOut,
    TimelineItemOut,
    TimelinessFilter,
    TimelinessOut,
    UnitLineOut,
    WeekFilter,
    WeeklyOut,
    YearEndForecastOut,
)
from dxgov.orgunits.access import access_agency, agencies_in_scope
from dxgov.orgunits.models import Agency, OrgUnit
from dxgov.reporting.schemas import InvalidInputOut

router = Router(tags=["investments"])


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _project(request: HttpRequest, project_id: int) -> InvestmentProject:
    if not could_be_id(project_id):
        raise Http404(_("No such investment project in your scope."))
    return access.access_project(request.user, project_id)


def _refused(exc: actions.UpdateRefused) -> tuple[int, InvestmentRefusedOut]:
    findings = [
        InvestmentFindingOut(field=name, message=message)
        for name, messages in exc.findings.items()
        for message in messages
    ]
    first = findings[0].message if findings else ""
    return 422, InvestmentRefusedOut(
        message=_("Not saved: %(first)s") % {"first": first}, findings=findings
    )


def _day(text: str | None, name: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return formats.parse_date(text)
    except formats.InvalidDate:
        raise actions.UpdateRefused(
            {name: [_("“%(text)s” is not a date: write dd/mm/yyyy.") % {"text": text[:20]}]}
        ) from None


def _week(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            _("week: “%(text)s” is not a date (yyyy-mm-dd).") % {"text": text}
        ) from None


def _ref(agency: Agency) -> AgencyRef:
    return AgencyRef(code=agency.code, name=agency.name)


def _baseline(project: InvestmentProject) -> BaselineOut:
    found = figures.variance(
        project.original_total, project.current_total, project.original_end, project.current_end
    )
    return BaselineOut(
        version=project.baseline_version,
        original_total=project.original_total,
        current_total=project.current_total,
        cost_variance=found.cost,
        cost_variance_percent=found.cost_percent,
        start=project.start,
        original_end=project.original_end,
        current_end=project.current_end,
        schedule_variance_days=found.schedule_days,
        rebaselined=project.rebaselined,
    )


def _project_out(project: InvestmentProject) -> dict[str, Any]:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "investor": _ref(project.investor),
        "managing_agency": _ref(project.managing_agency),
        "province": project.province.code if project.province else None,
        "group": project.group,
        "category": project.category,
        "stage": project.stage,
        "stalled": project.stalled,
        "stalled_reason": project.stalled_reason,
        "physical_percent": float(project.physical_percent)
        if project.physical_percent is not None
        else None,
        "accepted_value": project.accepted_value,
        "baseline": _baseline(project),
    }


# --- projects -------------------------------------------------------------------------------


@router.get("/investments/projects", response=ProjectPage, summary="Investment projects in scope")
def list_projects(request: HttpRequest, filters: Query[ProjectFilter]) -> ProjectPage:
    projects = access.projects_for(request.user)
    if filters.q:
        for word in filters.q.split():
            projects = projects.filter(Q(code__icontains=word) | Q(name__icontains=word))
    if filters.unit:
        projects = projects.filter(managing_agency__code=filters.unit.strip())
    for name in ("category", "group", "stage"):
        value = getattr(filters, name)
        if value:
            projects = projects.filter(**{name: value})
    if filters.stalled is not None:
        projects = projects.filter(stalled=filters.stalled)
    count = projects.count()
    start = (filters.page - 1) * filters.page_size
    items = list(projects.order_by("code")[start : start + filters.page_size])
    return ProjectPage(
        count=count,
        page=filters.page,
        page_size=filters.page_size,
        items=[ProjectOut(**_project_out(p)) for p in items],
    )


@router.post(
    "/investments/projects",
    response={201: ProjectOut, 422: InvestmentRefusedOut | InvalidInputOut},
    summary="Register a project (the investor's officers and leaders)",
)
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    investor = access_agency(request.user, payload.investor.strip())
    province = None
    if payload.province:
        province = OrgUnit.objects.filter(
            level="province", code=payload.province.strip(), valid_to__isnull=True
        ).first()
        if province is None:
            return _refused(
                actions.UpdateRefused(
                    {
                        "province": [
                            _("No province with code %(code)s.") % {"code": payload.province}
                        ]
                    }
                )
            )
    try:
        project = actions.create_project(
            acting_user=_user(request),
            data=actions.NewProject(
                code=payload.code,
                name=payload.name,
                investor=investor,
                group=payload.group,
                category=payload.category,
                stage=payload.stage,
                province=province,
            ),
        )
    except actions.UpdateRefused as exc:
        return _refused(exc)
    return 201, ProjectOut(**_project_out(access.access_project(request.user, project.pk)))


@router.get(
    "/investments/projects/{int:project_id}",
    response=ProjectDetailOut,
    summary="A project with its baselines (original against current), milestones and plans",
)
def get_project(request: HttpRequest, project_id: int) -> ProjectDetailOut:
    project = _project(request, project_id)
    view = portfolio.project_view(project)
    return ProjectDetailOut(
        **_project_out(project),
        decisions=[_decision_out(d) for d in view.decisions],
        milestones=[
            MilestoneOut(**{k: m[k] for k in MilestoneOut.model_fields}) for m in view.milestones
        ],
        allocations=[
            _allocation_out(a)
            for a in Allocation.objects.filter(project=project).select_related("counterpart")
        ],
    )


def _decision_out(decision: Any) -> DecisionOut:
    return DecisionOut(
        id=decision.pk,
        kind=decision.kind,
        version=decision.version,
        number=decision.number,
        signed_on=decision.signed_on,
        total=decision.total,
        sources=decision.source_amounts(),
        start=decision.start,
        end=decision.end,
        reason=decision.reason,
        late=decision.late,
        milestones=[(m.name, m.planned_on) for m in decision.milestones.all()],
    )


def _allocation_out(allocation: Allocation) -> AllocationOut:
    return AllocationOut(
        id=allocation.pk,
        plan_year=allocation.plan_year,
        source=allocation.source,
        kind=allocation.kind,
        amount=allocation.amount,
        assigned=allocation.assigned,
        number=allocation.number,
        decided_on=allocation.decided_on,
        reason=allocation.reason,
        counterpart=allocation.counterpart.code if allocation.counterpart else None,
        late=allocation.late,
    )


@router.get(
    "/investments/projects/{int:project_id}/timeline",
    response=list[TimelineItemOut],
    summary="A project's timeline: decisions, plans, disbursement, progress, milestones",
)
def project_timeline(request: HttpRequest, project_id: int) -> list[TimelineItemOut]:
    view = portfolio.project_view(_project(request, project_id))
    return [
        TimelineItemOut(day=i.day, kind=i.kind, text=i.text, late=i.late) for i in view.timeline
    ]


@router.post(
    "/investments/projects/{int:project_id}/decisions",
    response={201: DecisionOut, 422: InvestmentRefusedOut | InvalidInputOut},
    summary="Record a decision: a baseline, or an adjustment as a new version",
)
def record_decision(request: HttpRequest, project_id: int, payload: DecisionIn) -> Any:
    project = _project(request, project_id)
    access.require_entry(request.user, project)
    try:
        decision = actions.record_decision(
            acting_user=_user(request),
            project=project,
            data=rules.DecisionInput(
                kind=payload.kind,
                number=payload.number,
                signed_on=_day(payload.signed_on, "signed_on"),
                total=payload.total,
                sources={str(k): v for k, v in payload.sources.items()},
                start=_day(payload.start, "start"),
                end=_day(payload.end, "end"),
                milestones=[
                    rules.MilestoneInput(m.name, _day(m.planned_on, f"milestone-{i}"))
                    for i, m in enumerate(payload.milestones)
                ],
                reason=payload.reason,
            ),
        )
    except actions.UpdateRefused as exc:
        return _refused(exc)
    return 201, _decision_out(decision)


@router.post(
    "/investments/projects/{int:project_id}/allocations",
    response={201: list[AllocationOut], 422: InvestmentRefusedOut | InvalidInputOut},
    summary="Record a capital-plan decision: plan assigned, addition, cut or transfer",
)
def record_allocation(request: HttpRequest, project_id: int, payload: AllocationIn) -> Any:
    project = _project(request, project_id)
    access.require_entry(request.user, project)
    receiver = None
    if payload.receiver:
        receiver = access.access_project_code(request.user, payload.receiver.strip())
    try:
        made = actions.record_allocation(
            acting_user=_user(request),
            project=project,
            data=rules.AllocationInput(
                plan_year=payload.plan_year,
                source=payload.source,
                kind=payload.kind,
                amount=payload.amount,
                assigned=payload.assigned,
                number=payload.number,
                decided_on=_day(payload.decided_on, "decided_on"),
                reason=payload.reason,
            ),
            receiver=receiver,
        )
    except actions.UpdateRefused as exc:
        return _refused(exc)
    return 201, [_allocation_out(a) for a in made]


def schedule_out(project: InvestmentProject, plan_year: int) -> ScheduleOut:
    """The per-project schedule by week, month, quarter and year (dispatch 169/CĐ-TTg): the
    stored month ends, else the usual curve applied to the plan."""
    stored = Schedule.objects.filter(project=project, plan_year=plan_year).first()
    plan = sum(t for (_p, _s), (t, _a) in summary.plan_totals(plan_year, [project.pk]).items())
    months = list(stored.months) if stored else None
    ends = planyear.month_ends(plan_year)

    def at(day: date) -> int:
        return figures.expected_by(plan_year, day, plan, months)

    quarters = [ends[2], ends[5], ends[8], ends[11]]
    return ScheduleOut(
        project=project.code,
        plan_year=plan_year,
        months=[
            SchedulePeriodOut(
                period=period_code(Frequency.MONTH, d.year, d.month), end=d, planned=at(d)
            )
            for d in ends
        ],
        quarters=[
            SchedulePeriodOut(
                period=period_code(Frequency.QUARTER, plan_year, i), end=d, planned=at(d)
            )
            for i, d in enumerate(quarters, start=1)
        ],
        weeks=[
            SchedulePeriodOut(period=f"{plan_year}W{i:02d}", end=d, planned=at(d))
            for i, d in enumerate(planyear.week_ends(plan_year), start=1)
        ],
        year=at(ends[-1]),
        from_schedule=stored is not None,
    )


@router.get(
    "/investments/projects/{int:project_id}/schedule",
    response=ScheduleOut,
    summary="The project's disbursement schedule by week, month, quarter and year",
)
def get_schedule(
    request: HttpRequest, project_id: int, filters: Query[ScheduleFilter]
) -> ScheduleOut:
    year = filters.plan_year or planyear.current_plan_year(timezone.localdate())
    return schedule_out(_project(request, project_id), year)


@router.put(
    "/investments/projects/{int:project_id}/schedule",
    response={200: ScheduleOut, 422: InvestmentRefusedOut | InvalidInputOut},
    summary="Set the schedule: the cumulative plan at the 13 month ends of the window",
)
def put_schedule(request: HttpRequest, project_id: int, payload: ScheduleIn) -> Any:
    project = _project(request, project_id)
    access.require_entry(request.user, project)
    try:
        actions.set_schedule(
            acting_user=_user(request),
            project=project,
            plan_year=payload.plan_year,
            months=list(payload.months),
        )
    except actions.UpdateRefused as exc:
        return _refused(exc)
    return 200, schedule_out(project, payload.plan_year)


def _month(text: str) -> date | None:
    """A month typed yyyy-mm or mm/yyyy, as its first day; None when it is neither."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})", text.strip())
    if match is None:
        return None
    year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
    return date(int(year), int(month), 1) if 1 <= int(month) <= 12 else None


@router.post(
    "/investments/projects/{int:project_id}/progress",
    response={201: MonthlyProgressOut, 422: InvestmentRefusedOut | InvalidInputOut},
    summary="A month's physical progress, accepted value and causes of delay",
)
def save_progress(request: HttpRequest, project_id: int, payload: MonthlyProgressIn) -> Any:
    project = _project(request, project_id)
    access.require_entry(request.user, project)
    try:
        report = actions.save_progress(
            acting_user=_user(request),
            project=project,
            data=rules.ProgressInput(
                month=_month(payload.month),
                as_of=_day(payload.as_of, "as_of"),
                percent=payload.percent,
                accepted=payload.accepted_value,
                causes=list(payload.causes),
                note=payload.note,
                reason=payload.reason,
            ),
        )
    except actions.UpdateRefused as exc:
        return _refused(exc)
    return 201, MonthlyProgressOut(
        month=report.month,
        as_of=report.as_of,
        percent=float(report.percent),
        accepted_value=report.accepted_value,
        causes=list(report.causes),
        late=report.late,
    )


@router.get(
    "/investments/projects/{int:project_id}/disbursements",
    response=list[DisbursementOut],
    summary="A project's disbursed values (estimates and actuals, every version's latest)",
)
def list_disbursements(
    request: HttpRequest, project_id: int, filters: Query[DisbursementFilter]
) -> list[DisbursementOut]:
    figures_ = Disbursement.objects.filter(project=_project(request, project_id))
    if filters.plan_year:
        figures_ = figures_.filter(plan_year=filters.plan_year)
    return [
        DisbursementOut(
            plan_year=f.plan_year,
            source=f.source,
            as_of=f.as_of,
            kind=f.kind,
            value=f.value,
            note=f.note,
            version=f.version,
            late=f.late,
            channel=f.channel,
        )
        for f in figures_.order_by("plan_year", "as_of", "source", "kind")
    ]


# --- bulk disbursement ------------------------------------------------------------------------

BULK_DESCRIPTION = (
    "Cumulative disbursed values, many projects at once: JSON (`DisbursementSetIn`) or "
    "`text/csv` with the header `project,plan_year,source,as_of,kind,value,note`. Amounts are "
    "whole đồng (`1.234.567.000` or an integer; `1,234.5` is refused). Every row is judged "
    "by the same rules as the form; if any row is refused nothing is saved (422) and each "
    "refused row lists its findings by field; `dry_run` (query or body) saves nothing. A row "
    "naming a project outside your scope makes the request a 404."
)


# The bulk body read by plain pydantic models with the schema's own fields and bounds: a
# ninja Schema wraps every row in its attribute getter before validating it (a fifth of a
# second at 5,000 rows); the schema still documents the body (openapi_extra).
_BulkRowPlain = pydantic.create_model(
    "DisbursementRowPlain",
    **{name: (f.annotation, f) for name, f in DisbursementRowIn.model_fields.items()},  # type: ignore[call-overload]
)
_BulkSetPlain = pydantic.create_model(
    "DisbursementSetPlain",
    dry_run=(bool, DisbursementSetIn.model_fields["dry_run"]),
    rows=(list[_BulkRowPlain], DisbursementSetIn.model_fields["rows"]),  # type: ignore[valid-type]
)


def _bulk_rows(request: HttpRequest) -> tuple[list[imports.RawRow], bool]:
    content_type = request.content_type or ""
    if content_type == "text/csv":
        try:
            text = nfc(request.body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BadRequest(_("Send the CSV as UTF-8 text.")) from exc
        try:
            return imports.csv_rows(text), False
        except imports.ImportRefused as exc:
            raise BadRequest(str(exc)) from exc
    if content_type != "application/json":
        raise HttpError(415, _("Send application/json or text/csv."))
    try:
        try:
            payload: pydantic.BaseModel = _BulkSetPlain.model_validate_json(request.body)
        except pydantic.ValidationError:
            # A refused body is read again by the schema itself, so its findings are the
            # schema's word for word (a body that is not an object, for one).
            payload = DisbursementSetIn.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from exc
    # Validated once; the rows are then read as plain values (a schema's attributes are slow
    # to read at 5,000 rows), in NFC as every other text.
    data = nfc_deep(payload.model_dump())
    rows = [
        imports.RawRow(
            r["project"], r["plan_year"], r["source"], r["as_of"], r["kind"], r["value"], r["note"]
        )
        for r in data["rows"]
    ]
    return rows, bool(data["dry_run"])


def summary_out(result: imports.ImportResult) -> DisbursementImportOut:
    messages = {
        "success": _("The figures were checked; nothing was saved (dry run).")
        if result.dry_run
        else _("The figures were saved."),
        "refused": _("Some rows break a rule: nothing was saved. See the findings."),
    }
    # The whole answer built without validation (model_construct): validating it would read
    # its 5,000 rows back through the schema's attribute getter (a quarter of a second).
    return DisbursementImportOut.model_construct(
        status=result.status,
        message=messages[result.status],
        dry_run=result.dry_run,
        totals=DisbursementTotalsOut(
            created=result.count("created"),
            updated=result.count("updated"),
            unchanged=result.count("unchanged"),
            refused=result.count("refused"),
        ),
        # Built without validation (model_construct): the values come typed from the import,
        # and a ninja schema's validation of 5,000 rows costs seconds.
        rows=[
            DisbursementRowOut.model_construct(
                row=i,
                project=r.project,
                plan_year=r.plan_year,
                source=r.source,
                as_of=r.as_of,
                kind=r.kind,
                status=r.status or "refused",
                findings=[
                    InvestmentFindingOut.model_construct(field=name, message=message)
                    for name, messages in r.findings.items()
                    for message in messages
                ],
            )
            for i, r in enumerate(result.rows, start=1)
        ],
    )


@router.post(
    "/investments/disbursements",
    response={200: DisbursementImportOut, 422: DisbursementImportOut | InvalidInputOut},
    summary="Disbursed values in bulk (JSON or CSV), all or nothing, with a summary per row",
    description=BULK_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": DisbursementSetIn.model_json_schema()}},
        }
    },
)
def bulk_disbursements(request: HttpRequest, dry_run: bool = False) -> Any:
    with imports.collection_paused():
        rows, body_dry_run = _bulk_rows(request)
        try:
            result = imports.save_rows(
                acting_user=_user(request), rows=rows, dry_run=dry_run or body_dry_run
            )
        except imports.UnknownProjects as exc:
            raise Http404(str(exc)) from exc
        except imports.ImportRefused as exc:
            raise BadRequest(str(exc)) from exc
        # Built and checked against its schema once here, then sent as it is: ninja would
        # read the 5,000 rows' fields back one by one to check them again (a second or so).
        body = summary_out(result).model_dump_json()
    return HttpResponse(
        body,
        status=200 if result.status == "success" else 422,
        content_type="application/json",
    )


# --- the weekly table, the portfolio, timeliness ----------------------------------------------


def _forecast_out(found: figures.YearEnd | None) -> YearEndForecastOut | None:
    if found is None:
        return None
    return YearEndForecastOut(
        projected=found.projected,
        low=found.low,
        high=found.high,
        probability=found.probability,
        status=found.status,
        method=found.method,
    )


def _line_out(line: figures.UnitLine, forecast: figures.YearEnd | None) -> UnitLineOut:
    f = line.figures
    return UnitLineOut(
        code=f.code,
        name=f.name,
        kind=f.kind,
        disbursed=f.disbursed,
        plan_total=f.plan_total,
        plan_assigned=f.plan_assigned,
        rate_total=line.rate_total,
        rate_assigned=line.rate_assigned,
        above_average=line.above_average,
        projects=f.projects,
        good=f.good,
        slow=f.slow,
        unable=f.unable,
        forecast=_forecast_out(forecast),
    )


@router.get(
    "/investments/weekly",
    response=WeeklyOut,
    summary="The weekly national disbursement table (dispatch 169/CĐ-TTg)",
    description=(
        "Each ministry's and province's cumulative disbursement for the week against both "
        "denominators (the total plan, with capital added locally, and the plan the Prime "
        "Minister assigned), the national average, above or below it, projects good / slow / "
        "unable to disburse, and the year-end forecast with the probability of reaching 95 %."
    ),
)
def weekly_table(request: HttpRequest, filters: Query[WeekFilter]) -> WeeklyOut:
    choice = portfolio.choose_week(filters.plan_year, _week(filters.week))
    view = portfolio.weekly(choice)
    national = figures.UnitLine(
        view.table.national, view.table.average_total, view.table.average_assigned, None
    )
    return WeeklyOut(
        plan_year=choice.plan_year,
        week=choice.week,
        week_number=choice.number,
        national=_line_out(national, view.forecasts.get("")),
        average_total=view.table.average_total,
        average_assigned=view.table.average_assigned,
        target_rate=planyear.TARGET_RATE,
        thresholds={
            "good_from": view.thresholds.good_from,
            "unable_below": view.thresholds.unable_below,
            "grace_share": view.thresholds.grace_share,
        },
        units=[_line_out(line, view.forecasts.get(line.figures.code)) for line in view.table.lines],
    )


def _slice_out(found: portfolio.Slice) -> SliceOut:
    return SliceOut(
        key=found.key,
        label=found.label,
        disbursed=found.disbursed,
        plan_total=found.plan_total,
        rate_total=found.rate_total,
    )


@router.get(
    "/investments/portfolio",
    response=PortfolioOut,
    summary="Portfolio figures: the S-curve, by category, group and source, projects at risk",
)
def get_portfolio(request: HttpRequest, filters: Query[PortfolioFilter]) -> PortfolioOut:
    choice = portfolio.choose_week(filters.plan_year, _week(filters.week))
    visible = access.projects_for(request.user)
    if filters.unit:
        agency = access_agency(request.user, filters.unit.strip())
        found = portfolio.unit(choice, agency, visible)
        scope = agency.code
    else:
        found = portfolio.national(choice, visible)
        scope = "national"
    risk = found.at_risk or portfolio.AtRisk()
    return PortfolioOut(
        plan_year=choice.plan_year,
        week=choice.week,
        scope=scope,
        curve=[
            CurvePointOut(
                week=p.week,
                disbursed=p.disbursed,
                plan_total=p.plan_total,
                plan_assigned=p.plan_assigned,
                expected=p.expected,
            )
            for p in found.curve
        ],
        by_category=[_slice_out(s) for s in found.by_category],
        by_group=[_slice_out(s) for s in found.by_group],
        by_source=[_slice_out(s) for s in found.by_source],
        at_risk_money=[
            RiskOut(
                code=r.project.code,
                name=r.project.name,
                investor=r.project.investor.code,
                disbursed=r.disbursed,
                plan_total=r.plan_total,
                expected=r.expected,
                klass=r.klass,
            )
            for r in risk.money
        ],
        at_risk_money_count=risk.money_count,
        milestones_overdue_count=risk.milestones_count,
        silent_count=risk.silent_count,
        stalled_count=risk.stalled_count,
    )


@router.get(
    "/investments/timeliness",
    response=list[TimelinessOut],
    summary="Investors ranked by entries made within 7 working days (Circular 13/2016)",
)
def get_timeliness(request: HttpRequest, filters: Query[TimelinessFilter]) -> list[TimelinessOut]:
    year = filters.plan_year or planyear.current_plan_year(timezone.localdate())
    ranked = portfolio.timeliness(year, agencies_in_scope(request.user))
    return [
        TimelinessOut(
            code=t.code,
            name=t.name,
            entries=t.entries,
            late=t.late,
            on_time_rate=t.on_time_rate,
            rank=t.rank,
        )
        for t in ranked
    ]
