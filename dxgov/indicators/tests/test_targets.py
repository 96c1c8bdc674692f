"""Targets: an approved target is a baseline; changing it needs a reason and keeps the original."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dxgov.accounts.models import User
from dxgov.accounts.testing import client_for
from dxgov.audit.models import AuditEvent
from dxgov.indicators import actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import Indicator, Target, TargetState, ValueType
from dxgov.orgunits.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(coordinator: User) -> Indicator:
    return actions.create_indicator(
        acting_user=coordinator,
        data=IndicatorInput(
            code="DVCTT",
            name="Tỷ lệ hồ sơ trực tuyến",
            value_type=ValueType.RATIO,
            factor=100,
            decimals=2,
            owner=Agency.objects.get(code="BKHCN"),
        ),
    )


def test_catalogue_checks_its_input(coordinator: User, phutho_leader: User) -> None:
    most = Agency.objects.get(code="BKHCN")
    with pytest.raises(ValidationError) as bad:
        actions.create_indicator(
            acting_user=coordinator,
            data=IndicatorInput(
                code="bad code!", name="", value_type="money", decimals=2, owner=most
            ),
        )
    assert set(bad.value.message_dict) == {"code", "name", "decimals"}
    with pytest.raises(PermissionDenied):
        actions.create_indicator(
            acting_user=phutho_leader,
            data=IndicatorInput(code="X1", name="X", value_type="count", owner=most),
        )


def test_an_approved_target_is_a_baseline(coordinator: User, indicator: Indicator) -> None:
    target = actions.set_target(
        acting_user=coordinator,
        indicator=indicator,
        year=2026,
        value=Decimal(80),
        milestones={1: Decimal(60), 2: Decimal(68), 3: Decimal(74)},
        basis="Quyết định 1565/QĐ-TTg",
    )
    target = actions.set_target(
        acting_user=coordinator, indicator=indicator, year=2026, value=Decimal(82)
    )
    assert Target.objects.count() == 1 and target.value == 82
    target = actions.approve_target(acting_user=coordinator, target=target)
    assert target.state == TargetState.APPROVED and target.baseline_value == 82
    with pytest.raises(actions.TargetLocked):
        actions.set_target(
            acting_user=coordinator, indicator=indicator, year=2026, value=Decimal(90)
        )
    with pytest.raises(actions.TargetLocked):
        actions.revise_target(acting_user=coordinator, target=target, value=Decimal(90), reason=" ")
    target = actions.revise_target(
        acting_user=coordinator, target=target, value=Decimal(90), reason="Nghị quyết mới"
    )
    assert (target.value, target.baseline_value, target.revised) == (90, 82, True)
    revision = target.revisions.get()
    assert (revision.old_value, revision.new_value, revision.reason) == (82, 90, "Nghị quyết mới")
    event = AuditEvent.objects.get(event_type="target.revised")
    assert event.reason == "Nghị quyết mới"
    assert {k: Decimal(v) for k, v in event.data["value"].items()} == {"old": 82, "new": 90}


def test_the_indicator_page_shows_baseline_and_revision(
    coordinator: User, phutho_viewer: User, indicator: Indicator
) -> None:
    target = actions.set_target(
        acting_user=coordinator, indicator=indicator, year=2026, value=Decimal(80)
    )
    client = client_for(coordinator)
    client.post(reverse("indicators:target_approve", args=[indicator.pk, target.pk]))
    client.post(
        reverse("indicators:target_revise", args=[indicator.pk, target.pk]),
        {"value": "85", "reason": "Điều chỉnh theo kết quả 6 tháng"},
    )
    html = (
        client_for(phutho_viewer)
        .get(reverse("indicators:indicator_detail", args=[indicator.pk]))
        .content.decode()
    )
    assert "Điều chỉnh theo kết quả 6 tháng" in html
    assert "85,00" in html and "80,00" in html
    assert reverse("indicators:target_revise", args=[indicator.pk, target.pk]) not in html
