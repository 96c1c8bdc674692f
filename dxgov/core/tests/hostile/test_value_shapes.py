"""Class 1, "Saved, but the value is gone": a figure of the wrong shape for its indicator (a
plain value for a ratio, a numerator for a count) is refused, 422 naming the field and the
shape expected, on every path: the API in JSON and in CSV, the web form, the Excel form. A
stored value is removed only by an explicit clear (`"clear": true` in the API, a `clear` column
in CSV, a figure the form or the Excel file showed and the user emptied); hypothesis searches
for any accepted request that removes a value without asking.
"""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.core.tests.hostile import value_regime as r
from dxgov.reporting import excel
from dxgov.reporting.models import ReportDefinition
from dxgov.testing import reporting as t
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db

STORED: dict[str, t.Typed] = {
    r.COUNT: "12",
    r.RATIO: ("45", "60"),
    r.MONEY: "1.000.000",
    r.YES: "có",
}
CSV_HEADER = "definition,agency,period,indicator,value,numerator,denominator,comment,version,clear"


@pytest.fixture
def regime(coordinator: User) -> ReportDefinition:
    return r.make(coordinator)


@pytest.fixture
def api(phutho_officer: User) -> Client:
    _token, raw = create_token(acting_user=phutho_officer, user=phutho_officer, name="hostile")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _store(user: User, regime: ReportDefinition, codes: Any = STORED) -> None:
    t.enter(user, regime, t.PHUTHO, r.PERIOD, {code: STORED[code] for code in codes})


def _send(api: Client, values: list[dict[str, Any]]) -> Any:
    body = {"definition": "HX-BC", "agency": t.PHUTHO, "period": r.PERIOD, "values": values}
    return api.post("/api/v1/datavalues", json.dumps(body), content_type="application/json")


def _csv(api: Client, lines: list[str]) -> Any:
    text = "\n".join([CSV_HEADER, *lines]) + "\n"
    return api.post("/api/v1/datavalues", text, content_type="text/csv")


def _findings(response: Any) -> list[tuple[str, str, str]]:
    """(indicator, field, rule) of every error in an import summary."""
    return [
        (value["indicator"], finding["field"], finding["rule"])
        for group in response.json()["groups"]
        for value in group["values"]
        for finding in value["findings"]
        if finding["severity"] == "error"
    ]


# --- the API ---------------------------------------------------------------------------------

WRONG_SHAPES = [
    ({"indicator": r.RATIO, "value": "75"}, [(r.RATIO, "value", "shape")]),
    (
        {"indicator": r.RATIO, "value": "75", "numerator": "1", "denominator": "2"},
        [(r.RATIO, "value", "shape")],
    ),
    (
        {"indicator": r.COUNT, "numerator": "1", "denominator": "2"},
        [(r.COUNT, "numerator", "shape"), (r.COUNT, "denominator", "shape")],
    ),
    ({"indicator": r.MONEY, "value": "5", "denominator": "5"}, [(r.MONEY, "denominator", "shape")]),
    ({"indicator": r.YES, "numerator": "1"}, [(r.YES, "numerator", "shape")]),
    ({"indicator": r.RATIO, "numerator": "1"}, [(r.RATIO, "denominator", "ratio_incomplete")]),
]


@pytest.mark.parametrize("stored", [True, False], ids=["pair-stored", "nothing-stored"])
@pytest.mark.parametrize(("item", "expected"), WRONG_SHAPES)
def test_a_figure_of_the_wrong_shape_is_refused_through_json(
    regime: ReportDefinition,
    phutho_officer: User,
    api: Client,
    stored: bool,
    item: dict[str, Any],
    expected: list[tuple[str, str, str]],
) -> None:
    if stored:
        _store(phutho_officer, regime)
    before = r.snapshot()
    # With a good figure for another indicator, which is not saved either.
    other = {"indicator": r.MONEY if item["indicator"] != r.MONEY else r.COUNT, "value": "7"}
    response = _send(api, [item, other] if stored else [item])
    assert response.status_code == 422, response.json()
    assert _findings(response) == expected
    assert r.snapshot() == before  # all or nothing: the good item is not saved either


def test_the_refusal_names_the_shape_expected(
    regime: ReportDefinition, phutho_officer: User, api: Client
) -> None:
    _store(phutho_officer, regime)
    ratio = _send(api, [{"indicator": r.RATIO, "value": "75"}]).json()
    [message] = [f["message"] for f in ratio["groups"][0]["values"][0]["findings"]]
    assert "tử số và mẫu số" in message
    count = _send(api, [{"indicator": r.COUNT, "numerator": "1", "denominator": "2"}]).json()
    assert "một giá trị" in count["groups"][0]["values"][0]["findings"][0]["message"]


@pytest.mark.parametrize("stored", [True, False], ids=["pair-stored", "nothing-stored"])
def test_a_figure_of_the_wrong_shape_is_refused_through_csv(
    regime: ReportDefinition, phutho_officer: User, api: Client, stored: bool
) -> None:
    if stored:
        _store(phutho_officer, regime)
    before = r.snapshot()
    response = _csv(
        api,
        [
            f"HX-BC,{t.PHUTHO},{r.PERIOD},{r.RATIO},75,,,,,",
            f"HX-BC,{t.PHUTHO},{r.PERIOD},{r.COUNT},,3,4,,,",
        ],
    )
    assert response.status_code == 422
    assert _findings(response) == [
        (r.RATIO, "value", "shape"),
        (r.COUNT, "numerator", "shape"),
        (r.COUNT, "denominator", "shape"),
    ]
    assert [v["line"] for v in response.json()["groups"][0]["values"]] == [2, 3]
    assert r.snapshot() == before


def test_an_item_without_a_figure_is_refused_and_clear_removes_the_value(
    regime: ReportDefinition, phutho_officer: User, api: Client
) -> None:
    _store(phutho_officer, regime)
    before = r.snapshot()
    nothing = _send(api, [{"indicator": r.RATIO}, {"indicator": r.COUNT, "value": ""}])
    assert nothing.status_code == 422
    assert _findings(nothing) == [
        (r.RATIO, "numerator", "nothing_sent"),
        (r.COUNT, "value", "nothing_sent"),
    ]
    both = _send(api, [{"indicator": r.RATIO, "clear": True, "numerator": "1"}])
    assert _findings(both) == [(r.RATIO, "numerator", "clear_with_value")]
    assert r.snapshot() == before
    cleared = _send(api, [{"indicator": r.RATIO, "clear": True}])
    assert cleared.status_code == 200
    assert cleared.json()["totals"]["deleted"] == 1
    assert set(r.snapshot()) == set(before) - {r.RATIO}
    # Clearing what is not stored changes nothing.
    again = _send(api, [{"indicator": r.RATIO, "clear": True}])
    assert again.status_code == 200 and again.json()["totals"]["unchanged"] == 1


def test_csv_clears_only_through_its_clear_column(
    regime: ReportDefinition, phutho_officer: User, api: Client
) -> None:
    _store(phutho_officer, regime)
    before = r.snapshot()
    blank = _csv(api, [f"HX-BC,{t.PHUTHO},{r.PERIOD},{r.MONEY},,,,,,"])
    assert blank.status_code == 422 and _findings(blank) == [(r.MONEY, "value", "nothing_sent")]
    unreadable = _csv(api, [f"HX-BC,{t.PHUTHO},{r.PERIOD},{r.MONEY},,,,,,maybe"])
    assert unreadable.status_code == 400 and "clear" in unreadable.json()["message"]
    assert r.snapshot() == before
    cleared = _csv(api, [f"HX-BC,{t.PHUTHO},{r.PERIOD},{r.MONEY},,,,,,TRUE"])
    assert cleared.status_code == 200
    assert set(r.snapshot()) == set(before) - {r.MONEY}


# --- the web form ----------------------------------------------------------------------------


def _form_url(regime: ReportDefinition) -> str:
    return reverse("reporting:data_form", args=[regime.pk, t.PHUTHO, r.PERIOD])


def _shown(client: Client, regime: ReportDefinition) -> dict[str, str]:
    """The form as the page holds it: every field's name and value."""
    response = client.get(_form_url(regime))
    form = response.context["rows"]
    data: dict[str, str] = {}
    for row in form:
        code, typed = row["indicator"].code, row["typed"]
        if row["is_ratio"]:
            data[f"num-{code}"], data[f"den-{code}"] = typed["numerator"], typed["denominator"]
        else:
            data[f"value-{code}"] = typed["value"]
        data[f"version-{code}"] = str(typed["version"])
        data[f"comment-{code}"] = typed["comment"]
    return data


def test_the_form_refuses_a_value_posted_for_a_ratio(
    regime: ReportDefinition, phutho_officer: User
) -> None:
    _store(phutho_officer, regime)
    client = client_for(phutho_officer)
    before = r.snapshot()
    crafted = _shown(client, regime)
    del crafted[f"num-{r.RATIO}"], crafted[f"den-{r.RATIO}"]
    crafted[f"value-{r.RATIO}"] = "75"
    response = client.post(_form_url(regime), crafted)
    assert response.status_code == 200  # the page again, with the refused cell
    [row] = [row for row in response.context["rows"] if row["indicator"].code == r.RATIO]
    assert [(f.field, f.rule) for f in row["findings"]] == [("value", "shape")]
    assert r.snapshot() == before


def test_the_form_clears_a_figure_it_showed_and_the_user_emptied(
    regime: ReportDefinition, phutho_officer: User
) -> None:
    _store(phutho_officer, regime)
    client = client_for(phutho_officer)
    before = r.snapshot()
    # A field left out of the post asks nothing: the stored ratio stays.
    partial = _shown(client, regime)
    del partial[f"num-{r.RATIO}"], partial[f"den-{r.RATIO}"]
    assert client.post(_form_url(regime), partial).status_code == 302
    assert r.snapshot() == before
    emptied = _shown(client, regime)
    emptied[f"num-{r.RATIO}"] = emptied[f"den-{r.RATIO}"] = ""
    emptied[f"value-{r.COUNT}"] = " "
    assert client.post(_form_url(regime), emptied).status_code == 302
    assert set(r.snapshot()) == set(before) - {r.RATIO, r.COUNT}


# --- the Excel form --------------------------------------------------------------------------


def _xlsx_url(regime: ReportDefinition) -> str:
    return reverse(
        "reporting_files:form_xlsx",
        kwargs={"definition_id": regime.pk, "agency_code": t.PHUTHO, "period": r.PERIOD},
    )


def _row_of(sheet: Any, code: str) -> int:
    for number in range(excel.FIRST_ROW, excel.FIRST_ROW + 10):
        if sheet.cell(row=number, column=excel.CODE).value == code:
            return number
    raise AssertionError(code)


def _upload_filled(
    client: Client, regime: ReportDefinition, cells: dict[tuple[str, int], Any]
) -> Any:
    download = client.get(_xlsx_url(regime)).content
    workbook = load_workbook(BytesIO(download))
    sheet = workbook[excel.SHEET_TITLE]
    for (code, column), value in cells.items():
        sheet.cell(row=_row_of(sheet, code), column=column).value = value  # None empties it
    buffer = BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("bieu.xlsx", buffer.getvalue())
    return client.post(_xlsx_url(regime), {"file": upload}).context["result"]


def test_the_excel_form_refuses_a_value_in_a_ratio_row_at_its_cell(
    regime: ReportDefinition, phutho_officer: User
) -> None:
    _store(phutho_officer, regime)
    client = client_for(phutho_officer)
    before = r.snapshot()
    result = _upload_filled(client, regime, {(r.RATIO, excel.VALUE): 75})
    assert [(e.row, e.column) for e in result.errors] == [(excel.FIRST_ROW + 1, excel.VALUE)]
    assert "tử số và mẫu số" in result.errors[0].message
    result = _upload_filled(client, regime, {(r.COUNT, excel.NUMERATOR): 5})
    assert [(e.row, e.column) for e in result.errors] == [(excel.FIRST_ROW, excel.NUMERATOR)]
    assert r.snapshot() == before


def test_the_excel_form_round_trips_a_stored_ratio_and_clears_an_emptied_one(
    regime: ReportDefinition, phutho_officer: User
) -> None:
    _store(phutho_officer, regime)
    client = client_for(phutho_officer)
    before = r.snapshot()
    unchanged = _upload_filled(client, regime, {})
    assert unchanged.errors == [] and unchanged.outcome is not None
    assert sorted(unchanged.outcome.unchanged) == sorted(STORED)
    assert r.snapshot() == before
    emptied = _upload_filled(
        client, regime, {(r.RATIO, excel.NUMERATOR): None, (r.RATIO, excel.DENOMINATOR): None}
    )
    assert emptied.errors == [] and emptied.outcome.deleted == [r.RATIO]
    assert set(r.snapshot()) == set(before) - {r.RATIO}


# --- the property: nothing is lost without asking --------------------------------------------

FIGURES = st.sampled_from(["", " ", "12", "1.234", "0", "-3", "abc", "45", "60", "có", "1,5"])
CODES = list(r.CODES.values())
ITEMS = st.fixed_dictionaries(
    {"indicator": st.sampled_from(CODES)},
    optional={
        "value": FIGURES,
        "numerator": FIGURES,
        "denominator": FIGURES,
        "clear": st.booleans(),
        "version": st.sampled_from([1, 2]),
        "comment": st.sampled_from(["", "giải trình"]),
    },
)
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(stored=st.sets(st.sampled_from(CODES)), items=st.lists(ITEMS, min_size=1, max_size=6))
def test_no_api_request_removes_a_value_it_did_not_ask_to_clear(
    regime: ReportDefinition,
    phutho_officer: User,
    api: Client,
    stored: set[str],
    items: list[dict[str, Any]],
) -> None:
    with transaction.atomic():
        if stored:
            _store(phutho_officer, regime, sorted(stored))
        before = r.snapshot()
        response = _send(api, items)
        after = r.snapshot()
        transaction.set_rollback(True)
    if response.status_code != 200:
        assert response.status_code in (409, 422)
        assert after == before  # refused: nothing at all changed
    cleared = {item["indicator"] for item in items if item.get("clear")}
    assert set(before) - set(after) <= cleared


FORM_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "value": FIGURES,
        "num": FIGURES,
        "den": FIGURES,
        "version": st.sampled_from(["", "1", "2"]),
    },
)


def _asked_to_clear(data: dict[str, str], code: str) -> bool:
    """The form's explicit clear: the version of the figure shown, its fields sent blank."""
    names = ("num", "den") if code == r.RATIO else ("value",)
    fields = [data.get(f"{name}-{code}") for name in names]
    version = data.get(f"version-{code}", "")
    return version.isdigit() and all(f is not None and not f.strip() for f in fields)


@HYPOTHESIS
@given(
    stored=st.sets(st.sampled_from(CODES)),
    posted=st.fixed_dictionaries({code: FORM_FIELDS for code in CODES}),
)
def test_no_form_post_removes_a_value_it_did_not_ask_to_clear(
    regime: ReportDefinition,
    phutho_officer: User,
    stored: set[str],
    posted: dict[str, dict[str, str]],
) -> None:
    data = {
        f"{name}-{code}": text for code, fields in posted.items() for name, text in fields.items()
    }
    client = client_for(phutho_officer)
    with transaction.atomic():
        if stored:
            _store(phutho_officer, regime, sorted(stored))
        before = r.snapshot()
        response = client.post(_form_url(regime), data)
        after = r.snapshot()
        transaction.set_rollback(True)
    if response.status_code == 200:  # the form again: refused, nothing saved
        assert after == before
    assert {code for code in set(before) - set(after) if not _asked_to_clear(data, code)} == set()
