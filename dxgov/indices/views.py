"""Composite index pages: editions, rankings (as measured, as is, nowcast, forecast), a unit's
breakdown, comparisons, sensitivity and trial weights, the definition and its editing, the
self-assessments with their appraisal, published results side by side, and exports.

Rankings, breakdowns, sensitivity and definitions are national figures for every signed-in
user; a unit's self-assessment and its evidence are scoped (indices/access.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxgov.accounts.models import User
from dxgov.core.errors import TransitionNotAllowed, refusal_text
from dxgov.indices import access, actions, compute, reports, sensitivity
from dxgov.indices.definition import SourceKind
from dxgov.indices.models import (
    Assessment,
    ComponentScore,
    CouncilMember,
    Edition,
    EditionVersion,
    Evidence,
    IndexUnit,
    ResultSet,
    ResultView,
    UnitView,
)
from dxgov.reporting import workflow
from dxgov.scoring import exports

STEPS = {
    "submit": workflow.Step.SUBMIT,
    "approve": workflow.Step.APPROVE,
    "lock": workflow.Step.ACCEPT,
    "return": workflow.Step.RETURN,
    "reopen": workflow.Step.REOPEN,
}
PAGE_DRAWS = 10_000


def _view(request: HttpRequest, edition: Edition) -> str:
    view = request.GET.get("view", "")
    if view in ResultView.values:
        return view
    return reports.default_view(edition)


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder).encode()


def _format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        raise Http404(_("Export as json, csv or xlsx."))
    return fmt


def _base(request: HttpRequest, edition: Edition, **extra: Any) -> dict[str, Any]:
    parsed = edition.parsed()
    return {
        "edition": edition,
        "parsed": parsed,
        "is_central": access.is_central(request.user),
        "views": reports.views_of(edition),
        "unpublished": reports.UNPUBLISHED,
        **extra,
    }


# --- editions and rankings -----------------------------------------------------------------------


@login_required
@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    editions = list(Edition.objects.all().order_by("index", "level", "-year"))
    computed = {(r.edition_id, r.view): r for r in ResultSet.objects.filter(edition__in=editions)}
    rows = []
    for edition in editions:
        parsed = edition.parsed()
        sets = [computed[(edition.pk, v)] for v in ResultView.values if (edition.pk, v) in computed]
        rows.append({"edition": edition, "parsed": parsed, "sets": sets})
    return render(request, "indices/edition_list.html", {"rows": rows})


def _chart(ranking: reports.Ranking) -> str:
    rows = [r for r in ranking.rows if r.score is not None and r.ranked]
    return json.dumps(
        {
            "labels": [r.name for r in rows],
            "values": [float(r.score) for r in rows if r.score is not None],
            "max": 1,
            "decimals": ranking.parsed.decimals,
        },
        ensure_ascii=False,
    )


@login_required
@require_GET
def ranking(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    view = _view(request, edition)
    found = reports.ranking(edition, view)
    context = _base(
        request,
        edition,
        view=view,
        ranking=found,
        chart=_chart(found),
        mark_labels=reports.MARK_LABELS,
        level_name=_("Province") if edition.level == "province" else _("Unit"),
    )
    return render(request, "indices/ranking.html", context)


@login_required
@require_GET
def ranking_export(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    fmt = _format(request)
    view = _view(request, edition)
    found = reports.ranking(edition, view)
    name = f"{edition.code}-{view}"
    if fmt == "json":
        return _download(_json(found.as_json()), fmt, name)
    headers = [
        _("Group"),
        _("Rank"),
        _("Change"),
        _("Code"),
        _("Unit"),
        _("Score"),
        *[f"{c.code} {c.label}" for c in found.columns],
        *[p.label for p in found.pillars],
        _("Marks"),
    ]
    table = [
        [
            r.group,
            r.rank,
            r.change,
            r.code,
            r.name,
            None if r.score is None else float(r.score),
            *r.mains,
            *r.pillars,
            "; ".join(reports.mark_labels(r.marks)),
        ]
        for r in found.rows
    ]
    if fmt == "csv":
        return _download(exports.table_csv(headers, table), fmt, name)
    return _download(exports.workbook([(view, headers, table)]), fmt, name)


@login_required
@require_GET
def unit(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    view = _view(request, edition)
    unit_view = UnitView.AS_IS if view == ResultView.AS_IS else UnitView.AS_WAS
    found_unit = access.access_unit(edition, unit_code, unit_view)
    found = reports.breakdown(edition, found_unit, view)
    context = _base(
        request,
        edition,
        view=view,
        unit=found_unit,
        breakdown=found,
        may_see_assessment=unit_view == UnitView.AS_WAS
        and access.sees_assessment(request.user, found_unit),
        trend=json.dumps(
            {
                "labels": [str(year) for _c, year, _s, _r in found.history],
                "values": [None if s is None else float(s) for _c, _y, s, _r in found.history],
                "max": 1,
                "decimals": edition.parsed().decimals,
            }
        ),
    )
    return render(request, "indices/unit.html", context)


@login_required
@require_GET
def unit_export(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    fmt = _format(request)
    view = _view(request, edition)
    unit_view = UnitView.AS_IS if view == ResultView.AS_IS else UnitView.AS_WAS
    found = reports.breakdown(edition, access.access_unit(edition, unit_code, unit_view), view)
    name = f"{edition.code}-{unit_code}-{view}"
    if fmt == "json":
        return _download(_json(found.as_json()), fmt, name)
    headers = [
        _("Code"),
        _("Name"),
        _("Level"),
        _("Points"),
        _("Source"),
        _("Raw value"),
        _("Normalised (0–1)"),
        _("Points scored"),
        _("Marks"),
    ]
    table = [
        [
            x.code,
            x.label,
            x.level,
            x.points_label,
            x.source,
            x.raw,
            x.value,
            x.points,
            "; ".join(x.marks),
        ]
        for x in found.lines
    ]
    if fmt == "csv":
        return _download(exports.table_csv(headers, table), fmt, name)
    return _download(exports.workbook([(unit_code, headers, table)]), fmt, name)


@login_required
@require_GET
def compare(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    view = _view(request, edition)
    unit_view = UnitView.AS_IS if view == ResultView.AS_IS else UnitView.AS_WAS
    first, second = request.GET.get("a", "")[:32], request.GET.get("b", "")[:32]
    pair = None
    if first and second:
        a = access.access_unit(edition, first, unit_view)
        b = access.access_unit(edition, second, unit_view)
        found = reports.compare(edition, a, b, view)
        pair = [
            (x, y, None if x.value is None or y.value is None else x.value - y.value)
            for x, y in zip(found[0].lines, found[1].lines, strict=True)
        ]
        pair_heads = found
    else:
        pair_heads = []
    units = IndexUnit.objects.filter(edition=edition, view=unit_view).order_by("name")
    context = _base(
        request, edition, view=view, a=first, b=second, pair=pair, heads=pair_heads, units=units
    )
    return render(request, "indices/compare.html", context)


# --- sensitivity and trial weights --------------------------------------------------------------


@login_required
@require_GET
def sensitivity_page(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    result, rows, mains = reports.run_sensitivity(edition, draws=PAGE_DRAWS)
    spread = round(sensitivity.SPREAD * 100)
    scenario_names = [f"{m}+{spread}" for m in mains] + [f"{m}-{spread}" for m in mains]
    context = _base(
        request,
        edition,
        result=result,
        rows=rows,
        mains=mains,
        scenario_names=scenario_names,
        spread=spread,
        groups=edition.parsed().units.group_names(),
    )
    return render(request, "indices/sensitivity.html", context)


@login_required
@require_GET
def sensitivity_export(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    fmt = _format(request)
    result, rows, _mains = reports.run_sensitivity(edition, draws=PAGE_DRAWS)
    name = f"{edition.code}-sensitivity"
    if fmt == "json":
        body = {
            "edition": edition.code,
            "draws": result.draws,
            "spread": result.spread,
            "seed": result.seed,
            "rules": result.rules,
            "units": [_sensitivity_json(r) for r in rows],
        }
        return _download(_json(body), fmt, name)
    scenario_names = sorted({n for r in rows for n in r.found.scenarios})
    headers = [
        _("Group"),
        _("Code"),
        _("Unit"),
        _("Rank"),
        _("Rank, 5th percentile"),
        _("Rank, 95th percentile"),
        _("Median rank"),
        _("Probability of the top 10"),
        *scenario_names,
    ]
    table = [
        [
            r.unit.group,
            r.unit.code,
            r.unit.name,
            r.found.rank,
            r.found.low,
            r.found.high,
            r.found.median,
            r.found.top,
            *[r.found.scenarios.get(n) for n in scenario_names],
        ]
        for r in rows
    ]
    if fmt == "csv":
        return _download(exports.table_csv(headers, table), fmt, name)
    return _download(exports.workbook([(_("Sensitivity"), headers, table)]), fmt, name)


def _sensitivity_json(row: reports.SensitivityRow) -> dict[str, Any]:
    return {
        "code": row.unit.code,
        "name": row.unit.name,
        "group": row.unit.group,
        "rank": row.found.rank,
        "low": row.found.low,
        "high": row.found.high,
        "median": row.found.median,
        "top10": row.found.top,
        "scenarios": row.found.scenarios,
    }


def trial_weights(
    request: HttpRequest, edition: Edition
) -> tuple[dict[str, float], dict[str, str]]:
    """The weights a coordinator typed (points per main indicator), with each problem."""
    weights: dict[str, float] = {}
    errors: dict[str, str] = {}
    for node in edition.parsed().scored_main_indicators():
        text = request.GET.get(f"w-{node.code}", "").strip().replace(",", ".")
        if not text:
            weights[node.code] = node.max_points or 0.0
            continue
        try:
            value = float(Decimal(text[:20]))
        except (InvalidOperation, ValueError):
            errors[node.code] = _("Type a number of points, e.g. 150.")
            continue
        if not 0 <= value <= 100_000:
            errors[node.code] = _("Between 0 and 100,000 points.")
            continue
        weights[node.code] = value
    if not errors and sum(weights.values()) <= 0:
        errors["all"] = _("At least one main indicator needs a weight above 0.")
    return weights, errors


@dataclass(frozen=True)
class TrialRow:
    unit: IndexUnit
    score: Decimal | None
    rank: int | None
    old_score: Decimal | None
    old_rank: int | None
    moved: int | None

    @property
    def drop(self) -> int | None:
        return None if self.moved is None else -self.moved


@login_required
@require_GET
def weights(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    chosen, errors = trial_weights(request, edition)
    base = {u.pk: (s, r) for u, s, r in compute.trial(edition, {})}
    rows: list[TrialRow] = []
    if not errors:
        for unit_row, score, rank in compute.trial(edition, chosen):
            old_score, old_rank = base.get(unit_row.pk, (None, None))
            moved = None if rank is None or old_rank is None else old_rank - rank
            rows.append(TrialRow(unit_row, score, rank, old_score, old_rank, moved))
        rows.sort(key=lambda r: (r.unit.group, r.rank is None, r.rank or 0, r.unit.name))
    total = sum(chosen.values())
    mains = [
        {
            "code": n.code,
            "label": reports.node_label(n),
            "points": reports.points_label(n),
            "value": request.GET.get(f"w-{n.code}", "") or f"{n.max_points or 0:g}",
            "share": (chosen.get(n.code, 0.0) / total) if total else None,
            "error": errors.get(n.code),
        }
        for n in edition.parsed().scored_main_indicators()
    ]
    context = _base(
        request,
        edition,
        rows=rows,
        mains=mains,
        errors=errors,
        view=compute.preferred_view(edition),
    )
    if request.headers.get("HX-Request"):
        # htmx swaps only successful answers: the refusal is shown in place of the table.
        return render(request, "indices/_weights_table.html", context)
    return render(request, "indices/weights.html", context, status=422 if errors else 200)


# --- the definition ------------------------------------------------------------------------------


@login_required
@require_GET
def definition(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    lines = reports.lines(edition.parsed(), None)
    versions = EditionVersion.objects.filter(edition=edition).select_related("saved_by")[:20]
    return render(
        request, "indices/definition.html", _base(request, edition, lines=lines, versions=versions)
    )


@login_required
@require_http_methods(["GET", "POST"])
def definition_edit(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    access.require(
        access.is_central(request.user),
        _("Only central coordinators change an index's definition."),
    )
    text = json.dumps(edition.definition, ensure_ascii=False, indent=1)
    reason = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        text = request.POST.get("document", "")
        reason = request.POST.get("reason", "")
        try:
            document = json.loads(text)
        except ValueError as exc:
            errors = {"document": [_("This is not valid JSON: %(error)s") % {"error": exc}]}
        else:
            try:
                actions.save_definition(
                    acting_user=request.user, edition=edition, document=document, reason=reason
                )
            except ValidationError as exc:
                errors = (
                    exc.message_dict if hasattr(exc, "error_dict") else {"document": exc.messages}
                )
            else:
                messages.success(request, _("The definition was saved as a new version."))
                return redirect("indices:definition", code=edition.code)
    context = _base(request, edition, text=text, reason=reason, errors=errors)
    return render(request, "indices/definition_edit.html", context, status=422 if errors else 200)


# --- self-assessments -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessments(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    error = ""
    if request.method == "POST":
        access.require(
            access.is_central(request.user),
            _("Only central coordinators name the appraisal council."),
        )
        members = []
        for role, field in (("chair", "chair"), ("member", "members")):
            for name in request.POST.get(field, "").replace(",", " ").split():
                found = User.objects.filter(username=name[:150]).first()
                if found is None:
                    error = _("No user %(name)s.") % {"name": name}
                    break
                members.append((found, role))
        if not error:
            try:
                actions.set_council(acting_user=request.user, edition=edition, members=members)
            except ValidationError as exc:
                error = refusal_text(exc)
            else:
                messages.success(request, _("The appraisal council was saved."))
                return redirect("indices:assessments", code=edition.code)
    visible = access.assessments_visible(request.user, edition)
    by_unit = {a.unit_id: a for a in visible}
    units = (
        IndexUnit.objects.filter(edition=edition, view=UnitView.AS_WAS)
        .select_related("agency")
        .order_by("group", "name")
    )
    if not (access.is_central(request.user) or access.council_role(request.user, edition)):
        user_agency = getattr(request.user, "agency", None)
        units = (
            units.filter(agency__path__startswith=user_agency.path) if user_agency else units.none()
        )
    council = CouncilMember.objects.filter(edition=edition).select_related("user")
    context = _base(
        request,
        edition,
        rows=[(u, by_unit.get(u.pk)) for u in units],
        council=council,
        council_role=access.council_role(request.user, edition),
        error=error,
        chair=" ".join(m.user.username for m in council if m.role == "chair"),
        members=" ".join(m.user.username for m in council if m.role == "member"),
    )
    return render(request, "indices/assessments.html", context, status=422 if error else 200)


def _assessment_context(
    request: HttpRequest, edition: Edition, unit_row: IndexUnit, **extra: Any
) -> dict[str, Any]:
    assessment = Assessment.objects.filter(edition=edition, unit=unit_row).first()
    scores = (
        {s.node: s for s in ComponentScore.objects.filter(assessment=assessment)}
        if assessment
        else {}
    )
    evidence: dict[str, list[Evidence]] = {}
    if assessment is not None:
        for item in Evidence.objects.filter(assessment=assessment):
            evidence.setdefault(item.node, []).append(item)
    parsed = edition.parsed()
    nodes = actions.entered_nodes(parsed)
    typed = extra.pop("typed", {})
    errors = extra.get("errors", {})
    rows = [
        {
            "node": node,
            "label": reports.node_label(node),
            "points": reports.points_label(node),
            "score": scores.get(code),
            "evidence": evidence.get(code, []),
            "typed": typed.get(code),
            "error": " ".join(errors.get(f"score-{code}", [])),
            "appraisal_error": " ".join(
                errors.get(f"appraised-{code}", []) + errors.get(f"comment-{code}", [])
            ),
        }
        for code, node in nodes.items()
    ]
    status = assessment.status if assessment else "draft"
    steps = [s.value for s in workflow.steps_from(status, requires_acceptance=True)]
    return _base(
        request,
        edition,
        unit=unit_row,
        assessment=assessment,
        rows=rows,
        may_enter=access.may_enter(request.user, unit_row)
        and (assessment is None or assessment.editable),
        may_appraise=access.may_appraise(request.user, edition)
        and assessment is not None
        and status == "submitted",
        may_lock=access.may_lock(request.user, edition),
        steps=[name for name, step in STEPS.items() if step.value in steps],
        automatic=[n for n in parsed.leaves() if n.scored and n.source.kind != SourceKind.ENTERED],
        **extra,
    )


def _decimal(text: str) -> Decimal | None:
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text[:24])
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    unit_row = access.access_assessment_unit(request.user, edition, unit_code)
    errors: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        errors, typed = _post_assessment(request, edition, unit_row)
        if not errors:
            messages.success(request, _("Saved."))
            return redirect("indices:assessment", code=edition.code, unit_code=unit_row.code)
    context = _assessment_context(request, edition, unit_row, errors=errors, typed=typed)
    return render(request, "indices/assessment.html", context, status=422 if errors else 200)


def _post_assessment(
    request: HttpRequest, edition: Edition, unit_row: IndexUnit
) -> tuple[dict[str, list[str]], dict[str, str]]:
    nodes = actions.entered_nodes(edition.parsed())
    typed = {code: request.POST.get(f"score-{code}", "") for code in nodes}
    try:
        if request.POST.get("what") == "appraise":
            assessment_row = Assessment.objects.filter(edition=edition, unit=unit_row).first()
            if assessment_row is None:
                raise Http404(_("Nothing to appraise yet."))
            bad = {}
            for code in nodes:
                if f"appraised-{code}" not in request.POST:
                    continue
                try:
                    value = _decimal(request.POST.get(f"appraised-{code}", ""))
                except ValueError:
                    bad[f"appraised-{code}"] = [_("Type a number.")]
                    continue
                actions.appraise(
                    acting_user=request.user,
                    assessment=assessment_row,
                    node=code,
                    score=value,
                    comment=request.POST.get(f"comment-{code}", ""),
                )
            return bad, typed
        upload = request.FILES.get("file")
        if upload is not None:
            actions.add_evidence(
                acting_user=request.user,
                edition=edition,
                unit=unit_row,
                node=request.POST.get("node", "")[:32],
                upload=actions.Upload(upload.name or "", upload.read()),
            )
            return {}, typed
        inputs = []
        bad = {}
        for code in nodes:
            try:
                value = _decimal(typed[code])
            except ValueError:
                bad[f"score-{code}"] = [_("Type a number, e.g. 85 or 85,5.")]
                continue
            inputs.append(actions.ScoreInput(code, value, request.POST.get(f"note-{code}", "")))
        if bad:
            return bad, typed
        actions.save_self_scores(
            acting_user=request.user, edition=edition, unit=unit_row, inputs=inputs
        )
    except ValidationError as exc:
        return (exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}), typed
    except TransitionNotAllowed as exc:
        return {"": [exc.message]}, typed
    return {}, typed


@login_required
@require_POST
def assessment_step(request: HttpRequest, code: str, unit_code: str, step: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    unit_row = access.access_assessment_unit(request.user, edition, unit_code)
    if step not in STEPS:
        raise Http404(_("No such step."))
    assessment_row = Assessment.objects.filter(edition=edition, unit=unit_row).first()
    if assessment_row is None:
        assessment_row = Assessment(edition=edition, unit=unit_row)
    reason = request.POST.get("reason", "")
    try:
        if step == "submit":
            access.require(
                access.may_enter(request.user, unit_row),
                _("Only the unit's officers and leaders submit its self-assessment."),
            )
            if assessment_row.pk is None:
                raise ValidationError(_("Enter the self-assessed scores first."))
            actions.submit_assessment(acting_user=request.user, assessment=assessment_row)
        elif assessment_row.pk is None:
            raise TransitionNotAllowed(
                _("Nothing has been submitted yet."), current="draft", action=step
            )
        elif step == "approve":
            actions.approve_assessment(acting_user=request.user, assessment=assessment_row)
        elif step == "lock":
            actions.lock_assessment(acting_user=request.user, assessment=assessment_row)
        elif step == "return":
            actions.return_assessment(
                acting_user=request.user, assessment=assessment_row, reason=reason
            )
        else:
            actions.reopen_assessment(
                acting_user=request.user, assessment=assessment_row, reason=reason
            )
    except (ValidationError, TransitionNotAllowed) as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("indices:assessment", code=edition.code, unit_code=unit_row.code)


@login_required
@require_GET
def evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    found = access.access_evidence(request.user, evidence_id)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )


# --- published results and computing --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def official(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    error = ""
    if request.method == "POST":
        access.require(
            access.is_central(request.user),
            _("Only central coordinators import published results."),
        )
        upload = request.FILES.get("file")
        view = request.POST.get("view", UnitView.AS_WAS)
        try:
            result = actions.import_official(
                acting_user=request.user,
                edition=edition,
                data=upload.read() if upload else b"",
                name=(upload.name or "") if upload else "",
                view=view,
            )
        except ValidationError as exc:
            error = refusal_text(exc)
        else:
            messages.success(
                request,
                _(
                    "%(rows)s published results imported; %(flagged)s differ from the "
                    "recomputation by more than 0,0005."
                )
                % {"rows": result.rows, "flagged": len(result.flagged)},
            )
            return redirect("indices:official", code=edition.code)
    rows = reports.official(edition)
    context = _base(
        request, edition, rows=rows, error=error, as_is=bool(edition.parsed().units.as_is_on)
    )
    return render(request, "indices/official.html", context, status=422 if error else 200)


@login_required
@require_POST
def recompute(request: HttpRequest, code: str) -> HttpResponse:
    edition = access.access_edition(request.user, code)
    outcome = actions.compute_edition(acting_user=request.user, edition=edition)
    messages.success(
        request,
        _("Results computed in %(seconds)s s: %(views)s.")
        % {
            "seconds": f"{outcome.seconds:.2f}".replace(".", ","),
            "views": ", ".join(f"{k} ({v})" for k, v in outcome.views.items()),
        },
    )
    return redirect(reverse("indices:ranking", args=[edition.code]))
