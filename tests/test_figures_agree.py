"""Issue «figures that agree»: one AppTest check per finding, on a small demo database seen on a fixed day (29/11/2026,
when 2026's reports run to October). Each would fail on the code before etl.windows: a running year compared with a
whole one, completeness 0 % on one page and 100 % on another, a rate chart under its own title, three statements of one
target, a red «-0,0», and «Cần chú ý» opening with five identical lines."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from etl import db, indicators, targets
from etl.demo import build_demo
from tests.conftest import ROOT, using_database
from ui import fmt, overview

TODAY = "2026-11-29"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("agree") / "demo.duckdb"
    build_demo(path, only={"NX03", "NX06", "X04"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CH33_TODAY", TODAY)
        yield from using_database(path)


def compute(path, code: str, start: date, end: date) -> dict:
    con = db.connect(path, read_only=True)
    try:
        return indicators.compute(con, code, start, end, today=date.fromisoformat(TODAY))
    finally:
        con.close()


def run(page: str, code: str, key: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.query_params.update({"don_vi": code, "ky": key} | params)
    return at.run()


def text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def test_running_year_is_compared_over_the_same_months(demo_db):
    """Finding 1: X04 · 2026 «so với Năm 2025» set ten months against six; now T7–T10 against T7–T10."""
    at = run("pages/tong_quan.py", "X04", "2026", so_sanh="cung_ky")
    header = text(at)
    assert "10 tháng đầu năm 2026" in header and "tháng 7–10/2026 so với tháng 7–10/2025" in header
    assert "so với Năm 2025" not in header and "so với năm 2025" not in header
    now = compute(demo_db, "X04", date(2026, 7, 1), date(2026, 10, 31))
    then = compute(demo_db, "X04", date(2025, 7, 1), date(2025, 10, 31))
    value, delta = metrics(at)["Hồ sơ nộp trực tuyến"]
    assert value == fmt.pct(compute(demo_db, "X04", date(2026, 1, 1), date(2026, 10, 31))["tthc.online_rate"])
    assert delta == fmt.change_text(True, now["tthc.online_rate"], then["tthc.online_rate"])


def test_completeness_is_one_figure_on_every_page(demo_db):
    """Finding 2: «0/1 đơn vị (0,0 %)» on Tổng quan, «10/10, 100,0 %» on Tình hình báo cáo, «0/6 · 0,0 %» on Dữ liệu."""
    f = compute(demo_db, "X04", date(2026, 1, 1), date(2026, 10, 31))
    assert f["reporting.months_due"] == 10 and f["reporting.completeness"] > 0.5
    pair = f"{fmt.num(f['reporting.months_received'])}/{fmt.num(f['reporting.months_due'])}"
    assert overview.reporting_sentence(f) in text(run("pages/tong_quan.py", "X04", "2026"))
    for page in ("pages/du_lieu.py", "pages/tinh_hinh_bao_cao.py"):
        shown = metrics(run(page, "X04", "2026"))
        assert shown["Báo cáo tháng đã nhận / đã đến hạn"][0] == pair, page
        assert shown["Tỷ lệ nộp đủ"][0] == fmt.pct(f["reporting.completeness"]), page
        assert shown["Tỷ lệ nộp đúng hạn"][0] == fmt.pct(f["reporting.timeliness"]), page


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def last_point(fig: dict, name: str) -> str:
    trace = next(t for t in fig["data"] if t.get("name") == name)
    return [c for c, y in zip(trace["customdata"], trace["y"]) if y is not None][-1]


@pytest.mark.parametrize(
    "page, title, trace, ind",
    [
        ("pages/don_thu.py", "Tỷ lệ giải quyết", "Tỷ lệ giải quyết", "petitions.resolution_rate"),
        ("pages/cai_cach_hanh_chinh.py", "Đúng hạn", "Trước hạn và đúng hạn", "tthc.on_time_rate"),
        ("pages/cai_cach_hanh_chinh.py", "Trực tuyến", "Nộp trực tuyến", "tthc.online_rate"),
    ],
)
def test_rate_chart_ends_on_its_headline(demo_db, page, title, trace, ind):
    """Finding 3: the title said 88,6 % while every monthly point sat at 35–55 % (backlog in each month's denominator)."""
    at = run(page, "X04", "2026")
    f = compute(demo_db, "X04", date(2026, 1, 1), date(2026, 10, 31))
    fig = next(c for c in charts(at) if c["layout"]["title"]["text"].startswith(title))
    assert fig["layout"]["title"]["text"].startswith(f"{title} {fmt.pct(f[ind])}")
    assert last_point(fig, trace) == fmt.pct(f[ind])


def test_one_target_one_statement(demo_db):
    """Finding 4: dialogue «Không có chỉ tiêu» / «tối thiểu 6» / «ít nhất 1»; plan «Không có chỉ tiêu» / «100 % cuối năm»."""
    f = compute(demo_db, "X04", date(2026, 1, 1), date(2026, 10, 31))
    dialogue = targets.assess("dialogue.sessions", f, "X04", date(2026, 10, 31))
    plan = targets.assess("plan.done_rate", f, "X04", date(2026, 10, 31))
    assert dialogue.status is None and "xét vào cuối năm 2026" in dialogue.verdict and "cần 1" in dialogue.rule
    assert "cuối năm" in plan.rule and plan.status is None
    overview_text = text(run("pages/tong_quan.py", "X04", "2026"))
    assert dialogue.line in overview_text and plan.line in overview_text
    assert "Không có chỉ tiêu" not in overview_text
    assert dialogue.line in text(run("pages/tiep_cong_dan.py", "X04", "2026"))
    assert plan.line in text(run("pages/tuyen_truyen.py", "X04", "2026"))


@pytest.mark.parametrize("code, key", [("X04", "2026"), ("NX03", "2024Q1"), ("NX06", "2024")])
def test_no_change_is_shown_as_a_signed_zero(demo_db, code, key):
    """Finding 5: a red «-0,0 điểm %» and «▼ giảm 0,0 điểm %»."""
    seen: set = set()
    for page in ("pages/tong_quan.py", "pages/cai_cach_hanh_chinh.py", "pages/don_thu.py"):
        at = run(page, code, key, so_sanh="cung_ky")
        deltas = [m.proto.delta for m in at.metric]
        assert not [d for d in deltas if re.match(r"^[+-]0(,0)?( điểm %)?$", d)], (page, deltas)
        unchanged = [m for m in at.metric if m.proto.delta == fmt.UNCHANGED]
        assert all(m.proto.color == Metric.MetricColor.GRAY for m in unchanged), page  # grey, never red or green
        seen.update(m.label for m in unchanged)
    assert code != "NX06" or seen, "a zero change in this selection must read «Không đổi»"


def severities(lines: list[str]) -> list[int]:
    return [next(s for s, icon in overview.ICONS.items() if line.startswith(icon)) for line in lines]


@pytest.mark.parametrize("code, key", [("NX03", "2024"), ("NX", "2024"), ("X04", "2026")])
def test_attention_is_ordered_and_folded(demo_db, code, key):
    """Finding 6: five identical «Chủ tịch không tiếp công dân… tuần …» lines before 59 overdue petitions. Now most
    serious first (for a group: per commune, the communes with the most serious items first), one line per rule."""
    blocks: list[list[str]] = [[]]
    for m in run("pages/tong_quan.py", code, key).markdown:
        if re.fullmatch(r"\*\*[^*]+\*\*", m.value):  # a commune's heading (groups only)
            blocks.append([])
        elif m.value.startswith(":material/") and not m.value.startswith(":material/check"):
            blocks[-1].append(m.value)
    blocks = [b for b in blocks if b]
    assert blocks, "the demo has overdue petitions and missed weeks in these selections"
    assert [min(severities(b)) for b in blocks] == sorted(min(severities(b)) for b in blocks)
    for b in blocks:
        assert severities(b) == sorted(severities(b)), b
        reception = [line for line in b if "Chủ tịch chưa tiếp công dân" in line]
        assert len(reception) <= 1, reception  # folded: one line per commune with the week numbers
        assert all(re.search(r"\d+ tuần: [\d, ]+/20\d\d", line) for line in reception)
