"""The figures on screen as an .xlsx workbook (indicators, loaded workbooks, what the numbers cover), and the
Vietnamese names of every indicator id, shared by the export and the pages."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import streamlit as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from etl import periods, reference, targets
from etl.targets import STATUS_LABELS
from ui import fmt

DIRECTIVE = "Chỉ thị 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ"
COUNT_FORMAT, RATE_FORMAT, TIME_FORMAT = "#,##0", "0.0%", "dd/mm/yyyy hh:mm"
NO_DENOMINATOR = "Không phát sinh"

INDICATOR_NAMES = {  # every id of etl.indicators.compute, in the order of the plan's areas
    "tthc.carried_over": "Hồ sơ TTHC kỳ trước chuyển qua",
    "tthc.received_new": "Hồ sơ TTHC tiếp nhận mới",
    "tthc.received_online": "Hồ sơ TTHC tiếp nhận trực tuyến",
    "tthc.resolved": "Hồ sơ TTHC đã giải quyết",
    "tthc.resolved_late": "Hồ sơ TTHC giải quyết quá hạn",
    "tthc.pending_end": "Hồ sơ TTHC đang giải quyết cuối kỳ",
    "tthc.pending_overdue_end": "Hồ sơ TTHC đang giải quyết đã quá hạn cuối kỳ",
    "tthc.on_time_rate": "Tỷ lệ giải quyết TTHC đúng hạn",
    "tthc.online_rate": "Tỷ lệ hồ sơ TTHC nộp trực tuyến",
    "petitions.received": "Đơn thư tiếp nhận",
    "petitions.must_resolve": "Đơn thư thuộc thẩm quyền phải giải quyết",
    "petitions.resolved": "Đơn thư đã giải quyết",
    "petitions.resolution_rate": "Tỷ lệ giải quyết đơn thư",
    "petitions.on_time_rate": "Tỷ lệ giải quyết đơn thư đúng hạn",
    "petitions.overdue_open": "Đơn thư quá hạn chưa giải quyết",
    "petitions.crowd_cases": "Vụ việc đông người",
    "reception.days": "Ngày tiếp công dân",
    "reception.citizens": "Lượt công dân được tiếp",
    "reception.cases": "Vụ việc tiếp nhận khi tiếp công dân",
    "reception.crowd_groups": "Đoàn đông người được tiếp",
    "reception.chair_days": "Ngày Chủ tịch tiếp công dân định kỳ",
    "reception.chair_required": "Ngày Chủ tịch phải tiếp công dân theo quy định",
    "reception.chair_weeks": "Tuần (tháng) Chủ tịch phải tiếp công dân định kỳ",
    "reception.chair_weeks_met": "Tuần (tháng) Chủ tịch tiếp công dân đủ quy định",
    "reception.chair_compliance": "Tỷ lệ tuần Chủ tịch tiếp công dân đúng quy định",
    "dialogue.sessions": "Hội nghị đối thoại với Nhân dân",
    "dialogue.required": "Hội nghị đối thoại tối thiểu theo quy định",
    "dialogue.required_held": "Xã-năm đã tổ chức hội nghị đối thoại",
    "dialogue.participants": "Lượt người dự đối thoại",
    "dialogue.issues_raised": "Ý kiến, kiến nghị nêu tại đối thoại",
    "dialogue.answer_rate": "Tỷ lệ ý kiến được trả lời tại đối thoại",
    "discipline.decisions": "Quyết định kỷ luật cán bộ, công chức",
    "discipline.harassment": "Kỷ luật vì sách nhiễu, cửa quyền, hách dịch",
    "inspection.count": "Đợt kiểm tra công vụ",
    "inspection.officials_checked": "Cán bộ, công chức được kiểm tra",
    "inspection.violations": "Vi phạm phát hiện qua kiểm tra công vụ",
    "outreach.events": "Hoạt động tuyên truyền, phổ biến",
    "outreach.participants": "Lượt người dự tuyên truyền",
    "supervision.events": "Hoạt động giám sát, phản biện của MTTQ và các đoàn thể",
    "supervision.recommendations": "Kiến nghị qua giám sát, phản biện",
    "supervision.acceptance_rate": "Tỷ lệ kiến nghị được tiếp thu",
    "emulation.models": "Mô hình «Dân vận khéo» được công nhận",
    "plan.tasks": "Nhiệm vụ trong kế hoạch",
    "plan.done_rate": "Tỷ lệ nhiệm vụ kế hoạch đã hoàn thành",
    "reporting.expected": "Đơn vị có báo cáo tháng đã đến hạn",
    "reporting.received": "Đơn vị đã nộp đủ các báo cáo tháng đã đến hạn",
    "reporting.on_time": "Đơn vị nộp đúng hạn mọi báo cáo tháng đã đến hạn",
    "reporting.months_due": "Báo cáo tháng đã đến hạn",
    "reporting.months_received": "Báo cáo tháng đã nhận",
    "reporting.months_on_time": "Báo cáo tháng nộp đúng hạn",
    "reporting.completeness": "Tỷ lệ nộp đủ (báo cáo đã nhận / đã đến hạn)",
    "reporting.timeliness": "Tỷ lệ nộp đúng hạn (báo cáo đúng hạn / đã đến hạn)",
}
AREAS = {
    "tthc": "Cải cách hành chính",
    "petitions": "Đơn thư, khiếu nại, tố cáo",
    "reception": "Tiếp công dân, đối thoại",
    "dialogue": "Tiếp công dân, đối thoại",
    "discipline": "Kỷ luật, kiểm tra công vụ",
    "inspection": "Kỷ luật, kiểm tra công vụ",
    "outreach": "Tuyên truyền, giám sát",
    "supervision": "Tuyên truyền, giám sát",
    "emulation": "Dân vận khéo",
    "plan": "Tiến độ kế hoạch",
    "reporting": "Báo cáo của các đơn vị",
}


def when(moment: datetime | None) -> str:
    return moment.strftime("%d/%m/%Y %H:%M") if moment else ""


def rows_text(rows_json: str) -> str:
    """{"TTHC": 6, "Đơn thư": 12} -> 'TTHC 6 · Đơn thư 12'."""
    return " · ".join(f"{sheet} {fmt.num(n)}" for sheet, n in json.loads(rows_json or "{}").items())


def warnings(warnings_json: str) -> list[dict]:
    """The load's warnings, each {"where": "Đơn thư!D14", "message": "..."}."""
    return json.loads(warnings_json or "[]")


def loads_table(loads: list[dict]) -> list[dict]:
    """The loaded workbooks with Vietnamese column names; times stay datetimes (the page formats them, the sheet keeps them)."""
    units = reference.units()
    return [
        {
            "Bản nạp số": r["load_id"],
            "Đơn vị": units.get(r["unit_code"]).name if units.get(r["unit_code"]) else r["unit_code"],
            "Kỳ": periods.parse(r["period_key"]).label,
            "Tệp": r["file_name"],
            "Nhận lần đầu": r["first_received_at"],
            "Nạp lúc": r["loaded_at"],
            "Số dòng": rows_text(r["rows_json"]),
            "Cảnh báo": len(warnings(r["warnings_json"])),
            "Thay thế bản": r["replaced_load_id"],
        }
        for r in loads
    ]


def judged(ind: str, figures: dict, unit_code: str, end: date) -> tuple[float | None, str, str]:
    """Target value, the verdict in words (etl.targets.assess: the same sentence as the cards) and the target's source;
    a year-end target before the year end is named with «xét vào cuối năm»."""
    a = targets.assess(ind, figures, unit_code, end)
    if a.target is None:
        return None, "", ""
    words = (STATUS_LABELS[a.status] + (f" ({a.verdict})" if ":" in a.verdict else "")) if a.status else a.verdict
    return a.target.value, words or NO_DENOMINATOR, a.target.source


def _append(ws, values: list) -> int:
    """One row, and its number; every text written as text, so a file name, a warning quoting a cell, a unit or a
    source that starts with = + - @ is never a formula in the downloaded workbook. (Cells are made here rather than
    read back through ws.max_row, which scans every cell: a loop over rows would be quadratic.)"""
    cells = []
    for v in values:
        cell = Cell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
        if isinstance(v, str):
            cell.data_type = "s"
        cells.append(cell)
    ws.append(cells)
    return cells[0].row


def _value(cell, ind: str, value) -> None:
    if value is None:
        cell.value = NO_DENOMINATOR if targets.is_rate(ind) else None
        return
    cell.value = value
    cell.number_format = RATE_FORMAT if targets.is_rate(ind) else COUNT_FORMAT


def _header(ws, names: list[str], widths: list[int]) -> None:
    _append(ws, names)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
        head = ws.cell(1, i)
        head.font, head.fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
        head.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _indicators_sheet(ws, view) -> None:
    sel, figures, before = view.sel, view.figures(), view.previous()
    heads = ["Lĩnh vực", "Chỉ số", "Giá trị", "Chỉ tiêu", "Đánh giá", "Nguồn chỉ tiêu"]
    c = sel.window.compare
    if before is not None:  # the windows etl.windows chose: the same months of each period
        heads += [f"Cùng các tháng kỳ này ({c.label_now})", f"Kỳ so sánh ({c.label})", "Thay đổi"]
    _header(ws, heads, [26, 52, 14, 12, 24, 48, 22, 22, 16])
    for ind, name in INDICATOR_NAMES.items():
        target, status, source = judged(ind, figures, sel.code, sel.end)
        row = _append(ws, [AREAS[ind.split(".")[0]], name, None, None, status, source])
        _value(ws.cell(row, 3), ind, figures.get(ind))
        if target is not None:
            _value(ws.cell(row, 4), ind, target)
        if before is not None:
            _value(ws.cell(row, 7), ind, before.now.get(ind))
            _value(ws.cell(row, 8), ind, before.then.get(ind))
            ws.cell(row, 9).value = fmt.change_text(targets.is_rate(ind), before.now.get(ind), before.then.get(ind))


def _loads_sheet(ws, view) -> None:
    table = loads_table(view.detail("loads"))
    heads = [
        "Bản nạp số",
        "Đơn vị",
        "Kỳ",
        "Tệp",
        "Nhận lần đầu",
        "Nạp lúc",
        "Số dòng",
        "Cảnh báo",
        "Nội dung cảnh báo",
        "Thay thế bản",
    ]
    _header(ws, heads, [11, 24, 16, 28, 17, 17, 60, 10, 60, 12])
    for rec, raw in zip(table, view.detail("loads")):
        text = "\n".join(f"{w['where']}: {w['message']}" for w in warnings(raw["warnings_json"]))
        row = _append(ws, [rec[h] for h in heads[:8]] + [text, rec["Thay thế bản"]])
        ws.cell(row, 5).number_format = ws.cell(row, 6).number_format = TIME_FORMAT


def _info_sheet(ws, view, generated: datetime) -> None:
    sel = view.sel
    rows = [
        ("Đơn vị", f"{sel.unit.name} (mã {sel.code})"),
        ("Kỳ báo cáo", sel.label),
        ("Ghi chú về kỳ", " ".join(t for t in (sel.window.running_note, sel.window.note) if t) or "–"),
        ("Từ ngày", sel.start.strftime("%d/%m/%Y")),
        ("Đến ngày", sel.end.strftime("%d/%m/%Y")),
        ("So sánh", sel.window.phrase if sel.window.compare else "Không so sánh"),
        ("Thời điểm xuất", when(generated)),
        ("Căn cứ", f"Kế hoạch thực hiện {DIRECTIVE}"),
        ("Nguồn số liệu", "Các tệp báo cáo của đơn vị đã nạp vào hệ thống (xem trang «Tệp đã nạp»)."),
        (
            "Ghi chú",
            "Tỷ lệ của nhiều đơn vị hoặc nhiều kỳ là tỷ số của các tổng, không phải trung bình các tỷ lệ. "
            "«Không phát sinh»: không có mẫu số để tính tỷ lệ.",
        ),
    ]
    if sel.roll_forward:
        rows.append(("Gộp số liệu", "Đã gộp số liệu các xã cũ sáp nhập vào xã này (trước 01/7/2025)."))
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 18, 90
    for label, value in rows:
        row = _append(ws, [label, value])
        ws.cell(row, 1).font = Font(bold=True)
        ws.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")


BUILDS = {"workbooks": 0}  # how many workbooks figures_workbook built (tests: a rerun builds none)


def cached_workbook(view) -> bytes:
    """figures_workbook for the view, built once per database version (and day) and selection: a rerun of the page
    (any widget) serves the same bytes instead of rebuilding them. «Thời điểm xuất» is when it was built."""
    return _cached_workbook(str(view.path), view.version, repr(view.sel), view)


EAGER_LOADS = 2_000  # up to this many loaded workbooks the export is built with the page; beyond, on the click


def download_data(view):
    """What the «Tải bảng chỉ số» button serves: the workbook's bytes for a selection of up to EAGER_LOADS workbooks,
    else a function Streamlit calls when the button is clicked (a province's years hold tens of thousands of loads:
    building their sheet on every page view would cost seconds nobody asked for)."""
    if len(view.detail("loads")) <= EAGER_LOADS:
        return cached_workbook(view)
    return lambda: cached_workbook(view)


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_workbook(path: str, version: tuple, selection: str, _view) -> bytes:
    return figures_workbook(_view)


def figures_workbook(view, generated: datetime | None = None) -> bytes:
    """«Chỉ số», «Tệp đã nạp» and «Thông tin» for the view's unit and range, as .xlsx bytes."""
    BUILDS["workbooks"] += 1
    book = Workbook()
    _indicators_sheet(book.active, view)
    book.active.title = "Chỉ số"
    _loads_sheet(book.create_sheet("Tệp đã nạp"), view)
    _info_sheet(book.create_sheet("Thông tin"), view, generated or datetime.now())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
