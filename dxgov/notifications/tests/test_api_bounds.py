"""The notifications API with numbers past 64 bits: 404 and 422, never 500 (found by fuzzing)."""

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


HUGE = 99999999999999999999


def test_huge_notification_id_and_page(phutho_officer: User) -> None:
    _token, raw = create_token(acting_user=phutho_officer, user=phutho_officer, name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.post(f"/api/v1/notifications/{HUGE}/read")
    assert response.status_code == 404
    assert response.json()["message"] == "No such notification."
    response = api.get("/api/v1/notifications", {"page": HUGE})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.page"
