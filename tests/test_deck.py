"""The meeting decks in AppTest on a real demo database: the group deck's five screens (its figures are the comparison
page's and the indicator CLI's, its rankings name the best and worst communes, never a table of every commune), a lone
discipline decision said as a number instead of one bar, and chart type that follows the screen (`co_chu`)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from etl import compare, config, db, periods, reference
from etl.demo import build_demo
from tests.conftest import ROOT, using_database
from ui import compare_data as cd
from ui.deck import chart, commune, group

NX_2024 = [f"NX{i:02d}" for i in range(1, 10)]  # nine old communes of the former district: more than 2 × 3 to rank
UNITS = set(NX_2024) | {"X04"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("deck") / "demo.duckdb"
    build_demo(path, only=UNITS)
    yield from using_database(path)


def deck(code: str, key: str, **params) -> AppTest:
    """The link a meeting opens (through the router), at screen `man`."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"trinh_chieu": "1", "don_vi": code, "ky": key} | {k: str(v) for k, v in params.items()})
    at.run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def markup(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def text(at: AppTest) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup(at))).replace("\u00a0", " ")


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def cli(path, code: str, key: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "etl", "indicators", "--db", str(path), "--unit", code, "--period", key],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)["indicators"]


def areas(at: AppTest) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each ranking box: indicator -> (its summary line, [(commune, value as shown)])."""
    out = {}
    for box in markup(at).split('<div class="pt-area" data-ind="')[1:]:
        ind, body = box.split('">', 1)
        summary = re.search(r'<div class="pt-area-sum">(.*?)</div>', body).group(1)
        ends = re.findall(r'<div class="pt-end"><span>(.*?)</span> <b>(.*?)</b></div>', body)
        out[ind] = (html.unescape(summary), [(html.unescape(n), html.unescape(v)) for n, v in ends])
    return out


@pytest.mark.parametrize("code, key", [("NX", "2024"), ("38", "2026")])
def test_group_deck_has_its_own_five_screens(demo_db, code, key):
    """Old code: a group got the commune's eight screens («1/8»), no ranking, no reporting screen."""
    for n, topic in enumerate(group.TOPICS, start=1):
        at = deck(code, key, man=n)
        shown = text(at)
        assert f"{topic} · {n}/{len(group.TOPICS)}" in shown, shown[:300]
        assert not re.search(r"\b(None|nan|NaN|null)\b", shown), shown
        assert not at.dataframe and not at.table  # never a table of every commune
        nav = re.findall(r'href="\?([^"]+)"', markup(at))
        assert not nav  # the edge links are in st.html, outside the screen's markdown
    assert "Xếp hạng" in text(deck(code, key, man=2)) and 'class="pt-area"' in markup(deck(code, key, man=3))


def test_group_figures_equal_the_comparison_page_and_the_cli(demo_db):
    start, end = periods.parse("2024").start, periods.parse("2024").end
    con = db.connect(str(demo_db), read_only=True)
    try:
        rows = compare.commune_figures(con, "NX", start, end, config.ON_TIME_DAYS, config.today())
    finally:
        con.close()
    by_name = {cd.unit_name(r["unit_code"], start, end, short=True): r for r in rows[1:]}
    whole = cli(demo_db, "NX", "2024")
    checked = 0
    for n, inds in ((2, group.AREAS[0]), (3, group.AREAS[1])):
        boxes = areas(deck("NX", "2024", man=n))
        assert set(boxes) == set(inds)
        for ind, (summary, named) in boxes.items():
            if chart_value := {"tthc.on_time_rate", "tthc.online_rate", "petitions.resolution_rate"} & {ind}:
                assert f"Toàn nhóm {cd.text(ind, rows[0]).rstrip(' ✓!✗')}" in summary.replace("\u00a0", " ")
                assert cd.text(ind, rows[0]).startswith(chart.fmt.pct(whole[chart_value.pop()]))
            for name, shown in named:
                assert shown.replace("\u00a0", " ") == cd.text(ind, by_name[name]), (ind, name)
                checked += 1
    assert checked >= 30
    first = deck("NX", "2024", man=1)
    boxes = dict(re.findall(r'data-ind="([a-z_.]+)"><div class="pt-num[^"]*">([^<]+)', markup(first)))
    assert boxes["petitions.overdue_open"] == chart.fmt.num(whole["petitions.overdue_open"])
    assert boxes["reporting.completeness"] == chart.fmt.pct(whole["reporting.completeness"]).split(" ")[0]
    # «Xã trong nhóm» counts the comparison table's communes (screen 1 no longer builds that table to count them)
    assert re.search(rf'pt-num[^"]*">{len(rows) - 1}</div><div class="pt-label">Xã trong nhóm', markup(first))


def test_ranking_names_the_best_and_the_worst(demo_db):
    at = deck("NX", "2024", man=2)
    start, end = periods.parse("2024").start, periods.parse("2024").end
    rows = cd.commune_table(str(demo_db), None, "NX", start, end, config.ON_TIME_DAYS, config.today())[1:]
    ind = "tthc.on_time_rate"
    ranked = [r for r in cd.rank(rows, ind) if r[ind] is not None and r["reporting.months_received"]]
    assert len(ranked) > 2 * group.ENDS
    summary, named = areas(at)[ind]
    names = [n for n, _ in named]
    best = [cd.unit_name(r["unit_code"], start, end, short=True) for r in ranked[: group.ENDS]]
    worst = [cd.unit_name(r["unit_code"], start, end, short=True) for r in ranked[-group.ENDS :][::-1]]
    assert names == best + worst  # three best by name, then the three worst (worst first), nothing in between
    shown = text(at)
    assert "Tốt nhất" in shown and "Kém nhất" in shown and "xã đạt chỉ tiêu" in summary


def test_group_reporting_screen_names_who_has_not_reported(demo_db):
    """The province in 2026 with only X04 loaded: the five other new communes are named, compactly."""
    shown = text(deck("38", "2026", man=4))
    assert "xã chưa nộp đủ báo cáo tháng đã đến hạn" in shown
    for name in ("Xã Như Xuân", "Xã Thanh Phong", "Xã Thượng Ninh"):
        assert re.search(rf"{name} \(thiếu \d+/\d+ tháng\)", shown), shown
    assert "Xã Hóa Quỳ (thiếu" not in shown  # X04 sent every report


def test_group_attention_is_by_commune(demo_db):
    at = deck("NX", "2024", man=5)
    items = re.findall(r"<li>(.*?)</li>", markup(at))
    named = [html.unescape(i) for i in items if not i.startswith("… và")]
    names = {u.name for u in reference.units().communes("NX")} | {"Toàn nhóm"}
    assert named and [i for i in named if i.split(": ")[0] not in names] == []
    assert len(items) <= 8 and len({i.split(":")[0] for i in named}) == len(named)  # one line per commune


def test_group_handout_prints_five_pages(demo_db):
    at = deck("NX", "2024", **{"in": 1})
    assert markup(at).count('class="pt-title"') == len(group.TOPICS)


def test_one_discipline_decision_is_a_number_not_a_bar(demo_db):
    """Old code: X04's one decision in 2026 filled the discipline screen with a single bar."""
    at = deck("X04", "2026", man=5)
    shown = text(at)
    assert re.search(r"\b1 quyết định kỷ luật\b", shown)
    assert re.search(r": 1 quyết định\b", shown)  # the behaviour in words
    for fig in figures(at):
        for trace in fig["data"]:
            if trace.get("type") == "bar" and trace.get("orientation") == "h":
                assert sum(1 for v in trace["x"] if v) >= chart.MIN_BARS, trace
    assert chart.bars([("A", 1, "#000", "1")], "t", chart.Type()) == (None, ["A: 1"])


def test_chart_type_follows_the_screen(demo_db):
    """Old code: 22 px at every viewport. Now 20 px at 1024×768 (scale 1) and more at 1920×1080."""
    sizes = {}
    for scale in (1, chart.scale_for(1920, 1080)):
        fig = figures(deck("X04", "2026", man=2, co_chu=f"{scale:g}"))[0]
        sizes[scale] = (fig["layout"]["font"]["size"], fig["layout"]["xaxis"]["tickfont"]["size"])
    small, large = sizes.values()
    assert small[0] >= 16 and small[1] >= 16
    assert large[0] > small[0] and large[1] > small[1], sizes
    assert chart.scale_for(1024, 768) == chart.scale_for(1280, 800) == 1
    assert chart.scale_for(1920, 1080) == 1.375 and chart.scale_for(3840, 2160) == 2.5
    assert [chart.parse_scale(x) for x in (None, "", "abc", "nan", "0.2", "99", "1.4")] == [1, 1, 1, 1, 1, 2.5, 1.375]


def test_links_and_keys_keep_the_scale(demo_db):
    at = deck("X04", "2026", man=3, co_chu="1.375")
    scripts = "\n".join(h.proto.body for h in at.get("html"))
    assert "man=4&co_chu=1.375" in scripts.replace("&amp;", "&") or "co_chu=1.375&man=4" in scripts.replace(
        "&amp;", "&"
    )
    assert "location.replace" in scripts


def test_commune_deck_still_has_eight_screens(demo_db):
    for n in (1, 8):
        assert f"{commune.TOPICS[n - 1]} · {n}/8" in text(deck("X04", "2026", man=n))


def test_no_deck_module_spells_its_own_status_colour():
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "ui" / "deck").glob("*.*"))
    assert not re.search(r"#(00752f|b34700|c40000)", source, re.I)
    assert date.today()  # the deck's colours come from ui/palette.py only
