"""Fuzzing the REST API from its own OpenAPI schema (schemathesis, in-process over WSGI).

For every operation, schemathesis generates valid and invalid requests (path ids far beyond any
integer column, NUL characters, dates out of range, wrong types, missing bodies) and sends them
with a real Bearer token, as a coordinator and as a province officer. Whatever comes in, the API
answers below 500, and every error is a JSON body with a "message" a person can read. Writes are
fuzzed too; pytest-django's transaction rolls them back after each operation.

Seeds are derived from the test (derandomize), so a CI failure reproduces on a laptop.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.wsgi import application

# Random cases per operation, on top of schemathesis's coverage cases (boundaries, wrong types,
# missing fields): 31 operations x 2 users come to about 2,700 requests, under a minute.
# DXGOV_FUZZ_EXAMPLES=200 runs a deeper search by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("DXGOV_FUZZ_EXAMPLES", "10"))

# No 5xx; 2xx bodies match their declared schema; input the schema forbids is refused (4xx).
CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection]

# Requests sent, by status code; printed at the end of the module (pytest -s shows it).
STATUSES: Counter[int] = Counter()
# The same for the requests generated to fit the schema (positive mode) only.
POSITIVE: Counter[int] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_statuses() -> Iterator[None]:
    yield
    print(f"\nAPI fuzz: {STATUSES.total()} requests, by status {sorted(STATUSES.items())}")
    print(f"API fuzz, fitting the schema: {sorted(POSITIVE.items())}")
    if STATUSES:
        # The token was honoured throughout, and a fair share of the requests meant to be
        # valid did real work. (Among all requests the share falls with every constraint the
        # schema declares: each maxLength or pattern adds invalid cases at its boundaries.)
        assert STATUSES[401] == 0, STATUSES
        assert POSITIVE[200] + POSITIVE[201] > POSITIVE.total() // 10, POSITIVE


@pytest.fixture
def api_schema(db: Any) -> Iterator[Any]:
    # As Django's test client does: the test's transaction holds the connection, so the
    # handler must not close it at the start or end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    language = translation.get_language()
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        # Requests in English leave English active in this thread; later tests expect Vietnamese.
        translation.activate(language)
        # The rolled-back token's id comes back in later tests (SQLite reuses it) and must not
        # arrive with this test's thousand requests already counted against its rate limit.
        cache.clear()


def _bearer(username: str) -> str:
    user = User.objects.get(username=username)
    _token, raw = create_token(acting_user=user, user=user, name="fuzz")
    return raw


@pytest.fixture
def unlimited(settings: Any, tmp_path: Path) -> None:
    # Thousands of requests a minute from one token: lift the rate limit for this test only.
    settings.DXGOV_TOKEN_RATE_PER_MINUTE = 1_000_000
    # The audit endpoints sign with a throwaway key, never the one in var/.
    key = tmp_path / "audit.pem"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.DXGOV_AUDIT_KEY_FILE = str(key)


@pytest.fixture
def coordinator_token(db: Any, unlimited: None) -> str:
    return _bearer("vpcp.dieuphoi")


@pytest.fixture
def officer_token(db: Any, unlimited: None) -> str:
    return _bearer("phutho.canbo")


def _check(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    STATUSES[response.status_code] += 1
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        POSITIVE[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])
        assert "application/json" in str(content_type), (response.status_code, content_type)
        body = json.loads(response.content)
        assert isinstance(body, dict), body
        message = body.get("message")
        assert isinstance(message, str), body
        assert message.strip(), body


schema = schemathesis.pytest.from_fixture("api_schema")

FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZ
def test_api_as_coordinator(case: Any, coordinator_token: str) -> None:
    _check(case, coordinator_token)


@schema.parametrize()
@FUZZ
def test_api_as_province_officer(case: Any, officer_token: str) -> None:
    _check(case, officer_token)
