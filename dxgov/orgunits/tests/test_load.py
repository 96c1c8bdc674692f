"""Loading the registry into the database: counts, links, idempotence."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from dxgov.audit.models import AuditEvent, EventType
from dxgov.orgunits.actions import load_orgunits
from dxgov.orgunits.models import Agency, OrgUnit, Succession

pytestmark = pytest.mark.django_db

BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)


def test_counts_on_each_side_of_the_merger() -> None:
    assert OrgUnit.objects.on(AFTER).filter(level="province").count() == 34
    assert OrgUnit.objects.on(AFTER).filter(level="commune").count() == 3321
    assert OrgUnit.objects.on(AFTER).filter(level="district").count() == 0
    assert OrgUnit.objects.on(BEFORE).filter(level="province").count() == 63
    assert OrgUnit.objects.on(BEFORE).filter(level="district").count() == 696
    assert OrgUnit.objects.on(BEFORE).filter(level="commune").count() == 10035


def test_every_legacy_province_is_linked_to_its_successor() -> None:
    legacy = OrgUnit.objects.on(BEFORE).filter(level="province")
    for province in legacy:
        links = list(Succession.objects.filter(predecessor=province))
        assert len(links) == 1, province.name
        assert links[0].successor.valid_from == AFTER
        assert not links[0].is_partial


def test_reused_code_resolves_by_date() -> None:
    assert OrgUnit.objects.on(BEFORE).get(level="province", code="15").short_name == "Yên Bái"
    assert OrgUnit.objects.on(AFTER).get(level="province", code="15").short_name == "Lào Cai"
    yen_bai = OrgUnit.objects.on(BEFORE).get(level="province", code="15")
    assert yen_bai.successions.get().successor.short_name == "Lào Cai"


def test_loading_again_changes_nothing() -> None:
    events_before = AuditEvent.objects.count()
    snapshot = (OrgUnit.objects.count(), Succession.objects.count(), Agency.objects.count())
    result = load_orgunits(acting_user=None)
    assert not result.changed
    assert (OrgUnit.objects.count(), Succession.objects.count(), Agency.objects.count()) == snapshot
    assert AuditEvent.objects.count() == events_before


def test_a_changed_unit_is_put_back_and_the_change_audited() -> None:
    OrgUnit.objects.filter(level="province", code="25", valid_from=AFTER).update(name="Sai tên")
    result = load_orgunits(acting_user=None)
    assert result.units_updated == 1
    assert OrgUnit.objects.on(AFTER).get(level="province", code="25").name == "Tỉnh Phú Thọ"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.event_type == EventType.ORGUNITS_LOADED
    assert event.data["changes"]["units_updated"] == 1


def test_command_output_reports_no_change(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("orgs", "load")
    out = capsys.readouterr().out
    assert "nothing changed" in out
    assert "34 province" in out and "63 province" in out


def test_agencies_cover_the_state_structure() -> None:
    current = Agency.objects.current()
    assert current.filter(kind="ministry").count() == 17
    assert current.filter(kind="people_committee", orgunit__level="province").count() == 34
    assert current.filter(kind="people_committee", orgunit__level="commune").count() == 3321
    assert current.filter(kind="department", parent__code="UBND-T25").count() >= 12
    most = Agency.objects.get(code="BKHCN")
    assert {a.code for a in most.predecessors.all()} == {"BTTTT"}
    mic = Agency.objects.get(code="BTTTT")
    assert mic.valid_to == date(2025, 2, 28)
    assert Agency.objects.on(date(2025, 1, 15)).filter(code="BTTTT").exists()
    assert not Agency.objects.on(date(2025, 3, 1)).filter(code="BTTTT").exists()
    yen_bai_pc = Agency.objects.get(code="UBND-T15-CU")
    assert yen_bai_pc.successor is not None and yen_bai_pc.successor.code == "UBND-T15"
