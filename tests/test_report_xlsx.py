"""The report's appendices (.xlsx): every figure in the workbook is the indicator implementation's (the `gather` dict,
and `indicators.compute` called directly for the totals), counts/rates/dates are real numbers and dates with their
formats, no personal name or note is written, and text that looks like a formula stays text."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from types import SimpleNamespace

import openpyxl
import pytest

from etl import db, indicators
from etl.config import DEMO_DB
from etl.report_data import gather
from etl.report_xlsx import appendices

TODAY = date(2026, 11, 29)
CASES = [("X04", "2026Q1"), ("X04", "2025H2"), ("NX03", "2024"), ("38", "2025")]
BASE = ["II.06a - TTHC", "01-TCD - Tiếp công dân", "02-XLD - Xử lý đơn", "Đơn chưa giải quyết"]
GROUP = ["Xếp hạng các xã", "Chưa nộp đủ báo cáo"]
TTHC_COLUMNS = {3: "carried_over", 4: "received_online", 5: "received_offline", 8: "resolved_late"}
TTHC_COLUMNS |= {10: "pending_on_time_end", 11: "pending_overdue_end"}
PAIRS = {"Số ngày đã tiếp": "reception.chair_days", "Số ngày phải tiếp theo quy định": "reception.chair_required",
         "Số tuần (tháng) đạt quy định": "reception.chair_weeks_met",
         "Số tuần (tháng) phải tiếp": "reception.chair_weeks", "Số hội nghị đối thoại": "dialogue.sessions",
         "Số năm phải tổ chức (ít nhất 1 lần/năm)": "dialogue.required", "Số năm đã tổ chức": "dialogue.required_held",
         "Số người tham dự": "dialogue.participants", "Số ý kiến, kiến nghị": "dialogue.issues_raised"}  # fmt: skip
PETITION_KEYS = "received must_resolve resolved resolution_rate on_time_rate overdue_open crowd_cases".split()


@pytest.fixture(scope="module")
def con():
    c = db.connect(DEMO_DB, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module", params=CASES, ids=[f"{c}-{k}" for c, k in CASES])
def built(request, con):
    code, key = request.param
    data = gather(con, code, key, today=TODAY)
    totals = indicators.compute(con, code, data["window"].start, data["window"].end, today=TODAY)
    assert data["figures"] == totals
    return data, totals, openpyxl.load_workbook(io.BytesIO(appendices(data)))


def block(ws, label: str) -> list[tuple]:
    """The data rows (STT a number, or «Tổng cộng») of the table whose header row holds `label`, as cell tuples."""
    top = next(r for r in range(1, ws.max_row + 1) if label in [c.value for c in ws[r]])
    out = []
    for cells in ws.iter_rows(min_row=top + 1):
        a, b = cells[0].value, cells[1].value
        if isinstance(a, int) or b == "Tổng cộng":
            out.append(cells)
            if b == "Tổng cộng":
                break
        elif out and a is None and b is None:
            break
    return out


def values(cells) -> list:
    return [c.value for c in cells]


def pair(ws, label: str):
    return next(ws.cell(r, 3) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def rate(cell, expected):
    """A rate is a number formatted 0.0 %, or the words «Không phát sinh» when it has no denominator."""
    want = ("Không phát sinh", "General") if expected is None else (pytest.approx(expected), "0.0%")
    assert (cell.value, cell.number_format) == want, cell.coordinate


def count(cell, expected):
    assert cell.value == expected and cell.number_format == "#,##0", (cell.coordinate, cell.value, expected)


def test_sheets_titles_and_layout(built):
    data, _, wb = built
    assert wb.sheetnames == BASE + GROUP * data["unit"]["is_group"]
    for ws in wb:
        assert data["unit"]["name"] in ws["A1"].value and data["window"].label in ws["A1"].value
        assert ws.freeze_panes and ws.column_dimensions["B"].width >= 10
        header = next(r for r in range(1, 8) if ws.cell(r, 1).value == "STT")
        assert all(c.font.b and c.alignment.wrap_text for c in ws[header] if c.value)


def test_tthc_by_field_and_totals(built):
    data, f, wb = built
    rows = block(wb["II.06a - TTHC"], "Lĩnh vực")
    assert [r[1].value for r in rows] == [t["field"] for t in data["tthc_by_field"]] + ["Tổng cộng"]
    for cells, t in zip(rows, data["tthc_by_field"]):
        count(cells[7], t["resolved_early"] + t["resolved_on_time"])
        for i, k in TTHC_COLUMNS.items():
            count(cells[i], t[k])
        rate(cells[12], t["on_time_rate"])
        rate(cells[13], t["online_rate"])
    total = values(rows[-1])
    assert total[4] + total[5] == f["tthc.received_new"] and total[4] == f["tthc.received_online"]
    assert total[3] == f["tthc.carried_over"] and total[2] == f["tthc.carried_over"] + f["tthc.received_new"]
    assert total[6] == f["tthc.resolved"] and total[8] == f["tthc.resolved_late"] and total[9] == f["tthc.pending_end"]
    assert total[11] == f["tthc.pending_overdue_end"]
    rate(rows[-1][12], f["tthc.on_time_rate"])
    rate(rows[-1][13], f["tthc.online_rate"])


def test_reception_and_dialogue(built):
    data, f, wb = built
    ws = wb["01-TCD - Tiếp công dân"]
    rows = block(ws, "Hình thức tiếp")
    by_form = {x["value"]: x for x in data["breakdowns"]["reception.form"]}
    assert [r[1].value for r in rows[:3]] == ["Thường xuyên", "Định kỳ", "Đột xuất"]
    for cells in rows[:-1]:
        x = by_form.get(cells[1].value, {})
        for cell, k in zip(cells[2:], ("count", "visits", "citizens", "cases", "crowd_groups")):
            count(cell, x.get(k, 0))
    keys = ("reception.days", "reception.citizens", "reception.cases", "reception.crowd_groups")
    total = values(rows[-1])[2:]
    assert total[:1] + total[2:] == [f[k] for k in keys]
    assert total[1] == sum(x["visits"] or 0 for x in by_form.values())  # «Số lượt tiếp»: the register's visits
    hosts = block(ws, "Người chủ trì")
    expected = [[x["value"], x["count"], x["citizens"], x["cases"]] for x in data["breakdowns"]["reception.host"]]
    assert [values(r)[1:5] for r in hosts] == expected
    assert sum(r[2].value for r in hosts) == f["reception.days"]
    for label, k in PAIRS.items():
        count(pair(ws, label), f[k])
    rate(pair(ws, "Tỷ lệ tuần (tháng) đạt quy định"), f["reception.chair_compliance"])
    rate(pair(ws, "Tỷ lệ trả lời"), f["dialogue.answer_rate"])
    answered = pair(ws, "Số ý kiến đã trả lời, giải quyết").value
    assert answered == sum(x["issues_answered"] for x in data["breakdowns"]["dialogue.mode"])
    if f["dialogue.issues_raised"]:
        assert answered / f["dialogue.issues_raised"] == pytest.approx(f["dialogue.answer_rate"])


@pytest.mark.parametrize("by, label", [("petition_type", "Loại đơn"), ("field", "Lĩnh vực")])
def test_petitions_by_type_and_field(built, by, label):
    data, f, wb = built
    rows = block(wb["02-XLD - Xử lý đơn"], label)
    stats = data["petitions_by"][by]
    assert set(stats) <= {r[1].value for r in rows[:-1]}
    for cells in rows[:-1]:
        s = stats.get(cells[1].value)
        for cell, k in zip(cells[2:], PETITION_KEYS):
            v = s[f"petitions.{k}"] if s else (None if k.endswith("rate") else 0)
            rate(cell, v) if k.endswith("rate") else count(cell, v)
    for cell, k in zip(rows[-1][2:], PETITION_KEYS):
        rate(cell, f[f"petitions.{k}"]) if k.endswith("rate") else count(cell, f[f"petitions.{k}"])


def test_open_cases(built):
    data, f, wb = built
    group = data["unit"]["is_group"]
    rows = [values(r) for r in block(wb["Đơn chưa giải quyết"], "Mã đơn")]
    cases = data["open_cases"]
    assert [r[1 + group] for r in rows] == [c["case_id"] for c in cases] and len(rows) == len(cases) > 0
    for r, c in zip(rows, cases):
        if group:
            assert r[1].endswith(f"({c['unit_code']})") and not r[1].startswith("(")
        assert r[2 + group : 4 + group] == [c["petition_type"], c["field"]]
        assert r[4 + group] == datetime.combine(c["accepted"], datetime.min.time())
        assert r[-1] == (c["days_overdue"] or "Còn hạn")
    date_cell = block(wb["Đơn chưa giải quyết"], "Mã đơn")[0][4 + group]
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy"
    assert sum(isinstance(r[-1], int) for r in rows) == f["petitions.overdue_open"]


def test_group_ranking_and_missing(built):
    data, _, wb = built
    if not data["unit"]["is_group"]:
        return
    rows = [values(r) for r in block(wb["Xếp hạng các xã"], "Xã")]
    assert len(rows) == len(data["communes"]) == 22
    on_time = [r[5] for r in rows]
    assert on_time == sorted(on_time, reverse=True)
    by_code = {c["unit_code"]: c for c in data["communes"]}
    ids = ("tthc.on_time_rate", "tthc.online_rate", "petitions.resolution_rate", "petitions.overdue_open")
    ids += ("reception.chair_compliance", "dialogue.sessions")
    for r in rows:
        c = by_code[r[1]]
        assert r[2] == c["name"] and r[3].date() == c["start"] and r[4].date() == c["end"]
        assert r[5:11] == [pytest.approx(c[k]) if c[k] is not None else "Không phát sinh" for k in ids]
        assert r[11] == f"{c['reporting.months_received']}/{c['reporting.months_due']}"
    missing = [values(r)[1:] for r in block(wb["Chưa nộp đủ báo cáo"], "Tên đơn vị")]
    assert missing == [[m["unit_code"], m["name"], m["months_due"], m["received"]] for m in data["missing"]]
    assert missing and data["figures"]["reporting.months_received"] < data["figures"]["reporting.months_due"]


def test_no_personal_names_or_notes(built, con):
    _, _, wb = built
    people = {v for row in con.execute("select prepared_by, approved_by from reports").fetchall() for v in row if v}
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            text = [v for v in row if isinstance(v, str)]
            assert not any(h in v for v in text for h in ("Ghi chú", "Họ tên", "Người lập", "Người duyệt"))
            assert not set(text) & people  # the demo holds roles there; a real file holds names


EVIL = '=HYPERLINK("http://x","y")'


def hand_built() -> dict:
    """A group's data dict by hand, with formula-looking text everywhere a workbook's text can reach the appendix."""
    pet = {f"petitions.{k}": None if k.endswith("rate") else 0 for k in PETITION_KEYS}
    commune = {"unit_code": "Z1", "name": "+Xã Z", "start": date(2025, 1, 1), "end": date(2025, 3, 31)}
    commune |= {"tthc.on_time_rate": None, "tthc.online_rate": 0.5, "petitions.resolution_rate": None}
    commune |= {"petitions.overdue_open": 0, "reception.chair_compliance": None, "dialogue.sessions": 0}
    commune |= {"reporting.months_received": 2, "reporting.months_due": 3}
    tthc = {"field": EVIL, "received_online": 1, "received_offline": 1, "resolved_early": 0, "resolved_on_time": 1}
    tthc |= {"resolved_late": 0, "carried_over": 0, "pending_on_time_end": 1, "pending_overdue_end": 0}
    f = {"tthc.on_time_rate": 1.0, "tthc.online_rate": 0.5, "dialogue.answer_rate": None} | pet
    f |= {k: 0 for k in ("reception.chair_days", "reception.chair_required", "reception.chair_weeks_met")}
    f |= {k: 0 for k in ("reception.chair_weeks", "dialogue.sessions", "dialogue.required", "dialogue.required_held")}
    f |= {"reception.chair_compliance": None, "dialogue.participants": 0, "dialogue.issues_raised": 0}
    case = {"unit_code": "Z1", "case_id": "-1+1", "petition_type": "@SUM(A1)", "field": "\t=1+1", "days_overdue": 0}
    case |= {"accepted": date(2025, 2, 1), "deadline": None, "note": "Ông Nguyễn Văn Ghi phản ánh", "name": "Lê Thị B"}
    return {
        "unit": {"code": "G", "name": "=Nhóm G", "level": "tinh", "is_group": True},
        "window": SimpleNamespace(start=date(2025, 1, 1), end=date(2025, 3, 31), label="Quý I/2025", running_note=""),
        "figures": f,
        "tthc_by_field": [tthc | {"on_time_rate": 1.0, "online_rate": 0.5}],
        "petitions_by": {"petition_type": {"=cmd|' /C calc'!A0": pet}, "field": {"\r=1": pet}},
        "breakdowns": {
            "reception.form": [{"value": "-Khác", "count": 1, "citizens": 2, "cases": 1, "crowd_groups": 0}],
            "reception.host": [{"value": "=Chủ tịch", "count": 1, "citizens": 2, "cases": 1}],
            "dialogue.mode": [],
        },
        "open_cases": [case],
        "communes": [commune],
        "missing": [{"unit_code": "Z1", "name": "+Xã Z", "months_due": 3, "received": 2}],
    }


def test_formula_looking_text_stays_text():
    raw = appendices(hand_built())
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells}
    for literal in (EVIL, "+Xã Z", "-1+1", "@SUM(A1)", "\t=1+1", "=cmd|' /C calc'!A0", "\r=1", "-Khác", "=Chủ tịch"):
        assert literal in texts, literal
    assert wb["II.06a - TTHC"]["A1"].value.startswith("Kết quả") and "=Nhóm G" in wb["II.06a - TTHC"]["A1"].value
    assert not any("Nguyễn Văn Ghi" in t or "Lê Thị B" in t for t in texts if isinstance(t, str))
    assert "Còn hạn" in texts and "Không phát sinh" in texts
