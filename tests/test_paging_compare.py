"""«So sánh các xã» and «Tình hình gửi báo cáo» show a group of more than 100 communes a page of 100 at a time (ui.pager):
the comparison in the order of «Xếp hạng theo», the reporting grid worst first with the two «Cả nhóm» rows on every
page; a group of at most 100 communes is shown whole, with no «Trang» box.

A 133-commune database from bench/national_db.py (group NHOM01 = B0001…B0133), with edits: B0017 misses three months,
B0042 one month, B0101…B0125 have no petition (no «Giải quyết đơn» figure: 25 communes left out of that ranking chart),
and B0131…B0133 are founded on 15/11/2026: outside the comparison's range (to 31/10), and in the reporting grid with no
month due yet on 29/11/2026. Expected orders are sorted here from etl.compare's figures.
"""

from __future__ import annotations

import re
from datetime import date
from unittest.mock import patch

import pytest
from streamlit.testing.v1 import AppTest

from bench.national_db import build
from etl import compare, config, db, reference
from tests.conftest import ROOT, using_database

COMMUNES = 133
TODAY = "2026-11-29"  # 2026's reports run to October: the comparison covers 01/01–31/10, the reporting grid all 2026
START, END, YEAR_END = date(2026, 1, 1), date(2026, 10, 31), date(2026, 12, 31)
LATE = ["B0131", "B0132", "B0133"]  # founded 15/11/2026: not in the comparison, no month due in the reporting grid
NO_PETITIONS = [f"B{i:04d}" for i in range(101, 126)]  # no petition: no «Giải quyết đơn» figure


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paging")
    path, ref = folder / "n.duckdb", folder / "ref"
    build(path, ref, COMMUNES, 1)
    con = db.connect(path)
    con.execute("delete from reports where unit_code = 'B0017' and period_key in ('2026-03', '2026-04', '2026-05')")
    con.execute("delete from reports where unit_code = 'B0042' and period_key = '2026-06'")
    con.execute(f"delete from petitions where unit_code in ({', '.join(repr(c) for c in NO_PETITIONS)})")
    con.close()
    units_csv = ref / "units.csv"
    lines = units_csv.read_text(encoding="utf-8").splitlines()
    lines = [ln.replace(",2025-07-01,", ",2026-11-15,") if ln.split(",")[0] in LATE else ln for ln in lines]
    units_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with patch.object(config, "REFERENCE_DIR", ref), pytest.MonkeyPatch.context() as mp:
        mp.setenv("CH33_TODAY", TODAY)
        mp.setenv("CH33_REFERENCE", str(ref))
        yield from using_database(path)


def figures(path, code: str) -> list[dict]:
    con = db.connect(path, read_only=True)
    try:
        return compare.commune_figures(con, code, START, END, config.ON_TIME_DAYS, date.fromisoformat(TODAY))
    finally:
        con.close()


def grid_table(path, code: str) -> dict:
    con = db.connect(path, read_only=True)
    try:
        return compare.reporting_table(con, code, START, YEAR_END, config.ON_TIME_DAYS, date.fromisoformat(TODAY))
    finally:
        con.close()


def name(code: str, end: date = END) -> str:
    return compare.unit_name(reference.units().get(code), START, end, short=True)


def ranked_names(rows: list[dict], ind: str, lower_is_better: bool = False) -> list[str]:
    """The communes best first for `ind`, those without the figure last, ties by code."""
    with_value = sorted((r for r in rows if r[ind] is not None), key=lambda r: r["unit_code"])
    with_value.sort(key=lambda r: r[ind], reverse=not lower_is_better)
    return [
        name(r["unit_code"])
        for r in with_value + sorted((r for r in rows if r[ind] is None), key=lambda r: r["unit_code"])
    ]


def open_page(page: str, code: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": code, "ky": "2026"})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def pager_boxes(at: AppTest) -> list:
    return [s for s in at.selectbox if s.label == "Trang"]


# ============================================================================================ So sánh các xã
@pytest.fixture(scope="module")
def comparison(big):
    return open_page("pages/so_sanh_don_vi.py", "NHOM01")


def test_comparison_shows_the_group_row_and_the_first_100_in_ranking_order(big, comparison):
    expected = ranked_names(figures(big, "NHOM01")[1:], "tthc.on_time_rate")
    assert len(expected) == 130  # B0131…B0133 start after the range
    tables = [d.value for d in comparison.dataframe]
    assert len(tables) == 2  # one per tab
    for table in tables:
        assert len(table) == 101
        assert table.iloc[0]["Đơn vị"] == "Toàn nhóm (130 xã)"
        assert list(table["Đơn vị"][1:]) == expected[:100]
    box = comparison.selectbox(key="trang_so_sanh")
    assert box.label == "Trang" and box.options == ["1–100 trên 130", "101–130 trên 130"]
    text = captions(comparison)
    assert "trong trang" in text and "«Xếp hạng theo»" in text


def test_comparison_second_page_is_communes_101_to_130(big, comparison):
    expected = ranked_names(figures(big, "NHOM01")[1:], "tthc.on_time_rate")
    comparison.selectbox(key="trang_so_sanh").set_value(1).run()
    assert not comparison.exception
    for table in (d.value for d in comparison.dataframe):
        assert len(table) == 31
        assert table.iloc[0]["Đơn vị"] == "Toàn nhóm (130 xã)"
        assert list(table["Đơn vị"][1:]) == expected[100:]


def test_another_ranking_orders_the_whole_list_from_its_first_page(big, comparison):
    rows = figures(big, "NHOM01")[1:]
    comparison.selectbox(key="trang_so_sanh").set_value(1).run()
    comparison.selectbox(key="xep_hang").set_value("petitions.overdue_open").run()
    assert not comparison.exception
    assert comparison.selectbox(key="trang_so_sanh").value == 0
    expected = ranked_names(rows, "petitions.overdue_open", lower_is_better=True)
    assert list(comparison.dataframe[0].value["Đơn vị"][1:]) == expected[:100]


def test_left_out_communes_are_named_up_to_20(big, comparison):
    comparison.selectbox(key="xep_hang").set_value("petitions.resolution_rate").run()
    assert not comparison.exception
    line = next(c.value for c in comparison.caption if c.value.startswith("Không vẽ các xã"))
    names = [name(c) for c in NO_PETITIONS]
    assert line.endswith(f"{', '.join(names[:20])} … và 5 xã khác.")
    # the no-figure communes rank last: the second page ends with them
    comparison.selectbox(key="trang_so_sanh").set_value(1).run()
    assert list(comparison.dataframe[1].value["Đơn vị"][-25:]) == names


# ============================================================================================ Tình hình gửi báo cáo
@pytest.fixture(scope="module")
def reporting(big):
    return open_page("pages/tinh_hinh_bao_cao.py", "NHOM01")


def worst_first(t: dict) -> list[str]:
    per_unit = sorted(
        t["per_unit"],
        key=lambda u: (
            not u["months_due"],
            u["completeness"] or 0,
            u["timeliness"] or 0,
            name(u["unit_code"], YEAR_END),
        ),
    )
    return [name(u["unit_code"], YEAR_END) for u in per_unit]


def grid(at: AppTest):
    return next(d.value for d in at.dataframe if "Nộp đủ" in d.value.columns)


def test_reporting_grid_pages_worst_first_with_the_group_rows_on_every_page(big, reporting):
    expected = worst_first(grid_table(big, "NHOM01"))
    assert len(expected) == 133 and expected[:2] == [name("B0017", YEAR_END), name("B0042", YEAR_END)]
    assert expected[-3:] == [name(c, YEAR_END) for c in LATE]
    first = grid(reporting)
    assert len(first) == 102
    assert list(first["Xã"][:100]) == expected[:100]
    assert list(first["Xã"][-2:]) == ["Cả nhóm: nộp đủ", "Cả nhóm: đúng hạn"]
    rates = [tuple(int(re.sub(r"\D", "", v)) for v in pair) for pair in zip(first["Nộp đủ"][:100], first["Đúng hạn"])]
    assert rates == sorted(rates) and rates[0] < rates[-1]  # completeness, then timeliness, lowest first
    box = reporting.selectbox(key="trang_bao_cao")
    assert box.label == "Trang" and len(box.options) == 2
    assert "nộp thiếu nhiều nhất" in captions(reporting) + (box.help or "")

    reporting.selectbox(key="trang_bao_cao").set_value(1).run()
    assert not reporting.exception
    second = grid(reporting)
    assert len(second) == 35
    assert list(second["Xã"][:33]) == expected[100:]
    assert list(second["Nộp đủ"][30:33]) == ["…"] * 3  # no month due yet: last
    assert list(second["Xã"][-2:]) == ["Cả nhóm: nộp đủ", "Cả nhóm: đúng hạn"]
    assert list(second.iloc[-2]) == list(first.iloc[-2])  # the group's rates are the whole group's on every page


def test_reporting_missing_list_stays_whole(big, reporting):
    t = grid_table(big, "NHOM01")
    missing = next(d.value for d in reporting.dataframe if "Hạn nộp" in d.value.columns)
    assert len(missing) == len(t["missing"])


# ============================================================================================ up to 100 communes: whole
def test_a_small_group_is_shown_whole_without_a_pager(big):
    rows = figures(big, "CUM_TAY")[1:]
    at = open_page("pages/so_sanh_don_vi.py", "CUM_TAY")
    assert not pager_boxes(at)
    for table in (d.value for d in at.dataframe):
        assert list(table["Đơn vị"]) == [f"Toàn nhóm ({len(rows)} xã)"] + ranked_names(rows, "tthc.on_time_rate")
    assert "trong trang" not in captions(at)
    at = open_page("pages/tinh_hinh_bao_cao.py", "CUM_TAY")
    assert not pager_boxes(at)
    t = grid_table(big, "CUM_TAY")
    assert list(grid(at)["Xã"]) == [name(c, YEAR_END) for c in t["units"]] + ["Cả nhóm: nộp đủ", "Cả nhóm: đúng hạn"]


def test_statuses_are_the_status_of_every_row(big):
    """The cached statuses (a target looked up once per indicator, unit with its own targets and end) are status()."""
    from ui import compare_data as cd

    for code, start, end in (
        ("NHOM01", START, END),
        ("38", START, YEAR_END),
        ("NX", date(2024, 1, 1), date(2025, 6, 30)),
    ):
        args = (str(big), ("test",), code, start, end, config.ON_TIME_DAYS, date.fromisoformat(TODAY))
        rows = cd.commune_table(*args)
        assert cd.statuses(*args, cd.targets_file()) == {
            r["unit_code"]: {i: cd.status(i, r) for i in cd.COLUMNS} for r in rows
        }
