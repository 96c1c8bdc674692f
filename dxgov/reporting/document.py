"""A report as an official document (.docx) in the administrative format of Decree 30/2020/NĐ-CP.

Pure: a ReportDocument (plain values) in, the bytes of a Word file out; exports.document_of
reads a report from the database into one. The layout follows Appendix I of Decree 30:

- A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman throughout;
- top left: the superior agency (upper case, 13 pt) and the issuing agency (upper case, bold,
  13 pt) with a short rule under it, then the number and symbol ("Số: 15/BC-UBND", 13 pt);
- top right: the national title (upper case, bold, 13 pt) and the motto (bold, 14 pt, a rule
  under it: here an underline), then place and date in italics (14 pt), with a leading zero
  for days under 10 and for January and February ("ngày 05 tháng 02 năm 2026");
- the kind of document ("BÁO CÁO", bold, 14 pt) and its summary (bold, 14 pt), centred;
- the body in 14 pt, justified, the first line indented;
- "Nơi nhận:" (bold italic, 12 pt) with its list (11 pt) bottom left; the signature block
  bottom right: the signing authority and title (upper case, bold, 13 pt), the signer's name
  (bold, 14 pt) below the space for the signature and seal.

The text of the document is Vietnamese and not translated: it is an official document whose
wording the Decree fixes, whatever language the person downloading it reads the platform in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dxgov.core import formats

FONT = "Times New Roman"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TABLE_HEADERS = (
    "STT",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Kỳ báo cáo",
    "Kế hoạch năm (giao đầu năm)",
    "Kế hoạch năm (điều chỉnh)",
    "Cùng kỳ năm trước",
    "Ghi chú",
)


@dataclass(frozen=True)
class DocumentRow:
    """One indicator's line in the table; texts already formatted (empty: no figure)."""

    name: str
    unit: str
    value: str
    target_baseline: str = ""
    target_current: str = ""  # only when the approved target was revised
    last_year: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ReportDocument:
    agency_name: str
    report_name: str
    period_label: str  # "Tháng 3/2025", "Quý I/2025", …
    cutoff_start: date
    cutoff_end: date
    day: date
    place: str
    number: str = ""  # "15/BC-UBND"; empty: a blank to fill in by hand
    symbol: str = "BC"  # the part after the slash when there is no number yet
    superior_name: str = ""
    rows: list[DocumentRow] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_titles: list[str] = field(default_factory=list)  # e.g. ["TM. ỦY BAN NHÂN DÂN", …]
    signer_name: str = ""


def format_number(value: Decimal | None, decimals: int = 0) -> str:
    """Vietnamese notation: "." between thousands, "," before decimals (1.234,5); rounded half
    up to ``decimals`` places (core.formats, the one formatting layer)."""
    return formats.number(value, decimals, empty="")


def date_line(place: str, day: date) -> str:
    """ "Phú Thọ, ngày 05 tháng 02 năm 2026": a zero before days under 10 and months 1 and 2."""
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day_text} tháng {month_text} năm {day.year}"


def number_line(number: str, symbol: str) -> str:
    """ "Số: 15/BC-UBND", or a blank for the number: "Số:      /BC-UBND"."""
    if number.strip():
        return f"Số: {number.strip()}"
    return f"Số:{' ' * 6}/{symbol}"


def _run(paragraph: object, text: str, size: int, **style: bool) -> object:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.name = FONT
    run.font.size = Pt(size)
    # Word picks the East Asian and complex-script fonts separately; name them all.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    run.bold = style.get("bold", False)
    run.italic = style.get("italic", False)
    run.underline = style.get("underline", False)
    return run


def _paragraph(
    container: object,
    text: str,
    size: int,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    after: int = 0,
    indent: bool = False,
    **style: bool,
) -> object:
    paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    _run(paragraph, text, size, **style)
    return paragraph


def _cell_text(cell: object, text: str, size: int = 12, **style: object) -> None:
    cell.text = ""  # type: ignore[attr-defined]
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = style.pop("align", WD_ALIGN_PARAGRAPH.LEFT)
    _run(paragraph, text, size, **style)  # type: ignore[arg-type]


def _no_borders(table: object) -> None:
    properties = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = properties.find(qn("w:tblBorders"))
    if borders is not None:
        properties.remove(borders)


def _header(document: object, data: ReportDocument) -> None:
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    left.text = ""
    right.text = ""
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if data.superior_name:
        _run(first, data.superior_name.upper(), 13)
        _paragraph(left, data.agency_name.upper(), 13, bold=True)
    else:
        _run(first, data.agency_name.upper(), 13, bold=True)
    _paragraph(left, "―――――", 13)
    _paragraph(left, number_line(data.number, data.symbol), 13)
    title = right.paragraphs[0]
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, NATIONAL_TITLE, 13, bold=True)
    _paragraph(right, MOTTO, 14, bold=True, underline=True, after=6)
    _paragraph(right, date_line(data.place, data.day), 14, italic=True)


def _table(document: object, data: ReportDocument) -> None:
    table = document.add_table(rows=1, cols=len(TABLE_HEADERS))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(10), Mm(50), Mm(15), Mm(20), Mm(20), Mm(20), Mm(20), Mm(25))
    for cell, header, width in zip(table.rows[0].cells, TABLE_HEADERS, widths, strict=True):
        cell.width = width
        _cell_text(cell, header, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    center, left, right = (
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.RIGHT,
    )
    aligns = (center, left, center, right, right, right, right, left)
    for number, row in enumerate(data.rows, start=1):
        cells = table.add_row().cells
        texts = (
            str(number),
            row.name,
            row.unit,
            row.value,
            row.target_baseline,
            row.target_current,
            row.last_year,
            row.comment,
        )
        for cell, text, width, align in zip(cells, texts, widths, aligns, strict=True):
            cell.width = width
            _cell_text(cell, text, 12, align=align)


def _footer(document: object, data: ReportDocument) -> None:
    document.add_paragraph()  # type: ignore[attr-defined]
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    left.text = ""
    right.text = ""
    heading = left.paragraphs[0]
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(heading, "Nơi nhận:", 12, bold=True, italic=True)
    recipients = [*data.recipients, "Lưu: VT."]
    for index, name in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        text = f"- {name.rstrip(';.')}{end}"
        _paragraph(left, text, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    titles = data.signer_titles or ["THỦ TRƯỞNG CƠ QUAN"]
    first = right.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(first, titles[0].upper(), 13, bold=True)
    for title in titles[1:]:
        _paragraph(right, title.upper(), 13, bold=True)
    for _blank in range(4):
        _paragraph(right, "", 13)
    _paragraph(right, data.signer_name, 14, bold=True)


def render(data: ReportDocument) -> bytes:
    """The report as a .docx file."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _header(document, data)
    _paragraph(document, "", 14)
    _paragraph(document, "BÁO CÁO", 14, bold=True)
    _paragraph(document, data.report_name, 14, bold=True)
    _paragraph(document, data.period_label, 14, bold=True, after=12)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _paragraph(
        document,
        f"{data.agency_name} báo cáo kết quả thực hiện {data.report_name[:1].lower()}"
        f"{data.report_name[1:]} kỳ {data.period_label[:1].lower()}{data.period_label[1:]}. "
        f"Số liệu được chốt từ ngày {data.cutoff_start:%d/%m/%Y} "
        f"đến ngày {data.cutoff_end:%d/%m/%Y}, cụ thể như sau:",
        14,
        align=justify,
        indent=True,
        after=6,
    )
    _table(document, data)
    _footer(document, data)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
