"""Class 4: one length limit per text field, the same through every path.

A task's content of 10 MB went in through the API while the Excel import stopped at 2,000
characters. Now each limit is one constant (directives.rules: CONTENT_MAX, TEXT_MAX, …) that the
form, the API's schema (maxLength in the OpenAPI schema), the Excel import and the actions all
read: text at the limit is accepted everywhere, one character more refused everywhere, and
nothing is saved.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.api import api
from dxgov.directives import actions, rules
from dxgov.directives import excel as task_excel
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

LEAD = "UBND-T25"
NUMBER = "155/NQ-CP"


@pytest.fixture
def directive(coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number=NUMBER,
        issued_on=date(2025, 7, 1),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Nghị quyết",
    )


@pytest.fixture
def bearer(coordinator: User) -> Client:
    _token, raw = create_token(acting_user=coordinator, user=coordinator, name="limits")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _by_api(client: Client, directive: Directive, content: str, result: str = "") -> Any:
    body = {
        "directive": directive.pk,
        "content": content,
        "lead_agency": LEAD,
        "expected_result": result,
    }
    return client.post("/api/v1/tasks", json.dumps(body), content_type="application/json")


def _by_form(coordinator: User, directive: Directive, content: str, result: str = "") -> Any:
    return client_for(coordinator).post(
        reverse("directives:task_new", args=[directive.pk]),
        follow=True,
        data={
            "content": content,
            "lead_agency": LEAD,
            "coordinating_agencies": "",
            "recurrence": "none",
            "expected_result": result,
        },
    )


def _by_excel(coordinator: User, content: str, result: str = "") -> Any:
    workbook = load_workbook(io.BytesIO(task_excel.import_template()))
    sheet = workbook.worksheets[0]
    for column, value in enumerate([NUMBER, content, LEAD, "", "", result, ""], start=1):
        sheet.cell(row=2, column=column).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return actions.import_tasks(
        acting_user=coordinator, data=buffer.getvalue(), dry_run=False, today=date(2025, 9, 1)
    )


def test_the_schema_declares_the_limits_the_actions_apply() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    body = schema["paths"]["/api/v1/tasks"]["post"]["requestBody"]["content"]
    task_in = schema["components"]["schemas"][
        body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    ]
    assert task_in["properties"]["content"]["maxLength"] == rules.CONTENT_MAX
    assert task_in["properties"]["expected_result"]["maxLength"] == rules.CONTENT_MAX
    assert task_excel.MAX_CONTENT == task_excel.MAX_RESULT == rules.CONTENT_MAX


@pytest.mark.parametrize("field", ["content", "result"])
def test_one_character_too_many_is_refused_by_every_path(
    coordinator: User, directive: Directive, bearer: Client, field: str
) -> None:
    long = "x" * (rules.CONTENT_MAX + 1)
    content, result = (long, "") if field == "content" else ("Việc", long)

    response = _by_api(bearer, directive, content, result)
    assert response.status_code == 422, response.json()
    name = "content" if field == "content" else "expected_result"
    assert any(e["field"].endswith(name) for e in response.json()["errors"])

    page = _by_form(coordinator, directive, content, result)
    shown = " ".join(str(m) for m in page.context["messages"])
    assert str(rules.CONTENT_MAX) in shown.replace(".", ""), shown

    imported = _by_excel(coordinator, content, result)
    assert imported.created == 0 and imported.errors
    assert not Task.objects.exists()

    # The action itself, for any other caller (committees, programmes).
    with pytest.raises(Exception, match=str(rules.CONTENT_MAX)):
        actions.create_task(
            acting_user=coordinator,
            directive=directive,
            content=content,
            lead_agency=Agency.objects.get(code=LEAD),
            expected_result=result,
        )
    assert not Task.objects.exists()


def test_text_at_the_limit_is_accepted_by_every_path(
    coordinator: User, directive: Directive, bearer: Client
) -> None:
    # Three different texts: the same task twice for one agency is refused as a duplicate.
    api_text, form_text, excel_text = (letter * rules.CONTENT_MAX for letter in "abc")
    assert _by_api(bearer, directive, api_text, api_text).status_code == 201
    _by_form(coordinator, directive, form_text, form_text)
    assert _by_excel(coordinator, excel_text, excel_text).created == 1
    stored = sorted(Task.objects.values_list("content", "expected_result"))
    assert stored == [(api_text, api_text), (form_text, form_text), (excel_text, excel_text)]


def test_a_reason_too_long_is_refused_by_the_action(
    coordinator: User, directive: Directive, bearer: Client
) -> None:
    task = actions.create_task(
        acting_user=coordinator,
        directive=directive,
        content="Việc",
        lead_agency=Agency.objects.get(code=LEAD),
    )
    body = json.dumps({"reason": "x" * (rules.TEXT_MAX + 1)})
    response = bearer.post(f"/api/v1/tasks/{task.pk}/postpone", body, "application/json")
    assert response.status_code == 422
    with pytest.raises(Exception, match=str(rules.TEXT_MAX)):
        actions.postpone_task(acting_user=coordinator, task=task, reason="x" * (rules.TEXT_MAX + 1))
    task.refresh_from_db()
    assert task.status == "open"


def test_the_coordinating_agencies_box_is_bounded_as_the_api_is(
    coordinator: User, directive: Directive
) -> None:
    # A 10 MB list of codes would be looked up code by code: the box takes as many codes as
    # the API does (COORDINATING_MAX), each with its comma and a space, and no more.
    page = client_for(coordinator).post(
        reverse("directives:task_new", args=[directive.pk]),
        follow=True,
        data={
            "content": "Việc",
            "lead_agency": LEAD,
            "coordinating_agencies": "X, " * (rules.COORDINATING_MAX * 12),
            "recurrence": "none",
        },
    )
    shown = " ".join(str(m) for m in page.context["messages"])
    limit = rules.COORDINATING_MAX * (rules.AGENCY_CODE_MAX + 2)
    assert f"{limit:,}".replace(",", ".") in shown or str(limit) in shown, shown
    assert not Task.objects.exists()
