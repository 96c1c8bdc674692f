"""Editions in the database, the self-assessment → appraisal → final workflow, results and
published results, through the actions against the real database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent
from dxgov.core.errors import TransitionNotAllowed
from dxgov.indices import actions
from dxgov.indices.actions import ScoreInput
from dxgov.indices.models import (
    Assessment,
    AssessmentStatus,
    ComponentScore,
    Edition,
    EditionVersion,
    IndexUnit,
    OfficialResult,
    ResultSet,
    UnitResult,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def user(name: str) -> User:
    return User.objects.select_related("agency").get(username=name)


@pytest.fixture
def loaded(coordinator: User) -> dict[str, Edition]:
    actions.load_editions(acting_user=coordinator)
    return {e.code: e for e in Edition.objects.all()}


def test_loading_the_editions_is_safe_to_repeat(coordinator: User) -> None:
    first = actions.load_editions(acting_user=coordinator)
    assert "dti-province-2024" in first.created
    again = actions.load_editions(acting_user=coordinator)
    assert not again.created and not again.updated
    edition = Edition.objects.get(code="dti-province-2024")
    assert edition.units.filter(view="as_was").count() == 63
    assert edition.units.filter(view="as_is").count() == 34
    phutho = edition.units.get(view="as_was", code="UBND-T26-CU")  # Vĩnh Phúc
    assert phutho.successor is not None and phutho.successor.code == "UBND-T25"
    ministries = Edition.objects.get(code="dti-ministry-2024").units.all()
    assert ministries.filter(group="co-dvc").count() == 17
    assert ministries.filter(group="khong-dvc", agency__isnull=True).count() == 5


def _scores(edition: Edition, value: str) -> list[ScoreInput]:
    return [
        ScoreInput(n.code, Decimal(value) * Decimal(repr(n.max_points)))
        for n in edition.parsed().scored_main_indicators()
    ]


def test_self_assessed_appraised_and_final(loaded: dict[str, Edition], coordinator: User) -> None:
    edition = loaded["dti-province-2025"]
    unit = edition.units.get(view="as_was", code="UBND-T25")
    officer, leader = user("phutho.canbo"), user("phutho.lanhdao")
    chair, member = user("quantri"), user("dienbien.lanhdao")
    events = AuditEvent.objects.count()

    # Above the component's maximum: refused, nothing saved.
    with pytest.raises(ValidationError) as refused:
        actions.save_self_scores(
            acting_user=officer,
            edition=edition,
            unit=unit,
            inputs=[ScoreInput("CS1", Decimal("100")), ScoreInput("CS2", Decimal("126"))],
        )
    assert refused.value.message_dict == {
        "score-CS2": ["126 is above the component's maximum (125 points)."]
    }
    assert not ComponentScore.objects.exists()

    # Another province's officer is refused.
    with pytest.raises(PermissionDenied):
        actions.save_self_scores(
            acting_user=user("dienbien.canbo"),
            edition=edition,
            unit=unit,
            inputs=_scores(edition, "0.5"),
        )

    assessment = actions.save_self_scores(
        acting_user=officer, edition=edition, unit=unit, inputs=_scores(edition, "0.8")
    )
    actions.add_evidence(
        acting_user=officer,
        edition=edition,
        unit=unit,
        node="CS1",
        upload=actions.Upload("nghi-quyet.pdf", PDF),
    )
    actions.submit_assessment(acting_user=leader, assessment=assessment)

    actions.set_council(
        acting_user=coordinator, edition=edition, members=[(chair, "chair"), (member, "member")]
    )
    # A coordinator outside the council does not appraise.
    with pytest.raises(PermissionDenied, match="appraisal council"):
        actions.appraise(
            acting_user=coordinator,
            assessment=assessment,
            node="CS1",
            score=Decimal(50),
            comment="x",
        )
    # A different score needs its reason.
    with pytest.raises(ValidationError, match="Say why"):
        actions.appraise(
            acting_user=member, assessment=assessment, node="CS1", score=Decimal(50), comment=""
        )
    actions.appraise(
        acting_user=member,
        assessment=assessment,
        node="CS1",
        score=Decimal(50),
        comment="Thiếu văn bản",
    )
    with pytest.raises(ValidationError, match="above the component's maximum"):
        actions.appraise(
            acting_user=member, assessment=assessment, node="CS2", score=Decimal(200), comment="?"
        )
    actions.approve_assessment(acting_user=member, assessment=assessment)
    cs1 = ComponentScore.objects.get(assessment=assessment, node="CS1")
    cs2 = ComponentScore.objects.get(assessment=assessment, node="CS2")
    assert (cs1.self_score, cs1.appraised_score, cs1.final_score) == (
        Decimal(100),
        Decimal(50),
        Decimal(50),
    )
    assert (cs2.self_score, cs2.appraised_score, cs2.final_score) == (
        Decimal(100),
        None,
        Decimal(100),
    )

    # Only the chair (or a coordinator) locks; then nothing changes until reopened.
    with pytest.raises(PermissionDenied):
        actions.lock_assessment(acting_user=member, assessment=assessment)
    actions.lock_assessment(acting_user=chair, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED
    with pytest.raises(TransitionNotAllowed):
        actions.save_self_scores(
            acting_user=officer, edition=edition, unit=unit, inputs=_scores(edition, "0.9")
        )
    with pytest.raises(ValidationError, match="Say why"):
        actions.reopen_assessment(acting_user=coordinator, assessment=assessment, reason=" ")
    actions.reopen_assessment(acting_user=coordinator, assessment=assessment, reason="Sai số liệu")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.return_reason) == (
        AssessmentStatus.RETURNED,
        "Sai số liệu",
    )
    cs1.refresh_from_db()
    assert (cs1.self_score, cs1.appraised_score, cs1.final_score) == (
        Decimal(100),
        Decimal(50),
        None,
    )
    kinds = list(
        AuditEvent.objects.filter(seq__gt=0)
        .order_by("-seq")
        .values_list("event_type", flat=True)[:1]
    )
    assert kinds == ["index.assessment_reopened"]
    assert AuditEvent.objects.count() > events + 10


def test_a_submitted_assessment_needs_every_score(loaded: dict[str, Edition]) -> None:
    edition = loaded["dti-province-2025"]
    unit = edition.units.get(view="as_was", code="UBND-T25")
    officer = user("phutho.canbo")
    assessment = actions.save_self_scores(
        acting_user=officer, edition=edition, unit=unit, inputs=[ScoreInput("CS1", Decimal(90))]
    )
    with pytest.raises(ValidationError, match="missing: CS2"):
        actions.submit_assessment(acting_user=officer, assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT


def _final(edition: Edition, code: str, values: dict[str, str], coordinator: User) -> None:
    """A unit's main-indicator values (0–1) entered, appraised as they are and locked."""
    unit = edition.units.get(view="as_was", code=code)
    admin = user("quantri")
    parsed = edition.parsed()
    inputs = [
        ScoreInput(node.code, Decimal(values[node.code]) * Decimal(repr(node.max_points)))
        for node in parsed.scored_main_indicators()
    ]
    assessment = actions.save_self_scores(
        acting_user=admin, edition=edition, unit=unit, inputs=inputs
    )
    actions.submit_assessment(acting_user=admin, assessment=assessment)
    actions.approve_assessment(acting_user=admin, assessment=assessment)
    actions.lock_assessment(acting_user=admin, assessment=assessment)


def test_results_as_measured_and_merged(loaded: dict[str, Edition], coordinator: User) -> None:
    edition = loaded["dti-province-2024"]
    actions.set_council(
        acting_user=coordinator, edition=edition, members=[(user("quantri"), "chair")]
    )
    mains = ["CS1", "CS2", "CS3", "CS4", "CS5", "CS7", "CS8", "CS9"]
    _final(edition, "UBND-T25-CU", dict.fromkeys(mains, "0.6"), coordinator)  # Phú Thọ
    _final(edition, "UBND-T26-CU", dict.fromkeys(mains, "0.9"), coordinator)  # Vĩnh Phúc
    _final(edition, "UBND-T17-CU", dict.fromkeys(mains, "0.3"), coordinator)  # Hòa Bình
    _final(edition, "UBND-T11-CU", dict.fromkeys(mains, "0.75"), coordinator)  # Điện Biên
    outcome = actions.compute_edition(acting_user=coordinator, edition=edition)
    assert outcome.views == {"as_was": 63, "as_is": 34}
    as_was = {
        r.unit.code: r
        for r in UnitResult.objects.filter(result_set__view="as_was").select_related("unit")
    }
    assert as_was["UBND-T26-CU"].score == Decimal("0.9")
    assert as_was["UBND-T26-CU"].rank == 1
    assert as_was["UBND-T11-CU"].rank == 2
    # Units nobody assessed count zero (the 922 editions' rule), marked.
    assert as_was["UBND-T01-CU"].score == Decimal(0)
    assert "missing_zero" in as_was["UBND-T01-CU"].marks
    as_is = {
        r.unit.code: r
        for r in UnitResult.objects.filter(result_set__view="as_is").select_related("unit")
    }
    # New Phú Thọ: the plain mean of 0.6, 0.9 and 0.3 in every main indicator.
    assert as_is["UBND-T25"].score == Decimal("0.6")
    assert as_is["UBND-T25"].behind["merged_from"] == ["Hòa Bình", "Phú Thọ", "Vĩnh Phúc"]
    assert as_is["UBND-T11"].score == Decimal("0.75")
    assert (as_is["UBND-T11"].rank, as_is["UBND-T25"].rank) == (1, 2)
    assert ResultSet.objects.get(edition=edition, view="as_is").summary["count"][""] == 34


def test_a_definition_whose_weights_do_not_add_up_is_refused(
    loaded: dict[str, Edition], coordinator: User
) -> None:
    edition = loaded["dti-province-2024"]
    document: dict[str, Any] = dict(edition.definition)
    nodes = [dict(n) for n in document["nodes"]]
    nodes[0]["points"] = 120
    document["nodes"] = nodes
    with pytest.raises(ValidationError) as refused:
        actions.save_definition(
            acting_user=coordinator, edition=edition, document=document, reason="Thử"
        )
    assert refused.value.message_dict == {
        "nodes": ["The points of the index's parts add up to 1020, not 1000."]
    }
    edition.refresh_from_db()
    assert edition.version == 1 and EditionVersion.objects.filter(edition=edition).count() == 1
    nodes[0]["points"] = 80
    nodes[6]["points"] = 220
    with pytest.raises(PermissionDenied):
        actions.save_definition(
            acting_user=user("phutho.lanhdao"), edition=edition, document=document, reason="Thử"
        )
    saved = actions.save_definition(
        acting_user=coordinator, edition=edition, document=document, reason="Điều chỉnh"
    )
    assert saved.version == 2 and saved.source_digest == ""
    assert saved.parsed().node("CS1").points == 80
    # A changed repository file no longer replaces an edited definition.
    assert "dti-province-2024" in actions.load_editions(acting_user=coordinator).kept


CSV = (
    "unit_name,CS1,CS2,CS3,CS4,CS5,CS7,CS8,CS9,score,rank\n"
    "Tỉnh Phú Thọ,0.6,0.6,0.6,0.6,0.6,0.6,0.6,0.6,0.6000,2\n"
    "Vĩnh Phúc,0.9,0.9,0.9,0.9,0.9,0.9,0.9,0.9,0.9010,1\n"
)


def test_published_results_side_by_side(loaded: dict[str, Edition], coordinator: User) -> None:
    edition = loaded["dti-province-2024"]
    result = actions.import_official(
        acting_user=coordinator, edition=edition, data=CSV.encode(), name="dti-2024.csv"
    )
    assert result.rows == 2 and result.flagged == ["Vĩnh Phúc"]
    rows = {r.unit.code: r for r in OfficialResult.objects.select_related("unit")}
    assert rows["UBND-T26-CU"].difference == Decimal("0.0010")
    assert not rows["UBND-T25-CU"].flagged
    bad = CSV.replace("Vĩnh Phúc", "Vĩnh Phước")
    with pytest.raises(ValidationError) as refused:
        actions.import_official(
            acting_user=coordinator, edition=edition, data=bad.encode(), name="x.csv"
        )
    assert "nearest: Vĩnh Phúc" in refused.value.message_dict["file"][0]
    assert OfficialResult.objects.count() == 2  # the earlier import stands
    with pytest.raises(PermissionDenied):
        actions.import_official(
            acting_user=user("phutho.lanhdao"), edition=edition, data=CSV.encode(), name="x"
        )


def test_units_of_the_edition_only(loaded: dict[str, Edition]) -> None:
    assert IndexUnit.objects.filter(edition=loaded["dti-province-2025"], view="as_is").count() == 0
