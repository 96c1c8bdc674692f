"""Programme exports: the list and the overlap pairs as .xlsx (every text cell through
core.spreadsheets' formula guard), and a programme as an official document (.docx, Decree
30/2020, with the report form's letterhead from reporting.document)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import Workbook

from dxgov.core import formats, spreadsheets
from dxgov.programmes import de06, reads
from dxgov.programmes.models import OverlapPair, Programme
from dxgov.reporting import document as official

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = official.DOCX_CONTENT_TYPE

PROGRAMME_HEADERS = (
    "Cơ quan",
    "Đề án",
    "Giai đoạn",
    "Trạng thái",
    "Phiên bản",
    "Số mục tiêu",
    "Số nhiệm vụ",
    "Kinh phí (đồng)",
    "Ngày trình lần đầu",
    "Ngày phê duyệt",
)
PAIR_HEADERS = (
    "Cụm",
    "Điểm",
    "Điểm văn bản",
    "Tín hiệu",
    "Từ chung",
    "Nhiệm vụ A",
    "Cơ quan A",
    "Nhiệm vụ B",
    "Cơ quan B",
)


def download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx(title: str, headers: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = spreadsheets.sheet_title(title)
    spreadsheets.append(sheet, headers)
    for row in rows:
        spreadsheets.append(sheet, row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def programmes_xlsx(programmes: Iterable[Programme]) -> bytes:
    rows = (
        (
            p.owner.name,
            p.title,
            f"{p.start_year}–{p.end_year}",
            p.get_status_display(),
            p.version,
            len(p.goals.all()),
            len(p.tasks.all()),
            sum(line.amount for line in p.budget_lines.all()),
            formats.date_text(p.first_submitted_at.date() if p.first_submitted_at else None),
            formats.date_text(p.approved_at.date() if p.approved_at else None),
        )
        for p in programmes
    )
    return _xlsx("Đề án", PROGRAMME_HEADERS, rows)


def overlaps_xlsx(pairs: list[OverlapPair]) -> bytes:
    texts = reads.texts_of({doc for pair in pairs for doc in (pair.a, pair.b)})

    def side(doc_id: int) -> tuple[str, str]:
        found = texts.get(doc_id)
        return (found.text, found.agency) if found else ("", "")

    rows = (
        (
            pair.cluster_id,
            round(pair.score, 3),
            round(pair.text_score, 3),
            ", ".join(pair.signals),
            ", ".join(pair.shared_terms),
            *side(pair.a_id),
            *side(pair.b_id),
        )
        for pair in pairs
    )
    return _xlsx("Chồng chéo", PAIR_HEADERS, rows)


def programme_docx(programme: Programme, day: date | None = None) -> bytes:
    """The programme as submitted or approved, in the Decree 30/2020 layout."""
    day = day or timezone.localdate()
    letterhead = official.ReportDocument(
        agency_name=programme.owner.name,
        report_name="",
        period_label="",
        cutoff_start=day,
        cutoff_end=day,
        day=day,
        place=programme.owner.name.replace("Ủy ban nhân dân ", "").replace("tỉnh ", ""),
        symbol="ĐA",
        signer_titles=["THỦ TRƯỞNG CƠ QUAN"],
    )
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = official.FONT
    normal.font.size = Pt(14)
    official._header(document, letterhead)
    official._paragraph(document, "", 14)
    official._paragraph(document, "ĐỀ ÁN", 14, bold=True)
    official._paragraph(document, programme.title, 14, bold=True, after=12)
    left = WD_ALIGN_PARAGRAPH.JUSTIFY
    official._paragraph(
        document,
        f"Giai đoạn {programme.start_year} - {programme.end_year}; phiên bản {programme.version}. "
        "Thực hiện Chỉ thị số 34/CT-TTg ngày 16/9/2024 của Thủ tướng Chính phủ.",
        14,
        align=left,
        indent=True,
        after=6,
    )
    official._paragraph(document, "I. MŨI ĐỘT PHÁ", 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for number, item in enumerate(programme.breakthroughs.all(), start=1):
        official._paragraph(
            document, f"{number}. {item.title}: {item.problem}", 14, align=left, indent=True
        )
    official._paragraph(document, "II. MỤC TIÊU", 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for number, goal in enumerate(programme.goals.select_related("indicator"), start=1):
        targets = "; ".join(
            f"năm {t.year}: {formats.number(t.value, keep=True)}" for t in goal.targets.all()
        )
        code = goal.indicator.code if goal.indicator else goal.new_indicator
        official._paragraph(
            document,
            f"{number}. {goal.name} ({code}); hiện trạng "
            f"{formats.number(goal.baseline, keep=True) if goal.baseline is not None else '—'}; "
            f"chỉ tiêu {targets}; nguồn số liệu: {goal.source}.",
            14,
            align=left,
            indent=True,
        )
    official._paragraph(document, "III. NHIỆM VỤ", 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for number, task in enumerate(programme.tasks.select_related("lead_agency"), start=1):
        lead = task.lead_agency.name if task.lead_agency else "—"
        official._paragraph(
            document,
            f"{number}. {task.content}. Chủ trì: {lead} ({task.person}); thời hạn: "
            f"{formats.date_text(task.deadline)}; trách nhiệm: {task.responsibility}; kết quả: "
            f"{task.expected_result}.",
            14,
            align=left,
            indent=True,
        )
    official._paragraph(
        document, "IV. KINH PHÍ VÀ KẾT NỐI ĐỀ ÁN 06", 14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    official._paragraph(
        document,
        f"Tổng kinh phí dự kiến: {formats.money(programme.budget_total, short=False)}. Kết nối "
        "Đề án 06: " + "; ".join(de06.label(code) for code in programme.de06) + ".",
        14,
        align=left,
        indent=True,
    )
    official._footer(document, letterhead)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
