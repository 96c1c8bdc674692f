"""The one formatting layer (core.formats), its template filters and its Excel formats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation
from openpyxl import Workbook, load_workbook

from dxgov.core import formats, spreadsheets
from dxgov.core.forms import DayField, DayInput
from dxgov.core.periods import Frequency


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (163877, None, "163.877"),
        (10_830_000_000, None, "10.830.000.000"),
        (Decimal("1.78"), None, "1,78"),
        (Decimal("1234.5"), 2, "1.234,50"),
        (Decimal("87.25"), 1, "87,3"),  # half up, not to even
        (-1234.5, 1, "-1.234,5"),
        (-0.01, 1, "0,0"),  # no "-0,0"
        (3092, 0, "3.092"),
        (2.0, None, "2"),
    ],
)
def test_numbers_the_vietnamese_way(value: object, decimals: int | None, shown: str) -> None:
    assert formats.number(value, decimals) == shown  # type: ignore[arg-type]


def test_english_pages_get_english_notation_and_missing_figures_a_dash() -> None:
    assert formats.number(Decimal("1234567.8"), 1, lang="en") == "1,234,567.8"
    assert formats.number(None) == formats.DASH
    assert formats.percent(None) == formats.DASH


def test_keep_never_rounds_a_typed_place_away() -> None:
    assert formats.number(Decimal("1.234"), 0, keep=True) == "1,234"
    assert formats.number(Decimal("1200"), 2, keep=True) == "1.200,00"


def test_percentages_money_and_yes_no() -> None:
    assert formats.percent(87.25) == "87,3%"
    assert formats.money(10_830_000_000) == "10,8 tỷ đồng"
    assert formats.money(12_000_000_000) == "12 tỷ đồng"
    assert formats.money(350_000_000) == "350 triệu đồng"
    assert formats.money(950_000) == "950.000 đồng"
    assert formats.money(10_830_000_000, short=False) == "10.830.000.000 đồng"
    assert formats.money(2_500_000_000, lang="en") == "2.5 billion dong"
    assert formats.figure(Decimal(1), "boolean") == "Có"
    assert formats.figure(Decimal(0), "boolean", lang="en") == "No"
    assert formats.figure(Decimal("504058"), "count") == "504.058"


def test_dates_and_periods() -> None:
    assert formats.date_text(date(2026, 12, 5)) == "05/12/2026"
    assert formats.datetime_text(datetime(2026, 12, 5, 9, 7)) == "09:07 05/12/2026"
    assert formats.parse_date("5/12/2026") == date(2026, 12, 5)
    assert formats.parse_date("05.12.2026") == date(2026, 12, 5)
    assert formats.parse_date("2026-12-05") == date(2026, 12, 5)
    for bad in ("12/2026", "31/02/2026", "hôm qua", ""):
        with pytest.raises(formats.InvalidDate):
            formats.parse_date(bad)
    assert formats.period_label("202611") == "Tháng 11/2026"
    assert formats.period_label("2026-11") == "Tháng 11/2026"  # the old score spelling
    assert formats.period_label("2026Q3") == "Quý III/2026"
    assert formats.period_label("2026S1") == "6 tháng đầu năm 2026"
    assert formats.period_label("2026N9") == "9 tháng năm 2026"
    assert formats.period_label("2026") == "Năm 2026"
    assert formats.period_label("2026Q3", lang="en") == "Q3 2026"
    assert formats.period_name(Frequency.MONTH, 2026, 11, lang="en") == "November 2026"
    assert formats.period_label("không phải kỳ") == "không phải kỳ"


def test_template_filters_follow_the_page_language() -> None:
    template = Template(
        "{{ n|num }}|{{ share|pct }}|{{ money|money }}|{{ day|vdate }}|{{ code|period }}|"
        "{{ flag|yesno_vi }}|{{ none|num }}"
    )
    context = Context(
        {
            "n": 3092,
            "share": 87.25,
            "money": 10_830_000_000,
            "day": date(2026, 12, 5),
            "code": "202611",
            "flag": True,
            "none": None,
        }
    )
    with translation.override("vi"):
        assert template.render(context) == (
            "3.092|87,3%|10,8 tỷ đồng|05/12/2026|Tháng 11/2026|Có|—"
        )
    with translation.override("en"):
        assert template.render(context) == (
            "3,092|87.3%|10.8 billion dong|05/12/2026|November 2026|Yes|—"
        )


def test_excel_cells_are_numbers_with_a_vietnamese_display_format() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    spreadsheets.append(sheet, ["Phú Thọ", 3092, Decimal("1.78"), 87.3, date(2026, 12, 5)])
    out = BytesIO()
    book.save(out)
    sheet_read = load_workbook(BytesIO(out.getvalue())).active
    assert sheet_read is not None
    cells = sheet_read[1]
    assert [c.value for c in cells][:4] == ["Phú Thọ", 3092, 1.78, 87.3]
    assert cells[0].number_format == "General"  # text stays text
    assert cells[1].number_format == "[$-42A]#,##0"
    assert cells[2].number_format == "[$-42A]#,##0.00"
    assert cells[3].number_format == "[$-42A]#,##0.0"
    assert cells[4].number_format == formats.XLSX_DATE


def test_a_day_is_typed_dd_mm_yyyy() -> None:
    field = DayField()
    assert field.clean("05/12/2026") == date(2026, 12, 5)
    assert field.clean("2026-12-05") == date(2026, 12, 5)  # links and older forms
    widget = DayInput()
    assert widget.format_value(date(2026, 12, 5)) == "05/12/2026"
    assert widget.attrs["placeholder"] == "dd/mm/yyyy"
    with pytest.raises(ValidationError, match="dd/mm/yyyy"), translation.override("en"):
        field.clean("12/31/2026")
