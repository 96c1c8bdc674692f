"""Demo data for the composite indices, through the indices' actions (idempotent).

* The editions from the repository (DTI 2022–2026, provinces and ministries).
* DTI 2024 (922 structure): plausible main-indicator values for the 63 former provinces and
  the ministries (with the bodies ranked apart), each self-assessed, appraised (a few scores
  corrected, with the council's comment), approved and locked; computed as measured (63) and
  as is (34, the plain mean of each new province's predecessors); a table of "published"
  results imported beside them (built from the same values, one score off by 0.001 so the
  flag shows).
* DTI 2025 (405 structure, provisional weights): the 34 provinces' and the ministries'
  self-assessments in progress — most submitted and awaiting appraisal, a few still drafts,
  a few already appraised.
* DTI 2026: the nowcast and the forecast to year end from the platform's live data.

Values are illustrative, seeded per unit: not the Ministry's published figures.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dxgov.accounts.models import User
from dxgov.indices import actions
from dxgov.indices.actions import ScoreInput
from dxgov.indices.models import Assessment, Edition, IndexUnit, OfficialResult, ResultSet

# Units whose demo staff enter their own self-assessment; the administrator enters the others'.
OWN_STAFF = {
    "UBND-T25": ("phutho.canbo", "phutho.lanhdao"),
    "UBND-T11": ("dienbien.canbo", "dienbien.lanhdao"),
    "UBND-T79": ("hcm.canbo", "hcm.lanhdao"),
    "BCA": ("bca.canbo", "bca.lanhdao"),
}
# Provinces that lead the published tables year after year get a higher base level.
LEADERS = {"01", "79", "48", "22", "31", "74", "75", "92", "24", "33"}
CHAIR, MEMBER, ADMIN = "bkhcn.dieuphoi", "vpcp.dieuphoi", "quantri"


def _user(name: str) -> User | None:
    return User.objects.filter(username=name).first()


def _level(unit: IndexUnit, year: int) -> float:
    """A unit's plausible base level (0–1), seeded by its code: leaders higher."""
    rng = random.Random(f"dti-{unit.orgunit_code or unit.code}")
    base = rng.uniform(0.42, 0.68)
    if unit.orgunit_code in LEADERS:
        base += 0.18
    if unit.group == "khong-dvc":
        base -= 0.08
    return min(0.93, base + 0.02 * (year - 2024))


def _values(edition: Edition, unit: IndexUnit) -> dict[str, Decimal]:
    """Main-indicator values around the unit's level, as the decision publishes them (4 dp)."""
    rng = random.Random(f"{edition.code}-{unit.code}")
    level = _level(unit, edition.year)
    found = {}
    for node in edition.parsed().scored_main_indicators():
        value = min(0.99, max(0.05, rng.gauss(level, 0.06)))
        found[node.code] = Decimal(f"{value:.4f}")
    return found


def _points(edition: Edition, values: dict[str, Decimal]) -> list[ScoreInput]:
    parsed = edition.parsed()
    inputs = []
    for code, value in values.items():
        maximum = Decimal(repr(parsed.node(code).max_points or 0))
        inputs.append(ScoreInput(code, (value * maximum).quantize(Decimal("0.0001"))))
    return inputs


def _staff(unit: IndexUnit) -> tuple[User, User]:
    admin = _user(ADMIN)
    assert admin is not None
    names = OWN_STAFF.get(unit.code)
    if names:
        officer, leader = _user(names[0]), _user(names[1])
        if officer is not None and leader is not None:
            return officer, leader
    return admin, admin


def _council(edition: Edition) -> tuple[User, User]:
    coordinator = _user(MEMBER)
    chair, member = _user(CHAIR), coordinator
    assert chair is not None and member is not None and coordinator is not None
    actions.set_council(
        acting_user=coordinator, edition=edition, members=[(chair, "chair"), (member, "member")]
    )
    return chair, member


def _assess(edition: Edition, unit: IndexUnit, stage: str, chair: User, member: User) -> None:
    """One unit's self-assessment up to `stage`: draft, submitted, approved or locked."""
    officer, leader = _staff(unit)
    values = _values(edition, unit)
    assessment = actions.save_self_scores(
        acting_user=officer, edition=edition, unit=unit, inputs=_points(edition, values)
    )
    if stage == "draft":
        return
    actions.submit_assessment(acting_user=leader, assessment=assessment)
    if stage == "submitted":
        return
    rng = random.Random(f"appraise-{edition.code}-{unit.code}")
    if rng.random() < 0.3:
        # The council corrects one score it found unsupported by the evidence.
        code = rng.choice(list(values))
        maximum = Decimal(repr(edition.parsed().node(code).max_points or 0))
        lower = (values[code] * Decimal("0.85") * maximum).quantize(Decimal("0.0001"))
        actions.appraise(
            acting_user=member,
            assessment=assessment,
            node=code,
            score=lower,
            comment="Minh chứng chưa đầy đủ; điểm thẩm định giảm theo số liệu kiểm chứng.",
        )
    actions.approve_assessment(acting_user=member, assessment=assessment)
    if stage == "locked":
        actions.lock_assessment(acting_user=chair, assessment=assessment)


def _published_csv(edition: Edition) -> bytes:
    """A table shaped as the Ministry publishes it, from the demo's own values (one unit's
    published score off by 0.001, so the page shows a flagged difference)."""
    mains = [n.code for n in edition.parsed().scored_main_indicators()]
    result_set = ResultSet.objects.get(edition=edition, view="as_was")
    out = io.StringIO()
    out.write("unit_name," + ",".join(mains) + ",score,rank\n")
    for i, row in enumerate(
        result_set.results.select_related("unit").order_by("rank", "unit__name")
    ):
        values = [f"{row.nodes[c]['v']:.4f}" for c in mains]
        score = row.score if row.score is not None else Decimal(0)
        if i == 5:
            score += Decimal("0.001")
        out.write(f"{row.unit.name},{','.join(values)},{score:.4f},{row.rank or ''}\n")
    return out.getvalue().encode()


def load_indices_demo() -> dict[str, Any]:
    admin = _user(ADMIN)
    coordinator = _user(MEMBER)
    if admin is None or coordinator is None:
        return {"skipped": "demo users missing"}
    loaded = actions.load_editions(acting_user=None)
    summary: dict[str, Any] = {"editions": len(loaded.created), "assessed": 0}
    if Assessment.objects.exists():
        summary["skipped"] = "already loaded"
        return summary
    for code in ("dti-province-2024", "dti-ministry-2024"):
        edition = Edition.objects.get(code=code)
        chair, member = _council(edition)
        for unit in IndexUnit.objects.filter(edition=edition, view="as_was").select_related(
            "agency"
        ):
            _assess(edition, unit, "locked", chair, member)
            summary["assessed"] += 1
        actions.compute_edition(acting_user=coordinator, edition=edition)
    province_2024 = Edition.objects.get(code="dti-province-2024")
    if not OfficialResult.objects.filter(edition=province_2024).exists():
        actions.import_official(
            acting_user=coordinator,
            edition=province_2024,
            data=_published_csv(province_2024),
            name="demo-dti-2024-cong-bo.csv",
        )
    stages = ["submitted"] * 7 + ["draft", "approved", "locked"]
    for code in ("dti-province-2025", "dti-ministry-2025"):
        edition = Edition.objects.get(code=code)
        chair, member = _council(edition)
        for i, unit in enumerate(
            IndexUnit.objects.filter(edition=edition, view="as_was").order_by("code")
        ):
            _assess(edition, unit, stages[i % len(stages)], chair, member)
            summary["assessed"] += 1
        actions.compute_edition(acting_user=coordinator, edition=edition)
    for code in ("dti-province-2026", "dti-ministry-2026"):
        edition = Edition.objects.get(code=code)
        actions.compute_edition(
            acting_user=coordinator, edition=edition, today=timezone.localdate()
        )
    summary["computed"] = ResultSet.objects.count()
    return summary
