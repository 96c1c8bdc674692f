"""Unit and agency lists with a page past 64 bits: 422, never 500 (found by fuzzing)."""

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


@pytest.mark.parametrize("path", ["/api/v1/orgunits", "/api/v1/agencies"])
def test_huge_page_is_refused(phutho_officer: User, path: str) -> None:
    _token, raw = create_token(acting_user=phutho_officer, user=phutho_officer, name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.get(path, {"page": 99999999999999999999})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.page"
    assert api.get(path, {"page": 1_000_000}).status_code == 200
