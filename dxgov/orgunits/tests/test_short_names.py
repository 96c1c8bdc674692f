"""Short names of agencies and indicators, as charts and tables write them (issue 16, §4)."""

from __future__ import annotations

import pytest

from dxgov.core.formats import shortened
from dxgov.orgunits.agencies import central_agencies, short_agency_name
from dxgov.orgunits.models import Agency


@pytest.mark.parametrize(
    ("name", "code", "short"),
    [
        ("Ủy ban nhân dân tỉnh Phú Thọ", "UBND-T25", "Phú Thọ"),
        ("Ủy ban nhân dân thành phố Hồ Chí Minh", "UBND-T79", "TP Hồ Chí Minh"),
        ("Ủy ban nhân dân xã Hy Cương", "UBND-X07894", "Xã Hy Cương"),
        ("Ủy ban nhân dân đặc khu Hoàng Sa", "", "Đặc khu Hoàng Sa"),
        ("Bộ Khoa học và Công nghệ", "BKHCN", "Bộ KH&CN"),
        ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL", "Bộ VHTTDL"),
        ("Sở Khoa học và Công nghệ tỉnh Phú Thọ", "SO-25-KHCN", "Sở KH&CN Phú Thọ"),
        ("Văn phòng Ủy ban nhân dân thành phố Hà Nội", "SO-01-VP", "VP UBND TP Hà Nội"),
        ("Ngân hàng Nhà nước Việt Nam", "NHNN", "NHNN"),
        ("Bộ Công an", "BCA", "Bộ Công an"),
    ],
)
def test_short_names_by_rule(name: str, code: str, short: str) -> None:
    assert short_agency_name(name, code) == short


def test_the_registry_gives_ministries_their_short_names() -> None:
    shorts = {record.code: record.short_name for record in central_agencies()}
    assert shorts["BKHCN"] == "Bộ KH&CN" and shorts["VPCP"] == "VPCP"


@pytest.mark.django_db
def test_loaded_agencies_carry_their_short_names() -> None:
    assert Agency.objects.get(code="UBND-T79").label == "TP Hồ Chí Minh"
    assert Agency.objects.get(code="BKHCN").short_name == "Bộ KH&CN"
    # Without a stored short name the rule gives one.
    assert Agency(code="X", name="Ủy ban nhân dân tỉnh Điện Biên").label == "Điện Biên"


def test_an_indicator_without_a_short_name_is_cut_at_a_word() -> None:
    name = "Tỷ lệ người dân từ 15 tuổi trở lên đã sử dụng dịch vụ công trực tuyến"
    short = shortened(name)
    assert len(short) <= 40 and short.endswith("…") and name.startswith(short[:-1])
    assert shortened("Hồ sơ trực tuyến") == "Hồ sơ trực tuyến"
