"""Every investment table as a file: the weekly national table (.xlsx, .csv, and the Decree 30
report as .docx), the project list, the timeliness ranking. The figures are the pages' own
(portfolio.py); amounts go into spreadsheets as whole đồng numbers, rates as numbers in
percent, so a spreadsheet adds them up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.core import formats, spreadsheets
from dxgov.investments import document, excel, figures, planyear
from dxgov.investments.models import InvestmentProject
from dxgov.investments.portfolio import WeeklyView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def weekly_headers() -> list[str]:
    return [
        _("Unit"),
        _("Kind"),
        _("Plan assigned by the Prime Minister (đồng)"),
        _("Total plan (đồng)"),
        _("Disbursed to date (đồng)"),
        _("Rate of the assigned plan (%)"),
        _("Rate of the total plan (%)"),
        _("Against the national average"),
        _("Projects"),
        _("Good"),
        _("Slow"),
        _("Unable to disburse"),
        _("Year-end forecast (%)"),
        _("Probability of reaching 95 %"),
    ]


def _against(line: figures.UnitLine) -> str:
    if line.above_average is None:
        return ""
    return _("above") if line.above_average else _("below")


def weekly_rows(view: WeeklyView) -> list[list[Any]]:
    national = figures.UnitLine(
        view.table.national, view.table.average_total, view.table.average_assigned, None
    )
    rows = []
    for line in [national, *view.table.lines]:
        f = line.figures
        forecast = view.forecasts.get(f.code)
        rows.append(
            [
                f.name,
                {"ministry": _("Ministry"), "province": _("Province"), "nation": ""}[f.kind],
                f.plan_assigned,
                f.plan_total,
                f.disbursed,
                _round(line.rate_assigned),
                _round(line.rate_total),
                _against(line),
                f.projects,
                f.good,
                f.slow,
                f.unable,
                _round(forecast.projected) if forecast else None,
                _round(forecast.probability * 100)
                if forecast and forecast.probability is not None
                else None,
            ]
        )
    return rows


def weekly_xlsx(view: WeeklyView) -> bytes:
    week = view.choice.week
    title = _("Disbursement %(day)s") % {"day": formats.date_text(week)}
    return excel.table(title, weekly_headers(), weekly_rows(view))


def weekly_csv(view: WeeklyView) -> bytes:
    return spreadsheets.csv_bytes(weekly_headers(), weekly_rows(view))


def _millions(value: int) -> str:
    return formats.number(round(value / 1_000_000), 0)


def _pct(value: float | None) -> str:
    return formats.number(value, 1) if value is not None else "—"


def _doc_row(line: figures.UnitLine, forecast: figures.YearEnd | None) -> document.UnitRow:
    f = line.figures
    against = ""
    if line.above_average is not None:
        against = "Cao hơn" if line.above_average else "Thấp hơn"
    if forecast is None or forecast.projected is None:
        outlook = "Chưa đủ số liệu"
    else:
        chance = forecast.probability or 0.0
        outlook = f"{_pct(forecast.projected)} ({formats.number(chance * 100, 0)}%)"
    return document.UnitRow(
        name=f.name,
        assigned=_millions(f.plan_assigned),
        total=_millions(f.plan_total),
        disbursed=_millions(f.disbursed),
        rate_assigned=_pct(line.rate_assigned),
        rate_total=_pct(line.rate_total),
        against_average=against,
        classes=f"{f.good} / {f.slow} / {f.unable}",
        forecast=outlook,
    )


def weekly_docx(view: WeeklyView, *, today: date | None = None) -> bytes:
    week = view.choice.week
    assert week is not None
    table = view.table
    national = figures.UnitLine(table.national, table.average_total, table.average_assigned, None)
    below = [line.figures.name for line in table.below]
    summary = [
        f"Lũy kế giải ngân đến ngày {week:%d/%m/%Y} đạt {formats.money(table.national.disbursed)}, "
        f"bằng {_pct(table.average_assigned)}% kế hoạch Thủ tướng Chính phủ giao và "
        f"{_pct(table.average_total)}% tổng kế hoạch.",
        f"Có {len(table.above)} bộ, cơ quan, địa phương đạt tỷ lệ giải ngân bằng hoặc cao hơn "
        f"bình quân cả nước; {len(below)} đơn vị thấp hơn bình quân"
        + (f": {', '.join(below[:12])}{'…' if len(below) > 12 else ''}." if below else "."),
        f"Phân loại dự án: {table.national.good} dự án giải ngân tốt, {table.national.slow} dự án "
        f"giải ngân chậm, {table.national.unable} dự án không có khả năng giải ngân (đề xuất "
        "điều chuyển vốn).",
    ]
    return document.render(
        document.WeeklyDocument(
            plan_year=view.choice.plan_year,
            week_end=week,
            day=today or timezone.localdate(),
            place="Hà Nội",
            agency_name="Bộ Tài chính",
            superior_name="",
            national=_doc_row(national, view.forecasts.get("")),
            ministries=[
                _doc_row(line, view.forecasts.get(line.figures.code)) for line in view.ministries
            ],
            provinces=[
                _doc_row(line, view.forecasts.get(line.figures.code)) for line in view.provinces
            ],
            summary=summary,
            recipients=["Thủ tướng Chính phủ (để báo cáo)", "Văn phòng Chính phủ"],
            signer_titles=["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"],
        )
    )


def project_headers() -> list[str]:
    return [
        _("Code"),
        _("Project"),
        _("Investor"),
        _("Managing agency"),
        _("Group"),
        _("Category"),
        _("Stage"),
        _("Original total investment (đồng)"),
        _("Current total investment (đồng)"),
        _("Original end"),
        _("Current end"),
        _("Physical progress (%)"),
        _("Stalled"),
    ]


def project_rows(projects: QuerySet[InvestmentProject]) -> Iterable[list[Any]]:
    for p in projects.select_related("investor", "managing_agency").iterator(chunk_size=2000):
        yield [
            p.code,
            p.name,
            p.investor.name,
            p.managing_agency.name,
            p.get_group_display(),
            p.get_category_display(),
            p.get_stage_display(),
            p.original_total,
            p.current_total,
            p.original_end,
            p.current_end,
            float(p.physical_percent) if p.physical_percent is not None else None,
            _("yes") if p.stalled else "",
        ]


def timeliness_rows(ranked: list[figures.Timeliness]) -> list[list[Any]]:
    return [
        [t.rank or "", t.code, t.name, t.entries, t.late, _round(t.on_time_rate)] for t in ranked
    ]


def timeliness_headers() -> list[str]:
    return [_("Rank"), _("Code"), _("Investor"), _("Entries"), _("Late"), _("On time (%)")]


def file_day(plan_year: int, week: date | None) -> str:
    return f"{plan_year}-{(week or planyear.window(plan_year)[0]):%Y%m%d}"
