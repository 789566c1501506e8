"""Issue 13, web pages: one test per finding of «What is wrong today» (each failed on the code before the fix).

Pages run in AppTest through the router on a real demo database; what only a browser can measure (text cut at 1024 px,
columns off screen, chart text in pixels) is checked in tests/browser/test_pages_viewports.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.demo import build_demo
from tests.conftest import ROOT, using_database
from ui import palette

UNITS = {"NX03", "NX06", "X04"}
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("screens") / "demo.duckdb"
    build_demo(path, only=UNITS)
    yield from using_database(path)


def open_page(page: str, code: str, key: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": code, "ky": key})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)


# «So sánh đơn vị» at 1024 px: no table wider than the main area with the sidebar open (about 670 px)
def test_comparison_tables_fit_1024_px_and_together_show_every_column(demo):
    from ui import compare_data as cd

    at = open_page("pages/so_sanh_don_vi.py", "NX", "2025")
    tables = [d.value for d in at.dataframe]
    assert len(tables) >= 2
    shown = {c for t in tables for c in t.columns}
    assert {h for h, *_ in cd.COLUMNS.values()} <= shown
    assert all(d.proto.placeholder == "–" for d in at.dataframe)  # a missing figure is a dash, not «None»
    for inds in cd.AREAS.values():
        widths = [c["width"] for c in cd.column_config(inds).values()]
        assert sum(widths) <= 640, (inds, widths)


# chart text: at least 14 px in dark ink through the shared styling (was 11–12 px light grey)
def test_chart_text_is_large_and_dark_on_every_page(demo):
    checked = 0
    for page in ("pages/tong_quan.py", "pages/cai_cach_hanh_chinh.py", "pages/don_thu.py", "pages/so_sanh_don_vi.py"):
        at = open_page(page, "NX" if "so_sanh" in page else "X04", "2025" if "so_sanh" in page else "2026")
        for fig in figures(at):
            layout = fig["layout"]
            assert layout["font"]["size"] >= 14 and layout["font"]["color"] == palette.INK
            assert layout["title"]["font"]["size"] >= 16
            for a in layout.get("annotations", []):
                assert a.get("font", {}).get("size", 14) >= 14, a
            for axis in [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]:
                assert axis.get("tickfont", {}).get("size", 15) >= 14
                assert axis.get("title", {}).get("font", {}).get("size", 15) >= 14
            checked += 1
    assert checked >= 6


# discipline page: a number, not a chart, for one or two kinds; chart titles wrap instead of being cut
def test_discipline_page_has_no_single_bar_chart_and_titles_wrap(demo):
    at = open_page("pages/ky_luat.py", "X04", "2026")
    for fig in figures(at):
        for trace in fig["data"]:
            if trace.get("type") == "bar" and trace.get("orientation") == "h":
                assert len(trace["y"]) >= 3, (fig["layout"]["title"]["text"], trace["y"])
        assert all(len(line) <= 64 for line in fig["layout"]["title"]["text"].split("<br>"))
    text = "\n".join(m.value for m in at.markdown)
    assert "Đối tượng nhiều nhất" in text and "quyết định" in text  # said in words, with its number


def test_long_chart_titles_wrap_into_lines_that_fit():
    from ui import charts

    fig = charts.bars([("Người hoạt động không chuyên trách ở cấp xã", 1)] * 3, "Đối tượng nhiều nhất: " + "x " * 60)
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= charts.TITLE_CHARS for line in lines)
    assert fig.layout.margin.t >= 24 * len(lines)  # room for every line above the plot


# cut text in the unit box: «Xã Hóa Quỳ (mới, từ 01/07/2025» — the label is short by design
def test_unit_labels_are_short_enough_for_the_sidebar():
    from etl import reference
    from ui import filters

    units = reference.units()
    for code in filters.unit_options(units):
        unit = units.get(code)
        if unit.level != "nhom":  # a group's name is the user's own: it wraps in the box
            label = filters.unit_label(unit).strip()
            assert label in (unit.name, f"{unit.name} (cũ)", f"{unit.name} (mới)"), label


# technical text: no file path on «Tiếp công dân»
def test_reception_page_shows_no_file_path(demo):
    at = open_page("pages/tiep_cong_dan.py", "X04", "2026")
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])
    assert "Luật Tiếp công dân" in text
    assert not re.search(r"data/|\.csv|reception_rules", text)


# technical text: plan task codes come with their names on the chart axis
def test_plan_chart_names_the_tasks(demo):
    at = open_page("pages/tuyen_truyen.py", "X04", "2026")
    plan = [f for f in figures(at) if "nhiệm vụ" in f["layout"]["title"]["text"]]
    assert plan
    labels = [plain(y) for trace in plan[0]["data"] for y in trace["y"]]
    assert labels and all(re.match(r"^[IVX]+\.\d+\s+\w+", label) and len(label.split()) >= 3 for label in labels)


# technical text: the template form picks the period with the sidebar's Vietnamese controls, not «2026Q3, 2026H2»
def test_template_form_picks_the_period_with_the_sidebar_controls(demo):
    at = open_page("pages/nhap_so_lieu.py", "X04", "2026")
    assert not [t for t in at.text_input if re.search(r"\d{4}Q\d|\d{4}H\d", t.label)]
    keys = {s.key for s in at.selectbox}
    assert {"mau_loai_ky", "mau_nam"} <= keys
    assert at.selectbox(key="mau_loai_ky").value == at.selectbox(key="loai_ky").value  # opened on the period viewed
    at.selectbox(key="mau_loai_ky").set_value("quy").run()
    assert "Quý III" in at.selectbox(key="mau_quy").options
    at.selectbox(key="mau_quy").set_value(3).run()
    assert [b.proto.label for b in at.get("download_button")] == ["Tải tệp mẫu (.xlsx)"] and not at.warning


# colour meaning: «Gần đạt» is orange on the field chart as everywhere else; red only for «Chưa đạt»
def test_field_chart_colours_follow_the_status(demo):
    from ui import charts

    fig = charts.bars(
        [("Hộ tịch", 30), ("Đất đai", 20), ("Chứng thực", 10)],
        "Theo lĩnh vực",
        colors={"Hộ tịch": palette.STATUS["near"], "Đất đai": palette.STATUS["not_met"]},
    )
    colour = dict(zip([plain(y) for y in fig.data[0].y], fig.data[0].marker.color))
    assert colour == {
        "Chứng thực": charts.BLUE,
        "Đất đai": palette.STATUS["not_met"],
        "Hộ tịch": palette.STATUS["near"],
    }
    at = open_page("pages/cai_cach_hanh_chinh.py", "X04", "2026")
    table = at.table[0].value
    status = {"Đạt": None, "Gần đạt": "near", "Chưa đạt": "not_met"}
    field = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Nhiều hồ sơ nhất"))
    bars = dict(zip([plain(y).strip() for y in field["data"][0]["y"]], field["data"][0]["marker"]["color"]))
    assert "Gần đạt" in set(table["Đánh giá"])  # the case that was red before
    for name, verdict in zip(table["Lĩnh vực"], table["Đánh giá"]):
        key = status.get(verdict)
        assert bars[name] == (palette.STATUS[key] if key else charts.BLUE), (name, verdict)


# colour meaning: the target label stands clear of its line
def test_target_label_stands_clear_of_its_line(demo):
    from ui import charts

    fig = charts.trend([], {}, "Đúng hạn", target=0.95)
    label = next(a for a in fig.layout.annotations if a.text.startswith("Chỉ tiêu"))
    assert label.yanchor in ("bottom", "top") and abs(label.yshift or 0) >= 3
    assert (label.yanchor == "bottom") == (label.yshift > 0)  # shifted away from the line, not across it


# colour meaning: the dotted «Toàn nhóm» line never runs through the bars' value labels
def test_group_line_does_not_cross_the_value_labels(demo):
    at = open_page("pages/so_sanh_don_vi.py", "NX", "2025")
    fig = figures(at)[0]
    bar = next(t for t in fig["data"] if t["type"] == "bar")
    assert not bar.get("text")  # no labels drawn along the bars, where the vertical lines run
    values = [a for a in fig["layout"]["annotations"] if a.get("name") == "value"]
    assert len(values) == len(bar["y"]) and all(a["xref"] == "paper" and a["x"] >= 1 for a in values)
    assert any(s.get("line", {}).get("dash") == "dot" for s in fig["layout"]["shapes"])


# for a single commune the on-time line of the reporting page is year-to-date, not a 0/100 % sawtooth (issue 9)
def test_single_commune_on_time_line_is_not_a_sawtooth(demo):
    at = open_page("pages/tinh_hinh_bao_cao.py", "X04", "2026")
    fig = next(f for f in figures(at) if f["data"] and f["data"][0].get("mode") == "lines+markers")
    on_time = [v for v in next(t for t in fig["data"] if "đúng hạn" in t["name"])["y"] if v is not None]
    assert len(on_time) >= 6
    assert any(0 < v < 100 for v in on_time)  # a late month lowers the running rate, it does not drop to 0
    assert all(abs(a - b) < 50 for a, b in zip(on_time, on_time[1:]))


# one colour vocabulary: no status colour spelled outside ui/palette.py
def test_no_stray_hex_status_colours_in_ui_and_pages():
    def status_like(hex_colour: str) -> bool:
        h = hex_colour.lstrip("#")
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
        high, low = max(r, g, b), min(r, g, b)
        if high - low < 40:
            return False  # greys and near-whites are neutral ink
        return r == high or g == high  # reds, oranges, yellows, greens (blues and violets are neutral series)

    stray = []
    for path in sorted(
        [*Path(ROOT, "ui").rglob("*.py"), *Path(ROOT, "ui").rglob("*.css"), *Path(ROOT, "pages").glob("*.py")]
    ):
        if path.name == "palette.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stray += [f"{path.relative_to(ROOT)}:{n}: {c}" for c in HEX.findall(line) if status_like(c)]
    assert not stray, stray


# upload preview: the warning and the button go after the confirmation; nothing changed is said in words; no scrolling
def test_confirmed_replacement_leaves_only_the_success(tmp_path, monkeypatch):
    from tests._workbooks import book, load_ok, tthc_row
    from tests.test_upload import upload

    db_file = tmp_path / "site.duckdb"
    load_ok(
        db_file, book(tmp_path / "seed", "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)]})
    )
    monkeypatch.setenv("CH33_DB", str(db_file))
    import streamlit as st

    heights, dataframe = [], st.dataframe
    monkeypatch.setattr(st, "dataframe", lambda *a, **k: heights.append(k.get("height")) or dataframe(*a, **k))
    new = book(tmp_path / "v2", "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 40, 20, 8, 50, 2, 2, 0)]})
    at = upload([(new.name, new.read_bytes())])
    table = at.dataframe[0].value
    assert isinstance(heights[0], int) and heights[0] >= 38 + 35 * len(table)  # every row in view, no inner scrolling
    assert "" not in set(table["Thay đổi"])
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("xac_nhan_"))).click().run()
    assert any("Đã thay thế bản nhập số 1" in s.value for s in at.success)
    assert not [w for w in at.warning if "sẽ thay thế" in w.value]
    assert not [b for b in at.button if b.label == "Xác nhận thay thế"] and not at.dataframe


def test_preview_with_nothing_changed_says_so(tmp_path, monkeypatch):
    from tests._workbooks import book, load_ok, tthc_row
    from tests.test_upload import upload

    db_file = tmp_path / "site.duckdb"
    load_ok(
        db_file, book(tmp_path / "seed", "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)]})
    )
    monkeypatch.setenv("CH33_DB", str(db_file))
    same = book(tmp_path / "v2", "NX03", "2024-03", {"TTHC": [tthc_row("Chứng thực", 2, 10, 20, 8, 20, 2, 2, 0)]})
    at = upload([(same.name, same.read_bytes())])
    assert any("sẽ thay thế" in w.value for w in at.warning)
    assert any("không có số liệu nào thay đổi" in i.value for i in at.info)
    assert "Thay đổi" not in at.dataframe[0].value.columns


# «Dữ liệu» at 1024 px: the chart's legend sits above the plot (it covered the month labels), its title wraps
def test_data_page_chart_legend_clear_of_the_months_and_title_wrapped(demo):
    at = open_page("pages/du_lieu.py", "X04", "2026")
    fig = figures(at)[0]
    legend, title = fig["layout"]["legend"], fig["layout"]["title"]["text"]
    assert legend["y"] >= 1 and legend["yanchor"] == "bottom"
    assert all(len(line) <= 64 for line in title.split("<br>"))
    assert fig["layout"]["margin"]["t"] >= 24 * (title.count("<br>") + 1) + 26  # room for the title and the legend
