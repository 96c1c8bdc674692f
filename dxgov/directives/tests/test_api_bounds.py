"""Numbers past 64 bits never reach the database (found by fuzzing: SQLite's OverflowError).

An id in the path that no column can hold names nothing: 404, as for any unknown id. An id or a
page in a query or body out of bounds is bad input: 422 naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.directives.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese_afterwards() -> Iterator[None]:
    # Requests in English leave English active in this thread, and tests without a database
    # run later in the same thread expecting Vietnamese.
    yield
    translation.activate(settings.LANGUAGE_CODE)


HUGE = 99999999999999999999
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def api(coordinator: User) -> Client:
    _token, raw = create_token(acting_user=coordinator, user=coordinator, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _json(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["message"].strip()
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/api/v1/directives/{HUGE}"),
        ("get", f"/api/v1/tasks/{HUGE}"),
        ("get", f"/api/v1/tasks/{HUGE}/timeline"),
        ("post", f"/api/v1/tasks/{HUGE}/progress"),
        ("post", f"/api/v1/tasks/{HUGE}/confirm"),
        ("post", f"/api/v1/tasks/{HUGE}/cancel"),
        ("post", f"/api/v1/extension-requests/{HUGE}/decision"),
        ("get", "/api/v1/tasks/0"),
    ],
)
def test_id_beyond_any_column_is_not_found(api: Client, method: str, path: str) -> None:
    body = {"percent": 10, "narrative": "x", "approve": True}
    if method == "get":
        response = api.get(path, **EN)
    else:
        response = api.post(path, json.dumps(body), "application/json", **EN)
    _json(response, 404)


@pytest.mark.parametrize(
    "query",
    [
        {"directive": HUGE},
        {"page": HUGE},
        {"page": 10**7},
        {"directive": 0},
    ],
)
def test_query_numbers_out_of_bounds_are_refused(api: Client, query: dict[str, int]) -> None:
    body = _json(api.get("/api/v1/tasks", query, **EN), 422)
    (field,) = query
    assert body["errors"][0]["field"] == f"query.{field}"
    assert _json(api.get("/api/v1/tasks/statistics", {"directive": HUGE}, **EN), 422)
    assert _json(api.get("/api/v1/directives", {"page": HUGE}, **EN), 422)


def test_task_body_with_huge_ids_is_refused_and_nothing_saved(api: Client) -> None:
    before = Task.objects.count()
    for body in (
        {"directive": HUGE, "content": "x", "lead_agency": "UBND-T25"},
        {"directive": 1, "parent": HUGE, "content": "x", "lead_agency": "UBND-T25"},
    ):
        response = api.post("/api/v1/tasks", json.dumps(body), "application/json", **EN)
        _json(response, 422)
    assert Task.objects.count() == before


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/tasks", {"deadline_to": "0"}),
        ("/api/v1/tasks", {"deadline_from": "1700000000"}),
        ("/api/v1/tasks/statistics", {"to": "0"}),
        ("/api/v1/tasks/statistics", {"from": "2024-1-1"}),
    ],
)
def test_a_date_is_yyyy_mm_dd_not_seconds_since_1970(
    api: Client, path: str, query: dict[str, str]
) -> None:
    # Pydantic read deadline_to=0 as 1970-01-01 and answered 200 (found by fuzzing).
    body = _json(api.get(path, query, **EN), 422)
    assert body["errors"][0]["message"] == "Value error, Enter a date as YYYY-MM-DD."
    assert api.get(path, {key: "2024-01-01" for key in query}, **EN).status_code == 200


def test_a_body_date_given_as_a_number_is_refused(api: Client) -> None:
    body = {"kind": "nghi_quyet", "number": "1/NQ-CP", "issued_on": 0}
    body |= {"issuing_agency": "CP", "title": "t"}
    response = api.post("/api/v1/directives", json.dumps(body), "application/json", **EN)
    assert _json(response, 422)["errors"][0]["field"] == "body.payload.issued_on"
