"""Class 4, "Inputs that crash or bloat": every body the API is sent, however malformed.

A dossier batch nested 100,000 levels deep, or a body with the byte 0xFF, was a 500; a task's
content of 10 MB was accepted; the OpenAPI schema declared none of the error answers and no
length for many strings. Here, for every write operation the schema lists: bodies nested
100,000 (and 100) levels deep, bodies that are not UTF-8, bodies that are not an object, and
each string field one character longer than its declared maxLength are refused (400 or 422)
with a JSON message, never a 5xx, and no audit event is written (every write records one, in
the same transaction). The schema itself is walked: every operation declares its error
answers, every string a client may send has a maxLength, and no two schema classes overwrite
each other's component.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.api import ERROR_ANSWERS, WRITE_ERROR_ANSWERS, WRITE_METHODS, api
from dxgov.audit.models import AuditEvent
from dxgov.core.limits import MAX_JSON_DEPTH
from dxgov.directives import actions as directive_actions
from dxgov.directives.models import DirectiveKind, Task
from dxgov.dossiers import actions as dossier_actions
from dxgov.orgunits.models import Agency

SCHEMA = api.get_openapi_schema(path_prefix="/api/v1")
COMPONENTS: dict[str, Any] = SCHEMA["components"]["schemas"]
DEEP = 100_000
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _url(path: str) -> str:
    # Any id will do: the body is read (and refused) before the endpoint looks anything up.
    url = path
    for name in ("task_id", "extension_id", "report_id", "project_id", "programme_id"):
        url = url.replace("{" + name + "}", "1")
    for name in ("pair_id", "session_id", "item_id", "committee_id", "ballot_id"):
        url = url.replace("{" + name + "}", "1")
    url = url.replace("{unit_code}", "UBND-T25").replace("{step}", "submit")
    return url.replace("{code}", "x")


def _body_type(operation: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    content = operation.get("requestBody", {}).get("content", {})
    for kind in ("application/json",):
        if kind in content:
            return kind, content[kind]["schema"]
    return None


WRITES = [
    pytest.param(method, path, id=f"{method} {path}")
    for method, path, operation in _operations()
    if method in WRITE_METHODS and _body_type(operation) is not None
]
DOSSIER_BATCHES = "/api/v1/dossiers/batches"


@pytest.fixture(autouse=True)
def _vietnamese_afterwards() -> Iterator[None]:
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def clients(db: Any, settings: Any) -> dict[str, Client]:
    """A coordinator's token for every operation, a source system's for dossier batches."""
    settings.DXGOV_TOKEN_RATE_PER_MINUTE = 1_000_000
    coordinator = User.objects.get(username="vpcp.dieuphoi")
    _token, raw = create_token(acting_user=coordinator, user=coordinator, name="hostile")
    admin = User.objects.get(username="quantri")
    agency = Agency.objects.get(code="UBND-T25")
    source = dossier_actions.create_source(
        acting_user=admin, code="PT-HOSTILE", name="Một cửa", owner=agency, agencies=[agency]
    )
    _source_token, source_raw = dossier_actions.issue_token(acting_user=admin, source=source)
    return {
        "coordinator": Client(HTTP_AUTHORIZATION=f"Bearer {raw}"),
        "source": Client(HTTP_AUTHORIZATION=f"Bearer {source_raw}"),
    }


def _send(clients: dict[str, Client], method: str, path: str, body: bytes) -> Any:
    client = clients["source" if path == DOSSIER_BATCHES else "coordinator"]
    events = AuditEvent.objects.count()
    response = client.generic(method, _url(path), body, "application/json", **EN)
    assert response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    answer = response.json()
    assert isinstance(answer, dict) and str(answer.get("message", "")).strip(), answer
    assert AuditEvent.objects.count() == events, "a refused body wrote something"
    return response


def _nested_arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _nested_objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


MALFORMED = {
    "arrays nested 100,000 deep": _nested_arrays(DEEP),
    "objects nested 100,000 deep": _nested_objects(DEEP),
    "objects nested past the limit": _nested_objects(MAX_JSON_DEPTH + 2),
    "records nested 100,000 deep": (
        b'{"schema": "dxgov.dossier/1", "batch_id": "b-1", "records": ['
        + _nested_objects(DEEP)
        + b"]}"
    ),
    # The NUL check reads a body holding "\\u0000" before the endpoint does: deep there too.
    "objects nested 100,000 deep around a NUL": (b'{"a":' * DEEP + b'"\\u0000"' + b"}" * DEEP),
    "byte 0xFF": b'{"title": "\xff"}',
    "byte 0xFF alone": b"\xff",
    "Latin-1 text": '{"title": "Café"}'.encode("latin-1"),
    "not JSON": b"{not json",
}
NOT_AN_OBJECT = [b"[]", b'"text"', b"1", b"null", b"true", b"[{}]"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_malformed_bodies_are_a_400_with_a_message(
    clients: dict[str, Client], method: str, path: str
) -> None:
    for name, body in MALFORMED.items():
        response = _send(clients, method, path, body)
        # Nested past the limit but readable: the endpoints that read their body themselves
        # (datavalues, disbursements) refuse it by its fields instead.
        wanted = (400, 422) if name == "objects nested past the limit" else (400,)
        assert response.status_code in wanted, (name, response.status_code, response.json())


@pytest.mark.django_db
def test_a_deep_body_is_refused_saying_why(clients: dict[str, Client]) -> None:
    response = _send(clients, "POST", "/api/v1/directives", _nested_objects(DEEP))
    assert response.json()["message"] == (
        f"The request body nests arrays or objects more than {MAX_JSON_DEPTH} levels deep."
    )
    response = _send(clients, "POST", "/api/v1/directives", b'{"title": "\xff"}')
    assert response.json()["message"] == (
        "The request body is not UTF-8 text; send JSON encoded in UTF-8."
    )


@pytest.mark.django_db
def test_dossier_batches_nested_or_not_utf8_are_a_400(clients: dict[str, Client]) -> None:
    # The issue's own cases: the whole batch, and one record, nested 100,000 deep; byte 0xFF.
    for name in ("objects nested 100,000 deep", "records nested 100,000 deep", "byte 0xFF"):
        response = _send(clients, "POST", DOSSIER_BATCHES, MALFORMED[name])
        assert response.status_code == 400, (name, response.json())


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_body_that_is_not_an_object_is_refused(
    clients: dict[str, Client], method: str, path: str
) -> None:
    for body in NOT_AN_OBJECT:
        response = _send(clients, method, path, body)
        assert response.status_code in (400, 422), (body, response.status_code, response.json())


def _too_long(schema: dict[str, Any], depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(the field's name, a minimal body in which that field is one character too long), for
    every string with a maxLength in `schema`."""
    schema = _resolve(schema)
    if depth > 6:
        return
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        if _resolve(branch).get("type") != "null":
            yield from _too_long(branch, depth + 1)
    kind = schema.get("type")
    if kind == "string" and "maxLength" in schema:
        yield "", "x" * (schema["maxLength"] + 1)
    elif kind == "array" and "items" in schema:
        for field, value in _too_long(schema["items"], depth + 1):
            yield field, [value]
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            for field, value in _too_long(prop, depth + 1):
                yield field or name, {name: value}
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for field, value in _too_long(extra, depth + 1):
                yield field or "*", {"k": value}


def _mentions(answer: dict[str, Any], field: str) -> bool:
    errors = answer.get("errors") or []
    if isinstance(errors, dict):
        return any(field in key for key in errors)
    texts = [error.get("field", "") if isinstance(error, dict) else str(error) for error in errors]
    return any(field == "*" or field in text.split(".") or field in text for text in texts)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_each_string_one_character_too_long_is_refused(
    clients: dict[str, Client], method: str, path: str
) -> None:
    operation = SCHEMA["paths"][path][method.lower()]
    found = _body_type(operation)
    assert found is not None
    cases = list(_too_long(found[1]))
    for field, body in cases:
        response = _send(clients, method, path, json.dumps(body).encode())
        assert response.status_code in (400, 422), (field, response.status_code)
        answer = response.json()
        assert response.status_code == 400 or _mentions(answer, field), (field, answer)


@pytest.mark.django_db
def test_a_task_of_ten_megabytes_is_refused(clients: dict[str, Client]) -> None:
    coordinator = User.objects.get(username="vpcp.dieuphoi")
    directive = directive_actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="17/NQ-CP",
        issued_on=date(2026, 1, 5),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Nghị quyết",
    )
    content = "x" * (10 * 1024 * 1024)
    body = {"directive": directive.pk, "content": content, "lead_agency": "UBND-T25"}
    response = _send(clients, "POST", "/api/v1/tasks", json.dumps(body).encode())
    assert response.status_code in (413, 422), response.status_code
    assert not Task.objects.exists()


# --- the schema a client is generated from ---------------------------------------------------


def test_no_two_schema_classes_share_a_component() -> None:
    # Two classes named TaskIn (directives, committees, programmes) used to leave one of them
    # describing POST /tasks: a client generated from it sent the wrong body.
    assert not SCHEMA.conflicts, sorted(SCHEMA.conflicts)


@pytest.mark.parametrize(
    ("method", "path"), [pytest.param(m, p, id=f"{m} {p}") for m, p, _op in _operations()]
)
def test_every_operation_declares_its_error_answers(method: str, path: str) -> None:
    responses = SCHEMA["paths"][path][method.lower()]["responses"]
    wanted = set(ERROR_ANSWERS) | (set(WRITE_ERROR_ANSWERS) if method in WRITE_METHODS else set())
    assert wanted <= {int(status) for status in responses}, sorted(responses)
    for status in wanted:
        # ApiErrorOut, or the answer the operation declares itself (a refusal with findings).
        assert responses[status]["content"]["application/json"]["schema"], status


def test_every_body_is_an_object() -> None:
    # The API's parser refuses a body that is not an object (a list read as an object
    # without fields went through with every default); this keeps that rule true.
    for method, path, operation in _operations():
        found = _body_type(operation)
        if found is not None:
            assert _resolve(found[1]).get("type") == "object", (method, path)


def _bounded_pattern(pattern: str | None) -> bool:
    """A pattern that itself bounds the length: anchored, no repetition without an upper
    bound (^\\d{4}-\\d{2}-\\d{2}$)."""
    if not pattern or not (pattern.startswith("^") and pattern.endswith("$")):
        return False
    return not re.search(r"(?<!\\)[*+]|\{\d*,\}", pattern)


def _strings_without_length(schema: dict[str, Any], where: str, depth: int = 0) -> list[str]:
    schema = _resolve(schema)
    if depth > 8:
        return []
    missing: list[str] = []
    branches = schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", [])
    for branch in branches:
        missing += _strings_without_length(branch, where, depth + 1)
    kind = schema.get("type")
    bounded = (
        "maxLength" in schema
        or "enum" in schema
        or "const" in schema
        or _bounded_pattern(schema.get("pattern"))
    )
    if kind == "string" and not bounded and schema.get("format") not in ("date", "date-time"):
        missing.append(where)
    if kind == "array" and "items" in schema:
        missing += _strings_without_length(schema["items"], f"{where}[]", depth + 1)
    for name, prop in schema.get("properties", {}).items():
        missing += _strings_without_length(prop, f"{where}.{name}", depth + 1)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        missing += _strings_without_length(extra, f"{where}.*", depth + 1)
    return missing


def test_every_string_a_client_sends_has_a_max_length() -> None:
    missing: list[str] = []
    for method, path, operation in _operations():
        found = _body_type(operation)
        if found is not None:
            missing += _strings_without_length(found[1], f"{method} {path} body")
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                where = f"{method} {path} ?{parameter['name']}"
                missing += _strings_without_length(parameter["schema"], where)
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("issuing_agency", ""), ("number", ""), ("title", ""), ("issued_on", "0000-01-01")],
)
def test_what_the_api_refuses_the_schema_refuses(
    clients: dict[str, Client], field: str, value: str
) -> None:
    # An empty issuing agency and the year 0000 passed the schema and were refused by the API:
    # a client generated from the schema could not know.
    body = {
        "kind": "nghi_quyet",
        "number": "1/NQ-CP",
        "issued_on": "2026-01-05",
        "issuing_agency": "CP",
        "title": "Nghị quyết",
        field: value,
    }
    response = _send(clients, "POST", "/api/v1/directives", json.dumps(body).encode())
    assert response.status_code == 422, response.json()
    declared = _resolve(
        SCHEMA["paths"]["/api/v1/directives"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]
    )["properties"][field]
    if value == "":
        assert declared["minLength"] == 1
    else:
        assert not re.fullmatch(declared["pattern"], value)
        assert re.fullmatch(declared["pattern"], "2026-01-05")
