"""Agency scope through pages and the API: Phú Thọ's officials never reach Điện Biên's records."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.orgunits.access import agencies_in_scope, in_scope
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

PHU_THO, DIEN_BIEN = "UBND-T25", "UBND-T11"


def _patch(client: Client, code: str, **payload: str):  # type: ignore[no-untyped-def]
    return client.patch(
        f"/api/v1/agencies/{code}", json.dumps(payload), content_type="application/json"
    )


def test_scope_is_the_agency_and_everything_under_it(
    phutho_officer: User, phutho_dept_officer: User, coordinator: User
) -> None:
    scope = agencies_in_scope(phutho_officer)
    assert scope.filter(code="SO-25-KHCN").exists()
    assert not scope.filter(code=DIEN_BIEN).exists()
    assert not scope.filter(code="CP").exists()
    assert set(agencies_in_scope(phutho_dept_officer).values_list("code", flat=True)) == {
        "SO-25-KHCN"
    }
    assert agencies_in_scope(coordinator).count() == Agency.objects.count()
    assert not in_scope(phutho_officer, Agency.objects.get(code=DIEN_BIEN))


@pytest.mark.parametrize("path", ["/agencies/{code}/staff/", "/agencies/{code}/edit/"])
def test_pages_outside_scope_are_not_found(phutho_leader: User, path: str) -> None:
    client = client_for(phutho_leader)
    assert client.get(path.format(code=DIEN_BIEN)).status_code == 404
    assert client.get(path.format(code=PHU_THO)).status_code == 200


def test_staff_list_in_scope_shows_colleagues_only(phutho_officer: User) -> None:
    page = client_for(phutho_officer).get(f"/agencies/{PHU_THO}/staff/").content.decode()
    assert "phutho.lanhdao" in page and "dienbien.canbo" not in page
    detail = client_for(phutho_officer).get(f"/agencies/{DIEN_BIEN}/").content.decode()
    assert "dienbien.canbo" not in detail  # the directory entry is public; its staff are not


def test_api_staff_outside_scope_is_404(phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    response = client.get(f"/api/v1/agencies/{DIEN_BIEN}/staff")
    assert response.status_code == 404 and "phạm vi" in response.json()["message"]
    own = client.get(f"/api/v1/agencies/{PHU_THO}/staff").json()
    assert "phutho.canbo" in {u["username"] for u in own}


def test_contact_details_only_for_those_in_scope(phutho_officer: User) -> None:
    body = client_for(phutho_officer).get(f"/api/v1/agencies/{DIEN_BIEN}").json()
    assert body["name"].endswith("Điện Biên") and body["email"] is None


def test_leader_changes_own_agency_through_api_and_it_is_audited(phutho_leader: User) -> None:
    response = _patch(client_for(phutho_leader), PHU_THO, email="vanphong@phutho.gov.vn")
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "vanphong@phutho.gov.vn"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.event_type == EventType.AGENCY_UPDATED
    assert event.actor == phutho_leader
    assert event.data["email"] == {"old": "", "new": "vanphong@phutho.gov.vn"}


def test_leader_cannot_change_another_province(phutho_leader: User) -> None:
    response = _patch(client_for(phutho_leader), DIEN_BIEN, email="x@example.vn")
    assert response.status_code == 404
    assert Agency.objects.get(code=DIEN_BIEN).email == ""
    page = client_for(phutho_leader).post(
        f"/agencies/{DIEN_BIEN}/edit/", {"email": "x@example.vn", "phone": "", "address": ""}
    )
    assert page.status_code == 404
    assert Agency.objects.get(code=DIEN_BIEN).email == ""


def test_officer_in_scope_may_read_but_not_change(phutho_officer: User) -> None:
    response = _patch(client_for(phutho_officer), PHU_THO, email="x@example.vn")
    assert response.status_code == 403
    assert client_for(phutho_officer).get(f"/agencies/{PHU_THO}/edit/").status_code == 403
    assert Agency.objects.get(code=PHU_THO).email == ""


def test_leader_changes_contact_through_the_page(phutho_leader: User) -> None:
    response = client_for(phutho_leader).post(
        f"/agencies/{PHU_THO}/edit/",
        {"email": "ubnd@phutho.gov.vn", "phone": "0210 3846 521", "address": "Việt Trì"},
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code=PHU_THO)
    assert (agency.email, agency.address) == ("ubnd@phutho.gov.vn", "Việt Trì")


def test_invalid_contact_is_refused_with_reason_and_nothing_saved(phutho_leader: User) -> None:
    response = _patch(client_for(phutho_leader), PHU_THO, email="not-an-email")
    assert response.status_code == 400
    assert response.json()["message"]
    assert Agency.objects.get(code=PHU_THO).email == ""


def test_coordinator_reaches_every_agency(coordinator: User) -> None:
    client = client_for(coordinator)
    for code in (PHU_THO, DIEN_BIEN, "BCA"):
        assert client.get(f"/api/v1/agencies/{code}/staff").status_code == 200


def test_inactive_user_has_no_scope(phutho_officer: User) -> None:
    phutho_officer.is_active = False
    assert agencies_in_scope(phutho_officer).count() == 0
