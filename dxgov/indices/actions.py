"""Writes to the composite indices: each one transaction, checked, and audited.

Editions are loaded from the repository's files and edited by coordinators (a new version
each time; a definition that breaks a rule is refused field by field, nothing saved). The
self-assessment runs through the reporting workflow (reporting/workflow.py, with acceptance:
draft → submitted → approved (appraised) → accepted (locked); returned with a reason; a
coordinator reopens with a reason): the unit enters its self-assessed scores with evidence,
the appraisal council sets appraised scores with comments and approves, which fixes each final
score (the appraised score where the council gave one, else the self-assessed one), and the
chair locks. Results are computed by compute.py and stored whole per view; published results
are imported beside them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.audit.models import EventType
from dxgov.audit.record import Entry, record, record_many
from dxgov.core.errors import TransitionNotAllowed
from dxgov.core.uploads import UploadRefused, check_upload
from dxgov.indices import access, check, compute, definition, editions, signals
from dxgov.indices.definition import DefinitionError, SourceKind
from dxgov.indices.matching import Candidate, UnitIndex
from dxgov.indices.models import (
    Assessment,
    AssessmentStatus,
    ComponentScore,
    CouncilMember,
    CouncilRole,
    Edition,
    EditionVersion,
    Evidence,
    IndexUnit,
    OfficialResult,
    ResultSet,
    UnitView,
)
from dxgov.indices.models import UnitResult as StoredResult
from dxgov.orgunits.models import Agency
from dxgov.reporting import workflow
from dxgov.scoring.aggregate import insert_rows

EVIDENCE_FILES = {"pdf", "docx", "xlsx", "png", "jpeg"}
MAX_CSV_BYTES = 2 * 1024 * 1024


# --- editions ------------------------------------------------------------------------------


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # unchanged, or edited here (kept as edited)


@transaction.atomic
def load_editions(*, acting_user: Any, codes: Iterable[str] | None = None) -> LoadResult:
    """Store the repository's editions; a file that changed replaces a definition nobody
    edited here (a new version), never one a coordinator edited. Safe to run again."""
    result = LoadResult()
    wanted = set(codes) if codes is not None else None
    for code in editions.files():
        if wanted is not None and code not in wanted:
            continue
        document = editions.document(code)
        parsed = definition.parse(document)
        digest = _digest(document)
        edition = Edition.objects.select_for_update().filter(code=code).first()
        if edition is not None and (edition.source_digest in ("", digest)):
            result.kept.append(code)
            continue
        if edition is None:
            edition = Edition.objects.create(
                code=parsed.code,
                index=parsed.index,
                year=parsed.year,
                level=parsed.level,
                name=parsed.name,
                definition=document,
                source_digest=digest,
                updated_by=acting_user,
            )
            result.created.append(code)
        else:
            edition.definition = document
            edition.version += 1
            edition.name = parsed.name
            edition.source_digest = digest
            edition.updated_at = timezone.now()
            edition.updated_by = acting_user
            edition.save()
            result.updated.append(code)
        EditionVersion.objects.create(
            edition=edition,
            version=edition.version,
            definition=document,
            reason=_("Loaded from the repository file."),
            saved_by=acting_user,
        )
        units = sync_units(edition, parsed)
        record(
            event_type=EventType.INDEX_EDITION_LOADED,
            acting_user=acting_user,
            target=edition,
            data={"code": code, "version": edition.version, "digest": digest, "units": units},
        )
    return result


def sync_units(edition: Edition, parsed: definition.Edition) -> int:
    """The edition's units as its definition and the unit registry say: added or renamed,
    never removed (a unit with scores stays)."""
    agencies = {a.code: a for a in Agency.objects.all().only("pk", "code")}
    existing = {(u.view, u.code): u for u in IndexUnit.objects.filter(edition=edition)}
    views = [(UnitView.AS_WAS, False)]
    if parsed.units.as_is_on:
        views.insert(0, (UnitView.AS_IS, True))
    count = 0
    for view, as_is in views:
        for record_ in editions.units_of(parsed, as_is=as_is):
            successor = None
            if view == UnitView.AS_WAS and record_.successor and parsed.units.as_is_on:
                successor = existing.get((UnitView.AS_IS, record_.successor))
            values = {
                "name": record_.name,
                "group": record_.group,
                "ranked": record_.ranked,
                "agency": agencies.get(record_.code),
                "orgunit_code": record_.orgunit_code,
                "successor": successor,
            }
            unit = existing.get((view, record_.code))
            if unit is None:
                unit = IndexUnit.objects.create(
                    edition=edition, view=view, code=record_.code, **values
                )
                existing[(view, record_.code)] = unit
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(unit, key, value)
                unit.save()
            count += 1
    return count


def _require_central(user: Any, message: str) -> None:
    access.require(access.is_central(user), message)


def _definition_errors(exc: DefinitionError) -> ValidationError:
    return ValidationError(
        {path or "definition": [message] for path, message in exc.errors.items()}
    )


@transaction.atomic
def save_definition(
    *, acting_user: Any, edition: Edition, document: Mapping[str, Any], reason: str
) -> Edition:
    """A coordinator's edited definition: checked whole, stored as a new version."""
    _require_central(acting_user, _("Only central coordinators change an index's definition."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the definition changes (it is kept with the version).")}
        )
    try:
        parsed = definition.parse(document)
    except DefinitionError as exc:
        raise _definition_errors(exc) from None
    identity = {
        "code": edition.code,
        "year": edition.year,
        "level": edition.level,
        "index": edition.index,
    }
    changed = {k: v for k, v in identity.items() if getattr(parsed, k) != v}
    if changed:
        raise ValidationError(
            {
                key: _("An edition's %(field)s cannot change (it is %(value)s).")
                % {"field": key, "value": value}
                for key, value in changed.items()
            }
        )
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    stored = definition.as_json(parsed)
    old = edition.definition
    edition.definition = stored
    edition.version += 1
    edition.name = parsed.name
    edition.source_digest = ""  # edited here: a changed repository file no longer replaces it
    edition.updated_at = timezone.now()
    edition.updated_by = acting_user
    edition.save()
    EditionVersion.objects.create(
        edition=edition,
        version=edition.version,
        definition=stored,
        reason=reason,
        saved_by=acting_user,
    )
    sync_units(edition, parsed)
    record(
        event_type=EventType.INDEX_DEFINITION_SAVED,
        acting_user=acting_user,
        target=edition,
        data={
            "code": edition.code,
            "version": edition.version,
            "old": _digest(old),
            "new": _digest(stored),
            "weights": {n.code: n.max_points for n in parsed.walk()},
        },
        reason=reason,
    )
    return edition


@transaction.atomic
def set_council(
    *, acting_user: Any, edition: Edition, members: Sequence[tuple[Any, str]]
) -> list[CouncilMember]:
    """Name the edition's appraisal council (users with their role: chair or member)."""
    _require_central(acting_user, _("Only central coordinators name the appraisal council."))
    roles = [role for _user, role in members]
    if any(role not in CouncilRole.values for role in roles):
        raise ValidationError({"members": _("Each member is a chair or a member.")})
    if roles.count(CouncilRole.CHAIR) > 1:
        raise ValidationError({"members": _("A council has one chair.")})
    CouncilMember.objects.filter(edition=edition).delete()
    created = [
        CouncilMember.objects.create(edition=edition, user=user, role=role)
        for user, role in members
    ]
    record(
        event_type=EventType.INDEX_COUNCIL_SET,
        acting_user=acting_user,
        target=edition,
        data={"code": edition.code, "members": [[m.user.get_username(), m.role] for m in created]},
    )
    return created


# --- self-assessment -------------------------------------------------------------------------


def entered_nodes(parsed: definition.Edition) -> dict[str, definition.Node]:
    """The leaves a unit scores itself (entered, scored), by code."""
    return {
        node.code: node
        for node in parsed.leaves()
        if node.scored and node.source.kind == SourceKind.ENTERED
    }


class ScoresRefused(ValidationError):
    """Some scores cannot be saved (above the maximum, negative, no such component)."""


@dataclass(frozen=True)
class ScoreInput:
    node: str
    score: Decimal | None
    comment: str = ""


def _check_score(node: definition.Node, score: Decimal | None) -> str | None:
    if score is None:
        return None
    maximum = node.max_points
    if score < 0:
        return _("A score is not negative.")
    if maximum is not None and score > Decimal(repr(maximum)):
        return _("%(score)s is above the component's maximum (%(max)s points).") % {
            "score": score,
            "max": _points(maximum),
        }
    if node.normalisation.method == definition.Method.SHARE and score > 1:
        return _("A share is from 0 to 1.")
    return None


def _points(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def _assessment(edition: Edition, unit: IndexUnit, lock: bool = True) -> Assessment:
    assessment, _created = Assessment.objects.get_or_create(edition=edition, unit=unit)
    if lock:
        assessment = (
            Assessment.objects.select_for_update()
            .select_related("unit", "edition")
            .get(pk=assessment.pk)
        )
    return assessment


@transaction.atomic
def save_self_scores(
    *, acting_user: Any, edition: Edition, unit: IndexUnit, inputs: Sequence[ScoreInput]
) -> Assessment:
    """The unit's self-assessed scores (all or nothing: one refused score saves none)."""
    access.require(
        access.may_enter(acting_user, unit),
        _("Only the unit's officers and leaders enter its self-assessment."),
    )
    if unit.view != UnitView.AS_WAS:
        raise ValidationError(_("Units are assessed as measured, not as merged."))
    nodes = entered_nodes(edition.parsed())
    errors: dict[str, str] = {}
    for item in inputs:
        node = nodes.get(item.node)
        if node is None:
            errors[f"score-{item.node}"] = _(
                "%(code)s is not a component this unit scores itself."
            ) % {"code": item.node}
            continue
        problem = _check_score(node, item.score)
        if problem:
            errors[f"score-{item.node}"] = problem
    if errors:
        raise ScoresRefused(errors)
    assessment = _assessment(edition, unit)
    if not assessment.editable:
        raise TransitionNotAllowed(
            _("This self-assessment is %(status)s: its scores are locked.")
            % {"status": assessment.get_status_display().lower()},
            current=assessment.status,
            action="save",
        )
    stored = {
        s.node: s for s in ComponentScore.objects.select_for_update().filter(assessment=assessment)
    }
    now = timezone.now()
    entries = []
    for item in inputs:
        score = stored.get(item.node)
        comment = item.comment.strip()
        if score is not None and score.self_score == item.score and score.self_comment == comment:
            continue
        old = None if score is None else score.self_score
        if score is None:
            score = ComponentScore(assessment=assessment, node=item.node)
        score.self_score = item.score
        score.self_comment = comment
        score.updated_at = now
        score.updated_by = acting_user
        score.save()
        entries.append(
            Entry(
                event_type=EventType.INDEX_SCORES_SAVED,
                target_type="indices.componentscore",
                target_id=str(score.pk),
                agency_id=unit.agency_id,
                data={
                    "edition": edition.code,
                    "unit": unit.code,
                    "node": item.node,
                    "old": None if old is None else str(old),
                    "new": None if item.score is None else str(item.score),
                },
                reason=comment,
            )
        )
    record_many(acting_user=acting_user, entries=entries)
    return assessment


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@transaction.atomic
def add_evidence(
    *, acting_user: Any, edition: Edition, unit: IndexUnit, node: str, upload: Upload
) -> Evidence:
    access.require(
        access.may_enter(acting_user, unit),
        _("Only the unit's officers and leaders attach its evidence."),
    )
    if node not in entered_nodes(edition.parsed()):
        raise ValidationError(
            {"node": _("%(code)s is not a component this unit scores itself.") % {"code": node}}
        )
    try:
        checked = check_upload(
            upload.name,
            upload.data,
            allowed=EVIDENCE_FILES,
            max_bytes=settings.DXGOV_UPLOAD_MAX_BYTES,
        )
    except UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    assessment = _assessment(edition, unit)
    if not assessment.editable:
        raise TransitionNotAllowed(
            _("This self-assessment is %(status)s: no more evidence can be attached.")
            % {"status": assessment.get_status_display().lower()},
            current=assessment.status,
            action="evidence",
        )
    digest = hashlib.sha256(upload.data).hexdigest()
    evidence = Evidence(
        assessment=assessment,
        node=node,
        original_name=upload.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest,
        uploaded_by=acting_user,
    )
    evidence.file.save(digest, ContentFile(upload.data), save=False)
    evidence.save()
    record(
        event_type=EventType.INDEX_EVIDENCE_ADDED,
        acting_user=acting_user,
        target=evidence,
        agency_id=unit.agency_id,
        data={
            "edition": edition.code,
            "unit": unit.code,
            "node": node,
            "name": evidence.original_name,
            "sha256": digest,
        },
    )
    return evidence


_STEP_EVENTS = {
    workflow.Step.SUBMIT: EventType.INDEX_ASSESSMENT_SUBMITTED,
    workflow.Step.APPROVE: EventType.INDEX_ASSESSMENT_APPROVED,
    workflow.Step.ACCEPT: EventType.INDEX_ASSESSMENT_LOCKED,
    workflow.Step.RETURN: EventType.INDEX_ASSESSMENT_RETURNED,
    workflow.Step.REOPEN: EventType.INDEX_ASSESSMENT_REOPENED,
}


def _step_label(step: workflow.Step) -> str:
    return {
        workflow.Step.SUBMIT: _("submitted"),
        workflow.Step.APPROVE: _("appraised"),
        workflow.Step.ACCEPT: _("locked"),
        workflow.Step.RETURN: _("returned"),
        workflow.Step.REOPEN: _("reopened"),
    }[step]


def _step(
    acting_user: Any, assessment: Assessment, step: workflow.Step, reason: str = ""
) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("unit", "edition")
        .get(pk=assessment.pk)
    )
    try:
        status = workflow.next_status(assessment.status, step, requires_acceptance=True)
    except workflow.StepNotAllowed as exc:
        raise TransitionNotAllowed(
            _("A self-assessment that is %(status)s cannot be %(step)s.")
            % {"status": assessment.get_status_display().lower(), "step": _step_label(step)},
            current=assessment.status,
            action=step.value,
        ) from exc
    old = assessment.status
    now = timezone.now()
    assessment.status = status
    if step == workflow.Step.SUBMIT:
        assessment.submitted_at, assessment.submitted_by = now, acting_user
        assessment.return_reason = ""
    elif step == workflow.Step.APPROVE:
        assessment.approved_at, assessment.approved_by = now, acting_user
    elif step == workflow.Step.ACCEPT:
        assessment.locked_at, assessment.locked_by = now, acting_user
    else:
        assessment.return_reason = reason
    assessment.save()
    record(
        event_type=_STEP_EVENTS[step],
        acting_user=acting_user,
        target=assessment,
        agency_id=assessment.unit.agency_id,
        data={
            "edition": assessment.edition.code,
            "unit": assessment.unit.code,
            "status": {"old": old, "new": status},
        },
        reason=reason,
    )
    signals.assessment_changed(assessment)
    return assessment


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the unit knows what to correct.")})
    return reason


@transaction.atomic
def submit_assessment(*, acting_user: Any, assessment: Assessment) -> Assessment:
    access.require(
        access.may_enter(acting_user, assessment.unit),
        _("Only the unit's officers and leaders submit its self-assessment."),
    )
    nodes = entered_nodes(assessment.edition.parsed())
    scored = set(
        ComponentScore.objects.filter(assessment=assessment, self_score__isnull=False).values_list(
            "node", flat=True
        )
    )
    missing = [code for code in nodes if code not in scored]
    if missing:
        raise ValidationError(
            _("Score every component before submitting; missing: %(codes)s")
            % {"codes": ", ".join(missing)}
        )
    return _step(acting_user, assessment, workflow.Step.SUBMIT)


def _require_council(user: Any, edition: Edition) -> None:
    access.require(
        access.may_appraise(user, edition),
        _("Only members of the edition's appraisal council appraise self-assessments."),
    )


@transaction.atomic
def appraise(
    *, acting_user: Any, assessment: Assessment, node: str, score: Decimal | None, comment: str
) -> ComponentScore:
    """A council member's appraised score (with a comment) for one component."""
    _require_council(acting_user, assessment.edition)
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("unit", "edition")
        .get(pk=assessment.pk)
    )
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise TransitionNotAllowed(
            _("Only a submitted self-assessment is appraised; this one is %(status)s.")
            % {"status": assessment.get_status_display().lower()},
            current=assessment.status,
            action="appraise",
        )
    nodes = entered_nodes(assessment.edition.parsed())
    found = nodes.get(node)
    if found is None:
        raise ValidationError(
            {f"appraised-{node}": _("%(code)s is not an entered component.") % {"code": node}}
        )
    problem = _check_score(found, score)
    if problem:
        raise ScoresRefused({f"appraised-{node}": problem})
    stored, _created = ComponentScore.objects.select_for_update().get_or_create(
        assessment=assessment, node=node
    )
    comment = comment.strip()
    if score is not None and score != stored.self_score and not comment:
        raise ValidationError(
            {
                f"comment-{node}": _(
                    "Say why the appraised score differs from the self-assessed one."
                )
            }
        )
    old = stored.appraised_score
    stored.appraised_score = score
    stored.appraisal_comment = comment
    stored.appraised_by = acting_user
    stored.appraised_at = timezone.now()
    stored.save()
    record(
        event_type=EventType.INDEX_SCORE_APPRAISED,
        acting_user=acting_user,
        target=stored,
        agency_id=assessment.unit.agency_id,
        data={
            "edition": assessment.edition.code,
            "unit": assessment.unit.code,
            "node": node,
            "self": None if stored.self_score is None else str(stored.self_score),
            "old": None if old is None else str(old),
            "new": None if score is None else str(score),
        },
        reason=comment,
    )
    return stored


@transaction.atomic
def approve_assessment(*, acting_user: Any, assessment: Assessment) -> Assessment:
    """The council approves: each final score is the appraised one, else the self-assessed."""
    _require_council(acting_user, assessment.edition)
    assessment = _step(acting_user, assessment, workflow.Step.APPROVE)
    for score in ComponentScore.objects.select_for_update().filter(assessment=assessment):
        score.final_score = (
            score.appraised_score if score.appraised_score is not None else score.self_score
        )
        score.save(update_fields=["final_score"])
    return assessment


@transaction.atomic
def lock_assessment(*, acting_user: Any, assessment: Assessment) -> Assessment:
    access.require(
        access.may_lock(acting_user, assessment.edition),
        _("Only the council's chair or a central coordinator locks a self-assessment."),
    )
    return _step(acting_user, assessment, workflow.Step.ACCEPT)


def _clear_final(assessment: Assessment) -> None:
    ComponentScore.objects.filter(assessment=assessment).update(final_score=None)


@transaction.atomic
def return_assessment(*, acting_user: Any, assessment: Assessment, reason: str) -> Assessment:
    reason = _reason(reason)
    if assessment.status == AssessmentStatus.SUBMITTED:
        _require_council(acting_user, assessment.edition)
    else:
        access.require(
            access.may_lock(acting_user, assessment.edition),
            _(
                "Only the council's chair or a central coordinator returns an appraised "
                "self-assessment."
            ),
        )
    assessment = _step(acting_user, assessment, workflow.Step.RETURN, reason)
    _clear_final(assessment)
    return assessment


@transaction.atomic
def reopen_assessment(*, acting_user: Any, assessment: Assessment, reason: str) -> Assessment:
    reason = _reason(reason)
    _require_central(
        acting_user, _("Only a central coordinator reopens an appraised self-assessment.")
    )
    assessment = _step(acting_user, assessment, workflow.Step.REOPEN, reason)
    _clear_final(assessment)
    return assessment


# --- published results ----------------------------------------------------------------------


@dataclass
class OfficialImport:
    rows: int = 0
    flagged: list[str] = field(default_factory=list)


def unit_index(edition: Edition, view: str) -> UnitIndex:
    """Match names against the edition's stored units, with the registry's full names and the
    edition's aliases (editions.unit_index gives the same names without the database)."""
    parsed = edition.parsed()
    reference = {
        c.code: c for c in editions.unit_index(parsed, as_is=view == UnitView.AS_IS).candidates
    }
    units = IndexUnit.objects.filter(edition=edition, view=view)
    return UnitIndex(
        Candidate(u.code, u.name, reference[u.code].aliases if u.code in reference else ())
        for u in units
    )


@transaction.atomic
def import_official(
    *, acting_user: Any, edition: Edition, data: bytes, name: str, view: str = UnitView.AS_WAS
) -> OfficialImport:
    """Published results (CSV), kept beside their recomputation; a difference above 0.0005 is
    flagged. A unit that matches no unit of the edition refuses the whole file."""
    _require_central(acting_user, _("Only central coordinators import published results."))
    if view not in UnitView.values:
        raise ValidationError({"view": _("Choose as measured or as is.")})
    if not data:
        raise ValidationError({"file": _("Choose a CSV file of published results.")})
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 MB.")})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": _("The file is not UTF-8 text (save it as CSV UTF-8).")}
        ) from None
    try:
        rows = check.check(text, edition.parsed(), unit_index(edition, view))
    except check.CheckError as exc:
        raise ValidationError({"file": exc.problems}) from None
    units = {u.code: u for u in IndexUnit.objects.filter(edition=edition, view=view)}
    OfficialResult.objects.filter(edition=edition, unit__view=view).delete()
    result = OfficialImport(rows=len(rows))
    for row in rows:
        OfficialResult.objects.create(
            edition=edition,
            unit=units[row.code],
            score=row.official_score,
            rank=row.official_rank,
            main_values={code: str(value) for code, value in row.values.items()},
            computed_score=row.computed_score,
            computed_rank=row.computed_rank,
            flagged=row.flagged,
            source_name=name[:255],
            imported_by=acting_user,
        )
        if row.flagged:
            result.flagged.append(row.unit)
    record(
        event_type=EventType.INDEX_OFFICIAL_IMPORTED,
        acting_user=acting_user,
        target=edition,
        data={
            "code": edition.code,
            "view": view,
            "file": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "rows": result.rows,
            "flagged": result.flagged,
        },
    )
    return result


# --- results ----------------------------------------------------------------------------------

RESULT_COLUMNS = (
    "result_set_id",
    "unit_id",
    "score",
    "points",
    "rank",
    "change",
    "marks",
    "nodes",
    "pillars",
    "behind",
)


# orjson writes the thousands of result documents about ten times faster than json; dates,
# decimals and lazy texts go through Django's encoder, so the stored text is the same.
_JSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATETIME
)
_django_json = DjangoJSONEncoder().default


def _json(value: Any) -> str:
    return orjson.dumps(value, default=_django_json, option=_JSON_OPTIONS).decode()


def _store_results(result_set: ResultSet, rows: Sequence[compute.UnitRow]) -> None:
    """One row per unit: by COPY on PostgreSQL (thousands of JSON documents bound as
    parameters cost seconds), an executemany elsewhere; JSON written once, as text."""
    insert_rows(
        StoredResult._meta.db_table,
        RESULT_COLUMNS,
        (
            (
                result_set.pk,
                row.unit.pk,
                row.result.published,
                row.result.points,
                row.rank,
                row.change,
                _json(sorted(row.result.marks)),
                _json(compute.node_json(row.result)),
                _json(row.result.pillars),
                _json(row.behind),
            )
            for row in rows
        ),
    )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Thousands of small results are made and all kept until stored: the cyclic collector
    would scan them again and again for nothing (the same choice as dossier ingestion)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _store_view(
    acting_user: Any, edition: Edition, view: compute.ViewResult, now: datetime
) -> ResultSet:
    """The view's result set, its rows replaced whole."""
    result_set, _created = ResultSet.objects.update_or_create(
        edition=edition,
        view=view.view,
        defaults={
            "computed_at": now,
            "computed_by": acting_user,
            "definition_version": edition.version,
            "provisional": view.provisional,
            "units": len(view.rows),
            "summary": view.summary,
        },
    )
    StoredResult.objects.filter(result_set=result_set).delete()
    _store_results(result_set, view.rows)
    return result_set


@dataclass
class ComputeOutcome:
    views: dict[str, int] = field(default_factory=dict)  # view → units stored
    seconds: float = 0.0


@transaction.atomic
def compute_edition(
    *,
    acting_user: Any,
    edition: Edition,
    views: Sequence[str] | None = None,
    today: date | None = None,
) -> ComputeOutcome:
    """Compute and store the edition's results (each view replaced whole), audited once."""
    if acting_user is not None:
        _require_central(acting_user, _("Only central coordinators recompute an index."))
    started = time.perf_counter()
    outcome = ComputeOutcome()
    result_sets = []
    now = timezone.now()
    with _gc_paused():
        found = compute.views(edition, views, today)
        for view in found:
            result_sets.append(_store_view(acting_user, edition, view, now))
            outcome.views[view.view] = len(view.rows)
        # Freed while the collector is paused: otherwise its first pass after the pause walks
        # every one of the thousands of result objects (a tenth of a second for 3,321 units).
        del found, view
    outcome.seconds = time.perf_counter() - started
    ResultSet.objects.filter(pk__in=[r.pk for r in result_sets]).update(seconds=outcome.seconds)
    record(
        event_type=EventType.INDEX_COMPUTED,
        acting_user=acting_user,
        target=edition,
        data={"code": edition.code, "version": edition.version, "views": outcome.views},
    )
    signals.results_computed(result_sets)
    return outcome
