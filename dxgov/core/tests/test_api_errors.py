"""Errors Ninja and Django make themselves are JSON with a "message" too (found by fuzzing)."""

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
from dxgov.directives.models import Directive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese_afterwards() -> Iterator[None]:
    # Requests in English leave English active in this thread, and tests without a database
    # run later in the same thread expecting Vietnamese.
    yield
    translation.activate(settings.LANGUAGE_CODE)


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DIRECTIVE = {
    "kind": "nghi_quyet",
    "number": "1/NQ-CP",
    "issued_on": "2024-01-01",
    "issuing_agency": "CP",
    "title": "Title",
}


@pytest.fixture
def api(coordinator: User) -> Client:
    _token, raw = create_token(acting_user=coordinator, user=coordinator, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _message(response: Any) -> str:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    message = response.json()["message"]
    assert isinstance(message, str) and message.strip()
    return message


def test_method_not_allowed_is_json_and_keeps_allow(api: Client) -> None:
    response = api.delete("/api/v1/directives", **EN)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert _message(response).startswith("Method DELETE is not allowed here")


def test_unknown_api_path_is_json_404(api: Client) -> None:
    # /tasks/abc does not match the int converter: Django itself answers, not Ninja.
    for path in ("/api/v1/tasks/abc", "/api/v1/no-such-thing", "/api/v1/tasks/1/nothing"):
        response = api.get(path, **EN)
        assert response.status_code == 404, path
        assert _message(response) == "No API endpoint at this address."


def test_unknown_api_path_is_json_404_for_a_post_with_a_cookie_too(api: Client) -> None:
    # A POST with a session cookie used to meet the CSRF check's HTML 403 instead.
    api.cookies["sessionid"] = ""
    response = api.post("/api/v1/tasks/null,null/postpone", "{}", "application/json", **EN)
    assert response.status_code == 404
    assert _message(response) == "No API endpoint at this address."


def test_body_that_is_not_json_is_a_json_400(api: Client) -> None:
    response = api.post("/api/v1/directives", "{not json", "application/json", **EN)
    assert response.status_code == 400
    assert _message(response) == "The request body cannot be read; send JSON."


def test_html_pages_still_get_the_html_404(api: Client) -> None:
    response = api.get("/no-such-page/", **EN)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tasks?q=a%00b",
        "/api/v1/tasks?agency=a%00b",
        "/api/v1/tasks/statistics?agency=a%00b",
        "/api/v1/directives?q=a%00b",
        "/api/v1/directives?number=a%00b",
        "/api/v1/orgunits?q=a%00b",
        "/api/v1/orgunits?parent=a%00b",
        "/api/v1/agencies?q=a%00b",
        "/api/v1/agencies?a%00b=1",
        "/api/v1/agencies/a%00b",
        "/api/v1/agencies/a%00b/staff",
        "/api/v1/orgunits/a%00b",
    ],
)
def test_nul_in_the_path_or_query_is_a_json_400(api: Client, path: str) -> None:
    # PostgreSQL refuses NUL in any query: these were 500s there (found by fuzzing).
    response = api.get(path, **EN)
    assert response.status_code == 400
    assert _message(response) == "Text in a request may not contain NUL characters."


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/directives", {**DIRECTIVE, "title": "t\x00"}),
        ("/api/v1/directives", {**DIRECTIVE, "issuing_agency": "C\x00P"}),
        ("/api/v1/directives", {**DIRECTIVE, "extra": {"deep": ["\x00"]}}),
        ("/api/v1/tasks", {"directive": 1, "content": "x", "coordinating_agencies": ["a\x00"]}),
    ],
)
def test_nul_in_a_json_body_is_a_json_400_and_nothing_saved(
    api: Client, path: str, body: dict[str, Any]
) -> None:
    response = api.post(path, json.dumps(body), "application/json", **EN)
    assert response.status_code == 400
    assert _message(response) == "Text in a request may not contain NUL characters."
    assert not Directive.objects.exists()


def test_the_six_characters_backslash_u0000_are_ordinary_text(api: Client) -> None:
    body = {**DIRECTIVE, "title": "\\u0000 is how JSON writes NUL"}
    response = api.post("/api/v1/directives", json.dumps(body), "application/json", **EN)
    assert response.status_code == 201, response.content
    assert Directive.objects.get().title == "\\u0000 is how JSON writes NUL"
