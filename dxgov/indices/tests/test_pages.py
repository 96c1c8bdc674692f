"""The composite index pages, exports and API over real HTTP (Django's client), on an edition
with appraised and provisional self-assessments."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dxgov.accounts.models import User
from dxgov.indices import actions
from dxgov.indices.actions import ScoreInput
from dxgov.indices.models import Assessment, AssessmentStatus, Edition, IndexUnit
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db
MAINS = ["CS1", "CS2", "CS3", "CS4", "CS5", "CS7", "CS8", "CS9"]


def user(name: str) -> User:
    return User.objects.select_related("agency").get(username=name)


@pytest.fixture
def world(coordinator: User) -> Edition:
    """DTI 2024: four former provinces appraised and locked, the rest missing; results."""
    actions.load_editions(acting_user=coordinator, codes=["dti-province-2024"])
    edition = Edition.objects.get(code="dti-province-2024")
    admin = user("quantri")
    actions.set_council(acting_user=coordinator, edition=edition, members=[(admin, "chair")])
    for code, level in (
        ("UBND-T25-CU", "0.6"),
        ("UBND-T26-CU", "0.9"),
        ("UBND-T17-CU", "0.3"),
        ("UBND-T11-CU", "0.75"),
    ):
        unit = IndexUnit.objects.get(edition=edition, view="as_was", code=code)
        inputs = [
            ScoreInput(c, Decimal(level) * Decimal(repr(edition.parsed().node(c).max_points)))
            for c in MAINS
        ]
        assessment = actions.save_self_scores(
            acting_user=admin, edition=edition, unit=unit, inputs=inputs
        )
        actions.submit_assessment(acting_user=admin, assessment=assessment)
        actions.approve_assessment(acting_user=admin, assessment=assessment)
        actions.lock_assessment(acting_user=admin, assessment=assessment)
    actions.compute_edition(acting_user=coordinator, edition=edition)
    return edition


def test_the_pages_show_rankings_breakdowns_and_sensitivity(world: Edition) -> None:
    client = client_for(user("phutho.xem"))
    listed = client.get("/indices/")
    assert listed.status_code == 200 and "dti-province-2024" in listed.content.decode()
    page = client.get("/indices/dti-province-2024/").content.decode()
    # As is by default: the new Phú Thọ, the mean of its three former provinces.
    assert "Phú Thọ" in page and "0,6000" in page
    as_was = client.get("/indices/dti-province-2024/?view=as_was").content.decode()
    assert "Vĩnh Phúc" in as_was and "0,9000" in as_was
    unit = client.get("/indices/dti-province-2024/units/UBND-T25/?view=as_is").content.decode()
    assert "Hòa Bình, Phú Thọ, Vĩnh Phúc" in unit
    assert "chưa công bố" in unit  # 922's components are not listed
    compare = client.get("/indices/dti-province-2024/compare/?view=as_is&a=UBND-T25&b=UBND-T11")
    assert compare.status_code == 200 and "0,1500" in compare.content.decode()
    sensitivity = client.get("/indices/dti-province-2024/sensitivity/")
    assert sensitivity.status_code == 200 and "5–95%" in sensitivity.content.decode()
    definition = client.get("/indices/dti-province-2024/definition/").content.decode()
    assert "Đô thị thông minh" in definition and "922/QĐ-BTTTT" in definition


def test_trial_weights_move_the_ranks_and_refuse_bad_input(world: Edition) -> None:
    client = client_for(user("vpcp.dieuphoi"))
    bad = client.get("/indices/dti-province-2024/weights/?w-CS1=nhiều")
    assert bad.status_code == 422
    assert "Gõ số điểm" in bad.content.decode()
    fine = client.get("/indices/dti-province-2024/weights/?w-CS1=1000", HTTP_HX_REQUEST="true")
    assert fine.status_code == 200 and 'id="trial"' in fine.content.decode()


def test_exports(world: Edition) -> None:
    client = client_for(user("phutho.xem"))
    csv = client.get("/indices/dti-province-2024/export/?view=as_is&format=csv").content.decode()
    assert "Phú Thọ" in csv
    data = json.loads(
        client.get("/indices/dti-province-2024/export/?view=as_is&format=json").content
    )
    first = data["groups"][0]["rows"][0]
    assert (first["rank"], first["name"], first["score"]) == (1, "Điện Biên", 0.75)
    book = load_workbook(
        io.BytesIO(
            client.get(
                "/indices/dti-province-2024/units/UBND-T25/export/?view=as_is&format=xlsx"
            ).content
        )
    )
    assert book.active is not None and book.active["A1"].value
    sensitivity = json.loads(
        client.get("/indices/dti-province-2024/sensitivity/export/?format=json").content
    )
    assert sensitivity["draws"] == 10_000 and len(sensitivity["units"]) == 34


def test_a_definition_edit_that_does_not_add_up_is_shown_again(world: Edition) -> None:
    client = client_for(user("vpcp.dieuphoi"))
    document = dict(world.definition)
    document["nodes"] = [dict(n) for n in document["nodes"]]
    document["nodes"][0]["points"] = 150
    response = client.post(
        "/indices/dti-province-2024/definition/edit/",
        {"document": json.dumps(document), "reason": "Thử trọng số"},
    )
    assert response.status_code == 422
    assert "1050" in response.content.decode()
    world.refresh_from_db()
    assert world.version == 1


def test_the_api(world: Edition) -> None:
    coordinator = client_for(user("vpcp.dieuphoi"))
    results = coordinator.get(
        "/api/v1/indices/editions/dti-province-2024/results?view=as_was"
    ).json()
    assert results["groups"][0]["rows"][0]["name"] == "Vĩnh Phúc"
    unit = coordinator.get(
        "/api/v1/indices/editions/dti-province-2024/units/UBND-T25-CU?view=as_was"
    ).json()
    assert unit["score"] == 0.6 and unit["nodes"][0]["code"] == "CS1"
    sensitivity = coordinator.get(
        "/api/v1/indices/editions/dti-province-2024/sensitivity?draws=200"
    ).json()
    assert sensitivity["draws"] == 200
    assert coordinator.get("/api/v1/indices/editions/zz/results").status_code == 404


def test_the_self_assessment_api(coordinator: User) -> None:
    actions.load_editions(acting_user=coordinator, codes=["dti-province-2025"])
    officer = client_for(user("phutho.canbo"))
    url = "/api/v1/indices/editions/dti-province-2025/assessments/UBND-T25"
    refused = officer.post(
        url + "/scores",
        {"scores": [{"node": "CS1", "score": "130"}]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    # In the request's language (Vietnamese first): the field and the maximum are named.
    assert list(refused.json()["errors"]) == ["score-CS1"]
    assert "125" in refused.json()["errors"]["score-CS1"][0]
    scores = [{"node": f"CS{i}", "score": "100"} for i in range(1, 9)]
    saved = officer.post(url + "/scores", {"scores": scores}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["scores"][0]["self_score"] == "100.0000"
    submitted = officer.post(url + "/submit", {}, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = officer.post(url + "/submit", {}, content_type="application/json")
    assert again.status_code == 409
    # The coordinator is not on this edition's council.
    outsider = client_for(user("vpcp.dieuphoi")).post(
        url + "/appraisals",
        {"node": "CS1", "score": "80", "comment": "Thiếu"},
        content_type="application/json",
    )
    assert outsider.status_code == 403
    assert Assessment.objects.get().status == AssessmentStatus.SUBMITTED
    # Another province's officer does not see it.
    assert client_for(user("dienbien.canbo")).get(url).status_code == 404
