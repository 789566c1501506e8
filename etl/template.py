"""The commune workbook (one commune × one period), written with openpyxl from the specs in etl.specs.

Everything sheet-specific comes from SHEETS / INFO_FIELDS: headers, widths, number formats, data
validation and the choice lists on the hidden «Danh mục» sheet. Only the «Hướng dẫn» prose is written
here, and it too iterates over the specs.
"""

from __future__ import annotations

import math
from copy import copy
from datetime import date
from pathlib import Path
from typing import Iterable

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from etl.periods import Period
from etl.specs import INFO_FIELDS, INFO_SHEET, PERIOD_KINDS, PLAN_TASKS, SHEETS, Column, Sheet

GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
VALIDATION_ROWS = 500  # validation covers rows 2..max(500, last data row + 200)
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)
EXCEL_EPOCH = date(1899, 12, 30)  # serial day 0 of the 1900 date system
YEAR_MIN, YEAR_MAX = 1900, 2100
INFO_BOUNDS = {"period_number": (1, 12), "year": (2000, 2100)}  # tighter than the column kinds allow
PLAN_TABLE = "plan_tasks"
GUIDE_WIDTH = 120

_thin = Side(style="thin", color="808080")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP = Alignment(wrap_text=True, vertical="top")
HINT_FONT = Font(italic=True, color="808080")
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
SHEET_NOTES = {  # rules of the contract that are not column properties
    "TTHC": (
        "Mỗi dòng phải cân đối: Kỳ trước chuyển qua + Tiếp nhận trực tuyến + Tiếp nhận trực tiếp, bưu chính "
        "= Giải quyết trước hạn + đúng hạn + quá hạn + Đang giải quyết trong hạn + Đang giải quyết quá hạn "
        "+ Trả lại, rút hồ sơ.",
    ),
    "Đơn thư": (
        "Ghi lại vụ việc cũ với đúng «Mã đơn» đã dùng. «Ngày thụ lý» không trước «Ngày nhận», "
        "«Ngày giải quyết» không trước «Ngày thụ lý»; «Kết quả» bắt buộc khi đã có «Ngày giải quyết».",
    ),
    "Đối thoại": ("«Số ý kiến đã trả lời, giải quyết» không được lớn hơn «Số ý kiến, kiến nghị».",),
    "Kiểm tra công vụ": ("«Số vi phạm phát hiện» không được lớn hơn «Số cán bộ được kiểm tra».",),
    "Giám sát, phản biện": ("«Số kiến nghị được tiếp thu» không được lớn hơn «Số kiến nghị».",),
    "Kế hoạch": (
        "Đã ghi sẵn các nhiệm vụ của Kế hoạch; có thể sửa hoặc thêm dòng. "
        "Tiến độ «Hoàn thành» thì tỷ lệ hoàn thành phải là 100.",
    ),
}
KIND_TEXT = {
    "text": "chữ",
    "count": "số nguyên ≥ 0, không có phần thập phân",
    "date": "ngày, ghi dd/mm/yyyy (ngày trước, tháng sau), ví dụ 05/03/2024",
    "year": f"năm, bốn chữ số ({YEAR_MIN}–{YEAR_MAX})",
    "percent": "số từ 0 đến 100",
}


def _short(text: str, limit: int) -> str:
    """Excel refuses (repair prompt) validation titles over 32 and messages over 255 characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _validation(col: Column, list_ref: str | None, bounds: tuple[int, int] | None = None) -> DataValidation | None:
    """The DataValidation for one column's cells (sqref added by the caller), or None for free text."""
    kind, header = col.kind, col.header
    if kind == "choice" and list_ref:
        dv = DataValidation(type="list", formula1=list_ref)
        error = f"Chọn một giá trị trong danh sách của cột «{header}»."
    elif kind in ("count", "year"):
        lo, hi = bounds or ((YEAR_MIN, YEAR_MAX) if kind == "year" else (0, None))
        if hi is None:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(lo))
            error = f"«{header}» phải là số nguyên từ {lo} trở lên, không có phần thập phân."
        else:
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi))
            error = f"«{header}» phải là số nguyên từ {lo} đến {hi}."
    elif kind == "date":
        lo, hi = ((d - EXCEL_EPOCH).days for d in (DATE_MIN, DATE_MAX))
        dv = DataValidation(type="date", operator="between", formula1=str(lo), formula2=str(hi))
        error = f"«{header}» phải là ngày dạng dd/mm/yyyy, từ {DATE_MIN:%d/%m/%Y} đến {DATE_MAX:%d/%m/%Y}."
    elif kind == "percent":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        error = f"«{header}» phải là số từ 0 đến 100."
    else:
        return None
    dv.allow_blank = True
    dv.showErrorMessage = dv.showInputMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.error = _short(error, 255)
    dv.promptTitle = _short(header, 32)
    dv.prompt = _short(col.hint or _describe(col, with_header=False), 255)
    return dv


def _describe(col: Column, with_header: bool = True, sheet: Sheet | None = None) -> str:
    """Plain-Vietnamese description of one column (guide lines and input prompts)."""
    parts = ["bắt buộc" if col.required else "không bắt buộc"]
    if col.kind == "choice":
        parts.append("chọn một trong: " + ", ".join(f"«{c.value}»" for c in col.options))
    else:
        parts.append(KIND_TEXT.get(col.kind, col.kind))
    if sheet is not None and col.kind == "date":
        parts.append(
            "phải nằm trong kỳ báo cáo" if col.name == sheet.date_column else "không được sau ngày cuối kỳ báo cáo"
        )
    if sheet is not None and col.name in sheet.unique:
        parts.append("không được trùng trong trang")
    if col.default is not None:
        parts.append(f"để trống = {col.default}")
    if col.optional:
        parts.append("cột này có thể bỏ nếu không dùng")
    if col.hint:
        parts.append(col.hint)
    text = "; ".join(parts)
    return f"«{col.header}»: {text}." if with_header else text[0].upper() + text[1:] + "."


class _Book:
    """Per-workbook state: the choice lists on the hidden «Danh mục» sheet and a style cache."""

    def __init__(self, lists_ws: Worksheet) -> None:
        self.lists_ws = lists_ws
        self.refs: dict[tuple[str, ...], str] = {}
        self.styles: dict[str, object] = {}

    def ref(self, col: Column) -> str | None:
        """Absolute reference to the column's choice list (one «Danh mục» column per distinct list)."""
        if col.kind != "choice" or not col.options:
            return None
        values = tuple(c.value for c in col.options)  # canonical values only, aliases are not listed
        if values not in self.refs:
            idx = len(self.refs) + 1
            self.put(self.lists_ws.cell(row=1, column=idx, value=col.header), "bold", font=HEADER_FONT)
            for r, v in enumerate(values, start=2):
                self.lists_ws.cell(row=r, column=idx, value=v)
            letter = get_column_letter(idx)
            self.lists_ws.column_dimensions[letter].width = max(len(v) for v in values) + 4
            self.refs[values] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        return self.refs[values]

    def put(self, cell: Cell, key: str, **attrs: object) -> Cell:
        """Style a cell: set the attributes once per key, then copy the style (openpyxl's style hashing is slow)."""
        proto = self.styles.get(key)
        if proto is None:
            for name, value in attrs.items():
                setattr(cell, name, value)
            self.styles[key] = cell._style
        else:
            cell._style = copy(proto)
        return cell


def _period_info(period: Period) -> dict[str, object]:
    kind_label = next(k for k, v in PERIOD_KINDS.items() if v == period.kind)
    number = {
        "month": period.start.month,
        "quarter": (period.start.month - 1) // 3 + 1,
        "half": 1 if period.start.month == 1 else 2,
    }.get(period.kind)
    return {"period_type": kind_label, "period_number": number, "year": period.start.year}


def _guide_lines(unit_name: str | None, period: Period | None) -> Iterable[tuple[str, Font | None]]:
    yield "HƯỚNG DẪN NHẬP SỐ LIỆU BÁO CÁO THỰC HIỆN CHỈ THỊ 33/CT-TTg", TITLE_FONT
    if unit_name or period:
        yield " — ".join(x for x in (unit_name, period.label if period else None) if x), HEADING_FONT
    yield (
        (
            "Sổ này dùng để báo cáo kết quả thực hiện Kế hoạch triển khai Chỉ thị số 33/CT-TTg ngày 26/11/2021 "
            "của Thủ tướng Chính phủ về tiếp tục tăng cường, đổi mới công tác dân vận của cơ quan hành chính "
            "nhà nước, chính quyền các cấp. Mỗi sổ là báo cáo của MỘT xã trong MỘT kỳ báo cáo "
            "(tháng, quý, 6 tháng, 9 tháng hoặc năm)."
        ),
        None,
    )
    yield "", None
    yield f"1. Trang «{INFO_SHEET}» (bắt buộc)", HEADING_FONT
    yield (
        (
            "Nhãn ở cột A, giá trị ghi ở cột B, cột C là gợi ý. Không sửa nhãn ở cột A. "
            "Với 9 tháng và Năm thì để trống ô Kỳ."
        ),
        None,
    )
    for col in INFO_FIELDS:
        yield f"• «{col.header}»: {'bắt buộc' if col.required else 'không bắt buộc'}; {col.hint}.", None
    yield "", None
    yield "2. Quy định chung", HEADING_FONT
    for rule in (
        "Không đổi tên các trang và không sửa tên tiêu đề cột (dòng 1). Có thể chèn thêm dòng tên biểu mẫu "
        "phía trên dòng tiêu đề; có thể đổi thứ tự cột; cột lạ sẽ bị bỏ qua.",
        "Mỗi dòng dưới dòng tiêu đề là một bản ghi. Dòng cuối «Tổng cộng» (ô đầu tiên bắt đầu bằng "
        "«Tổng» hoặc «Cộng») được bỏ qua, không tính vào số liệu.",
        "Ngày ghi theo dạng dd/mm/yyyy, luôn ngày trước, tháng sau (05/03/2024 là ngày 5 tháng 3); "
        "03/15/2024 là sai. Các ngày phải nằm trong kỳ báo cáo (xem từng cột ở mục 3).",
        "Số lượng là số nguyên ≥ 0, không có phần thập phân (ghi 1234 hoặc 1.234; không ghi 1,5 hay -3).",
        "Cột có danh sách chọn: bấm vào ô và chọn từ danh sách. Ô ghi «để trống = …» nếu để trống sẽ được "
        "hiểu là giá trị đó.",
        "Trang nào kỳ này không có số liệu thì để trống (giữ nguyên dòng tiêu đề).",
        f"Trang «{LISTS_SHEET}» (ẩn) chứa các danh sách chọn, không sửa.",
        "Lưu tệp dạng Excel .xlsx, rồi nạp bằng lệnh «python -m etl load <tên tệp>» hoặc gửi tệp cho "
        "công chức Văn phòng – Thống kê để nạp. Nếu tệp có lỗi, chương trình báo rõ trang, ô và cách sửa; "
        "sửa hết lỗi rồi nạp lại.",
    ):
        yield "• " + rule, None
    yield "", None
    yield "3. Các trang số liệu", HEADING_FONT
    for sheet in SHEETS:
        item = f" (nhiệm vụ {sheet.plan_item})" if sheet.plan_item else ""
        yield f"Trang «{sheet.name}»{item}: {sheet.description}", HEADING_FONT
        for col in sheet.columns:
            yield "• " + _describe(col, sheet=sheet), None
        if sheet.forbidden_headers:
            names = ", ".join(f"«{h}»" for h in sheet.forbidden_headers)
            yield (
                f"• Không ghi họ tên người bị kỷ luật, không thêm cột {names}: sổ này được tổng hợp và trình chiếu.",
                None,
            )
        for note in SHEET_NOTES.get(sheet.name, ()):
            yield "• " + note, None
        yield "", None


def _write_guide(ws: Worksheet, book: _Book, unit_name: str | None, period: Period | None) -> None:
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    for r, (text, font) in enumerate(_guide_lines(unit_name, period), start=1):
        if not text:
            continue
        cell = ws.cell(row=r, column=1, value=text)
        key = "guide-title" if font is TITLE_FONT else "guide-heading" if font else "guide"
        book.put(cell, key, alignment=WRAP, font=font or Font())
        lines = math.ceil(len(text) * (1.2 if font is not None else 1.0) / (GUIDE_WIDTH - 5))
        if lines > 1 or font is TITLE_FONT:
            ws.row_dimensions[r].height = 15 * lines + (4 if font is TITLE_FONT else 0)


def _write_info(ws: Worksheet, book: _Book, values: dict[str, object]) -> None:
    for letter, width in zip("ABC", (16, 30, 70)):
        ws.column_dimensions[letter].width = width
    for r, col in enumerate(INFO_FIELDS, start=1):
        book.put(
            ws.cell(row=r, column=1, value=col.header),
            f"label-{col.required}",
            font=HEADER_FONT if col.required else Font(),
            fill=HEADER_FILL,
            border=HEADER_BORDER,
        )
        fmt = DATE_FORMAT if col.kind == "date" else TEXT_FORMAT if col.kind == "text" else "General"
        value = book.put(ws.cell(row=r, column=2), f"info-{fmt}", border=HEADER_BORDER, number_format=fmt)
        if values.get(col.name) not in (None, ""):
            value.value = values[col.name]
        if col.hint:
            book.put(ws.cell(row=r, column=3, value=col.hint), "hint", font=HINT_FONT)
        dv = _validation(col, book.ref(col), INFO_BOUNDS.get(col.name))
        if dv is not None:
            dv.add(f"B{r}")
            ws.add_data_validation(dv)


def _write_sheet(ws: Worksheet, sheet: Sheet, book: _Book, rows: list[dict[str, object]]) -> None:
    lines = 1
    for c, col in enumerate(sheet.columns, start=1):
        book.put(
            ws.cell(row=1, column=c, value=col.header),
            "header",
            font=HEADER_FONT,
            fill=HEADER_FILL,
            border=HEADER_BORDER,
            alignment=HEADER_ALIGN,
        )
        dim = ws.column_dimensions[get_column_letter(c)]
        dim.width = col.width
        if col.kind in ("date", "text"):  # cells typed later into the column get the right format
            dim.number_format = DATE_FORMAT if col.kind == "date" else TEXT_FORMAT
        lines = max(lines, math.ceil(len(col.header) / max(col.width - 2, 4)))
    ws.row_dimensions[1].height = 15 * lines + 3
    ws.freeze_panes = "A2"
    kinds = [(c, col.name, col.kind == "date") for c, col in enumerate(sheet.columns, start=1)]
    for r, row in enumerate(rows, start=2):
        for c, name, is_date in kinds:
            value = row.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):  # YES_NO columns are stored as booleans: write them as the clerk would
                value = "Có" if value else "Không"
            cell = ws.cell(row=r, column=c, value=value)
            if is_date and isinstance(value, date):
                book.put(cell, "date", number_format=DATE_FORMAT)
    last = max(VALIDATION_ROWS, len(rows) + 1 + 200)
    for c, col in enumerate(sheet.columns, start=1):
        dv = _validation(col, book.ref(col))
        if dv is not None:
            letter = get_column_letter(c)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)


def _plan_rows(sheet: Sheet) -> list[dict[str, object]]:
    names = [c.name for c in sheet.columns]
    progress = next(c for c in sheet.columns if c.kind == "choice")
    percent = next((c.name for c in sheet.columns if c.kind == "percent"), None)
    out = []
    for task in PLAN_TASKS:
        row: dict[str, object] = dict(zip(names, task))
        row[progress.name] = progress.options[0].value  # "Chưa triển khai"
        if percent:
            row[percent] = 0
        out.append(row)
    return out


def build_workbook(
    unit_code: str | None = None,
    unit_name: str | None = None,
    period: Period | None = None,
    rows: dict[str, list[dict[str, object]]] | None = None,
    info: dict[str, object] | None = None,
    plan_prefill: bool = True,
) -> openpyxl.Workbook:
    """The commune workbook: «Hướng dẫn», «Thông tin», every sheet of SHEETS, then the hidden «Danh mục»."""
    rows = rows or {}
    values: dict[str, object] = {}
    if period is not None:
        values.update(_period_info(period))
    values.update({k: v for k, v in (("unit_code", unit_code), ("unit_name", unit_name)) if v is not None})
    values.update(info or {})

    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    info_ws = wb.create_sheet(INFO_SHEET)
    data_ws = [wb.create_sheet(s.name) for s in SHEETS]
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"
    book = _Book(lists_ws)

    _write_guide(guide, book, values.get("unit_name") or None, period)  # type: ignore[arg-type]
    _write_info(info_ws, book, values)
    for ws, sheet in zip(data_ws, SHEETS):
        data = rows.get(sheet.name)
        if data is None and plan_prefill and sheet.table == PLAN_TABLE:
            data = _plan_rows(sheet)
        _write_sheet(ws, sheet, book, data or [])
    wb.active = 0
    return wb


def write_workbook(path: str | Path, **kwargs: object) -> None:
    """Build the workbook (see build_workbook for the keyword arguments) and save it as .xlsx at `path`."""
    build_workbook(**kwargs).save(path)  # type: ignore[arg-type]
