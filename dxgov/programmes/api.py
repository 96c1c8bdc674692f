"""The programmes API: programmes and their parts, the review steps, the national overview,
the overlap clusters and their labels.

A programme exists for a user only inside their scope (404 otherwise, a missing id alike);
a role without the right is a 403; bad input is a 422 naming each field (nothing saved); a
step the programme's status does not allow is a 409.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from dxgov.accounts.models import User
from dxgov.core.limits import could_be_id
from dxgov.core.text import fold
from dxgov.orgunits.access import access_agency
from dxgov.orgunits.models import Agency
from dxgov.programmes import access, actions, reads, rules
from dxgov.programmes.models import OverlapPair, Programme
from dxgov.programmes.schemas import (
    AgencyRef,
    ApproveIn,
    BreakthroughIn,
    BreakthroughOut,
    BudgetIn,
    BudgetOut,
    ChecklistIn,
    ClusterFilter,
    ClusterOut,
    ClusterPage,
    CommentIn,
    CommentOut,
    CreatedOut,
    FieldErrorOut,
    GoalIn,
    GoalOut,
    LabelIn,
    OverviewOut,
    OverviewRowOut,
    PairOut,
    ProgrammeDetailOut,
    ProgrammeFilter,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePage,
    ProgrammeTaskIn,
    ProgrammeTaskOut,
    RefusedOut,
    ReturnIn,
    ReviseIn,
    TargetOut,
    VersionOut,
)

router = Router(tags=["programmes"])
WRITE = {200: ProgrammeDetailOut, 422: RefusedOut}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    if not could_be_id(programme_id):
        raise Http404(_("No such programme in your scope."))
    return access.access_programme(request.user, programme_id)


def _refused(exc: ValidationError) -> tuple[int, RefusedOut]:
    if hasattr(exc, "error_dict"):
        errors = [
            FieldErrorOut(field=name, message=str(message))
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [FieldErrorOut(field="", message=str(m)) for m in exc.messages]
    first = errors[0].message if errors else ""
    return 422, RefusedOut(message=_("Not saved: %(first)s") % {"first": first}, errors=errors)


def _agency(agency: Agency | None) -> AgencyRef | None:
    return AgencyRef(code=agency.code, name=agency.name) if agency else None


def _summary(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.pk,
        owner=AgencyRef(code=programme.owner.code, name=programme.owner.name),
        title=programme.title,
        start_year=programme.start_year,
        end_year=programme.end_year,
        status=programme.status,
        version=programme.version,
        reviewer=_agency(programme.reviewer),
        budget_total=sum(line.amount for line in programme.budget_lines.all()),
    )


def _detail(programme: Programme) -> ProgrammeDetailOut:
    programme = Programme.objects.select_related("owner", "reviewer").get(pk=programme.pk)
    goals = [
        GoalOut(
            id=view.goal.pk,
            name=view.goal.name,
            indicator=view.goal.indicator.code if view.goal.indicator else None,
            new_indicator=view.goal.new_indicator,
            unit=view.goal.unit,
            baseline=str(view.goal.baseline) if view.goal.baseline is not None else None,
            latest_value=str(view.current) if view.current is not None else None,
            latest_period=view.current_period,
            source=view.goal.source,
            targets=[
                TargetOut(
                    year=year,
                    value=str(value),
                    forecast_status=forecast.status if forecast else None,
                    probability=forecast.probability if forecast else None,
                )
                for year, value, forecast in view.targets
            ],
        )
        for view in reads.goals_of(programme)
    ]
    tasks = [
        ProgrammeTaskOut(
            id=t.pk,
            content=t.content,
            lead_agency=_agency(t.lead_agency),
            person=t.person,
            deadline=t.deadline,
            responsibility=t.responsibility,
            expected_result=t.expected_result,
            category=t.category,
            de06=t.de06,
            task_id=t.task_id,
            task_status=t.task.status if t.task else None,
        )
        for t in programme.tasks.select_related("lead_agency", "task")
    ]
    return ProgrammeDetailOut(
        **_summary(programme).dict(),
        summary=programme.summary,
        de06=list(programme.de06),
        security_plan=programme.security_plan,
        feasibility=programme.feasibility,
        change_reason=programme.change_reason,
        breakthroughs=[
            BreakthroughOut(id=b.pk, title=b.title, problem=b.problem, area=b.area)
            for b in programme.breakthroughs.all()
        ],
        goals=goals,
        tasks=tasks,
        budget=[
            BudgetOut(
                year=b.year, source=b.source, amount=b.amount, investment_code=b.investment_code
            )
            for b in programme.budget_lines.all()
        ],
        versions=[
            VersionOut(number=v.number, reason=v.reason, approved_at=v.approved_at.isoformat())
            for v in programme.versions.all()
        ],
        comments=[
            CommentOut(
                version=c.version,
                section=c.section,
                text=c.text,
                author=c.author.display_name(),
                created_at=c.created_at.isoformat(),
            )
            for c in programme.comments.select_related("author")
        ],
    )


@router.get("/programmes", response=ProgrammePage, summary="Programmes in your scope")
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFilter]) -> ProgrammePage:
    qs = (
        access.programmes_for(request.user)
        .prefetch_related("budget_lines")
        .order_by("owner__code", "pk")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(search_text__contains=fold(filters.q))
    page = Paginator(qs, filters.page_size).get_page(filters.page)
    return ProgrammePage(
        count=page.paginator.count,
        page=page.number,
        results=[_summary(p) for p in page.object_list],
    )


@router.post(
    "/programmes", response={201: CreatedOut, 422: RefusedOut}, summary="Start a programme"
)
def create_programme(request: HttpRequest, body: ProgrammeIn) -> Any:
    owner = access_agency(request.user, body.owner)
    try:
        programme = actions.create_programme(
            acting_user=_user(request),
            owner=owner,
            data=actions.ProgrammeInput(
                title=body.title,
                start_year=body.start_year,
                end_year=body.end_year,
                summary=body.summary,
                de06=list(body.de06),
                security_plan=body.security_plan,
                feasibility=body.feasibility,
            ),
        )
    except ValidationError as exc:
        return _refused(exc)
    return 201, CreatedOut(id=programme.pk)


@router.get("/programmes/overview", response=OverviewOut, summary="The national overview")
def overview(request: HttpRequest) -> OverviewOut:
    found = reads.overview(timezone.localdate())
    visible = set(access.programmes_for(request.user).values_list("pk", flat=True))
    return OverviewOut(
        counts=dict(found.counts),
        rows=[
            OverviewRowOut(
                agency=AgencyRef(code=row.agency.code, name=row.agency.name),
                programme_id=row.programme.pk
                if row.programme and row.programme.pk in visible
                else None,
                status=row.programme.status if row.programme else None,
                late=row.late,
                goals_on_track=row.on_track,
                goals_at_risk=row.at_risk,
                goals_off_track=row.off_track,
            )
            for row in found.rows
        ],
    )


@router.get("/programmes/overlaps/clusters", response=ClusterPage, summary="Overlap clusters")
def clusters(request: HttpRequest, filters: Query[ClusterFilter]) -> ClusterPage:
    access.require(
        access.may_see_overlaps(request.user), _("Overlap clusters are for central coordinators.")
    )
    page = Paginator(reads.clusters(), filters.page_size).get_page(filters.page)
    found = list(page.object_list)
    pairs = list(
        OverlapPair.objects.filter(cluster__in=found).select_related("a", "b").order_by("-score")
    )
    texts = reads.texts_of({doc for pair in pairs for doc in (pair.a, pair.b)})
    labels = reads.labels_for(pairs)
    by_cluster: dict[int, list[PairOut]] = {}
    for pair in pairs:
        a, b = texts.get(pair.a_id), texts.get(pair.b_id)
        by_cluster.setdefault(pair.cluster_id, []).append(
            PairOut(
                id=pair.pk,
                score=round(pair.score, 4),
                text_score=round(pair.text_score, 4),
                signals=list(pair.signals),
                shared_terms=list(pair.shared_terms),
                a=pair.a.key,
                b=pair.b.key,
                a_text=a.text if a else "",
                b_text=b.text if b else "",
                a_agency=a.agency if a else "",
                b_agency=b.agency if b else "",
                label=labels.get(pair.pk),
            )
        )
    return ClusterPage(
        count=page.paginator.count,
        page=page.number,
        results=[
            ClusterOut(id=c.pk, size=c.size, top=round(c.top, 4), pairs=by_cluster.get(c.pk, []))
            for c in found
        ],
    )


@router.post(
    "/programmes/overlaps/pairs/{pair_id}/label",
    response={200: PairOut, 422: RefusedOut},
    summary="Label an overlap pair",
)
def label_pair(request: HttpRequest, pair_id: int, body: LabelIn) -> Any:
    if not could_be_id(pair_id):
        access.require(
            access.may_see_overlaps(request.user), _("Overlap labels are for central coordinators.")
        )
        raise Http404(_("No such pair."))
    pair = access.access_pair(request.user, pair_id)
    found = actions.label_pair(
        acting_user=_user(request), pair=pair, label=body.label, note=body.note
    )
    texts = reads.texts_of([pair.a, pair.b])
    a, b = texts.get(pair.a_id), texts.get(pair.b_id)
    return PairOut(
        id=pair.pk,
        score=round(pair.score, 4),
        text_score=round(pair.text_score, 4),
        signals=list(pair.signals),
        shared_terms=list(pair.shared_terms),
        a=pair.a.key,
        b=pair.b.key,
        a_text=a.text if a else "",
        b_text=b.text if b else "",
        a_agency=a.agency if a else "",
        b_agency=b.agency if b else "",
        label=found.label,
    )


@router.get("/programmes/{programme_id}", response=ProgrammeDetailOut, summary="A programme")
def programme_detail(request: HttpRequest, programme_id: int) -> ProgrammeDetailOut:
    return _detail(_programme(request, programme_id))


def _write(request: HttpRequest, programme_id: int, step: Any) -> Any:
    programme = _programme(request, programme_id)
    try:
        step(programme)
    except ValidationError as exc:
        return _refused(exc)
    return 200, _detail(programme)


@router.post(
    "/programmes/{programme_id}/breakthroughs", response=WRITE, summary="Add a breakthrough"
)
def add_breakthrough(request: HttpRequest, programme_id: int, body: BreakthroughIn) -> Any:
    return _write(
        request,
        programme_id,
        lambda p: actions.add_breakthrough(
            acting_user=_user(request),
            programme=p,
            title=body.title,
            problem=body.problem,
            area=body.area,
        ),
    )


@router.post("/programmes/{programme_id}/goals", response=WRITE, summary="Add a measurable goal")
def add_goal(request: HttpRequest, programme_id: int, body: GoalIn) -> Any:
    data = actions.GoalInput(
        name=body.name,
        indicator=body.indicator,
        new_indicator=body.new_indicator,
        formula=body.formula,
        unit=body.unit,
        baseline=body.baseline,
        targets={int(year): str(value)[:60] for year, value in body.targets.items()},
        source=body.source,
        breakthrough=body.breakthrough,
    )
    return _write(
        request,
        programme_id,
        lambda p: actions.add_goal(acting_user=_user(request), programme=p, data=data),
    )


@router.post("/programmes/{programme_id}/tasks", response=WRITE, summary="Add a task")
def add_task(request: HttpRequest, programme_id: int, body: ProgrammeTaskIn) -> Any:
    data = actions.TaskInput(
        content=body.content,
        lead_agency=body.lead_agency,
        person=body.person,
        deadline=body.deadline,
        responsibility=body.responsibility,
        expected_result=body.expected_result,
        category=body.category,
        de06=body.de06,
        goal=body.goal,
        breakthrough=body.breakthrough,
    )
    return _write(
        request,
        programme_id,
        lambda p: actions.add_task(acting_user=_user(request), programme=p, data=data),
    )


@router.post("/programmes/{programme_id}/budget", response=WRITE, summary="Add a budget line")
def add_budget(request: HttpRequest, programme_id: int, body: BudgetIn) -> Any:
    return _write(
        request,
        programme_id,
        lambda p: actions.add_budget_line(
            acting_user=_user(request),
            programme=p,
            year=body.year,
            source=body.source,
            amount=body.amount,
            investment_code=body.investment_code,
            note=body.note,
        ),
    )


@router.post("/programmes/{programme_id}/submit", response=WRITE, summary="Submit for review")
def submit(request: HttpRequest, programme_id: int) -> Any:
    return _write(
        request,
        programme_id,
        lambda p: actions.submit_programme(acting_user=_user(request), programme=p),
    )


@router.post("/programmes/{programme_id}/comments", response=WRITE, summary="Comment on a section")
def comment(request: HttpRequest, programme_id: int, body: CommentIn) -> Any:
    return _write(
        request,
        programme_id,
        lambda p: actions.add_comment(
            acting_user=_user(request), programme=p, section=body.section, text=body.text
        ),
    )


@router.post("/programmes/{programme_id}/checklist", response=WRITE, summary="Save the checklist")
def checklist(request: HttpRequest, programme_id: int, body: ChecklistIn) -> Any:
    answers = rules.ChecklistAnswers(met=dict(body.met), notes=dict(body.notes))
    return _write(
        request,
        programme_id,
        lambda p: actions.save_checklist(acting_user=_user(request), programme=p, answers=answers),
    )


@router.post("/programmes/{programme_id}/return", response=WRITE, summary="Return with comments")
def return_programme(request: HttpRequest, programme_id: int, body: ReturnIn) -> Any:
    comments = [(c.section, c.text) for c in body.comments]
    return _write(
        request,
        programme_id,
        lambda p: actions.return_programme(
            acting_user=_user(request), programme=p, comments=comments
        ),
    )


@router.post("/programmes/{programme_id}/approve", response=WRITE, summary="Approve")
def approve(request: HttpRequest, programme_id: int, body: ApproveIn) -> Any:
    return _write(
        request,
        programme_id,
        lambda p: actions.approve_programme(
            acting_user=_user(request),
            programme=p,
            decision_number=body.decision_number,
            decision_date=body.decision_date,
        ),
    )


@router.post("/programmes/{programme_id}/revise", response=WRITE, summary="Open a new version")
def revise(request: HttpRequest, programme_id: int, body: ReviseIn) -> Any:
    return _write(
        request,
        programme_id,
        lambda p: actions.open_revision(
            acting_user=_user(request), programme=p, reason=body.reason
        ),
    )
