"""Account writes record who changed what, and only real changes."""

from __future__ import annotations

import pytest

from dxgov.accounts import actions
from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.core.roles import Role
from dxgov.orgunits.models import Agency

pytestmark = pytest.mark.django_db


def test_update_user_audits_the_difference(admin_user: User, phutho_officer: User) -> None:
    agency = Agency.objects.get(code="SO-25-KHCN")
    actions.update_user(
        acting_user=admin_user,
        user=phutho_officer,
        agency=agency,
        role=Role.LEADER,
        full_name=phutho_officer.full_name,
        email=phutho_officer.email,
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.event_type == EventType.USER_UPDATED
    assert event.data == {
        "agency": {"old": "UBND-T25", "new": "SO-25-KHCN"},
        "role": {"old": "officer", "new": "leader"},
    }
    assert event.actor == admin_user


def test_update_without_change_writes_no_event(admin_user: User, phutho_officer: User) -> None:
    before = AuditEvent.objects.count()
    assert phutho_officer.agency is not None
    actions.update_user(
        acting_user=admin_user,
        user=phutho_officer,
        agency=phutho_officer.agency,
        role=Role(phutho_officer.role),
        full_name=phutho_officer.full_name,
        email=phutho_officer.email,
    )
    assert AuditEvent.objects.count() == before


def test_create_user_refuses_a_weak_password(admin_user: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.create_user(
            acting_user=admin_user,
            username="moi",
            password="password",
            agency=Agency.objects.get(code="BCA"),
            role=Role.OFFICER,
        )
    assert not User.objects.filter(username="moi").exists()
