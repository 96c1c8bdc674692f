"""The programme pages over HTTP: each renders for its readers; a refusal is the error
summary with each field's reason, status 422, nothing saved; the exports; search folds NFD
and case."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dxgov.audit.models import AuditEvent
from dxgov.programmes import actions
from dxgov.programmes.models import Goal, Programme
from dxgov.testing import programmes as make
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(coordinator: Any) -> Any:
    return make.percent_indicator(coordinator, "PG_WEB")


@pytest.fixture
def submitted(phutho_officer: Any, phutho_leader: Any, indicator: Any) -> Programme:
    programme = make.complete_programme(phutho_officer, indicator, tasks=2)
    actions.submit_programme(acting_user=phutho_leader, programme=programme)
    return programme


def test_every_page_renders(submitted: Programme, phutho_officer: Any, coordinator: Any) -> None:
    officer, central = client_for(phutho_officer), client_for(coordinator)
    for url in (
        reverse("programmes:list"),
        reverse("programmes:overview"),
        reverse("programmes:new"),
        reverse("programmes:detail", args=[submitted.pk]),
    ):
        assert officer.get(url).status_code == 200, url
    central.post(reverse("programmes:overlaps_run"))
    for url in (
        reverse("programmes:review", args=[submitted.pk]),
        reverse("programmes:overlaps"),
        reverse("programmes:detail", args=[submitted.pk]),
    ):
        assert central.get(url).status_code == 200, url
    page = central.get(reverse("programmes:review", args=[submitted.pk])).content.decode()
    assert "rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, rõ kết quả" in page


def test_a_refused_submission_names_each_problem_and_saves_nothing(
    phutho_officer: Any, phutho_leader: Any
) -> None:
    programme = make.draft(phutho_officer)
    events = AuditEvent.objects.count()
    answer = client_for(phutho_leader).post(reverse("programmes:submit", args=[programme.pk]))
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Có lỗi cần sửa" in page
    assert 'href="#f-goals"' in page and 'href="#f-tasks"' in page
    assert AuditEvent.objects.count() == events
    assert Programme.objects.get(pk=programme.pk).status == "draft"


def test_a_target_in_the_wrong_unit_is_red_and_kept_as_typed(
    phutho_officer: Any, indicator: Any
) -> None:
    programme = make.draft(phutho_officer)
    answer = client_for(phutho_officer).post(
        reverse("programmes:add", args=[programme.pk, "goal"]),
        {
            "name": "Hồ sơ trực tuyến",
            "indicator": indicator.code,
            "baseline": "45",
            "target-2025": "95 hồ sơ",
            "source": "Hệ thống",
        },
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'href="#f-target-2025"' in page and 'value="95 hồ sơ"' in page
    assert not Goal.objects.filter(programme=programme).exists()


def test_search_finds_a_title_typed_decomposed_or_in_capitals(phutho_officer: Any) -> None:
    make.draft(phutho_officer, title="Đề án Chuyển đổi số Y tế")
    client = client_for(phutho_officer)
    for query in (
        unicodedata.normalize("NFD", "chuyển đổi số y tế"),
        "CHUYỂN ĐỔI SỐ",
        "chuyen doi so",
    ):
        page = client.get(reverse("programmes:list"), {"q": query}).content.decode()
        assert "Đề án Chuyển đổi số Y tế" in page, query


def test_exports(submitted: Programme, phutho_officer: Any, coordinator: Any) -> None:
    officer = client_for(phutho_officer)
    book = load_workbook(io.BytesIO(officer.get(reverse("programmes:export")).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Cơ quan" and rows[1][1] == submitted.title
    document = officer.get(reverse("programmes:document", args=[submitted.pk])).content
    text = zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml").decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "ĐỀ ÁN" in text
    central = client_for(coordinator)
    central.post(reverse("programmes:overlaps_run"))
    answer = central.get(reverse("programmes:overlaps_export"))
    assert answer.status_code == 200
    header = next(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert header[0] == "Cụm"
