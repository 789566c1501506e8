"""Phụ lục số liệu (.xlsx) of the periodic report on Chỉ thị 33/CT-TTg: lays out what etl.report_data.gather returns.

It runs no SQL and computes no rate: every figure is one of `gather`'s, and a «Tổng cộng» row only adds up counts the
rows already carry (its rates are the indicator module's own, never a mean of the rows'). Text is always written as
text, so a value such as «=HYPERLINK(...)» in a workbook a commune sent can never become a formula here."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

COUNT, RATE, DATE = "#,##0", "0.0%", "dd/mm/yyyy"
NO_DENOMINATOR = "Không phát sinh"
NO_DATA = "Không có số liệu"
FORMS = ("Thường xuyên", "Định kỳ", "Đột xuất")
PETITION_TYPES = ("Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh")
PETITION_COUNTS = ("received", "must_resolve", "resolved", "overdue_open", "crowd_cases")
EDGE = Side(style="thin", color="808080")
BOX = Border(left=EDGE, right=EDGE, top=EDGE, bottom=EDGE)
WRAP = Alignment(wrap_text=True, vertical="center")
HEAD = Alignment(wrap_text=True, vertical="center", horizontal="center")


def put(ws: Worksheet, row: int, col: int, value, kind: str = "t", bold: bool = False, box: bool = True):
    """One cell: kind n = count, r = rate (None → «Không phát sinh»), d = date, t = text (never a formula)."""
    if value is None:
        value = NO_DENOMINATOR if kind == "r" else ("" if kind == "d" else NO_DATA)
    cell = ws.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"  # «=…», «+…», «-…», «@…», «#N/A» stay literal text
    elif kind in ("n", "r", "d"):
        cell.number_format = {"n": COUNT, "r": RATE, "d": DATE}[kind]
    cell.alignment = WRAP
    if bold:
        cell.font = Font(bold=True)
    if box:
        cell.border = BOX
    return cell


def title(ws: Worksheet, data: dict, heading: str, form: str, width: int) -> int:
    """Rows 1–2: what the sheet is, the unit and the window; returns the first free row."""
    w = data["window"]
    put(ws, 1, 1, f"{heading} — {data['unit']['name']} — {w.label}", box=False).font = Font(bold=True, size=13)
    note = getattr(w, "running_note", "")
    put(ws, 2, 1, f"{form}. Số liệu từ ngày {w.start:%d/%m/%Y} đến ngày {w.end:%d/%m/%Y}. {note}".strip(), box=False)
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.row_dimensions[1].height = 36
    ws.row_dimensions[2].height = 30
    return 4


def headers(ws: Worksheet, top: int, groups: list) -> int:
    """Bold wrapped header cells; (group, [sub-columns]) gets a merged cell above its sub-columns (two header rows)."""
    two, col = any(not isinstance(g, str) for g in groups), 1
    for g in groups:
        name, subs = (g, [None]) if isinstance(g, str) else g
        put(ws, top, col, name, bold=True).alignment = HEAD
        for i, sub in enumerate(subs):
            if sub:
                put(ws, top + 1, col + i, sub, bold=True).alignment = HEAD
            elif two:
                ws.cell(top + 1, col).border = BOX
        if two:
            last = (top, col + len(subs) - 1) if subs[0] else (top + 1, col)
            ws.merge_cells(start_row=top, start_column=col, end_row=last[0], end_column=last[1])
        col += len(subs)
    return top + (2 if two else 1)


def row(ws: Worksheet, r: int, values: list, kinds: str, bold: bool = False) -> int:
    for c, (v, k) in enumerate(zip(values, kinds), start=1):
        put(ws, r, c, v, k, bold)
    return r + 1


def note(ws: Worksheet, r: int, text: str, width: int) -> int:
    put(ws, r, 1, text, box=False).font = Font(italic=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.row_dimensions[r].height = 30
    return r + 1


def widths(ws: Worksheet, sizes: list[int]) -> None:
    for i, size in enumerate(sizes):
        ws.column_dimensions[get_column_letter(i + 1)].width = size


def pairs(ws: Worksheet, r: int, heading: str, items: list[tuple[str, object, str]]) -> int:
    """A small block «label | value» under a bold heading."""
    put(ws, r, 1, heading, bold=True, box=False)
    for label, value, kind in items:
        r += 1
        put(ws, r, 1, label)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        put(ws, r, 3, value, kind)
    return r + 2


def sheet_tthc(wb: Workbook, data: dict) -> None:
    ws = wb.create_sheet("II.06a - TTHC")
    f = data["figures"]
    r = title(ws, data, "Kết quả giải quyết thủ tục hành chính", "Biểu II.06a/VPCP/KSTT, Thông tư 01/2020/TT-VPCP", 14)
    groups = [
        "STT",
        "Lĩnh vực",
        ("Số hồ sơ nhận giải quyết", ["Tổng số", "Trong đó: Số kỳ trước chuyển qua",
                                      "Trong đó: Số mới tiếp nhận trực tuyến",
                                      "Trong đó: Số mới tiếp nhận trực tiếp, dịch vụ bưu chính"]),
        ("Kết quả giải quyết: Số hồ sơ đã giải quyết",
         ["Tổng số", "Trả đúng thời hạn (gồm trước hạn và đúng hạn)", "Trả quá hạn"]),
        ("Kết quả giải quyết: Số hồ sơ đang giải quyết", ["Tổng số", "Trong hạn", "Quá hạn"]),
        ("Tỷ lệ (Chỉ thị 33)", ["Giải quyết đúng hạn", "Tiếp nhận trực tuyến"]),
    ]  # fmt: skip
    r = headers(ws, r, groups)
    marks = (
        "(A) (B) (1)=(2)+(3)+(4) (2) (3) (4) (5)=(6)+(7) (6) (7) (8)=(9)+(10) (9) (10) (11)=(6)/(5) (12)=(3)/[(3)+(4)]"
    )
    r = row(ws, r, marks.split(), "t" * 14)
    ws.freeze_panes = ws.cell(r, 3)
    kinds = "nt" + "n" * 10 + "rr"
    total = [0] * 10
    for i, t in enumerate(data["tthc_by_field"], start=1):
        resolved = (t["resolved_early"] + t["resolved_on_time"], t["resolved_late"])
        pending = (t["pending_on_time_end"], t["pending_overdue_end"])
        received = (t["carried_over"], t["received_online"], t["received_offline"])
        counts = [sum(received), *received, sum(resolved), *resolved, sum(pending), *pending]
        total = [a + b for a, b in zip(total, counts)]
        r = row(ws, r, [i, t["field"], *counts, t["on_time_rate"], t["online_rate"]], kinds)
    if data["tthc_by_field"]:
        row(ws, r, ["", "Tổng cộng", *total, f["tthc.on_time_rate"], f["tthc.online_rate"]], kinds, bold=True)
    else:
        note(ws, r, "Không có số liệu thủ tục hành chính trong kỳ.", 14)
    widths(ws, [6, 30] + [13] * 12)


def sheet_reception(wb: Workbook, data: dict) -> None:
    ws = wb.create_sheet("01-TCD - Tiếp công dân")
    f, b = data["figures"], data["breakdowns"]
    r = title(ws, data, "Kết quả tiếp công dân", "Theo biểu 01/TCD (Thông tư 06/2025/TT-TTCP)", 6)
    cols = [
        "STT",
        "Hình thức tiếp",
        "Số ngày tiếp",
        "Số lượt tiếp",
        "Số người được tiếp",
        "Số vụ việc",
        "Số đoàn đông người",
    ]
    r = headers(ws, r, cols)
    ws.freeze_panes = ws.cell(r, 1)
    by_form = {x["value"]: x for x in b["reception.form"]}
    names = list(FORMS) + [v for v in by_form if v not in FORMS]
    keys = ("count", "visits", "citizens", "cases", "crowd_groups")
    for i, name in enumerate(names, start=1):
        x = by_form.get(name, {})
        r = row(ws, r, [i, name, *(x.get(k) or 0 for k in keys)], "ntnnnnn")
    total = [sum(x.get(k) or 0 for x in by_form.values()) for k in keys]
    r = row(ws, r, ["", "Tổng cộng", *total], "ttnnnnn", bold=True)
    r = note(ws, r, "«Số ngày tiếp»: số ngày (buổi) tiếp đã ghi sổ; «Số lượt tiếp»: cộng cột «Số lượt tiếp» của sổ.", 7)
    r = headers(ws, r + 1, ["STT", "Người chủ trì", "Số ngày tiếp", "Số người", "Số vụ việc"])
    for i, x in enumerate(b["reception.host"], start=1):
        r = row(ws, r, [i, x["value"], x["count"], x.get("citizens") or 0, x.get("cases") or 0], "ntnnn")
    r += 1
    r = pairs(ws, r, "Chủ tịch UBND xã tiếp công dân định kỳ", [
        ("Số ngày đã tiếp", f["reception.chair_days"], "n"),
        ("Số ngày phải tiếp theo quy định", f["reception.chair_required"], "n"),
        ("Số tuần (tháng) đạt quy định", f["reception.chair_weeks_met"], "n"),
        ("Số tuần (tháng) phải tiếp", f["reception.chair_weeks"], "n"),
        ("Tỷ lệ tuần (tháng) đạt quy định", f["reception.chair_compliance"], "r"),
    ])  # fmt: skip
    answered = sum(x.get("issues_answered") or 0 for x in b["dialogue.mode"])
    pairs(ws, r, "Đối thoại trực tiếp với Nhân dân", [
        ("Số hội nghị đối thoại", f["dialogue.sessions"], "n"),
        ("Số năm phải tổ chức (ít nhất 1 lần/năm)", f["dialogue.required"], "n"),
        ("Số năm đã tổ chức", f["dialogue.required_held"], "n"),
        ("Số người tham dự", f["dialogue.participants"], "n"),
        ("Số ý kiến, kiến nghị", f["dialogue.issues_raised"], "n"),
        ("Số ý kiến đã trả lời, giải quyết", answered, "n"),
        ("Tỷ lệ trả lời", f["dialogue.answer_rate"], "r"),
    ])  # fmt: skip
    widths(ws, [6, 34, 14, 14, 14, 14, 14])


PETITION_HEADERS = [
    "Tổng số đơn tiếp nhận",
    "Đơn thuộc thẩm quyền phải giải quyết",
    "Đã giải quyết",
    "Tỷ lệ giải quyết",
    "Tỷ lệ giải quyết đúng hạn",
    "Quá hạn chưa giải quyết",
    "Vụ việc đông người",
]


def petition_table(ws: Worksheet, r: int, label: str, stats: dict[str, dict], names: list[str], f: dict) -> int:
    r = headers(ws, r, ["STT", label, *PETITION_HEADERS])
    keys = ("received", "must_resolve", "resolved", "resolution_rate", "on_time_rate", "overdue_open", "crowd_cases")
    kinds = "ntnnnrrnn"
    for i, name in enumerate(names, start=1):
        s = stats.get(name)
        values = [s[f"petitions.{k}"] for k in keys] if s else [0, 0, 0, None, None, 0, 0]
        r = row(ws, r, [i, name, *values], kinds)
    total = {k: sum(s[f"petitions.{k}"] for s in stats.values()) for k in PETITION_COUNTS}
    total |= {k: f[f"petitions.{k}"] for k in ("resolution_rate", "on_time_rate")}
    return row(ws, r, ["", "Tổng cộng", *(total[k] for k in keys)], "tt" + kinds[2:], bold=True) + 1


def sheet_petitions(wb: Workbook, data: dict) -> None:
    ws = wb.create_sheet("02-XLD - Xử lý đơn")
    f, by = data["figures"], data["petitions_by"]
    r = title(ws, data, "Kết quả xử lý đơn", "Theo biểu 02/XLD (Thông tư 06/2025/TT-TTCP)", 9)
    ws.freeze_panes = ws.cell(r + 1, 3)
    types = list(PETITION_TYPES) + [t for t in by["petition_type"] if t not in PETITION_TYPES]
    r = petition_table(ws, r, "Loại đơn", by["petition_type"], types, f)
    put(ws, r, 1, "Theo lĩnh vực", bold=True, box=False)
    r = petition_table(ws, r + 1, "Lĩnh vực", by["field"], list(by["field"]), f)
    note(
        ws,
        r,
        "«Tổng số đơn tiếp nhận» gồm cả đơn không thuộc thẩm quyền; các cột sau chỉ tính đơn thuộc thẩm quyền.",
        9,
    )
    widths(ws, [6, 26] + [14] * 7)


def unit_names(data: dict) -> dict[str, str]:
    return {x["unit_code"]: x["name"] for x in data["communes"] + data["missing"]}


def sheet_open_cases(wb: Workbook, data: dict) -> None:
    ws = wb.create_sheet("Đơn chưa giải quyết")
    group = data["unit"]["is_group"]
    cols = ["STT"] + ["Đơn vị"] * group + ["Mã đơn", "Loại đơn", "Lĩnh vực", "Ngày thụ lý", "Hạn giải quyết",
                                           "Số ngày quá hạn"]  # fmt: skip
    r = title(ws, data, "Đơn thuộc thẩm quyền chưa giải quyết", "Danh sách đơn chưa giải quyết đến cuối kỳ", len(cols))
    r = headers(ws, r, cols)
    ws.freeze_panes = ws.cell(r, 1)
    names = unit_names(data)
    for i, c in enumerate(data["open_cases"], start=1):
        unit = [f"{names.get(c['unit_code'], '')} ({c['unit_code']})".lstrip()] * group
        late = c["days_overdue"] or "Còn hạn"
        values = [i, *unit, c["case_id"], c["petition_type"], c["field"], c["accepted"], c["deadline"], late]
        r = row(ws, r, values, "n" + "t" * group + "tttddn")
    if not data["open_cases"]:
        note(ws, r, "Không có đơn thuộc thẩm quyền chưa giải quyết.", len(cols))
    widths(ws, [6] + [30] * group + [16, 20, 22, 13, 13, 12])


def sheet_ranking(wb: Workbook, data: dict) -> None:
    ws = wb.create_sheet("Xếp hạng các xã")
    cols = ["STT", "Mã đơn vị", "Xã", "Số liệu từ ngày", "Đến ngày", "TTHC đúng hạn", "Nộp trực tuyến",
            "Giải quyết đơn", "Đơn quá hạn", "Tiếp dân (Chủ tịch tiếp định kỳ đạt quy định)", "Đối thoại (số hội nghị)",
            "Báo cáo tháng đã nhận/đến hạn"]  # fmt: skip
    r = title(
        ws, data, "Xếp hạng các xã theo tỷ lệ TTHC giải quyết đúng hạn", "Mỗi xã tính trong thời gian tồn tại", 12
    )
    r = headers(ws, r, cols)
    ws.freeze_panes = ws.cell(r, 4)
    ranked = sorted(data["communes"], key=lambda c: (c["tthc.on_time_rate"] is None, -(c["tthc.on_time_rate"] or 0)))
    ids = ("tthc.on_time_rate", "tthc.online_rate", "petitions.resolution_rate", "petitions.overdue_open",
           "reception.chair_compliance", "dialogue.sessions")  # fmt: skip
    for i, c in enumerate(ranked, start=1):
        months = f"{c['reporting.months_received']}/{c['reporting.months_due']}"
        values = [i, c["unit_code"], c["name"], c["start"], c["end"], *(c[k] for k in ids), months]
        r = row(ws, r, values, "nttddrrrnrnt")
    widths(ws, [6, 10, 24, 13, 13, 12, 12, 12, 11, 16, 12, 14])


def sheet_missing(wb: Workbook, data: dict) -> None:
    ws = wb.create_sheet("Chưa nộp đủ báo cáo")
    cols = ["STT", "Mã đơn vị", "Tên đơn vị", "Số tháng đến hạn báo cáo", "Số tháng đã nhận"]
    r = title(ws, data, "Đơn vị chưa nộp đủ báo cáo tháng", "Báo cáo tháng đã đến hạn mà chưa nhận", len(cols))
    r = headers(ws, r, cols)
    ws.freeze_panes = ws.cell(r, 1)
    for i, m in enumerate(data["missing"], start=1):
        r = row(ws, r, [i, m["unit_code"], m["name"], m["months_due"], m["received"]], "nttnn")
    if not data["missing"]:
        note(ws, r, "Tất cả các đơn vị đã nộp đủ báo cáo tháng đến hạn.", len(cols))
    widths(ws, [6, 12, 26, 14, 14])


def appendices(data: dict) -> bytes:
    """The report's appendices as one .xlsx: II.06a, 01/TCD, 02/XLD, open cases and, for a group, the communes."""
    wb = Workbook()
    wb.remove(wb.active)
    sheet_tthc(wb, data)
    sheet_reception(wb, data)
    sheet_petitions(wb, data)
    sheet_open_cases(wb, data)
    if data["unit"]["is_group"]:
        sheet_ranking(wb, data)
        sheet_missing(wb, data)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
