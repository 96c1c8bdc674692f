"""Class 5, "Vietnamese text, whatever its encoding".

A task or directive sent decomposed (NFD: "a" + circumflex + acute, what macOS and some input
methods send) was stored so and not found by a search typed composed (NFC), nor the reverse; on
SQLite "NÂNG CẤP" did not find "Nâng cấp". Now every text input is NFC at the edge (forms and
queries, the API's JSON, \\u escapes included, and CSV, the spreadsheet reader), and every
search folds case and marks ("đ" too) on both sides: tasks, directives, agencies, units and
indicators, through their pages and the API, whichever way the text and the query are written.
"""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.core import text
from dxgov.directives import actions
from dxgov.directives import excel as task_excel
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.indicators.models import Indicator
from dxgov.orgunits.models import Agency
from dxgov.testing import reporting as t
from dxgov.testing.clients import client_for

CONTENT = "Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh"
TITLE = "Nghị quyết về đẩy mạnh chuyển đổi số quốc gia"


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def is_nfc(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value)


# Every way a person (or a program) may type the same query.
def spellings(phrase: str) -> dict[str, str]:
    return {
        "nfc": phrase,
        "nfd": nfd(phrase),
        "upper": phrase.upper(),
        "upper-nfd": nfd(phrase.upper()),
        "lower": phrase.lower(),
        "no-marks": text.fold(phrase),
    }


QUERIES = spellings("NÂNG CẤP hệ thống")


# --- the fold ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", list(QUERIES.values()), ids=list(QUERIES))
def test_every_spelling_folds_alike(spelling: str) -> None:
    assert text.fold(spelling) == "nang cap he thong"


def test_d_with_stroke_and_spaces() -> None:
    assert text.fold("Đà  Nẵng\u00a0ĐIỆN BIÊN") == "da nang dien bien"
    assert text.fold(nfd("Quyết định 123/QĐ-TTg")) == "quyet dinh 123/qd-ttg"


@given(st.text())
def test_the_fold_ignores_the_normal_form_and_the_case(value: str) -> None:
    folded = text.fold(value)
    assert text.fold(nfd(value)) == folded == text.fold(unicodedata.normalize("NFC", value))
    assert text.fold(folded) == folded


def test_json_values_are_composed_escapes_included() -> None:
    body = json.dumps({"content": nfd(CONTENT), "list": [nfd("Đắk Lắk")]})  # \\u escapes
    assert "\\u0302" in body
    decoded = text.nfc_deep(json.loads(body))
    assert decoded == {"content": CONTENT, "list": ["Đắk Lắk"]}


# --- storage and search of tasks and directives -----------------------------------------------


@pytest.fixture
def api(coordinator: User) -> Client:
    _token, raw = create_token(acting_user=coordinator, user=coordinator, name="unicode")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    # json.dumps escapes every non-ASCII character: the combining marks arrive as \\u03xx.
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def stored(db: Any, coordinator: User, api: Client) -> dict[str, Any]:
    """A directive and two tasks sent decomposed through the API, one task composed by a page."""
    response = _post(
        api,
        "/directives",
        {
            "kind": DirectiveKind.NGHI_QUYET,
            "number": "155/NQ-CP",
            "issued_on": "2025-07-01",
            "issuing_agency": "CP",
            "title": nfd(TITLE),
        },
    )
    assert response.status_code == 201, response.json()
    directive = Directive.objects.get(pk=response.json()["id"])
    by_api = _post(
        api,
        "/tasks",
        {"directive": directive.pk, "content": nfd(CONTENT), "lead_agency": t.PHUTHO},
    )
    assert by_api.status_code == 201, by_api.json()
    page = client_for(coordinator).post(
        reverse("directives:task_new", args=[directive.pk]),
        {
            "content": nfd(CONTENT.upper()),
            "lead_agency": t.DIENBIEN,
            "coordinating_agencies": "",
            "recurrence": "none",
            "expected_result": nfd("Báo cáo Thủ tướng Chính phủ"),
        },
    )
    assert page.status_code == 302
    return {"directive": directive, "tasks": list(Task.objects.order_by("pk"))}


def test_text_sent_decomposed_is_stored_composed(stored: dict[str, Any]) -> None:
    directive = stored["directive"]
    assert directive.title == TITLE and is_nfc(directive.title)
    by_api, by_page = stored["tasks"]
    assert by_api.content == CONTENT
    assert by_page.content == CONTENT.upper() and is_nfc(by_page.expected_result)
    assert by_api.search_text == text.search_text("155/NQ-CP", CONTENT, "")


@pytest.mark.parametrize("spelling", list(QUERIES), ids=list(QUERIES))
def test_tasks_are_found_whichever_way_text_and_query_are_written(
    stored: dict[str, Any], coordinator: User, api: Client, spelling: str
) -> None:
    query = QUERIES[spelling]
    expected = sorted(task.pk for task in stored["tasks"])
    found = api.get("/api/v1/tasks", {"q": query}).json()
    assert sorted(item["id"] for item in found["items"]) == expected
    page = client_for(coordinator).get(reverse("directives:task_list"), {"q": query})
    assert page.status_code == 200
    assert sorted(task.pk for task in page.context["page"]) == expected


@pytest.mark.parametrize("spelling", ["nfc", "nfd", "upper", "no-marks"])
def test_directives_are_found_whichever_way_text_and_query_are_written(
    stored: dict[str, Any], coordinator: User, api: Client, spelling: str
) -> None:
    query = spellings("ĐẨY MẠNH chuyển đổi số")[spelling]
    directive = stored["directive"]
    found = api.get("/api/v1/directives", {"q": query}).json()
    assert [item["id"] for item in found["items"]] == [directive.pk]
    page = client_for(coordinator).get(reverse("directives:directive_list"), {"q": query})
    assert [d.pk for d in page.context["page"]] == [directive.pk]
    # A task is found by its directive's number, however the number is typed.
    tasks = api.get("/api/v1/tasks", {"q": "155/nq-cp"}).json()
    assert tasks["count"] == 2


@pytest.mark.django_db
def test_a_task_imported_from_excel_in_nfd_is_stored_composed(coordinator: User) -> None:
    actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.NGHI_QUYET,
        number="155/NQ-CP",
        issued_on=date(2025, 7, 1),
        issuing_agency=Agency.objects.get(code="CP"),
        title=TITLE,
    )
    workbook = load_workbook(io.BytesIO(task_excel.import_template()))
    sheet = workbook.worksheets[0]
    for column, value in enumerate(
        ["155/NQ-CP", nfd(CONTENT), t.PHUTHO, "", "30/09/2025", nfd("Báo cáo"), ""], start=1
    ):
        sheet.cell(row=2, column=column).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = actions.import_tasks(
        acting_user=coordinator, data=buffer.getvalue(), dry_run=False, today=date(2025, 9, 1)
    )
    assert result.created == 1
    task = Task.objects.get()
    assert task.content == CONTENT and task.expected_result == "Báo cáo"
    assert Task.objects.filter(search_text__contains=text.fold("NÂNG CẤP")).count() == 1


# --- agencies, units, indicators --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", list(spellings("Điện Biên")))
def test_agencies_and_units_are_found_whichever_way_the_query_is_written(
    phutho_officer: User, spelling: str
) -> None:
    query = spellings("Điện Biên")[spelling]
    client = client_for(phutho_officer)
    agencies = client.get("/api/v1/agencies", {"q": query}).json()
    assert t.DIENBIEN in [item["code"] for item in agencies["items"]]
    page = client.get(reverse("orgunits:agency_tree"), {"q": query})
    assert t.DIENBIEN in [agency.code for agency in page.context["results"]]
    units = client.get("/api/v1/orgunits", {"q": query}).json()
    assert any(text.fold(item["name"]).endswith("dien bien") for item in units["items"])
    page = client.get(reverse("orgunits:unit_tree"), {"q": query})
    assert page.context["result_count"] >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["nfc", "nfd", "upper", "lower", "no-marks"])
def test_indicators_are_found_whichever_way_text_and_query_are_written(
    coordinator: User, phutho_officer: User, spelling: str
) -> None:
    made = t.count_indicator(coordinator, "HX-ĐVC", name=nfd("Số dịch vụ công trực tuyến"))
    # Made by the action directly, past the edge (as a program or older data would be): stored
    # decomposed, and found all the same, since the search column is folded.
    stored = Indicator.objects.get(pk=made.pk)
    assert stored.name == nfd("Số dịch vụ công trực tuyến")
    query = spellings("DỊCH VỤ CÔNG")[spelling]
    client = client_for(phutho_officer)
    found = client.get("/api/v1/indicators", {"q": query}).json()
    assert [item["code"] for item in found] == ["HX-ĐVC"]
    page = client.get(reverse("indicators:indicator_list"), {"q": query})
    assert page.status_code == 200 and "HX-ĐVC" in page.content.decode()
    by_code = client.get("/api/v1/indicators", {"q": nfd("hx-đvc")}).json()
    assert [item["code"] for item in by_code] == ["HX-ĐVC"]
