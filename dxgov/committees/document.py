"""A session report and a ballot's result as official documents (.docx), Decree 30/2020.

Pure: plain values in (the report's stored snapshot, a ballot's consolidated answers), the
bytes of a Word file out. The letterhead, the national title and motto, the number and the
place-and-date line, the body's fonts and sizes, "Nơi nhận:" and the signature block are the
report form's own (`reporting.document`), so every document the platform issues looks alike.

The wording is fixed Vietnamese, not translated: these are official documents. Every figure
of a report comes from its snapshot, with the day it was taken and the snapshot's SHA-256 at
the foot, so the document says what was known when it was drafted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from dxgov.committees import report
from dxgov.core import formats
from dxgov.reporting import document as official

DOCX_CONTENT_TYPE = official.DOCX_CONTENT_TYPE
STATUS_VI = {
    "open": "Đang thực hiện, trong hạn",
    "overdue": "Quá hạn",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "awaiting_confirmation": "Đã báo cáo hoàn thành, chờ xác nhận",
    "postponed": "Tạm dừng",
    "cancelled": "Hủy bỏ",
}
FORECAST_VI = {
    "on_track": "Có khả năng đạt",
    "at_risk": "Có nguy cơ không đạt",
    "off_track": "Khó đạt",
    "too_little_data": "Chưa đủ số liệu để dự báo",
}
CHOICE_VI = {"agree": "Đồng ý", "disagree": "Không đồng ý", "other": "Ý kiến khác"}
NO_DATA = "Chưa có số liệu."


@dataclass(frozen=True)
class Letterhead:
    superior: str  # the committee
    issuer: str  # its standing office
    place: str
    day: date
    number: str = ""
    symbol: str = "BC"
    recipients: list[str] = field(default_factory=list)
    signer_titles: list[str] = field(default_factory=list)
    signer_name: str = ""

    def official(self) -> official.ReportDocument:
        return official.ReportDocument(
            agency_name=self.issuer,
            report_name="",
            period_label="",
            cutoff_start=self.day,
            cutoff_end=self.day,
            day=self.day,
            place=self.place,
            number=self.number,
            symbol=self.symbol,
            superior_name=self.superior,
            recipients=self.recipients,
            signer_titles=self.signer_titles,
            signer_name=self.signer_name,
        )


def _document(landscape: bool = False) -> Any:
    document = Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = official.FONT
    normal.font.size = Pt(14)
    return document


def _text(document: Any, text: str, **style: bool) -> None:
    official._paragraph(
        document, text, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6, **style
    )


def _heading(document: Any, text: str) -> None:
    official._paragraph(document, text, 14, align=WD_ALIGN_PARAGRAPH.LEFT, bold=True, after=6)


def _table(
    document: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Mm(width)
        official._cell_text(cell, header, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, row, widths, strict=True):
            cell.width = Mm(width)
            official._cell_text(cell, text, 12)
    official._paragraph(document, "", 8)


def _day(text: str | None) -> str:
    return formats.date_text(date.fromisoformat(text)) if text else "—"


def _number(text: str | None, places: int | None = None) -> str:
    return formats.number(Decimal(text), places) if text else "—"


def _render(document: Any) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the session report ------------------------------------------------------------------------


def _tasks(document: Any, data: Mapping[str, Any]) -> None:
    _heading(document, "I. Kết quả thực hiện nhiệm vụ được giao tại các phiên họp trước")
    if not data.get("available"):
        _text(document, "Các phiên họp trước chưa giao nhiệm vụ nào được theo dõi trên hệ thống.")
        return
    with translation.override("vi"):
        _text(document, f"Tổng số: {report.sentence(data['counts'])}.")
        for group in data.get("by_session", []):
            _text(
                document,
                f"Nhiệm vụ giao tại Phiên họp thứ {group['session']}: "
                f"{report.sentence(group['counts'])}.",
            )
    agencies = data.get("overdue_agencies", [])
    if agencies:
        names = "; ".join(f"{a['name']} ({len(a['tasks'])} nhiệm vụ)" for a in agencies)
        _text(document, f"Các cơ quan có nhiệm vụ quá hạn: {names}.")
    rows = [
        (
            str(n),
            row["content"],
            row["lead_name"],
            _day(row["deadline"]),
            STATUS_VI.get(row["status"], row["status"]),
        )
        for n, row in enumerate(data.get("rows", []), start=1)
    ]
    _table(
        document,
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tình hình"),
        rows,
        (10, 70, 35, 22, 28),
    )


def _indicators(document: Any, data: Mapping[str, Any]) -> None:
    _heading(document, "II. Các chỉ tiêu chủ yếu so với kế hoạch năm, dự báo đến cuối năm")
    if not data.get("available"):
        _text(document, NO_DATA)
        return
    rows = []
    for n, row in enumerate(data["rows"], start=1):
        latest = row.get("latest") or {}
        probability = row.get("probability")
        chance = FORECAST_VI.get(row["status"], row["status"])
        if probability is not None:
            chance = f"{chance} ({probability}%)"
        rows.append(
            (
                str(n),
                row["name"],
                row["unit"] or "—",
                _number(row["target"], row.get("decimals")),
                _number(latest.get("value"), row.get("decimals")),
                _number(row["projected"], row.get("decimals")),
                chance,
            )
        )
    _table(
        document,
        (
            "STT",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Kế hoạch năm",
            "Thực hiện",
            "Dự báo cuối năm",
            "Khả năng đạt",
        ),
        rows,
        (10, 50, 18, 22, 22, 22, 21),
    )


def _ranking(document: Any, title: str, data: Mapping[str, Any], value: str, what: str) -> None:
    _heading(document, title)
    if not data.get("available"):
        _text(document, NO_DATA)
        return
    own = data.get("own")
    if own:
        _text(
            document,
            f"{own['name']} xếp thứ {own['rank']}/{data['ranked']}, đạt "
            f"{_number(own[value])} điểm ({what}).",
        )
        return
    parts = [f"{row['rank']}. {row['name']} ({_number(row[value])} điểm)" for row in data["rows"]]
    _text(document, f"{what}: " + "; ".join(parts) + ".")


def _investment(document: Any, data: Mapping[str, Any]) -> None:
    _heading(document, "V. Giải ngân vốn đầu tư công cho chuyển đổi số")
    if not data.get("available"):
        _text(document, NO_DATA)
        return
    rate = data.get("rate_assigned")
    _text(
        document,
        f"Kế hoạch năm {data['plan_year']}, đến ngày {_day(data['week_end'])}: giải ngân "
        f"{formats.money(data['disbursed'])}, đạt "
        f"{formats.percent(Decimal(rate) if rate else None)} kế hoạch Thủ tướng Chính phủ giao "
        f"({formats.percent(Decimal(data['rate_total']) if data.get('rate_total') else None)} "
        f"tổng kế hoạch); {data['slow']} dự án giải ngân chậm, {data['unable']} dự án không "
        "có khả năng giải ngân.",
    )


def _late_reports(document: Any, data: Mapping[str, Any]) -> None:
    _heading(document, "VI. Chế độ báo cáo định kỳ")
    if not data.get("available"):
        _text(document, NO_DATA)
        return
    if not data.get("late"):
        _text(document, "Các cơ quan gửi báo cáo định kỳ đúng hạn.")
        return
    _text(document, f"Có {data['late']} báo cáo định kỳ chưa gửi hoặc gửi muộn:")
    rows = [
        (
            str(n),
            row["agency_name"],
            row["report"],
            formats.period_label(row["period"]),
            "Gửi muộn" if row["sent_late"] else "Chưa gửi",
        )
        for n, row in enumerate(data["rows"], start=1)
    ]
    _table(document, ("STT", "Cơ quan", "Báo cáo", "Kỳ", "Tình trạng"), rows, (10, 45, 55, 25, 30))


def session_report(
    head: Letterhead,
    *,
    committee: str,
    session_number: int,
    held_on: date,
    snapshot: Mapping[str, Any],
    digest: str,
    introduction: str = "",
    proposals: str = "",
) -> bytes:
    document = _document()
    letter = head.official()
    official._header(document, letter)
    official._paragraph(document, "", 14)
    official._paragraph(document, "BÁO CÁO", 14, bold=True)
    official._paragraph(
        document,
        f"Tình hình thực hiện nhiệm vụ phục vụ Phiên họp thứ {session_number} "
        f"của {committee} (ngày {formats.date_text(held_on)})",
        14,
        bold=True,
        after=12,
    )
    for paragraph in (introduction or "").splitlines():
        if paragraph.strip():
            _text(document, paragraph.strip())
    _tasks(document, report.section(snapshot, "tasks"))
    _indicators(document, report.section(snapshot, "indicators"))
    qd766 = report.section(snapshot, "qd766")
    period = formats.period_label(qd766["period"]) if qd766.get("period") else ""
    _ranking(
        document,
        "III. Chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ (Quyết định 766/QĐ-TTg)",
        qd766,
        "total",
        f"Bộ chỉ số 766, {period}".strip(", "),
    )
    dti = report.section(snapshot, "dti")
    _ranking(
        document,
        "IV. Chỉ số chuyển đổi số (DTI)",
        dti,
        "score",
        dti.get("edition_name", "Chỉ số chuyển đổi số"),
    )
    _investment(document, report.section(snapshot, "investment"))
    _late_reports(document, report.section(snapshot, "late_reports"))
    _heading(document, "VII. Đề xuất, kiến nghị")
    for paragraph in (proposals or "Không.").splitlines():
        if paragraph.strip():
            _text(document, paragraph.strip())
    official._paragraph(
        document,
        f"Số liệu được tổng hợp tự động từ hệ thống theo tình hình đến ngày "
        f"{_day(snapshot.get('as_of'))}; mã kiểm tra (SHA-256) của bộ số liệu: {digest}.",
        11,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        italic=True,
    )
    official._footer(document, letter)
    return _render(document)


# --- a ballot's result -------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberLine:
    name: str
    choice: str  # "" when the member did not answer
    comment: str = ""
    answered_at: str = ""
    answered_by: str = ""  # the stand-in's name when one answered
    valid: bool = True


@dataclass(frozen=True)
class BallotResult:
    committee: str
    title: str
    question: str
    number: str
    opened: str
    deadline: str
    content_hash: str
    tally: Mapping[str, Any]
    members: list[MemberLine]
    decision: str = ""


def ballot_result(head: Letterhead, data: BallotResult) -> bytes:
    document = _document()
    letter = head.official()
    official._header(document, letter)
    official._paragraph(document, "", 14)
    official._paragraph(document, "BÁO CÁO", 14, bold=True)
    official._paragraph(
        document,
        f"Tổng hợp ý kiến thành viên {data.committee} về {data.title}",
        14,
        bold=True,
        after=12,
    )
    tally = data.tally
    _text(
        document,
        f"Phiếu lấy ý kiến {data.number or ''} gửi ngày {data.opened}, hạn trả lời "
        f"{data.deadline}. Nội dung xin ý kiến: {data.question}".replace("  ", " "),
    )
    answered = len(tally.get("answered", []))
    _text(
        document,
        f"Số thành viên được lấy ý kiến: {tally['asked']}; số thành viên trả lời: {answered}; "
        f"đồng ý: {tally['agree']}; không đồng ý: {tally['disagree']}; ý kiến khác: "
        f"{tally['other']}; không trả lời: {len(tally.get('missing', []))}.",
    )
    if tally.get("invalid"):
        _text(
            document,
            f"Có {len(tally['invalid'])} phiếu trả lời có chữ ký số không hợp lệ; các phiếu này "
            "được giữ nguyên, liệt kê dưới đây và không tính vào kết quả.",
        )
    verdict = (
        "Quá nửa số thành viên được lấy ý kiến đồng ý."
        if tally.get("approved")
        else "Chưa đủ quá nửa số thành viên được lấy ý kiến đồng ý."
    )
    _text(document, f"Kết quả: {verdict}", bold=True)
    rows = [
        (
            str(n),
            line.name,
            CHOICE_VI.get(line.choice, "Không trả lời") if line.choice else "Không trả lời",
            line.comment or "",
            line.answered_at,
            line.answered_by,
            ("Hợp lệ" if line.valid else "Không hợp lệ") if line.choice else "",
        )
        for n, line in enumerate(data.members, start=1)
    ]
    _table(
        document,
        ("STT", "Thành viên", "Ý kiến", "Nội dung", "Thời điểm", "Người trả lời thay", "Chữ ký số"),
        rows,
        (10, 40, 22, 40, 22, 22, 19),
    )
    if data.decision:
        _heading(document, "Quyết định")
        _text(document, data.decision)
    official._paragraph(
        document,
        f"Mã băm (SHA-256) của nội dung xin ý kiến: {data.content_hash}. Mỗi ý kiến được ký số "
        "bằng khóa Ed25519 của người trả lời và kiểm tra được bằng khóa công khai.",
        11,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        italic=True,
    )
    official._footer(document, letter)
    return _render(document)
