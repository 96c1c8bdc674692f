"""An inclusion proof for a sequence number past 64 bits is 404, not 500 (found by fuzzing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese_afterwards() -> Iterator[None]:
    # Requests in English leave English active in this thread, and tests without a database
    # run later in the same thread expecting Vietnamese.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize("seq", [99999999999999999999, 0, -5])
def test_proof_of_an_impossible_event_is_not_found(coordinator: User, seq: int) -> None:
    _token, raw = create_token(acting_user=coordinator, user=coordinator, name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.get(f"/api/v1/audit/events/{seq}/proof")
    assert response.status_code == 404
    assert response.json()["message"].startswith(f"Event {seq} does not exist")
