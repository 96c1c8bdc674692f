"""The reporting API over real HTTP with bearer tokens: value imports (JSON and CSV, dry runs,
conflicts, one refusal per kind of rule, the same rules as the form), reports and their
workflow, series added up over a subtree and across the 2025 merger, and scope."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from dxgov.accounts.actions import create_token
from dxgov.accounts.models import User
from dxgov.indicators.actions import save_validation_rule
from dxgov.orgunits.models import Agency
from dxgov.reporting.models import DataValue, Report, ReportDefinition, ReportStatus
from dxgov.testing import reporting as t

pytestmark = pytest.mark.django_db

PERIOD = "202503"


def api(user: User) -> Client:
    _token, raw = create_token(acting_user=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, path: str, body: Any = None, **extra: Any) -> Any:
    return client.post(
        f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json", **extra
    )


@pytest.fixture
def regime(coordinator: User) -> ReportDefinition:
    indicators = [
        t.count_indicator(coordinator, "HS", max_value=Decimal(100000)),
        t.count_indicator(coordinator, "TT"),
        t.ratio_indicator(coordinator, "TL"),
        t.count_indicator(coordinator, "TK", cumulative=True, unit="tài khoản"),
        t.indicator(coordinator, "KH", value_type="boolean"),
    ]
    save_validation_rule(
        acting_user=coordinator,
        name="Trực tuyến không vượt tổng",
        left="TT",
        operator="<=",
        right="HS",
        importance="hard",
        message="Số hồ sơ trực tuyến không được lớn hơn tổng số hồ sơ.",
    )
    return t.definition(coordinator, "BC-API", indicators)


def value_set(values: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"definition": "BC-API", "agency": t.PHUTHO, "period": PERIOD, "values": values, **extra}


GOOD = [
    {"indicator": "HS", "value": "1.200"},
    {"indicator": "TT", "value": "900"},
    {"indicator": "TL", "numerator": "900", "denominator": "1200"},
    {"indicator": "TK", "value": "45000"},
    {"indicator": "KH", "value": "có"},
]


def stored(code: str, agency: str = t.PHUTHO, period: str = PERIOD) -> DataValue | None:
    return DataValue.objects.filter(
        indicator__code=code, agency__code=agency, period=period
    ).first()


# --- importing values ---------------------------------------------------------------------------


def test_import_saves_and_summarises_every_value(
    regime: ReportDefinition, phutho_officer: User
) -> None:
    client = api(phutho_officer)
    response = post(client, "/datavalues", value_set(GOOD))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "success"
    assert body["totals"] == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "refused": 0,
        "ignored": 0,
    }
    group = body["groups"][0]
    assert group["status"] == "saved"
    assert Report.objects.get(pk=group["report"]).agency.code == t.PHUTHO
    value = stored("TL")
    assert value is not None and value.value == Decimal(75)
    again = post(client, "/datavalues", value_set([*GOOD[:4], {"indicator": "KH", "value": "0"}]))
    assert again.json()["totals"]["unchanged"] == 4
    assert again.json()["totals"]["updated"] == 1
    kh = stored("KH")
    assert kh is not None and kh.value == 0 and kh.version == 2


def test_dry_run_checks_and_saves_nothing(regime: ReportDefinition, phutho_officer: User) -> None:
    response = post(api(phutho_officer), "/datavalues", value_set(GOOD, dry_run=True))
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] and body["groups"][0]["status"] == "checked"
    assert body["totals"]["created"] == 5
    assert not DataValue.objects.exists() and not Report.objects.exists()
    # ... and as a query parameter, for CSV bodies
    csv_body = "definition,agency,period,indicator,value\nBC-API,UBND-T25,202503,HS,5\n"
    response = api(phutho_officer).post(
        "/api/v1/datavalues?dry_run=true", data=csv_body, content_type="text/csv"
    )
    assert response.status_code == 200 and response.json()["dry_run"]
    assert not DataValue.objects.exists()


def test_a_stale_version_is_a_conflict(
    regime: ReportDefinition, phutho_officer: User, phutho_leader: User
) -> None:
    t.enter(phutho_officer, regime, t.PHUTHO, PERIOD, {"HS": "100"})
    t.enter(phutho_leader, regime, t.PHUTHO, PERIOD, {"HS": "150"})  # now version 2
    response = post(
        api(phutho_officer),
        "/datavalues",
        value_set([{"indicator": "HS", "value": "120", "version": 1}]),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["message"] and body["status"] == "conflict"
    assert body["groups"][0]["values"][0]["findings"][0]["rule"] == "conflict"
    value = stored("HS")
    assert value is not None and value.value == 150
    # With the current version it is saved.
    ok = post(
        api(phutho_officer),
        "/datavalues",
        value_set([{"indicator": "HS", "value": "120", "version": 2}]),
    )
    assert ok.status_code == 200


def test_csv_groups_are_saved_each_all_or_nothing(
    regime: ReportDefinition, admin_user: User
) -> None:
    csv_body = (
        "definition,agency,period,indicator,value,numerator,denominator,comment,version\n"
        "BC-API,UBND-T25,202503,HS,1200,,,,\n"
        "BC-API,UBND-T25,202503,TL,,900,1200,,\n"
        "BC-API,UBND-T11,202503,HS,500,,,,\n"
        "BC-API,UBND-T11,202503,TT,600,,,,\n"  # online above the total: a hard cross rule
    )
    response = api(admin_user).post("/api/v1/datavalues", data=csv_body, content_type="text/csv")
    assert response.status_code == 422
    body = response.json()
    assert body["message"]
    phutho, dienbien = body["groups"]
    assert phutho["status"] == "saved" and dienbien["status"] == "refused"
    assert [v["status"] for v in dienbien["values"]] == ["ignored", "refused"]
    assert dienbien["values"][1]["line"] == 5
    assert dienbien["values"][1]["findings"][0]["rule"] == "cross_rule"
    assert stored("HS") is not None and stored("TL") is not None
    assert stored("HS", t.DIENBIEN) is None  # nothing of the refused group


def test_a_csv_without_its_columns_is_refused(regime: ReportDefinition, admin_user: User) -> None:
    response = api(admin_user).post(
        "/api/v1/datavalues", data="agency,value\nUBND-T25,1\n", content_type="text/csv"
    )
    assert response.status_code == 400
    assert "definition" in response.json()["message"]
    assert not DataValue.objects.exists()


def _refusal(client: Client, values: list[dict[str, Any]], period: str = PERIOD) -> list[str]:
    response = post(client, "/datavalues", value_set(values, period=period))
    assert response.status_code == 422, response.json()
    return [
        f["rule"]
        for group in response.json()["groups"]
        for value in group["values"]
        for f in value["findings"]
        if f["severity"] == "error"
    ]


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        ([{"indicator": "HS", "value": "nhiều"}], "number"),
        # Too many decimals, or too many digits, are refused as the text is read.
        ([{"indicator": "HS", "value": "12,5"}], "number"),
        ([{"indicator": "HS", "value": "-5"}], "negative"),
        ([{"indicator": "HS", "value": "250.000"}], "max_value"),
        ([{"indicator": "HS", "value": "10000000000000000000"}], "number"),
        ([{"indicator": "TL", "numerator": "5"}], "ratio_incomplete"),
        ([{"indicator": "TL", "numerator": "5", "denominator": "0"}], "zero_denominator"),
        (
            [{"indicator": "TL", "numerator": "7", "denominator": "5"}],
            "numerator_exceeds_denominator",
        ),
        ([{"indicator": "KH", "value": "có lẽ"}], "number"),
        ([{"indicator": "HS", "value": "10"}, {"indicator": "TT", "value": "11"}], "cross_rule"),
        ([{"indicator": "KHONG-CO", "value": "1"}], "unknown_indicator"),
    ],
)
def test_each_rule_refuses_through_the_api(
    regime: ReportDefinition, phutho_officer: User, values: list[dict[str, Any]], rule: str
) -> None:
    assert rule in _refusal(api(phutho_officer), values)
    assert not DataValue.objects.exists()


def test_a_running_total_may_not_go_down(regime: ReportDefinition, phutho_officer: User) -> None:
    t.enter(phutho_officer, regime, t.PHUTHO, "202502", {"TK": "500"})
    assert _refusal(api(phutho_officer), [{"indicator": "TK", "value": "400"}]) == [
        "cumulative_decreased"
    ]
    value = stored("TK")
    assert value is None


def test_a_warning_needs_a_comment(
    regime: ReportDefinition, coordinator: User, phutho_officer: User
) -> None:
    save_validation_rule(
        acting_user=coordinator,
        name="Thường thì trực tuyến ít nhất một nửa",
        left="TT * 2",
        operator=">=",
        right="HS",
        importance="soft",
        message="Tỷ lệ trực tuyến thấp bất thường.",
    )
    values = [{"indicator": "HS", "value": "100"}, {"indicator": "TT", "value": "10"}]
    assert "comment_required" in _refusal(api(phutho_officer), values)
    values[1]["comment"] = "Hệ thống một cửa bị gián đoạn 10 ngày."
    response = post(api(phutho_officer), "/datavalues", value_set(values))
    assert response.status_code == 200
    findings = response.json()["groups"][0]["values"][1]["findings"]
    assert [f["severity"] for f in findings] == ["warning"]


def test_an_outlier_needs_a_comment(regime: ReportDefinition, phutho_officer: User) -> None:
    for month, figure in enumerate(["100", "104", "98", "101", "99", "103", "97"], start=1):
        t.enter(phutho_officer, regime, t.PHUTHO, f"2024{month:02d}", {"HS": figure})
    values = [{"indicator": "HS", "value": "5000"}]
    response = post(api(phutho_officer), "/datavalues", value_set(values, period="202408"))
    assert response.status_code == 422
    rules = {f["rule"] for f in response.json()["groups"][0]["values"][0]["findings"]}
    assert rules == {"outlier", "comment_required"}


def test_a_locked_report_is_a_conflict(
    regime: ReportDefinition, phutho_officer: User, phutho_leader: User
) -> None:
    values = {"HS": "10", "TT": "5", "TL": ("1", "2"), "TK": "3", "KH": "có"}
    t.approved_report(phutho_officer, phutho_leader, regime, t.PHUTHO, PERIOD, values)
    response = post(api(phutho_officer), "/datavalues", value_set([GOOD[0]]))
    assert response.status_code == 409
    assert response.json()["groups"][0]["status"] == "locked"
    value = stored("HS")
    assert value is not None and value.value == 10


def test_import_scope_and_roles(
    regime: ReportDefinition,
    phutho_officer: User,
    phutho_viewer: User,
    coordinator: User,
    phutho_dept_officer: User,
) -> None:
    dienbien = value_set(GOOD, agency=t.DIENBIEN)
    assert post(api(phutho_officer), "/datavalues", dienbien).status_code == 404
    assert post(api(phutho_dept_officer), "/datavalues", value_set(GOOD)).status_code == 404
    assert post(api(phutho_viewer), "/datavalues", value_set(GOOD)).status_code == 403
    assert post(api(coordinator), "/datavalues", value_set(GOOD)).status_code == 403
    assert (
        Client().post("/api/v1/datavalues", data="{}", content_type="application/json").status_code
        == 401
    )
    assert not DataValue.objects.exists()


def test_bodies_that_cannot_be_read(regime: ReportDefinition, phutho_officer: User) -> None:
    client = api(phutho_officer)
    assert post(client, "/datavalues", {"definition": "BC-API"}).status_code == 422
    assert client.post("/api/v1/datavalues", data="x", content_type="text/plain").status_code == 415
    unknown = post(client, "/datavalues", value_set(GOOD, definition="KHONG-CO"))
    assert unknown.status_code == 400 and unknown.json()["message"]
    wrong_period = post(client, "/datavalues", value_set(GOOD, period="2025Q1"))
    assert wrong_period.status_code == 422
    assert wrong_period.json()["groups"][0]["status"] == "refused"
    assert not DataValue.objects.exists()


# --- reports and their workflow -----------------------------------------------------------------

ALL = {"HS": "10", "TT": "5", "TL": ("1", "2"), "TK": "3", "KH": "có"}


def test_the_workflow_through_the_api(
    regime: ReportDefinition, phutho_officer: User, phutho_leader: User, coordinator: User
) -> None:
    outcome = t.enter(phutho_officer, regime, t.PHUTHO, PERIOD, ALL)
    assert outcome.report is not None
    report_id = outcome.report.pk
    officer, leader = api(phutho_officer), api(phutho_leader)
    assert post(officer, f"/reports/{report_id}/approve").status_code == 403
    early = post(leader, f"/reports/{report_id}/approve")
    assert early.status_code == 409 and early.json()["message"]
    assert post(officer, f"/reports/{report_id}/submit").json()["status"] == "submitted"
    returned = post(leader, f"/reports/{report_id}/return", {"reason": "Kiểm tra lại TT"})
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "Kiểm tra lại TT"
    post(officer, f"/reports/{report_id}/submit")
    approved = post(leader, f"/reports/{report_id}/approve")
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved" and body["approved_by"] == phutho_leader.username
    assert {v["indicator"] for v in body["values"]} == set(ALL)
    assert post(officer, f"/reports/{report_id}/reopen", {"reason": "x"}).status_code == 403
    assert post(api(coordinator), f"/reports/{report_id}/reopen", {"reason": ""}).status_code == 422
    reopened = post(api(coordinator), f"/reports/{report_id}/reopen", {"reason": "Sai số liệu"})
    assert reopened.json()["status"] == "returned"
    assert Report.objects.get(pk=report_id).status == ReportStatus.RETURNED


def test_report_list_and_scope(
    regime: ReportDefinition,
    phutho_officer: User,
    dienbien_officer: User,
    coordinator: User,
) -> None:
    mine = t.enter(phutho_officer, regime, t.PHUTHO, PERIOD, {"HS": "1"}).report
    theirs = t.enter(dienbien_officer, regime, t.DIENBIEN, PERIOD, {"HS": "2"}).report
    assert mine is not None and theirs is not None
    officer = api(phutho_officer)
    listed = officer.get("/api/v1/reports").json()
    assert [r["id"] for r in listed["items"]] == [mine.pk]
    assert officer.get(f"/api/v1/reports/{theirs.pk}").status_code == 404
    assert post(officer, f"/reports/{theirs.pk}/submit").status_code == 404
    everything = api(coordinator).get(
        "/api/v1/reports", {"definition": "BC-API", "agency": "UBND-T11"}
    )
    assert [r["id"] for r in everything.json()["items"]] == [theirs.pk]
    drafts = api(coordinator).get("/api/v1/reports", {"status": "draft", "period": PERIOD})
    assert drafts.json()["count"] == 2
    assert officer.get("/api/v1/reports/99999999999999999999").status_code == 404


def test_indicators_and_definitions_are_for_every_signed_in_user(
    regime: ReportDefinition, phutho_viewer: User
) -> None:
    client = api(phutho_viewer)
    codes = [i["code"] for i in client.get("/api/v1/indicators").json()]
    assert {"HS", "TL", "KH"} <= set(codes)
    assert client.get("/api/v1/indicators/TL").json()["factor"] == 100
    assert client.get("/api/v1/indicators/KHONG-CO").status_code == 404
    definition = next(
        d for d in client.get("/api/v1/report-definitions").json() if d["code"] == "BC-API"
    )
    assert definition["indicators"] == ["HS", "TT", "TL", "TK", "KH"]
    assert definition["reporting_agencies"] == 2


def test_completeness_counts_the_agencies_in_scope(
    regime: ReportDefinition,
    phutho_officer: User,
    phutho_leader: User,
    dienbien_officer: User,
    coordinator: User,
) -> None:
    t.approved_report(phutho_officer, phutho_leader, regime, t.PHUTHO, PERIOD, ALL)
    t.enter(dienbien_officer, regime, t.DIENBIEN, PERIOD, {"HS": "1"})  # a draft: not sent
    url = f"/api/v1/report-definitions/{regime.pk}/completeness"
    everyone = api(coordinator).get(url, {"period": PERIOD}).json()
    assert everyone["expected"] == [t.DIENBIEN, t.PHUTHO]
    assert everyone["sent"] == [t.PHUTHO]
    assert everyone["completeness"] == 0.5
    assert everyone["due_date"] == "2025-03-18"  # two working days after 14 March
    mine = api(phutho_officer).get(url, {"period": PERIOD}).json()
    assert mine["expected"] == [t.PHUTHO] and mine["completeness"] == 1.0
    assert api(coordinator).get(url, {"period": "2025Q1"}).status_code == 400
    assert api(coordinator).get(
        f"/api/v1/report-definitions/{10**30}/completeness"
    ).status_code in (
        404,
        422,
    )


# --- series -------------------------------------------------------------------------------------


def _communes(count: int) -> list[str]:
    return list(
        Agency.objects.filter(path__startswith="/CP/UBND-T25/", code__startswith="UBND-X")
        .order_by("code")
        .values_list("code", flat=True)[:count]
    )


def test_a_ratio_adds_up_by_its_parts_over_a_province_and_its_communes(
    coordinator: User, phutho_officer: User, phutho_leader: User
) -> None:
    rate = t.ratio_indicator(coordinator, "TL-S")
    first, second = _communes(2)
    definition = t.definition(coordinator, "BC-S", [rate], agencies=[t.PHUTHO, first, second])
    for agency, parts in ((t.PHUTHO, ("90", "100")), (first, ("1", "10")), (second, ("9", "90"))):
        t.approved_report(
            phutho_officer, phutho_leader, definition, agency, "202501", {"TL-S": parts}
        )
    # A draft does not count until it is approved.
    t.enter(phutho_officer, definition, first, "202502", {"TL-S": ("5", "10")})
    response = api(phutho_officer).get(
        "/api/v1/series",
        {"indicator": "TL-S", "agency": t.PHUTHO, "from": "202501", "to": "202503"},
    )
    assert response.status_code == 200, response.json()
    points = response.json()["points"]
    assert [p["period"] for p in points] == ["202501", "202502", "202503"]
    # (90 + 1 + 9) / (100 + 10 + 90) = 50 %, not the mean of 90 %, 10 % and 10 %.
    assert Decimal(points[0]["value"]) == Decimal(50)
    assert (Decimal(points[0]["numerator"]), Decimal(points[0]["denominator"])) == (100, 200)
    assert points[0]["reporting"] == 3
    assert points[1]["value"] is None and points[1]["reporting"] == 0
    one = api(phutho_officer).get(
        "/api/v1/series", {"indicator": "TL-S", "agency": first, "from": "202501", "to": "202501"}
    )
    assert Decimal(one.json()["points"][0]["value"]) == Decimal(10)


def test_as_is_moves_legacy_provinces_onto_their_successor(
    coordinator: User, admin_user: User, phutho_officer: User
) -> None:
    count = t.count_indicator(coordinator, "HS-M")
    legacy = ["UBND-T25-CU", "UBND-T26-CU"]  # Phú Thọ and Vĩnh Phúc before 1 July 2025
    definition = t.definition(coordinator, "BC-M", [count], agencies=[*legacy, t.PHUTHO])
    for agency, figure in zip(legacy, ("100", "40"), strict=True):
        t.approved_report(admin_user, admin_user, definition, agency, "202506", {"HS-M": figure})
    t.approved_report(admin_user, admin_user, definition, t.PHUTHO, "202507", {"HS-M": "150"})

    def series(agency: str, view: str) -> list[Any]:
        query = {"indicator": "HS-M", "agency": agency, "from": "202506", "to": "202507"}
        response = api(admin_user).get("/api/v1/series", {**query, "view": view})
        assert response.status_code == 200, response.json()
        return [
            (p["value"] and Decimal(p["value"]), p["reporting"]) for p in response.json()["points"]
        ]

    assert series(t.PHUTHO, "as_is") == [(Decimal(140), 2), (Decimal(150), 1)]
    assert series(t.PHUTHO, "as_was") == [(None, 0), (Decimal(150), 1)]
    assert series("UBND-T26-CU", "as_was") == [(Decimal(40), 1), (None, 0)]
    # The successor's own staff see the merged series.
    response = api(phutho_officer).get(
        "/api/v1/series",
        {"indicator": "HS-M", "agency": t.PHUTHO, "from": "202506", "to": "202506"},
    )
    assert Decimal(response.json()["points"][0]["value"]) == Decimal(140)


def test_series_scope_and_bad_periods(regime: ReportDefinition, phutho_officer: User) -> None:
    client = api(phutho_officer)
    query = {"indicator": "HS", "agency": t.DIENBIEN, "from": "202501", "to": "202503"}
    assert client.get("/api/v1/series", query).status_code == 404
    query["agency"] = t.PHUTHO
    assert client.get("/api/v1/series", {**query, "indicator": "KHONG"}).status_code == 404
    assert client.get("/api/v1/series", {**query, "to": "2025Q1"}).status_code == 400
    assert client.get("/api/v1/series", {**query, "from": "202513"}).status_code == 400
    assert client.get("/api/v1/series", {**query, "from": "202504"}).status_code == 400
    assert client.get("/api/v1/series", {**query, "from": "1990", "to": "2999"}).status_code == 400
