"""Targets: an approved target is a baseline; changing it needs a reason and keeps the original."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent
from dxgov.indicators import actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import Indicator, Target, TargetState, ValueType
from dxgov.orgunits.models import Agency
from dxgov.reporting.models import DataValue
from dxgov.testing import reporting as testing
from dxgov.testing.clients import client_for

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


def test_the_indicator_page_shows_the_series_as_is_and_as_was(
    coordinator: User, phutho_viewer: User
) -> None:
    indicator = testing.count_indicator(coordinator, code="HOSO")
    # Before the merger: values on two former provinces that became today's Phú Thọ.
    for old_code, value in (("UBND-T25-CU", Decimal(10)), ("UBND-T26-CU", Decimal(5))):
        DataValue.objects.create(
            indicator=indicator,
            agency=Agency.objects.get(code=old_code),
            period="202406",
            period_start=date(2024, 6, 1),
            frequency="month",
            value=value,
        )
    url = reverse("indicators:indicator_detail", args=[indicator.pk])
    as_is = client_for(coordinator).get(url + "?agency=UBND-T25&view=as_is").content.decode()
    assert "Tháng 6/2024" in as_is and ">15<" in as_is
    as_was = client_for(coordinator).get(url + "?agency=UBND-T25&view=as_was").content.decode()
    assert "Tháng 6/2024" not in as_was
    # Out of scope falls back to the user's own agency instead of failing.
    page = client_for(phutho_viewer).get(url + "?agency=UBND-T11")
    assert page.status_code == 200 and "Ủy ban nhân dân tỉnh Phú Thọ" in page.content.decode()
