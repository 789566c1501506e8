"""Comparison windows (indicators.md, «Aggregation — the traps» item 5, and «Reporting»): a running period is covered up
to its last month due and compared over the same months; completeness has one definition on every screen; target
verdicts, change texts and «Cần chú ý» items explain themselves.

`today` is always fixed (TODAY = 29/11/2026 for the demo, whose data runs 01/2023–10/2026); nothing reads the clock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime

import pytest

from etl import attention, compare, config, db, numbers, periods, targets, windows
from etl.indicators import compute, scope
from tests._workbooks import book, load_ok, tthc_row
from tests.conftest import ROOT
from tests.test_indicators import petition, reception

TODAY = date(2026, 11, 29)  # October 2026 is due (31/10 + 10 = 10/11), November is not


@pytest.fixture(scope="session")
def demo_db():
    if not config.DEMO_DB.exists():
        subprocess.run([sys.executable, "-m", "etl", "demo", "--if-missing"], cwd=ROOT, check=True)
    return config.DEMO_DB


@pytest.fixture(scope="module")
def demo_con(demo_db):
    con = db.connect(demo_db, read_only=True)
    yield con
    con.close()


def resolve(code, key, mode, today=TODAY, roll_forward=False) -> windows.Window:
    p = periods.parse(key)
    return windows.resolve(code, p.start, p.end, p.kind, mode, today, roll_forward)


def month_keys(start, end, shift=0) -> list[str]:
    return [periods.shift_months(m.start, shift).strftime("%Y-%m") for m in periods.months(start, end)]


def iso(*days: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(d) for d in days)


# ==================================================================================== windows.resolve, fixed today
# (unit, period, mode, today, roll forward, headline, running, label, compare (start, end, now start, now end) | None,
#  words in the phrase, or in the note when there is no comparison)
TEST_CASES_RESOLVE = [
    # Oct 2026 due on 10/11 <= 29/11: T1–T10/2026 against T1–T10/2025, never against the whole of 2025
    ("38", "2026", "cung_ky", TODAY, False, ("2026-01-01", "2026-10-31"), True, "10 tháng đầu năm 2026",
     ("2025-01-01", "2025-10-31", "2026-01-01", "2026-10-31"), "10 tháng đầu năm 2026 so với cùng kỳ năm 2025"),
    # the deadline day itself: 31/10 + 10 days = 10/11 <= today -> October is covered
    ("38", "2026", "cung_ky", date(2026, 11, 10), False, ("2026-01-01", "2026-10-31"), True, "10 tháng đầu năm 2026",
     ("2025-01-01", "2025-10-31", "2026-01-01", "2026-10-31"), "so với cùng kỳ năm 2025"),
    # one day before: October is not due yet -> covered to September
    ("38", "2026", "cung_ky", date(2026, 11, 9), False, ("2026-01-01", "2026-09-30"), True, "9 tháng năm 2026",
     ("2025-01-01", "2025-09-30", "2026-01-01", "2026-09-30"), "so với cùng kỳ năm 2025"),
    # Hóa Quỳ (new) exists from 01/07/2025: compared over the months both windows cover, T7–T10
    ("X04", "2026", "cung_ky", TODAY, False, ("2026-01-01", "2026-10-31"), True, "10 tháng đầu năm 2026",
     ("2025-07-01", "2025-10-31", "2026-07-01", "2026-10-31"), "thành lập"),
    # rolled forward: its predecessors' figures fill T1–T6/2025
    ("X04", "2026", "cung_ky", TODAY, True, ("2026-01-01", "2026-10-31"), True, "10 tháng đầu năm 2026",
     ("2025-01-01", "2025-10-31", "2026-01-01", "2026-10-31"), "gộp"),
    ("X04", "2025H2", "truoc", TODAY, False, ("2025-07-01", "2025-12-31"), False, "6 tháng cuối năm 2025", None,
     "Gộp số liệu các xã cũ"),
    ("38", "2026-11", "truoc", TODAY, False, ("2026-11-01", "2026-11-30"), True, "Tháng 11/2026", None,
     "chưa có tháng nào đến hạn"),
    ("38", "2024", "truoc", TODAY, False, ("2024-01-01", "2024-12-31"), False, "Năm 2024",
     ("2023-01-01", "2023-12-31", "2024-01-01", "2024-12-31"), "Năm 2024 so với năm 2023"),
    # Q4/2026 is covered to October; the previous quarter is cut to its first month as well
    ("38", "2026Q4", "truoc", TODAY, False, ("2026-10-01", "2026-10-31"), True, "Tháng 10/2026",
     ("2026-07-01", "2026-07-31", "2026-10-01", "2026-10-31"), "so với tháng 7/2026"),
]  # fmt: skip


@pytest.mark.parametrize(
    "code, key, mode, today, roll, headline, running, label, cmp, words",
    TEST_CASES_RESOLVE,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}-roll{c[4]}" for c in TEST_CASES_RESOLVE],
)
def test_resolve(code, key, mode, today, roll, headline, running, label, cmp, words):
    w = resolve(code, key, mode, today, roll)
    assert (w.start, w.end, w.running, w.label) == (*iso(*headline), running, label)
    assert bool(w.running_note) == running
    if cmp is None:
        assert w.compare is None and words in w.note and w.phrase == label
        return
    c = w.compare
    assert (c.start, c.end, c.now_start, c.now_end) == iso(*cmp)
    assert words in w.phrase
    # the compared months are the current ones shifted back by one constant step: never more of them
    step = periods.month_count(c.start, c.now_start) - 1
    assert month_keys(c.start, c.end, step) == month_keys(c.now_start, c.now_end)
    assert w.start <= c.now_start and c.now_end <= w.end
    if code == "X04" and not roll:
        assert c.start >= date(2025, 7, 1) and c.trimmed and "thành lập" in c.basis
    if roll:
        assert c.basis.startswith("gộp") and not c.trimmed


# ==================================================================================== the CLI
def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", "indicators", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"CH33_REFERENCE": str(config.REFERENCE_DIR)},
    )


def cli_json(demo_db, code: str, key: str = "2026") -> dict:
    run = cli("--db", str(demo_db), "--unit", code, "--period", key, "--compare", "cung_ky", "--today", str(TODAY))
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_cli_running_year_is_compared_with_the_same_months(demo_db):
    out = cli_json(demo_db, "38")
    assert (out["start"], out["end"], out["running"]) == ("2026-01-01", "2026-10-31", True)
    assert out["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    c = out["compare"]
    assert (c["start"], c["end"], c["mode"]) == ("2025-01-01", "2025-10-31", "cung_ky")
    assert set(c["indicators"]) == set(out["indicators"]) and len(out["indicators"]) > 40
    assert (c["current"]["start"], c["current"]["end"]) == (out["start"], out["end"])


def test_cli_new_commune_compare_is_compute_over_the_months_both_windows_cover(demo_db, demo_con):
    out = cli_json(demo_db, "X04")
    c, now = out["compare"], out["compare"]["current"]
    assert c["start"] >= "2025-07-01" and "thành lập" in c["basis"]
    a, b, na, nb = iso(c["start"], c["end"], now["start"], now["end"])
    assert month_keys(a, b, 12) == month_keys(na, nb) == ["2026-07", "2026-08", "2026-09", "2026-10"]
    # one implementation: every side is compute() over its window
    assert c["indicators"] == compute(demo_con, "X04", a, b, today=TODAY)
    assert now["indicators"] == compute(demo_con, "X04", na, nb, today=TODAY)
    assert out["indicators"] == compute(demo_con, "X04", date(2026, 1, 1), date(2026, 10, 31), today=TODAY)


def test_cli_invalid_today_is_a_vietnamese_error(demo_db):
    run = cli("--db", str(demo_db), "--unit", "38", "--period", "2026", "--today", "2026-13-01")
    assert run.returncode == 2 and run.stdout == ""
    assert "2026-13-01" in run.stderr and "không hợp lệ" in run.stderr and "Traceback" not in run.stderr


# ==================================================================================== regression: running vs whole year
def test_running_year_is_not_compared_with_a_whole_year(demo_con):
    out = windows.figures(demo_con, "38", resolve("38", "2026", "cung_ky"), today=TODAY)
    c = out["compare"]
    assert periods.month_count(*iso(c["start"], c["end"])) == periods.month_count(*iso(out["start"], out["end"])) == 10
    # unit-months due: 2026 = 6 new communes x 10; T1–T10/2025 = 16 old x 6 + 6 new x 4 (not x 6: Nov, Dec excluded)
    assert out["indicators"]["reporting.months_due"] == 60
    assert c["indicators"]["reporting.months_due"] == 16 * 6 + 6 * 4


# ==================================================================================== completeness: one definition
TEST_CASES_COMPLETENESS = [("X04", "2026"), ("38", "2026"), ("NX03", "2024"), ("NX", "2024")]


@pytest.mark.parametrize("code, key", TEST_CASES_COMPLETENESS, ids=[f"{c}-{k}" for c, k in TEST_CASES_COMPLETENESS])
def test_completeness_is_the_same_on_every_screen(demo_con, code, key):
    w = resolve(code, key, None)
    figures = compute(demo_con, code, w.start, w.end, today=TODAY)
    table = compare.reporting_table(demo_con, code, w.start, w.end, today=TODAY)
    rows = compare.commune_figures(demo_con, code, w.start, w.end, today=TODAY)
    for rate in ("completeness", "timeliness"):
        assert figures[f"reporting.{rate}"] == table["totals"][rate]
    assert figures["reporting.months_due"] == table["totals"]["expected"] > 0
    assert rows[0]["unit_code"] == code
    assert rows[0]["reporting.completeness"] == rows[0]["reporting.month_rate"] == figures["reporting.completeness"]
    per_unit = {r["unit_code"]: (r["completeness"], r["timeliness"]) for r in table["per_unit"]}
    assert {r["unit_code"]: (r["reporting.completeness"], r["reporting.timeliness"]) for r in rows[1:]} == per_unit
    # months not due yet do not count: the whole selected period gives the headline's rate
    whole = compute(demo_con, code, w.period_start, w.period_end, today=TODAY)
    assert whole["reporting.completeness"] == figures["reporting.completeness"]


def test_running_year_completeness_is_never_zero_for_months_not_due(demo_con):
    year = compute(demo_con, "X04", date(2026, 1, 1), date(2026, 12, 31), today=TODAY)
    assert year["reporting.months_due"] == 10 and year["reporting.completeness"] > 0.5
    november = compute(demo_con, "X04", date(2026, 11, 1), date(2026, 11, 30), today=TODAY)
    assert november["reporting.months_due"] == 0 and november["reporting.completeness"] is None


# ==================================================================================== targets.assess
DIALOGUE = {"dialogue.sessions": 7, "dialogue.required": 6}  # 7 held, but one commune of 6 held none (another 2)
# (indicator, figures, on, today, status, words in the rule, words in the verdict)
TEST_CASES_ASSESS = [
    ("dialogue.sessions", DIALOGUE | {"dialogue.required_held": 4}, date(2026, 12, 31), TODAY, None,
     ["mỗi xã mỗi năm", "cần 6"], ["xét vào cuối năm 2026", "4/6"]),
    ("dialogue.sessions", DIALOGUE | {"dialogue.required_held": 5}, date(2025, 12, 31), TODAY, "not_met",
     ["cần 6"], ["5/6", "còn 1 chưa tổ chức"]),
    ("dialogue.sessions", DIALOGUE | {"dialogue.required_held": 6}, date(2025, 12, 31), TODAY, "met",
     ["cần 6"], ["đạt quy định"]),
    ("reception.chair_compliance", {"reception.chair_compliance": 0.8, "reception.chair_weeks": 30,
     "reception.chair_weeks_met": 24}, date(2026, 10, 31), TODAY, "not_met", ["tuần"], ["24/30", "còn 6"]),
    ("reception.chair_compliance", {"reception.chair_compliance": 0.95, "reception.chair_weeks": 20,
     "reception.chair_weeks_met": 19}, date(2026, 10, 31), TODAY, "near", [], ["gần đạt", "còn 1 chưa"]),
    ("plan.done_rate", {"plan.done_rate": 0.7}, date(2026, 10, 31), TODAY, None, ["cuối năm"],
     ["xét vào cuối năm 2026", "70 %"]),
    ("plan.done_rate", {"plan.done_rate": 0.7}, date(2025, 12, 31), TODAY, "not_met", ["cuối năm"],
     ["kém 30,0 điểm %"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "indicator, figures, on, today, status, rule_words, verdict_words",
    TEST_CASES_ASSESS,
    ids=[f"{c[0]}-{c[4]}-{c[2]}" for c in TEST_CASES_ASSESS],
)
def test_assess(indicator, figures, on, today, status, rule_words, verdict_words):
    a = targets.assess(indicator, figures, "38", on, today)
    assert a.status == status and a.target is not None
    assert all(w in a.rule for w in rule_words), a.rule
    assert all(w in a.verdict for w in verdict_words), a.verdict


def test_assess_on_real_figures_of_a_running_year(demo_con):
    end = date(2026, 10, 31)
    group = compute(demo_con, "38", date(2026, 1, 1), end, today=TODAY)
    a = targets.assess("dialogue.sessions", group, "38", end, TODAY)
    assert group["dialogue.required"] == 6  # the six new communes, each once in 2026
    assert a.status is None and "mỗi xã mỗi năm" in a.rule and f"cần {group['dialogue.required']}" in a.rule
    assert "xét vào cuối năm 2026" in a.verdict
    x04 = compute(demo_con, "X04", date(2026, 1, 1), end, today=TODAY)
    chair = targets.assess("reception.chair_compliance", x04, "X04", end, TODAY)
    assert x04["reception.chair_compliance"] < 1 and chair.status in ("near", "not_met")
    assert f"còn {x04['reception.chair_weeks'] - x04['reception.chair_weeks_met']} " in chair.verdict
    plan = targets.assess("plan.done_rate", x04, "X04", end, TODAY)
    assert plan.status is None and "cuối năm" in plan.rule


# ==================================================================================== numbers: change texts
TEST_CASES_CHANGE = [  # (is rate, now, before, text, shown delta)
    (True, 0.5004, 0.5, "Không đổi", 0),  # +0,04 point shows as 0,0: unchanged
    (True, 0.5, 0.5006, "-0,1 điểm %", -0.001),
    (True, 0.521, 0.5, "+2,1 điểm %", 0.021),
    (False, 5, 5, "Không đổi", 0),
    (False, 4, 7, "-3", -3),
    (True, None, 0.5, None, None),
    (False, 3, None, None, None),
]


@pytest.mark.parametrize("is_rate, now, before, text, delta", TEST_CASES_CHANGE)
def test_change_text(is_rate, now, before, text, delta):
    assert numbers.change_text(is_rate, now, before) == text
    got = numbers.shown_delta(is_rate, now, before)
    assert got is None if delta is None else got == pytest.approx(delta, abs=1e-12)


# ==================================================================================== attention («Cần chú ý»)
# NX03, Q1/2024: January sent on time (TTHC only: its 4 weeks, ISO 1–4, have no chairman reception); February missing;
# March sent late (20/04 > 10/04) with the chairman on 05/03 (week 10) and 19/03 (week 12): weeks 11, 13 missed.
# A complaint received 05/01/2024, never resolved: deadline 05/01 + 30 = 04/02, 56 days overdue on 31/03.
# NX05: an empty March workbook on time: its 4 March weeks (10–13) missed.
@pytest.fixture(scope="module")
def attention_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attention")
    path = folder / "attention.duckdb"
    march = {
        "Tiếp công dân": [reception(date(2024, 3, d), "Định kỳ", "Chủ tịch", 1, 1, 1) for d in (5, 19)],
        "Đơn thư": [petition("Q1", date(2024, 1, 5), "Khiếu nại")],
    }
    load_ok(path, book(folder, "NX03", "2024-01", {"TTHC": [tthc_row("Hộ tịch", 0, 5, 5, 5, 3, 2, 0, 0)]}),
            datetime(2024, 2, 5))  # fmt: skip
    load_ok(path, book(folder, "NX03", "2024-03", march), datetime(2024, 4, 20))
    load_ok(path, book(folder, "NX05", "2024-03", {}), datetime(2024, 4, 2))
    con = db.connect(path, read_only=True)
    yield con
    con.close()


def items_for(con, code: str) -> list[dict]:
    return attention.attention(con, scope(code, date(2024, 1, 1), date(2024, 3, 31)), 10, date(2024, 6, 1))


def test_attention_items_are_ordered_folded_and_linked(attention_db):
    items = items_for(attention_db, "NX03")
    assert [i["severity"] for i in items] == sorted(i["severity"] for i in items)
    assert all(i["page"] == attention.PAGES[i["kind"]] for i in items)
    by_kind = {}
    for i in items:
        by_kind.setdefault((i["kind"], i["unit_code"]), []).append(i)
    [overdue] = by_kind[("petitions", "NX03")]
    assert overdue["severity"] == 1 and overdue["text"].startswith("1 đơn thư quá hạn")
    assert "quá hạn 56 ngày (hạn 04/02/2024)" in overdue["text"]
    [weeks] = by_kind[("reception", "NX03")]  # six missed weeks, one line
    assert weeks["severity"] == 2 and "6 tuần: 1, 2, 3, 4, 11, 13/2024" in weeks["text"]
    [reports] = by_kind[("reporting", "NX03")]
    assert reports["severity"] == 3
    assert reports["text"] == "Chưa nộp báo cáo tháng 2/2024; nộp muộn báo cáo tháng 3/2024."
    assert items[0] is overdue and items[-1] is reports


def test_attention_for_a_group_is_grouped_by_commune(attention_db):
    items = items_for(attention_db, "NX")
    assert [i["severity"] for i in items] == sorted(i["severity"] for i in items)
    groups = attention.by_unit(items)
    codes = [code for code, _ in groups]
    assert len(codes) == len(set(codes)) and sum(len(g) for _, g in groups) == len(items)
    assert all(i["unit_code"] == code for code, g in groups for i in g)
    assert codes[0] is None  # the group's own rates (TTHC 80 %, petitions 0 %) come first
    assert codes.index("NX03") < codes.index("NX05") < codes.index("NX01")  # severity 1, then 2, then only reports
    reception_lines = [i for i in items if i["kind"] == "reception"]
    assert sorted(i["unit_code"] for i in reception_lines) == ["NX03", "NX05"]  # one line per commune
    assert "4 tuần: 10, 11, 12, 13/2024" in reception_lines[1]["text"]
