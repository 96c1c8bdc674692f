"""The composite indices API: editions and their definitions, results (scores and ranks at
every level), a unit's breakdown, sensitivity, published results — national figures for every
signed-in user — and a unit's self-assessment (scoped: 404 outside) with its workflow.

Refused input answers 422 with the message and each field's problem; a step the status does
not allow, 409; a role without the right, 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from dxgov.indices import access, actions, definition, reports
from dxgov.indices.models import (
    Assessment,
    ComponentScore,
    Edition,
    Evidence,
    IndexUnit,
    ResultSet,
    ResultView,
    UnitView,
)
from dxgov.indices.schemas import (
    IndexAppraisalIn,
    IndexAssessmentOut,
    IndexBreakdownOut,
    IndexComputedOut,
    IndexEditionDetailOut,
    IndexEditionOut,
    IndexOfficialOut,
    IndexRankingOut,
    IndexReasonIn,
    IndexRefusedOut,
    IndexScoresIn,
    IndexSensitivityFilter,
    IndexSensitivityOut,
    IndexViewFilter,
)

router = Router(tags=["indices"])
STEPS = ("submit", "approve", "lock", "return", "reopen")


def _edition_out(edition: Edition) -> dict[str, Any]:
    parsed = edition.parsed()
    return {
        "code": edition.code,
        "index": edition.index,
        "year": edition.year,
        "level": edition.level,
        "name": edition.name,
        "decision": parsed.decision,
        "version": edition.version,
        "provisional": parsed.provisional,
        "views": sorted(ResultSet.objects.filter(edition=edition).values_list("view", flat=True)),
    }


def _refused(exc: ValidationError) -> tuple[int, dict[str, Any]]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    return 422, {
        "message": " ".join(m for items in errors.values() for m in items),
        "errors": errors,
    }


def _view(edition: Edition, view: str | None) -> str:
    return view or reports.default_view(edition)


@router.get("/indices/editions", response=list[IndexEditionOut], summary="Index editions")
def editions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_edition_out(e) for e in Edition.objects.order_by("index", "level", "-year")]


@router.get(
    "/indices/editions/{code}", response=IndexEditionDetailOut, summary="An edition's definition"
)
def edition(request: HttpRequest, code: str) -> dict[str, Any]:
    found = access.access_edition(request.user, code)
    return {
        **_edition_out(found),
        "summary": definition.summary(found.parsed()),
        "definition": found.definition,
    }


@router.get(
    "/indices/editions/{code}/results",
    response=IndexRankingOut,
    summary="Scores and ranks of every unit, with main-indicator values and pillars",
)
def results(request: HttpRequest, code: str, filters: Query[IndexViewFilter]) -> dict[str, Any]:
    found = access.access_edition(request.user, code)
    view = _view(found, filters.view)
    if not ResultSet.objects.filter(edition=found, view=view).exists():
        raise Http404(_("No %(view)s results for %(code)s.") % {"view": view, "code": code})
    return reports.ranking(found, view).as_json()


@router.get(
    "/indices/editions/{code}/units/{unit_code}",
    response=IndexBreakdownOut,
    summary="A unit's breakdown to each component: raw, normalised, points, the data behind",
)
def unit(
    request: HttpRequest, code: str, unit_code: str, filters: Query[IndexViewFilter]
) -> dict[str, Any]:
    found = access.access_edition(request.user, code)
    view = _view(found, filters.view)
    unit_view = UnitView.AS_IS if view == ResultView.AS_IS else UnitView.AS_WAS
    return reports.breakdown(found, access.access_unit(found, unit_code, unit_view), view).as_json()


@router.get(
    "/indices/editions/{code}/sensitivity",
    response=IndexSensitivityOut,
    summary="Rank intervals (5–95 %) and top-10 probabilities under varied weights",
)
def sensitivity(
    request: HttpRequest, code: str, filters: Query[IndexSensitivityFilter]
) -> dict[str, Any]:
    found = access.access_edition(request.user, code)
    result, rows, _mains = reports.run_sensitivity(
        found, draws=filters.draws, spread=filters.spread, seed=filters.seed
    )
    return {
        "edition": found.code,
        "draws": result.draws,
        "spread": result.spread,
        "seed": result.seed,
        "rules": result.rules,
        "units": [
            {
                "code": r.unit.code,
                "name": r.unit.name,
                "group": r.unit.group,
                "rank": r.found.rank,
                "low": r.found.low,
                "high": r.found.high,
                "median": r.found.median,
                "top10": r.found.top,
                "scenarios": r.found.scenarios,
            }
            for r in rows
        ],
    }


@router.get(
    "/indices/editions/{code}/official",
    response=list[IndexOfficialOut],
    summary="Published results beside their recomputation",
)
def official(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    found = access.access_edition(request.user, code)
    return [
        {
            "code": r.unit.code,
            "name": r.unit.name,
            "view": r.unit.view,
            "score": None if r.score is None else float(r.score),
            "rank": r.rank,
            "computed_score": None if r.computed_score is None else float(r.computed_score),
            "computed_rank": r.computed_rank,
            "flagged": r.flagged,
            "main_values": r.main_values,
        }
        for r in reports.official(found)
    ]


@router.post(
    "/indices/editions/{code}/compute",
    response=IndexComputedOut,
    summary="Recompute and store the edition's results (central coordinators)",
)
def compute_results(request: HttpRequest, code: str) -> dict[str, Any]:
    found = access.access_edition(request.user, code)
    access.require(
        access.is_central(request.user), _("Only central coordinators recompute an index.")
    )
    outcome = actions.compute_edition(acting_user=request.user, edition=found)
    return {"edition": found.code, "views": outcome.views, "seconds": outcome.seconds}


# --- self-assessments ----------------------------------------------------------------------------


def _assessment_out(found: Edition, unit_row: IndexUnit) -> dict[str, Any]:
    assessment = Assessment.objects.filter(edition=found, unit=unit_row).first()
    scores = (
        {s.node: s for s in ComponentScore.objects.filter(assessment=assessment)}
        if assessment
        else {}
    )
    files: dict[str, list[str]] = {}
    if assessment is not None:
        for item in Evidence.objects.filter(assessment=assessment):
            files.setdefault(item.node, []).append(item.original_name)
    rows = []
    for node_code, node in actions.entered_nodes(found.parsed()).items():
        score = scores.get(node_code)
        rows.append(
            {
                "node": node_code,
                "name": reports.node_label(node),
                "max_points": node.max_points,
                "self_score": None if score is None else score.self_score,
                "self_comment": "" if score is None else score.self_comment,
                "appraised_score": None if score is None else score.appraised_score,
                "appraisal_comment": "" if score is None else score.appraisal_comment,
                "final_score": None if score is None else score.final_score,
                "evidence": files.get(node_code, []),
            }
        )
    return {
        "edition": found.code,
        "unit": unit_row.code,
        "name": unit_row.name,
        "status": assessment.status if assessment else "draft",
        "return_reason": assessment.return_reason if assessment else "",
        "submitted_at": assessment.submitted_at if assessment else None,
        "approved_at": assessment.approved_at if assessment else None,
        "locked_at": assessment.locked_at if assessment else None,
        "scores": rows,
    }


@router.get(
    "/indices/editions/{code}/assessments/{unit_code}",
    response=IndexAssessmentOut,
    summary="A unit's self-assessment: self-assessed, appraised and final scores",
)
def assessment(request: HttpRequest, code: str, unit_code: str) -> dict[str, Any]:
    found = access.access_edition(request.user, code)
    return _assessment_out(found, access.access_assessment_unit(request.user, found, unit_code))


@router.post(
    "/indices/editions/{code}/assessments/{unit_code}/scores",
    response={200: IndexAssessmentOut, 422: IndexRefusedOut},
    summary="Save self-assessed scores (all or nothing)",
)
def save_scores(request: HttpRequest, code: str, unit_code: str, body: IndexScoresIn) -> Any:
    found = access.access_edition(request.user, code)
    unit_row = access.access_assessment_unit(request.user, found, unit_code)
    inputs = [actions.ScoreInput(s.node, s.score, s.comment) for s in body.scores]
    try:
        actions.save_self_scores(
            acting_user=request.user, edition=found, unit=unit_row, inputs=inputs
        )
    except ValidationError as exc:
        return _refused(exc)
    return 200, _assessment_out(found, unit_row)


@router.post(
    "/indices/editions/{code}/assessments/{unit_code}/appraisals",
    response={200: IndexAssessmentOut, 422: IndexRefusedOut},
    summary="Appraise one component (appraisal council members only)",
)
def appraise(request: HttpRequest, code: str, unit_code: str, body: IndexAppraisalIn) -> Any:
    found = access.access_edition(request.user, code)
    unit_row = access.access_assessment_unit(request.user, found, unit_code)
    assessment_row = Assessment.objects.filter(edition=found, unit=unit_row).first()
    access.require(
        access.may_appraise(request.user, found),
        _("Only members of the edition's appraisal council appraise self-assessments."),
    )
    if assessment_row is None:
        raise Http404(_("Nothing to appraise yet."))
    try:
        actions.appraise(
            acting_user=request.user,
            assessment=assessment_row,
            node=body.node,
            score=body.score,
            comment=body.comment,
        )
    except ValidationError as exc:
        return _refused(exc)
    return 200, _assessment_out(found, unit_row)


@router.post(
    "/indices/editions/{code}/assessments/{unit_code}/{step}",
    response={200: IndexAssessmentOut, 422: IndexRefusedOut},
    summary="A workflow step: submit, approve, lock, return or reopen (the last two with a reason)",
)
def step(request: HttpRequest, code: str, unit_code: str, step: str, body: IndexReasonIn) -> Any:
    found = access.access_edition(request.user, code)
    unit_row = access.access_assessment_unit(request.user, found, unit_code)
    if step not in STEPS:
        raise Http404(_("No such step: use submit, approve, lock, return or reopen."))
    assessment_row = Assessment.objects.filter(edition=found, unit=unit_row).first()
    try:
        if step == "submit":
            access.require(
                access.may_enter(request.user, unit_row),
                _("Only the unit's officers and leaders submit its self-assessment."),
            )
            if assessment_row is None:
                raise ValidationError(_("Enter the self-assessed scores first."))
            actions.submit_assessment(acting_user=request.user, assessment=assessment_row)
        else:
            if step in ("approve", "return"):
                access.require(
                    access.may_appraise(request.user, found)
                    or access.may_lock(request.user, found),
                    _("Only members of the edition's appraisal council appraise self-assessments."),
                )
            elif step == "lock":
                access.require(
                    access.may_lock(request.user, found),
                    _("Only the council's chair or a central coordinator locks a self-assessment."),
                )
            else:
                access.require(
                    access.is_central(request.user),
                    _("Only a central coordinator reopens an appraised self-assessment."),
                )
            if assessment_row is None:
                raise Http404(_("Nothing has been submitted yet."))
            if step == "approve":
                actions.approve_assessment(acting_user=request.user, assessment=assessment_row)
            elif step == "lock":
                actions.lock_assessment(acting_user=request.user, assessment=assessment_row)
            elif step == "return":
                actions.return_assessment(
                    acting_user=request.user, assessment=assessment_row, reason=body.reason
                )
            else:
                actions.reopen_assessment(
                    acting_user=request.user, assessment=assessment_row, reason=body.reason
                )
    except ValidationError as exc:
        return _refused(exc)
    return 200, _assessment_out(found, unit_row)
