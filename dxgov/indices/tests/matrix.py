"""Composite index objects for the access matrix (dxgov/core/tests/test_access_matrix.py).

Per owner (Phú Thọ, Điện Biên): a fully scored draft self-assessment in dti-province-2025 (with
an evidence file), a submitted one in dti-province-2026, an approved one in a third edition made
for the matrix; the council: the administrator (chair) and the VPCP coordinator; the 2025
editions' results computed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dxgov.accounts.models import User
from dxgov.indices import actions, definition, editions
from dxgov.indices.actions import ScoreInput
from dxgov.indices.models import Edition, IndexUnit

OWNERS = {
    "phutho": ("UBND-T25", "phutho.canbo", "phutho.lanhdao"),
    "dienbien": ("UBND-T11", "dienbien.canbo", "dienbien.lanhdao"),
}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MATRIX_EDITION = "test-province-2027"


def scores(edition: Edition) -> list[ScoreInput]:
    return [
        ScoreInput(node.code, Decimal(repr(node.max_points)) / 2)
        for node in edition.parsed().scored_main_indicators()
    ]


def score_form(edition_code: str = "dti-province-2025") -> dict[str, str]:
    edition = Edition.objects.get(code=edition_code)
    return {f"score-{node.code}": "60" for node in edition.parsed().scored_main_indicators()}


def _matrix_edition(coordinator: User) -> Edition:
    """A third provincial edition (the 2026 one under another code), made for the matrix."""
    document = definition.as_json(editions.load("dti-province-2026"))
    document.update({"code": MATRIX_EDITION, "year": 2027, "previous": ""})
    document["units"]["measured_on"] = "2027-12-31"
    edition = Edition.objects.create(
        code=MATRIX_EDITION,
        index="dti",
        year=2027,
        level="province",
        name="DTI ma trận",
        definition=document,
    )
    actions.sync_units(edition, edition.parsed())
    return edition


def build_indices_world(coordinator: User) -> dict[str, dict[str, Any]]:
    admin = User.objects.get(username="quantri")
    actions.load_editions(
        acting_user=coordinator,
        codes=["dti-province-2025", "dti-province-2026", "dti-ministry-2025"],
    )
    draft = Edition.objects.get(code="dti-province-2025")
    submitted = Edition.objects.get(code="dti-province-2026")
    approved = _matrix_edition(coordinator)
    for edition in (draft, submitted, approved):
        actions.set_council(
            acting_user=coordinator,
            edition=edition,
            members=[(admin, "chair"), (coordinator, "member")],
        )
    world: dict[str, dict[str, Any]] = {}
    for owner, (code, officer_name, leader_name) in OWNERS.items():
        officer = User.objects.get(username=officer_name)
        leader = User.objects.get(username=leader_name)

        def unit(edition: Edition, code: str = code) -> IndexUnit:
            return IndexUnit.objects.get(edition=edition, view="as_was", code=code)

        actions.save_self_scores(
            acting_user=officer, edition=draft, unit=unit(draft), inputs=scores(draft)
        )
        evidence = actions.add_evidence(
            acting_user=officer,
            edition=draft,
            unit=unit(draft),
            node="CS1",
            upload=actions.Upload(f"minh-chung-{owner}.pdf", PDF),
        )
        second = actions.save_self_scores(
            acting_user=officer, edition=submitted, unit=unit(submitted), inputs=scores(submitted)
        )
        actions.submit_assessment(acting_user=leader, assessment=second)
        third = actions.save_self_scores(
            acting_user=officer, edition=approved, unit=unit(approved), inputs=scores(approved)
        )
        actions.submit_assessment(acting_user=leader, assessment=third)
        actions.approve_assessment(acting_user=coordinator, assessment=third)
        world[owner] = {
            "index_edition": "dti-province-2025" if owner == "phutho" else "dti-ministry-2025",
            "index_compute": "dti-province-2025",
            "index_unit": {"code": "dti-province-2025", "unit_code": code},
            "index_assessment": {"code": "dti-province-2025", "unit_code": code, "step": "submit"},
            "index_assessment_submitted": {"code": "dti-province-2026", "unit_code": code},
            "index_assessment_approved": {"code": MATRIX_EDITION, "unit_code": code},
            "index_evidence": evidence.pk,
        }
    for code in ("dti-province-2025", "dti-ministry-2025"):
        actions.compute_edition(acting_user=coordinator, edition=Edition.objects.get(code=code))
    return world


MISSING: dict[str, Any] = {
    "index_edition": "zz-khong-co",
    "index_compute": "zz-khong-co",
    "index_unit": {"code": "dti-province-2025", "unit_code": "ZZ-KHONG-CO"},
    "index_assessment": {"code": "dti-province-2025", "unit_code": "ZZ-KHONG-CO", "step": "submit"},
    "index_assessment_submitted": {"code": "dti-province-2026", "unit_code": "ZZ-KHONG-CO"},
    "index_assessment_approved": {"code": MATRIX_EDITION, "unit_code": "ZZ-KHONG-CO"},
}
