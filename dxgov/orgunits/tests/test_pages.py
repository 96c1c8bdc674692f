"""The unit tree, unit pages and agency pages as an official sees them."""

from __future__ import annotations

import pytest

from dxgov.accounts.models import User
from dxgov.testing.clients import client_for

pytestmark = pytest.mark.django_db


def test_tree_lists_the_34_provinces_today(phutho_officer: User) -> None:
    html = client_for(phutho_officer).get("/units/").content.decode()
    assert html.count("<details") == 34
    assert "Tỉnh Phú Thọ" in html and "Đặc khu" not in html


def test_tree_on_a_date_before_the_merger_lists_63(phutho_officer: User) -> None:
    html = client_for(phutho_officer).get("/units/", {"on": "2025-06-30"}).content.decode()
    assert html.count("<details") == 63
    assert "Tỉnh Yên Bái" in html


def test_children_partial_lists_communes(phutho_officer: User) -> None:
    html = client_for(phutho_officer).get("/units/48/children/").content.decode()
    assert "Đặc khu Hoàng Sa" in html  # Đà Nẵng's special zone
    html = client_for(phutho_officer).get("/units/56/children/").content.decode()
    assert "Đặc khu Trường Sa" in html  # Khánh Hòa's special zone


def test_search_without_accents_through_htmx(phutho_officer: User) -> None:
    response = client_for(phutho_officer).get(
        "/units/", {"q": "hoang sa"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-results"
    )
    html = response.content.decode()
    assert "<html" not in html  # only the fragment is swapped in
    assert "Đặc khu Hoàng Sa" in html


def test_unit_page_shows_history_both_ways(phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    lao_cai = client.get("/units/15/", {"on": "2025-07-01"}).content.decode()
    assert "Tỉnh Yên Bái" in lao_cai and "Hình thành từ" in lao_cai
    yen_bai = client.get("/units/15/", {"on": "2025-06-30"}).content.decode()
    assert "Tỉnh Yên Bái" in yen_bai and "Sáp nhập vào" in yen_bai and "Tỉnh Lào Cai" in yen_bai


def test_split_commune_is_marked_partial(phutho_officer: User) -> None:
    from dxgov.orgunits.models import Succession

    link = Succession.objects.filter(is_partial=True).select_related("predecessor").first()
    assert link is not None
    old = link.predecessor
    html = (
        client_for(phutho_officer).get(f"/units/{old.code}/", {"on": "2025-06-30"}).content.decode()
    )
    assert "chỉ một phần" in html or "một phần" in html


def test_bad_date_on_a_page_is_a_clear_400(phutho_officer: User) -> None:
    response = client_for(phutho_officer).get("/units/", {"on": "hôm qua"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_unknown_unit_page_is_404(phutho_officer: User) -> None:
    assert client_for(phutho_officer).get("/units/99/").status_code == 404


def test_agency_directory_and_detail(phutho_officer: User) -> None:
    client = client_for(phutho_officer)
    html = client.get("/agencies/").content.decode()
    assert "Bộ Khoa học và Công nghệ" in html and "Ủy ban nhân dân tỉnh Phú Thọ" in html
    most = client.get("/agencies/BKHCN/").content.decode()
    assert "Bộ Thông tin và Truyền thông" in most  # formed from MIC
    own = client.get("/agencies/UBND-T25/").content.decode()
    assert "phutho.lanhdao" in own
    children = client.get("/agencies/UBND-T25/children/").content.decode()
    assert "Sở Khoa học và Công nghệ tỉnh Phú Thọ" in children
