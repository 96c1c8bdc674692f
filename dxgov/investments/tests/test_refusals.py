"""Every refusal kind of §5 through each way in that takes it: the form, the API and the Excel
import. A refused update saves nothing (no figure, no audit event, no weekly row) and says
what to fix; another province's project is a 404 on a page and the API, and "not in your scope"
in a workbook's cell.

Where a way in does not take a kind of figure it is not listed: the workbook carries projects
(with their decision's total and sources), plans and disbursement, not monthly progress or
milestones.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dxgov.audit.models import AuditEvent
from dxgov.investments import excel
from dxgov.investments.models import (
    Decision,
    Disbursement,
    InvestmentProject,
    ProgressReport,
    ProjectWeek,
)
from dxgov.testing import investments as make
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db
BULK = "/api/v1/investments/disbursements"

# (value, as of, the words the refusal says): the disbursement kinds of §5 and "Bad input".
DISBURSEMENT_KINDS = {
    "above the plan": ("1.200.000.000", "05/12/2025", "vượt kế hoạch"),
    "a decrease without a correction note": ("500.000.000", "05/12/2025", "không được giảm"),
    "decimals where đồng are integers": ("1,234.5", "05/12/2025", "có phần thập phân"),
    "after the 31 January window": ("700.000.000", "02/02/2026", "31/01/2026"),
    "not a date": ("700.000.000", "32/13/2025", "không phải là ngày"),
}


@pytest.fixture
def project(phutho_officer: Any) -> InvestmentProject:
    made = make.funded_project(phutho_officer, "DA-REF-01", plan="1.000.000.000")
    make.disburse(phutho_officer, made, date(2025, 11, 28), "600.000.000")
    return made


@pytest.fixture
def elsewhere(dienbien_officer: Any) -> InvestmentProject:
    return make.funded_project(dienbien_officer, "DA-REF-DB", investor="UBND-T11")


def _saved() -> tuple[int, ...]:
    return (
        Disbursement.objects.count(),
        Decision.objects.count(),
        ProgressReport.objects.count(),
        ProjectWeek.objects.count(),
        AuditEvent.objects.count(),
        InvestmentProject.objects.count(),
    )


def _workbook(sheets: dict[str, list[list[object]]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(excel.SHEETS[title]))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "dau-tu.xlsx"
    return upload


def _import(user: Any, sheets: dict[str, list[list[object]]]) -> str:
    answer = client_for(user).post(
        reverse("investments:import_upload"), {"file": _workbook(sheets), "dry_run": "0"}
    )
    assert answer.status_code == 422, answer.status_code
    return answer.content.decode()


# --- disbursement: form, API, workbook ---------------------------------------------------------


@pytest.mark.parametrize("kind", list(DISBURSEMENT_KINDS))
def test_a_disbursement_refused_through_the_form(
    phutho_officer: Any, project: InvestmentProject, kind: str
) -> None:
    value, as_of, words = DISBURSEMENT_KINDS[kind]
    before = _saved()
    answer = client_for(phutho_officer).post(
        reverse("investments:disbursement_form", args=[project.pk]),
        {
            "plan_year": "2025",
            "as_of": as_of,
            "kind": "actual",
            "note": "",
            "value-central_budget": value,
        },
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "error-summary" in page and words in page
    assert _saved() == before


@pytest.mark.parametrize("kind", list(DISBURSEMENT_KINDS))
def test_a_disbursement_refused_through_the_api(
    phutho_officer: Any, project: InvestmentProject, kind: str
) -> None:
    value, as_of, words = DISBURSEMENT_KINDS[kind]
    before = _saved()
    row = {
        "project": project.code,
        "plan_year": 2025,
        "source": "central_budget",
        "as_of": as_of,
        "kind": "actual",
        "value": value,
    }
    answer = client_for(phutho_officer).post(
        BULK, data=json.dumps({"rows": [row]}), content_type="application/json"
    )
    assert answer.status_code == 422, answer.content
    findings = answer.json()["rows"][0]["findings"]
    assert any(words in f["message"] for f in findings), findings
    assert _saved() == before


@pytest.mark.parametrize("kind", list(DISBURSEMENT_KINDS))
def test_a_disbursement_refused_through_the_workbook(
    phutho_officer: Any, project: InvestmentProject, kind: str
) -> None:
    value, as_of, words = DISBURSEMENT_KINDS[kind]
    before = _saved()
    # A good row first: all or nothing, the good row is not saved either.
    page = _import(
        phutho_officer,
        {
            excel.DISBURSEMENT: [
                [project.code, 2025, "NSTW", "28/11/2025", "Ước", "600.000.000", ""],
                [project.code, 2025, "NSTW", as_of, "Thực hiện", value, ""],
            ]
        },
    )
    assert words in page
    assert f"{excel.DISBURSEMENT}!" in page  # the finding names its cell
    assert _saved() == before


def test_another_provinces_project_is_refused_everywhere(
    phutho_officer: Any, project: InvestmentProject, elsewhere: InvestmentProject
) -> None:
    client = client_for(phutho_officer)
    before = _saved()
    form = reverse("investments:disbursement_form", args=[elsewhere.pk])
    assert client.get(form).status_code == 404
    assert client.post(form, {"value-central_budget": "1"}).status_code == 404
    progress = f"/api/v1/investments/projects/{elsewhere.pk}/progress"
    body = {"month": "2025-11", "as_of": "30/11/2025", "percent": 10}
    assert (
        client.post(progress, data=json.dumps(body), content_type="application/json").status_code
        == 404
    )
    row = {
        "project": elsewhere.code,
        "plan_year": 2025,
        "source": "central_budget",
        "as_of": "05/12/2025",
        "kind": "actual",
        "value": "1",
    }
    bulk = client.post(BULK, data=json.dumps({"rows": [row]}), content_type="application/json")
    assert bulk.status_code == 404
    page = _import(
        phutho_officer,
        {excel.DISBURSEMENT: [[elsewhere.code, 2025, "NSTW", "05/12/2025", "Thực hiện", "1", ""]]},
    )
    assert "Không có dự án đầu tư mã DA-REF-DB trong phạm vi của bạn" in page
    assert _saved() == before


# --- progress: form and API -------------------------------------------------------------------


def _progress_api(user: Any, project: InvestmentProject, **body: object) -> Any:
    return client_for(user).post(
        f"/api/v1/investments/projects/{project.pk}/progress",
        data=json.dumps({"as_of": "30/11/2025", **body}),
        content_type="application/json",
    )


def test_progress_of_110_percent_is_refused_through_the_api(
    phutho_officer: Any, project: InvestmentProject
) -> None:
    before = _saved()
    answer = _progress_api(phutho_officer, project, month="2025-11", percent=110)
    assert answer.status_code == 422
    assert "từ 0 đến 100" in json.dumps(answer.json(), ensure_ascii=False)
    assert _saved() == before


def test_progress_going_down_needs_a_reason_through_the_form_and_the_api(
    phutho_officer: Any, project: InvestmentProject
) -> None:
    first = _progress_api(phutho_officer, project, month="2025-10", percent=50)
    assert first.status_code == 201, first.content
    before = _saved()
    answer = _progress_api(phutho_officer, project, month="2025-11", percent=40)
    assert answer.status_code == 422
    assert "không được giảm từ 50,0% xuống 40,0%" in json.dumps(answer.json(), ensure_ascii=False)
    page = client_for(phutho_officer).post(
        reverse("investments:progress_form", args=[project.pk]),
        {"month": "11/2025", "as_of": "30/11/2025", "percent": "40", "accepted": ""},
    )
    assert (
        page.status_code == 422 and "không được giảm từ 50,0% xuống 40,0%" in page.content.decode()
    )
    assert _saved() == before
    noted = _progress_api(
        phutho_officer, project, month="2025-11", percent=40, reason="Đánh giá lại khối lượng"
    )
    assert noted.status_code == 201


# --- decisions: form, API and (sources) workbook ------------------------------------------------


def _decision(**changes: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "adjustment",
        "number": "12/QĐ-UBND",
        "signed_on": "01/10/2025",
        "total": "20.000.000.000",
        "sources": {"central_budget": "20.000.000.000"},
        "start": "01/07/2024",
        "end": "31/12/2026",
        "milestones": [],
        "reason": "Giãn tiến độ",
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"milestones": [{"name": "Nghiệm thu", "planned_on": "01/03/2027"}]},
            "sau ngày hoàn thành dự án",
        ),
        ({"sources": {"central_budget": "15.000.000.000"}}, "Tổng các nguồn vốn là"),
    ],
    ids=["milestone after the end", "sources not adding up"],
)
def test_a_decision_refused_through_the_api_and_the_form(
    phutho_officer: Any, project: InvestmentProject, changes: dict[str, Any], words: str
) -> None:
    before = _saved()
    client = client_for(phutho_officer)
    body = _decision(**changes)
    answer = client.post(
        f"/api/v1/investments/projects/{project.pk}/decisions",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    assert words in json.dumps(answer.json(), ensure_ascii=False)
    form = {
        key: value
        for key, value in body.items()
        if key in ("kind", "number", "signed_on", "total", "start", "end", "reason")
    }
    for source, amount in body["sources"].items():
        form[f"source-{source}"] = amount
    for number, milestone in enumerate(body["milestones"]):
        form[f"milestone-{number}-name"] = milestone["name"]
        form[f"milestone-{number}-date"] = milestone["planned_on"]
    page = client.post(reverse("investments:decision_new", args=[project.pk]), form)
    assert page.status_code == 422 and words in page.content.decode()
    assert _saved() == before


def test_sources_not_adding_up_are_refused_through_the_workbook(phutho_officer: Any) -> None:
    before = _saved()
    page = _import(
        phutho_officer,
        {
            excel.PROJECTS: [
                [
                    "DA-REF-XL",
                    "Dự án nhập từ Excel",
                    "UBND-T25",
                    "B",
                    "data",
                    "25",
                    "9/QĐ-UBND",
                    "01/06/2024",
                    "2.000.000.000",
                    "1.500.000.000",
                    "",
                    "",
                    "",
                    "01/07/2024",
                    "31/12/2026",
                ]
            ]
        },
    )
    assert "Tổng các nguồn vốn là" in page and f"{excel.PROJECTS}!" in page
    assert _saved() == before
