"""A copy of an uploaded workbook with the bad cells highlighted and commented, so the clerk fixes them in place."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.workbook import Workbook

from etl.read import RawWorkbook
from etl.validate import Problem

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
LIST_SHEET = "Danh sách lỗi"
_RANGE = re.compile(r"^([A-Z]+\d+)(?::([A-Z]+\d+))?$")


def _text(cell, value) -> None:
    """A value from the file written as it was read: text stays text even when it starts with = + - @ (never a formula
    that runs when the clerk opens the copy)."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot be stored in .xlsx
        cell.data_type = "s"
    else:
        cell.value = value


def _open(name: str, data: bytes, raw: RawWorkbook) -> Workbook:
    """The workbook itself for .xlsx/.xlsm (macros are dropped, never run); a values-only copy for .xls/.ods."""
    if Path(name).suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return openpyxl.load_workbook(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - anything openpyxl cannot open gets the values-only copy
            pass
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, grid in raw.sheets.items():
        ws = wb.create_sheet(sheet[:31])
        for r, row in enumerate(grid, 1):
            for c, v in enumerate(row, 1):
                if v != "" and v is not None:
                    _text(ws.cell(r, c), v)
    return wb


def annotated_copy(name: str, data: bytes, raw: RawWorkbook, problems: list[Problem]) -> bytes:
    """The uploaded workbook as .xlsx, with a first sheet listing every problem and each bad cell filled and commented."""
    wb = _open(name, data, raw)
    listing = wb.create_sheet(LIST_SHEET, 0)
    for c, head in enumerate(["Mức độ", "Trang", "Ô", "Nội dung"], 1):
        _text(listing.cell(1, c), head)
        listing.cell(1, c).font = Font(bold=True)
    for r, p in enumerate(problems, 2):
        for c, value in enumerate(["Lỗi" if p.severity == "error" else "Cảnh báo", p.sheet, p.cell, p.message], 1):
            _text(listing.cell(r, c), value)
        if p.sheet in wb.sheetnames and p.cell:
            sheet = p.sheet.replace("'", "''")
            listing.cell(r, 3).hyperlink = f"#'{sheet}'!{p.cell.split(':')[0]}"
            _mark(wb[p.sheet], p)
    for col, width in zip("ABCD", (10, 20, 10, 110)):
        listing.column_dimensions[col].width = width
    for row in listing.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _mark(ws, p: Problem) -> None:
    m = _RANGE.match(p.cell)
    if not m:
        return
    cells = ws[p.cell] if m.group(2) else ((ws[p.cell],),)
    fill = ERROR_FILL if p.severity == "error" else WARNING_FILL
    for row in cells:
        for cell in row:
            cell.fill = fill
    first = ws[m.group(1)]
    text = ("Lỗi: " if p.severity == "error" else "Cảnh báo: ") + ILLEGAL_CHARACTERS_RE.sub("", p.message)
    first.comment = Comment(text if not first.comment else first.comment.text + "\n" + text, "Hệ thống kiểm tra")
    first.comment.width, first.comment.height = 320, 160
