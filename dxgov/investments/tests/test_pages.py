"""The investment pages over HTTP: every refusal kind of §5 through the forms (red, the reason
beside the field, nothing saved), the live check, the weekly table and its exports, scope."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dxgov.audit.models import AuditEvent
from dxgov.investments import excel
from dxgov.investments.models import Decision, Disbursement, InvestmentProject, ProgressReport
from dxgov.testing import investments as make
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(phutho_officer: Any) -> InvestmentProject:
    made = make.funded_project(phutho_officer, "DA-WEB-01", plan="1.000.000.000")
    make.disburse(phutho_officer, made, date(2025, 11, 28), "600.000.000")
    return made


def _form(project: InvestmentProject, **values: str) -> dict[str, str]:
    data = {"plan_year": "2025", "as_of": "05/12/2025", "kind": "actual", "note": ""}
    data.update(values)
    return data


def test_every_page_renders(
    phutho_officer: Any, coordinator: Any, project: InvestmentProject
) -> None:
    officer, central = client_for(phutho_officer), client_for(coordinator)
    pages = [
        reverse("investments:overview") + "?year=2025",
        reverse("investments:weekly") + "?year=2025",
        reverse("investments:unit", args=["UBND-T25"]) + "?year=2025",
        reverse("investments:project_list"),
        reverse("investments:project_new"),
        reverse("investments:project_detail", args=[project.pk]) + "?year=2025",
        reverse("investments:disbursement_form", args=[project.pk]) + "?plan_year=2025",
        reverse("investments:progress_form", args=[project.pk]),
        reverse("investments:decision_new", args=[project.pk]),
        reverse("investments:allocation_new", args=[project.pk]),
        reverse("investments:schedule_form", args=[project.pk]) + "?plan_year=2025",
        reverse("investments:timeliness") + "?year=2025",
        reverse("investments:import_upload"),
    ]
    for url in pages:
        answer = officer.get(url)
        assert answer.status_code == 200, url
    assert central.get(reverse("investments:cycle_settings")).status_code == 200
    weekly = central.get(reverse("investments:weekly") + "?year=2025").content.decode()
    assert "Phú Thọ" in weekly and "60,0%" in weekly


def test_disbursement_above_plan_is_red_with_its_reason_and_saves_nothing(
    phutho_officer: Any, project: InvestmentProject
) -> None:
    client = client_for(phutho_officer)
    url = reverse("investments:disbursement_form", args=[project.pk])
    before = (Disbursement.objects.count(), AuditEvent.objects.count())
    answer = client.post(url, _form(project, **{"value-central_budget": "1.200.000.000"}))
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "error-summary" in page and "vượt kế hoạch" in page
    assert 'value="1.200.000.000"' in page  # what was typed stays
    assert (Disbursement.objects.count(), AuditEvent.objects.count()) == before
    saved = client.post(url, _form(project, **{"value-central_budget": "900.000.000"}))
    assert saved.status_code == 302
    assert Disbursement.objects.filter(project=project, value=900_000_000).exists()


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"value-central_budget": "500.000.000"}, "không được giảm"),
        ({"value-central_budget": "1,234.5"}, "có phần thập phân"),
        ({"value-central_budget": "700.000.000", "as_of": "02/02/2026"}, "31/01/2026"),
        ({"value-central_budget": "700.000.000", "as_of": "32/13/2025"}, "không phải là ngày"),
    ],
)
def test_form_refusals(
    phutho_officer: Any, project: InvestmentProject, values: dict[str, str], words: str
) -> None:
    url = reverse("investments:disbursement_form", args=[project.pk])
    answer = client_for(phutho_officer).post(url, _form(project, **values))
    assert answer.status_code == 422
    assert words in answer.content.decode()
    assert Disbursement.objects.count() == 1


def test_the_live_check_is_green_or_red_and_saves_nothing(
    phutho_officer: Any, project: InvestmentProject
) -> None:
    url = reverse("investments:disbursement_check", args=[project.pk])
    client = client_for(phutho_officer)
    red = client.post(
        url, _form(project, **{"value-central_budget": "1.000.000.001"})
    ).content.decode()
    assert 'id="check-value-central_budget"' in red and "verdict-red" in red
    green = client.post(
        url, _form(project, **{"value-central_budget": "1.000.000.000"})
    ).content.decode()
    assert "verdict-red" not in green and "verdict-ok" in green
    assert Disbursement.objects.count() == 1


def test_progress_110_percent_through_the_form(
    phutho_officer: Any, project: InvestmentProject
) -> None:
    url = reverse("investments:progress_form", args=[project.pk])
    data = {"month": "11/2025", "as_of": "30/11/2025", "percent": "110", "accepted": ""}
    answer = client_for(phutho_officer).post(url, data)
    assert answer.status_code == 422 and "từ 0 đến 100" in answer.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_milestone_after_the_end_through_the_form(
    phutho_officer: Any, project: InvestmentProject
) -> None:
    url = reverse("investments:decision_new", args=[project.pk])
    data = {
        "kind": "adjustment",
        "number": "12/QĐ-UBND",
        "signed_on": "01/10/2025",
        "total": "20.000.000.000",
        "source-central_budget": "20.000.000.000",
        "start": "01/07/2024",
        "end": "31/12/2026",
        "milestone-0-name": "Nghiệm thu",
        "milestone-0-date": "01/03/2027",
        "reason": "Giãn tiến độ",
    }
    answer = client_for(phutho_officer).post(url, data)
    assert answer.status_code == 422 and "sau ngày hoàn thành dự án" in answer.content.decode()
    assert Decision.objects.filter(project=project).count() == 1


def test_another_provinces_project_is_a_404(
    dienbien_officer: Any, project: InvestmentProject
) -> None:
    client = client_for(dienbien_officer)
    for name in ("project_detail", "disbursement_form", "progress_form"):
        assert client.get(reverse(f"investments:{name}", args=[project.pk])).status_code == 404
    answer = client.post(
        reverse("investments:disbursement_form", args=[project.pk]),
        _form(project, **{"value-central_budget": "700.000.000"}),
    )
    assert answer.status_code == 404
    assert client.get(reverse("investments:unit", args=["UBND-T25"])).status_code == 404


def test_a_viewer_reads_but_cannot_update(phutho_viewer: Any, project: InvestmentProject) -> None:
    client = client_for(phutho_viewer)
    assert client.get(reverse("investments:project_detail", args=[project.pk])).status_code == 200
    form = reverse("investments:disbursement_form", args=[project.pk])
    assert client.get(form).status_code == 403


def test_weekly_exports(coordinator: Any, project: InvestmentProject) -> None:
    client = client_for(coordinator)
    query = "?year=2025&week=2025-11-28"
    xlsx = client.get(reverse("investments:weekly_export", args=["xlsx"]) + query)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    phutho = next(
        r for r in rows if r[0] == "UBND tỉnh Phú Thọ" or (r[0] and "Phú Thọ" in str(r[0]))
    )
    assert phutho[4] == 600_000_000 and phutho[6] == 60.0
    csv = client.get(reverse("investments:weekly_export", args=["csv"]) + query)
    assert csv.status_code == 200 and "Phú Thọ" in csv.content.decode("utf-8-sig")
    docx = client.get(reverse("investments:weekly_export", args=["docx"]) + query)
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.content)) as package:
        text = package.read("word/document.xml").decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Phú Thọ" in text
    assert "28/11/2025" in text


def test_excel_import_all_or_nothing_with_findings_by_cell(phutho_officer: Any) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = excel.PROJECTS
    sheet.append(list(excel.PROJECT_COLUMNS))
    sheet.append(
        [
            "DA-XL-01",
            "Dự án nhập từ Excel",
            "UBND-T25",
            "B",
            "data",
            "25",
            "9/QĐ-UBND",
            "01/06/2024",
            "2.000.000.000",
            "2.000.000.000",
            "",
            "",
            "",
            "01/07/2024",
            "31/12/2026",
        ]
    )
    plans = book.create_sheet(excel.PLANS)
    plans.append(list(excel.PLAN_COLUMNS))
    plans.append(
        [
            "DA-XL-01",
            2025,
            "NSTW",
            "Giao",
            "1.000.000.000",
            "1.000.000.000",
            "10/QĐ-UBND",
            "20/12/2024",
            "",
        ]
    )
    sheet3 = book.create_sheet(excel.DISBURSEMENT)
    sheet3.append(list(excel.DISBURSEMENT_COLUMNS))
    sheet3.append(["DA-XL-01", 2025, "NSTW", "07/03/2025", "Thực hiện", "100.000.000", ""])
    sheet3.append(["DA-XL-01", 2025, "NSTW", "14/03/2025", "Thực hiện", "1.500.000.000", ""])
    sheet3.append(["DA-XL-01", 2025, "NSTW", "21/03/2025", "Thực hiện", "1,234.5", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(phutho_officer)
    url = reverse("investments:import_upload")
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "dau-tu.xlsx"
    answer = client.post(url, {"file": upload, "dry_run": "0"})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Giải ngân!F3" in page and "vượt kế hoạch" in page
    assert "Giải ngân!F4" in page and "có phần thập phân" in page
    assert not InvestmentProject.objects.filter(code="DA-XL-01").exists()
    sheet3.delete_rows(3, 2)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "dau-tu.xlsx"
    saved = client.post(url, {"file": upload, "dry_run": "0"})
    assert saved.status_code == 302
    project = InvestmentProject.objects.get(code="DA-XL-01")
    assert Disbursement.objects.get(project=project).value == 100_000_000


def test_the_template_downloads(phutho_viewer: Any) -> None:
    answer = client_for(phutho_viewer).get(reverse("investments:import_template"))
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert {excel.PROJECTS, excel.PLANS, excel.DISBURSEMENT} <= set(book.sheetnames)
