"""The level above: a group's figures are ratios of sums over its communes; reporting counts only the units valid in a
period; a new commune rolled forward carries its predecessors' history; the province over 2023–2026 never counts an
old and a new commune together; and the two pages (So sánh đơn vị, Tình hình báo cáo) show exactly those figures.

Expected numbers are literals worked out by hand in the comments from indicators.md, not from etl code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from etl import compare, config, db, periods, windows
from etl.indicators import compute
from tests._workbooks import book, indicators, load_ok, tthc_row
from tests.conftest import ROOT, using_database

TODAY = date(2026, 1, 15)  # "today" for due / not due, fixed so the hand-computed cases never move


def open_db(path: Path):
    return db.connect(path, read_only=True)


def cli(db_file: Path, code: str, first: str, last: str | None = None) -> dict:
    args = [sys.executable, "-m", "etl", "indicators", "--db", str(db_file), "--unit", code, "--period", first]
    out = subprocess.run(
        args + (["--period-end", last] if last else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"CH33_REFERENCE": str(config.REFERENCE_DIR)},
    )
    return json.loads(out.stdout)["indicators"]


# ====================================================================== a group's rates are ratios of sums (CUM_TAY)
#
# groups.csv ships CUM_TAY = X02 (Thượng Ninh), X05 (Thanh Phong), X06 (Thanh Quân); all valid on 01/08/2025.
# TTHC of 08/2025 (carried, online, offline, early, on time, late, pending in time, pending overdue):
#   X02  0 10  0   5  4  1  0 0   received 10 (online 10), resolved 10, on time 5+4 = 9   -> 90 %, online 100 %
#   X05  0 10 80  20 25 45  0 0   received 90 (online 10), resolved 90, on time 20+25 = 45 -> 50 %, online 11,1 %
#   X06  no workbook
# CUM_TAY: on time (9 + 45) / (10 + 90) = 54 %   (the mean of the rates would be (90 + 50) / 2 = 70 %)
#          online  (10 + 10) / (10 + 90) = 20 %  (the mean would be (100 + 11,1) / 2 = 55,6 %)
#          reporting: expected 3 (X02, X05, X06 valid on 01/08/2025), received 2 -> 2/3
@pytest.fixture
def cum_tay(tmp_path, db_file) -> Path:
    load_ok(
        db_file,
        book(tmp_path, "X02", "2025-08", {"TTHC": [tthc_row("Hộ tịch", 0, 10, 0, 5, 4, 1, 0, 0)]}),
        datetime(2025, 9, 3),
    )
    load_ok(
        db_file,
        book(tmp_path, "X05", "2025-08", {"TTHC": [tthc_row("Hộ tịch", 0, 10, 80, 20, 25, 45, 0, 0)]}),
        datetime(2025, 9, 25),
    )
    return db_file


def test_group_rates_are_the_ratio_of_sums_not_the_mean_of_rates(cum_tay):
    group = indicators(cum_tay, "CUM_TAY", "2025-08")
    assert group["tthc.on_time_rate"] == pytest.approx(0.54)
    assert group["tthc.online_rate"] == pytest.approx(0.20)
    assert (group["tthc.resolved"], group["tthc.received_new"]) == (100, 100)
    assert (group["reporting.expected"], group["reporting.received"]) == (3, 2)
    assert group["reporting.completeness"] == pytest.approx(2 / 3)
    # X02 on time 03/09 <= 31/08 + 10 = 10/09; X05 on 25/09 is late -> on time 1 of 3
    assert group["reporting.timeliness"] == pytest.approx(1 / 3)


def test_comparison_table_rows_are_each_commune_and_the_group(cum_tay):
    start, end = periods.span("2025-08")
    con = open_db(cum_tay)
    try:
        rows = compare.commune_figures(con, "CUM_TAY", start, end, 10, TODAY)
        group = compute(con, "CUM_TAY", start, end)
    finally:
        con.close()
    assert {k: rows[0][k] for k in group} == group  # the group's row is compute for the group code
    by_code = {r["unit_code"]: r for r in rows}
    assert [r["unit_code"] for r in rows[1:]] == [
        "X05",
        "X06",
        "X02",
    ]  # same day of creation: by name (Thanh Phong, Thanh Quân, Thượng Ninh)
    assert by_code["X02"]["tthc.on_time_rate"] == pytest.approx(0.9)
    assert by_code["X05"]["tthc.on_time_rate"] == pytest.approx(0.5)
    assert by_code["X06"]["tthc.on_time_rate"] is None  # no workbook: no denominator, not 0 %
    assert by_code["CUM_TAY"]["tthc.on_time_rate"] == pytest.approx(0.54)
    # reporting months: 08/2025 is due (10/09/2025 < TODAY); X02 and X05 sent it, X06 did not -> 2 of 3 unit-months
    assert [
        (by_code[c]["reporting.months_received"], by_code[c]["reporting.months_due"])
        for c in ("X02", "X05", "X06", "CUM_TAY")
    ] == [(1, 1), (1, 1), (0, 1), (2, 3)]
    assert by_code["CUM_TAY"]["reporting.month_rate"] == pytest.approx(2 / 3)


def test_indicator_cli_gives_the_group_figures(cum_tay):
    out = cli(cum_tay, "CUM_TAY", "2025-08")
    assert out["tthc.on_time_rate"] == pytest.approx(0.54) and out["tthc.online_rate"] == pytest.approx(0.20)
    assert out["reporting.completeness"] == pytest.approx(2 / 3)


# ============================================= reporting counts only the units valid in each period (a group across the merger)
#
# A user-defined group CUM_BL = NX03 (Bình Lương, until 30/06/2025), NX06 (Hóa Quỳ old, until 30/06/2025),
# X04 (Hóa Quỳ new, from 01/07/2025), written into a temporary reference folder.
#   NX03 06/2025 received 05/07/2025  (deadline 30/06 + 10 = 10/07: on time)
#   NX06 06/2025 none                 -> missing
#   X04  07/2025 received 20/08/2025  (deadline 31/07 + 10 = 10/08: late)
#   X04  08/2025 none                 -> missing once due (deadline 31/08 + 10 = 10/09/2025)
#   06/2025: expected 2 (NX03, NX06; X04 does not exist yet), received 1 -> 50 %, on time 1 -> 50 %
#   07/2025: expected 1 (X04 only; the old communes are gone), received 1 -> 100 %, on time 0 -> 0 %
@pytest.fixture
def cum_bl(tmp_path, db_file, monkeypatch) -> Path:
    ref = tmp_path / "reference"
    shutil.copytree(config.REFERENCE_DIR, ref)
    (ref / "groups.csv").write_text(
        "group_code,group_name,unit_code\n"
        + "".join(f"CUM_BL,Cụm Bình Lương – Hóa Quỳ,{c}\n" for c in ("NX03", "NX06", "X04")),
        encoding="utf-8",
    )
    monkeypatch.setattr(config, "REFERENCE_DIR", ref)
    load_ok(db_file, book(tmp_path, "NX03", "2025-06"), datetime(2025, 7, 5))
    load_ok(db_file, book(tmp_path, "X04", "2025-07"), datetime(2025, 8, 20))
    return db_file


def test_group_reporting_counts_only_units_valid_in_the_period(cum_bl):
    june, july = indicators(cum_bl, "CUM_BL", "2025-06"), indicators(cum_bl, "CUM_BL", "2025-07")
    assert (june["reporting.expected"], june["reporting.received"], june["reporting.on_time"]) == (2, 1, 1)
    assert june["reporting.completeness"] == pytest.approx(0.5)
    assert (july["reporting.expected"], july["reporting.received"], july["reporting.on_time"]) == (1, 1, 0)
    assert (july["reporting.completeness"], july["reporting.timeliness"]) == (pytest.approx(1.0), 0)
    assert cli(cum_bl, "CUM_BL", "2025-07")["reporting.expected"] == 1


def test_reporting_grid_blank_where_a_unit_did_not_exist_and_missing_list(cum_bl):
    start, end = periods.span("2025-06", "2025-08")
    con = open_db(cum_bl)
    try:
        t = compare.reporting_table(con, "CUM_BL", start, end, 10, today=date(2025, 9, 20))
        early = compare.reporting_table(con, "CUM_BL", start, end, 10, today=date(2025, 9, 5))
    finally:
        con.close()
    assert t["units"] == ["NX03", "NX06", "X04"]
    assert t["cells"] == {
        ("NX03", "2025-06"): "on_time",
        ("NX06", "2025-06"): "missing",
        ("X04", "2025-07"): "late",
        ("X04", "2025-08"): "missing",
    }  # no cell for X04 in June nor for NX03/NX06 after June
    assert [(m["reporting.expected"], m["reporting.received"]) for m in t["per_month"]] == [(2, 1), (1, 1), (1, 0)]
    # unit-months due 2 + 1 + 1 = 4, received 1 + 1 = 2, on time 1
    assert t["totals"] == {"expected": 4, "received": 2, "on_time": 1, "completeness": 0.5, "timeliness": 0.25}
    assert {r["unit_code"]: (r["months_due"], r["received"], r["on_time"]) for r in t["per_unit"]} == {
        "NX03": (1, 1, 1),
        "NX06": (1, 0, 0),
        "X04": (2, 1, 0),
    }
    # latest month due on 20/09/2025 is 08/2025 (deadline 10/09): X04 is missing, 20/09 - 10/09 = 10 days late
    assert t["latest"] == "2025-08"
    assert t["missing"] == [
        {"unit_code": "X04", "period_key": "2025-08", "deadline": date(2025, 9, 10), "days_late": 10}
    ]
    # on 05/09/2025 August is not due yet: not missing, and the latest month due is July, which nobody misses
    assert early["cells"][("X04", "2025-08")] == "not_due"
    assert (early["latest"], early["missing"]) == ("2025-07", [])
    assert early["totals"]["expected"] == 3


# ======================================================== roll forward: the new xã Hóa Quỳ (X04) carries NX03 + NX06
#
# TTHC (carried, online, offline, early, on time, late, pending in time, pending overdue):
#   NX03 05/2024  0  4  8   6  4  0  2 0   received 12 (online 4)
#   NX06 05/2024  0  3  4   3  3  1  0 0   received 7  (online 3)
#   X04  09/2025  0 15  5  10  8  2  0 0   received 20 (online 15)
# Đơn thư received: NX03 2, NX06 1, X04 1.  Tiếp công dân days: NX03 2, NX06 1, X04 3.
#   X04 rolled, 2024–2026:          received_new 12 + 7 + 20 = 39, online 4 + 3 + 15 = 22, petitions 4, reception days 6
#   X04 rolled, 01/2024–06/2025:    = NX03 + NX06 = 19, 7, 3, 3
#   X04 rolled, 07/2025–12/2026:    = X04 alone  = 20, 15, 1, 3
#   X04 not rolled, 2024–2026:      = 20, 15, 1, 3
def petition(case_id: str, received: date) -> dict:
    return {
        "case_id": case_id,
        "received_date": received,
        "petition_type": "Kiến nghị, phản ánh",
        "field": "Đất đai",
        "in_jurisdiction": "Có",
    }


def reception(day: date) -> dict:
    return {
        "reception_date": day,
        "form": "Thường xuyên",
        "host": "Công chức được phân công",
        "visits": 1,
        "citizens": 2,
        "cases": 1,
    }


@pytest.fixture
def hoa_quy(tmp_path, db_file) -> Path:
    sheets = {
        ("NX03", "2024-05"): (
            [tthc_row("Hộ tịch", 0, 4, 8, 6, 4, 0, 2, 0)],
            [date(2024, 5, 3), date(2024, 5, 20)],
            [date(2024, 5, 6), date(2024, 5, 13)],
        ),
        ("NX06", "2024-05"): ([tthc_row("Hộ tịch", 0, 3, 4, 3, 3, 1, 0, 0)], [date(2024, 5, 9)], [date(2024, 5, 7)]),
        ("X04", "2025-09"): (
            [tthc_row("Hộ tịch", 0, 15, 5, 10, 8, 2, 0, 0)],
            [date(2025, 9, 2)],
            [date(2025, 9, 1), date(2025, 9, 8), date(2025, 9, 15)],
        ),
    }
    for (unit, key), (tthc, received, days) in sheets.items():
        rows = {
            "TTHC": tthc,
            "Đơn thư": [petition(f"{unit}-{i}", d) for i, d in enumerate(received)],
            "Tiếp công dân": [reception(d) for d in days],
        }
        load_ok(db_file, book(tmp_path, unit, key, rows))
    return db_file


FLOWS = ("tthc.received_new", "tthc.received_online", "petitions.received", "reception.days")
TEST_CASES_ROLL = [  # first, last, roll forward, expected flows
    ("2024", "2026", True, (39, 22, 4, 6)),
    ("2024-01", "2025-06", True, (19, 7, 3, 3)),
    ("2025-07", "2026-12", True, (20, 15, 1, 3)),
    ("2024", "2026", False, (20, 15, 1, 3)),
]


@pytest.mark.parametrize("first, last, roll, expected", TEST_CASES_ROLL)
def test_new_commune_rolled_forward_carries_its_predecessors(hoa_quy, first, last, roll, expected):
    got = indicators(hoa_quy, "X04", first, last, roll_forward=roll)
    assert tuple(got[k] for k in FLOWS) == expected


def test_rolled_history_before_the_merger_equals_the_old_communes_added(hoa_quy):
    rolled = indicators(hoa_quy, "X04", "2024-01", "2025-06", roll_forward=True)
    old = [indicators(hoa_quy, c, "2024-01", "2025-06") for c in ("NX03", "NX06")]
    assert all(rolled[k] == old[0][k] + old[1][k] for k in FLOWS)


# =================================================================== the demo province across the 2025 merger
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The whole demo (16 old + 6 new communes, 01/2023–10/2026), shared by the tests below and the page tests."""
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("level_above") / "demo.duckdb"
    build_demo(path)
    yield from using_database(path)


def test_province_history_counts_16_old_then_6_new_never_both(demo):
    con = open_db(demo)
    try:
        for m in periods.months(date(2023, 1, 1), date(2026, 10, 31)):
            figures = compute(con, "38", m.start, m.end)
            assert figures["reporting.expected"] == (16 if m.start < date(2025, 7, 1) else 6), m.key
            assert figures["reporting.received"] <= figures["reporting.expected"]
            with_data = {
                c
                for (c,) in con.execute(
                    "select distinct unit_code from reports where period_key = ?", [m.key]
                ).fetchall()
            }
            old, new = {c for c in with_data if c.startswith("NX")}, {c for c in with_data if c.startswith("X")}
            assert with_data and not (old and new), (m.key, with_data)
            assert (old or new) == with_data
    finally:
        con.close()


@pytest.mark.parametrize(
    "code, first, last", [("38", "2025", None), ("NX", "2024", None), ("CUM_TAY", "2026-01", "2026-06")]
)
def test_each_commune_row_is_compute_over_the_part_of_the_range_it_existed(demo, code, first, last):
    start, end = periods.span(first, last)
    con = open_db(demo)
    try:
        rows = compare.commune_figures(con, code, start, end)
        for r in rows[1:]:
            expected = compute(con, r["unit_code"], r["start"], r["end"])
            assert {k: r[k] for k in expected} == expected, r["unit_code"]
        assert {k: rows[0][k] for k in compute(con, code, start, end)} == compute(con, code, start, end)
    finally:
        con.close()
    if code == "38":  # 2025: the 16 old communes until 30/06, the 6 new ones from 01/07, each once
        assert len(rows) == 23 and len({r["unit_code"] for r in rows}) == 23
        assert {(r["start"], r["end"]) for r in rows[1:]} == {
            (date(2025, 1, 1), date(2025, 6, 30)),
            (date(2025, 7, 1), date(2025, 12, 31)),
        }


@pytest.mark.parametrize("code, key", [("NX", "2024"), ("CUM_TAY", "2026")])
def test_indicator_cli_for_a_group_on_the_demo(demo, code, key):
    window = windows.resolve(code, *periods.span(key), windows.kind_of(key), None)  # a running year: months due
    con = open_db(demo)
    try:
        expected = compute(con, code, window.start, window.end)
    finally:
        con.close()
    assert cli(demo, code, key) == pytest.approx(expected)


# ================================================================================================ the two pages
def open_page(page: str, code: str, key: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": code, "ky": key})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def chart_titles(at) -> list[str]:
    # titles wrap by design (ui.charts.wrap): read them as one line
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for c in at.get("plotly_chart")]


def test_comparison_page_shows_the_group_figures_of_compute(demo):
    from ui import fmt

    con = open_db(demo)
    try:
        group = compute(con, "NX", *periods.span("2024"))
    finally:
        con.close()
    at = open_page("pages/so_sanh_don_vi.py", "NX", "2024")
    table = at.dataframe[0].value
    assert table.iloc[0]["Đơn vị"] == "Toàn nhóm (16 xã)" and len(table) == 17
    assert table.iloc[0]["TTHC đúng hạn"] == pytest.approx(group["tthc.on_time_rate"])
    assert table.iloc[0]["Đơn quá hạn"] == group["petitions.overdue_open"]
    assert f"toàn nhóm {fmt.pct(group['tthc.on_time_rate'])}" in chart_titles(at)[0]
    at.selectbox(key="xep_hang").set_value("petitions.resolution_rate").run()
    assert f"toàn nhóm {fmt.pct(group['petitions.resolution_rate'])}" in chart_titles(at)[0]


def test_open_a_commune_switches_to_its_overview_with_the_same_period(demo):
    at = open_page("pages/so_sanh_don_vi.py", "NX", "2024")
    at.selectbox(key="mo_xa").set_value("NX06").run()
    at.button(key="mo_tong_quan").click().run()
    assert not at.exception
    assert at.title[0].value == "Tổng quan thực hiện Chỉ thị 33/CT-TTg"
    assert at.selectbox(key="don_vi").value == "NX06" and at.selectbox(key="nam").value == 2024
    assert any(m.value.startswith("**Xã Hóa Quỳ** — Năm 2024") for m in at.markdown)


def test_comparison_page_for_a_commune_offers_its_groups(demo):
    at = open_page("pages/so_sanh_don_vi.py", "X02", "2026")
    assert "so sánh các xã của một nhóm" in at.info[0].value
    assert [b.label for b in at.button] == [
        "So sánh các xã của Tỉnh Thanh Hóa",
        "So sánh các xã của Nhóm: Cụm miền núi phía Tây (ví dụ)",
    ]
    at.button(key="nhom_CUM_TAY").click().run()
    assert at.selectbox(key="don_vi").value == "CUM_TAY"
    names = list(at.dataframe[0].value["Đơn vị"])
    assert names[0] == "Toàn nhóm (3 xã)" and sorted(names[1:]) == ["Xã Thanh Phong", "Xã Thanh Quân", "Xã Thượng Ninh"]


def test_reporting_page_marks_a_missing_month(demo):
    at = open_page("pages/tinh_hinh_bao_cao.py", "NX", "2024")
    grid = next(d.value for d in at.dataframe if "T2/2024" in d.value.columns)
    row = grid.set_index("Xã").loc["Xã Thanh Quân"]  # the demo's NX11 skipped 02/2024 and 08/2024
    assert (row["T2/2024"], row["T8/2024"]) == ("✗", "✗") and row["T3/2024"] in ("✓", "!")
    assert row["Nộp đủ"] == "83 %"  # 10 of 12 months
    assert {m.label: m.value for m in at.metric}["Báo cáo tháng đã nhận / đã đến hạn"] == "190/192"  # 16 × 12 - 2


def test_reporting_page_lists_who_is_missing_the_latest_month(demo):
    at = open_page("pages/tinh_hinh_bao_cao.py", "38", "2026-09")  # the demo's X06 skipped 09/2026 (due 10/10/2026)
    missing = at.dataframe[0].value
    assert list(missing["Xã"]) == ["Xã Thanh Quân"]
    assert list(missing["Đã quá hạn"]) == [f"{(date.today() - date(2026, 10, 10)).days} ngày"]
