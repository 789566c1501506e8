"""Long lists at province and national size are shown a page at a time (issue 12: pages under a second at national
size), and what a page shows is the right slice of the whole: the chairman's reception grid (worst communes first),
the open petition cases (most overdue first), the loaded files of «Dữ liệu», the history of «Lịch sử nhập», the
dialogue conferences; captions and hovers name at most 20 units. Titles and cards keep the whole group's figures.

The database is bench/national_db.py's: the demo's rows cloned for 150 synthetic communes of province 38 (one year,
11/2025–10/2026), so the province has more than a page of everything.
"""

from __future__ import annotations

import json
from datetime import date
from unittest.mock import patch

import pytest

from bench.national_db import build
from etl import config, db, details, indicators
from tests.conftest import ROOT, using_database
from ui import fmt, pager

COMMUNES = 150
START, END = date(2026, 1, 1), date(2026, 10, 31)  # «2026» on 30/11/2026: every month up to October is due


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paging")
    path, ref = folder / "n.duckdb", folder / "ref"
    build(path, ref, COMMUNES, 1)
    with patch.object(config, "REFERENCE_DIR", ref), patch.dict("os.environ", {"CH33_TODAY": "2026-11-30"}):
        yield from using_database(path)


def whole(name: str, *args):
    con = db.connect(config.db_path(), read_only=True)
    try:
        return getattr(details, name)(con, indicators.scope("38", START, END), *args)
    finally:
        con.close()


def open_page(page: str, code: str = "38", key: str = "2026", **state):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.query_params.update({"don_vi": code, "ky": key})
    at.run()
    at.switch_page(page).run()
    for k, v in state.items():
        at.selectbox(key=k).set_value(v).run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def pages_box(at, key: str):
    boxes = [s for s in at.selectbox if s.key == key]
    return boxes[0] if boxes else None


def test_pager_bounds_and_labels():
    assert pager.count(0, 100) == 1 and pager.count(100, 100) == 1 and pager.count(101, 100) == 2
    assert pager.bounds(250, 100, 0) == (0, 100)
    assert pager.bounds(250, 100, 2) == (200, 250)
    assert pager.bounds(250, 100, 9) == (200, 250)  # a page past the end is the last one
    assert pager.label(3343, 100, 33) == "3.301–3.343 trên 3.343"
    import streamlit as st

    st.session_state["trang_x"] = 7  # a page of a longer list: the box will start again at the first page
    assert pager.current(250, 100, "trang_x") == (0, 100)
    st.session_state["trang_x"] = 2
    assert pager.current(250, 100, "trang_x") == (200, 250)


def test_names_are_capped_with_the_count_of_the_rest():
    assert fmt.names(["A", "B"]) == "A, B"
    many = [f"Xã {i}" for i in range(1, 3344)]
    text = fmt.names(many)
    assert text.startswith("Xã 1, Xã 2,") and text.endswith("Xã 20 … và 3.323 đơn vị khác")
    assert fmt.names(many[:20]) == ", ".join(many[:20])


def heatmap(at) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(c for c in charts if c["data"][0]["type"] == "heatmap")


def test_reception_grid_is_a_page_of_communes_worst_first_with_the_whole_group_in_the_title(big):
    from etl import reference

    ranking, weeks = whole("chair_ranking"), whole("chair_weeks")
    assert len(ranking) > 80
    short = [r["slots"] - r["met"] for r in ranking]
    assert short == sorted(short, reverse=True) and short[0] > short[-1]  # most weeks short of the rule first
    at = open_page("pages/tiep_cong_dan.py")
    assert len(pages_box(at, "trang_tiep_cong_dan").options) == pager.count(len(ranking), 40)
    units = reference.units()
    for page in (0, 1):
        if page:
            at.selectbox(key="trang_tiep_cong_dan").set_value(1).run()
        grid = heatmap(at)
        shown = grid["data"][0]["y"]
        expected = [units.get(r["unit_code"]).name for r in ranking[page * 40 : page * 40 + 40]]
        assert len(shown) == 40 and all(y.startswith(n) for y, n in zip(shown, expected)), (shown[:3], expected[:3])
        # the title counts every week of every commune, not the page's
        met = sum(w["met"] for w in weeks)
        assert f"đúng quy định {fmt.num(met)}/{fmt.num(len(weeks))} tuần" in grid["layout"]["title"]["text"].replace(
            "<br>", " "
        )
    # each row's cells are that commune's own weeks: the worst commune on page 1 shows its own met/slots
    at.selectbox(key="trang_tiep_cong_dan").set_value(0).run()
    grid, worst = heatmap(at), ranking[0]
    ticks = [t for t in grid["data"][0]["text"][0] if t]
    assert sum(t == "✓" for t in ticks) + sum(int(t.split("/")[0]) for t in ticks if "/" in t) == worst["met"]


def test_dialogue_conferences_are_listed_a_hundred_a_page(big):
    talks = whole("dialogues")
    assert len(talks) > 100
    at = open_page("pages/tiep_cong_dan.py")
    assert len(pages_box(at, "trang_doi_thoai").options) == pager.count(len(talks), 100)
    table = at.table[-1].value
    assert len(table) == 100
    assert list(table["Ngày"]) == [fmt.day(t["dialogue_date"]) for t in talks[:100]]


def test_open_cases_are_a_page_of_the_most_overdue(big):
    cases = whole("open_cases")
    assert len(cases) > 200
    at = open_page("pages/don_thu.py")
    box = pages_box(at, "trang_don_ton")
    assert box is not None and len(box.options) == pager.count(len(cases), 200)
    table = at.dataframe[-1].value
    assert len(table) == 200
    assert list(table["Mã đơn"]) == [c["case_id"] for c in cases[:200]]
    at.selectbox(key="trang_don_ton").set_value(pager.count(len(cases), 200) - 1).run()
    last = at.dataframe[-1].value
    first = (pager.count(len(cases), 200) - 1) * 200
    assert list(last["Mã đơn"]) == [c["case_id"] for c in cases[first:]]
    # the sentence above the table counts every open case, not the page
    assert any(f"Còn **{fmt.num(len(cases))}** đơn" in m.value for m in at.markdown)


def test_loaded_files_are_a_page_and_the_summary_counts_all(big):
    loads = whole("loads")
    assert len(loads) > 200
    at = open_page("pages/du_lieu.py")
    assert len(pages_box(at, "trang_du_lieu").options) == pager.count(len(loads), 200)
    table = at.dataframe[-1].value
    assert list(table["Bản nạp số"]) == [str(r["load_id"]) for r in loads[:200]]
    assert any(f"**{fmt.num(len(loads))} tệp báo cáo**" in m.value for m in at.markdown)
    rows = next(e for e in at.expander if "Số dòng" in e.label)
    assert len(rows.markdown[0].value.splitlines()) == 200


def test_missing_reports_name_at_most_20_communes_per_cell(big, tmp_path):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(big, copy)
    con = db.connect(copy)
    con.execute("delete from reports where period_key = '2026-09'")  # nobody sent September
    con.close()
    for _ in using_database(copy):
        at = open_page("pages/du_lieu.py")
        cells = [str(v) for t in at.table if "Chưa nộp" in t.value for v in t.value["Chưa nộp"]]
        september = [c for c in cells if "… và" in c]
        assert september, cells
        assert all(c.count(",") == 19 and c.endswith("đơn vị khác") for c in september)
        assert any("chỉ kể 20 đơn vị" in c.value for c in at.caption)
        hovers = [d.get("customdata") for d in next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))["data"]]
        assert all(len(h.split(", ")) <= 21 for trace in hovers if trace for h in trace)


def test_history_pages_by_200(big):
    from etl.history import count

    con = db.connect(config.db_path(), read_only=True)
    try:
        total = count(con, indicators.scope("38", date(1900, 1, 1), date(2100, 12, 31)))
    finally:
        con.close()
    assert total > 200
    at = open_page("pages/lich_su_nhap.py")
    box = pages_box(at, "trang_lich_su")
    assert len(box.options) == pager.count(total, 200)
    assert box.format_func(1) == f"201–{fmt.num(min(400, total))} trên {fmt.num(total)}"
