"""The default Word template of the periodic report (Nghị định 30/2020/NĐ-CP layout), written with python-docx and
Jinja placeholders (docxtpl). An office may open data/templates/bao_cao_ct33.docx in Word and change its letterhead,
recipients, signer and the words around the figures; `python -m etl.report_template` writes the default again."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from etl import config

TEMPLATE = config.DATA / "templates" / "bao_cao_ct33.docx"
FONT = "Times New Roman"


def _para(
    container,
    text: str = "",
    bold: bool = False,
    italic: bool = False,
    size: float = 14,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    underline: bool = False,
    after: float = 6,
    indent: bool = False,
):
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Mm(12.7)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)
    return p


def _no_borders(table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def _widths(table, mm: tuple[float, ...]) -> None:
    """Fixed column widths (Word and LibreOffice both honour the grid and each cell's width)."""
    table.autofit = False
    for col, w in zip(table.columns, mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, mm):
            cell.width = Mm(w)


def _header(doc) -> None:
    """Issuing body and number at top left; national motto at top right (Nghị định 30/2020, Phụ lục I)."""
    t = doc.add_table(rows=2, cols=2)
    _no_borders(t)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(t, (62, 103))
    left, right = t.rows[0].cells
    _para(left, "{{ issuer }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(left, "───────", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    _para(left, "Số:        /BC-UBND", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(right, "───────────────", size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    _para(
        t.rows[1].cells[1],
        "{{ place }}, ngày …… tháng …… năm {{ year }}",
        italic=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    )
    for cell in t.rows[0].cells + t.rows[1].cells:
        first = cell.paragraphs[0]
        if not first.text:
            first._element.getparent().remove(first._element)
            cell._tc.get_or_add_tcPr()
            if not cell.paragraphs:
                cell.add_paragraph()


def _figures_table(doc) -> None:
    t = doc.add_table(rows=4, cols=4)  # header, {%tr for %}, the repeated row, {%tr endfor %} (docxtpl row tags)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = ("Chỉ số", "{{ now_label }}", "{{ compare_label }}", "Thay đổi")
    for cell, text in zip(t.rows[0].cells, heads):
        _para(cell, text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(t.rows[1].cells[0], "{%tr for r in s.rows %}", size=12, after=0)
    cells = t.rows[2].cells
    _para(cells[0], "{{ r.label }}", size=12, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    _para(cells[1], "{{ r.now }}", size=12, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    _para(cells[2], "{{ r.then }}", size=12, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    _para(cells[3], "{{ r.change }}", size=12, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    _para(t.rows[3].cells[0], "{%tr endfor %}", size=12, after=0)
    _widths(t, (75, 32, 32, 26))
    for row in t.rows:
        for cell in row.cells:
            if cell.paragraphs and not cell.paragraphs[0].text:
                cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)


def _group_tables(doc) -> None:
    _para(doc, "{%p if group %}", after=0)
    _para(doc, "{{ group.ranking_title }}", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    t = doc.add_table(rows=4, cols=6)
    t.style = "Table Grid"
    _widths(t, (12, 45, 27, 27, 27, 27))
    heads = ("STT", "Xã", "TTHC đúng hạn", "Giải quyết đơn", "Tiếp dân đúng quy định", "Báo cáo đã nhận")
    for cell, text in zip(t.rows[0].cells, heads):
        _para(cell, text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(t.rows[1].cells[0], "{%tr for c in group.communes %}", size=12, after=0)
    keys = (
        "{{ c.rank }}",
        "{{ c.name }}",
        "{{ c.tthc }}",
        "{{ c.petitions }}",
        "{{ c.reception }}",
        "{{ c.reporting }}",
    )
    for cell, text in zip(t.rows[2].cells, keys):
        _para(cell, text, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    _para(t.rows[3].cells[0], "{%tr endfor %}", size=12, after=0)
    for row in t.rows:
        for cell in row.cells:
            if cell.paragraphs and not cell.paragraphs[0].text:
                cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    _para(doc, "{{ group.missing_title }}", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "{%p for m in group.missing %}", after=0)
    _para(doc, "- {{ m }}", indent=True, after=2)
    _para(doc, "{%p endfor %}", after=0)
    _para(doc, "{%p endif %}", after=0)


def _signature(doc) -> None:
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    _widths(t, (85, 80))
    left, right = t.rows[0].cells
    p = _para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    for line in (
        "- {{ recipient_above }} (để báo cáo);",
        "- Thường trực Đảng ủy (để báo cáo);",
        "- Ủy ban MTTQ Việt Nam cùng cấp;",
        "- Lưu: VT.",
    ):
        _para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    for line, bold in (
        ("KT. CHỦ TỊCH", True),
        ("PHÓ CHỦ TỊCH", True),
        ("", False),
        ("", False),
        ("", False),
        ("{{ signer }}", True),
    ):
        _para(right, line, bold=bold, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    for cell in (left, right):
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    del p


def build(path: Path = TEMPLATE) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _header(doc)
    _para(doc, "", after=6)
    _para(doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(
        doc,
        "Kết quả thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ về tiếp tục tăng cường, "
        "đổi mới công tác dân vận trong cơ quan hành chính nhà nước, chính quyền các cấp trong tình hình mới, "
        "{{ period_phrase }}",
        bold=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    )
    _para(doc, "─────────", align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _para(
        doc,
        "Thực hiện Kế hoạch triển khai Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ, {{ issuer_name }} "
        "báo cáo kết quả thực hiện {{ period_phrase }} như sau:",
        indent=True,
    )
    _para(doc, "{{ scope_note }}", italic=True, size=13, indent=True)
    _para(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "{%p for s in sections %}", after=0)
    _para(doc, "{{ s.heading }}", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "{%p for line in s.sentences %}", after=0)
    _para(doc, "{{ line }}", indent=True)
    _para(doc, "{%p endfor %}", after=0)
    _figures_table(doc)
    _para(doc, "{{ s.chart }}", align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(doc, "{{ s.chart_caption }}", italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "{%p endfor %}", after=0)
    _group_tables(doc)
    _para(doc, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for _ in range(3):
        _para(doc, "………………………………………………………………………………………………………", indent=True)
    _para(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for _ in range(3):
        _para(doc, "………………………………………………………………………………………………………", indent=True)
    _para(
        doc,
        "Trên đây là báo cáo kết quả thực hiện Chỉ thị số 33/CT-TTg {{ period_phrase }} của {{ issuer_name }}./.",
        indent=True,
    )
    _signature(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
