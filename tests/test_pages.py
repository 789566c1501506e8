"""Every page runs in AppTest for a commune, a group, a month, a year and an empty selection; a link opens the
view it names; figures read off the pages equal `python -m etl indicators` for the same selection."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from etl.demo import build_demo
from tests.conftest import ROOT, using_database

PAGES = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))
LOADING_PAGES = {"pages/nhap_so_lieu.py", "pages/lich_su_nhap.py"}  # not figures of a period: no "no report" state
UNITS = {"NX03", "NX06", "NX11", "X04", "X01"}
TEST_CASES_SMOKE = [  # (unit, period key, has data)
    ("X04", "2026-03", True),  # a commune, a month
    ("X04", "2026", True),  # a commune, a year
    ("NX", "2024", True),  # a group (the former district), a year
    ("38", "2025-06", True),  # the province, a month
    ("NX03", "2024-01:2025-06", True),  # a custom range
    ("NX11", "2024-02", False),  # the month NX11 did not report
    ("X01", "2023-05", False),  # a unit that did not exist yet
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "demo.duckdb"
    build_demo(path, only=UNITS)
    yield from using_database(path)


def open_view(page: str, code: str, key: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": code, "ky": key} | params)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


def page_text(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [w.value for w in at.warning]
        + [i.value for i in at.info]
        + [t.value for t in at.title]
        + [s.value for s in at.subheader]
    )


def test_every_page_is_listed():
    assert len(PAGES) == 13 and all((ROOT / p).exists() for p in PAGES)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("code, key, has_data", TEST_CASES_SMOKE)
def test_page_smoke(demo_db, page, code, key, has_data):
    at = open_view(page, code, key)
    assert not at.exception, at.exception[0].value if at.exception else ""
    text = page_text(at)
    assert not re.search(r"\b(None|nan|NaN|null|Error|Traceback)\b", text), text
    if has_data or page in LOADING_PAGES:
        assert not any("Chưa có báo cáo" in w.value for w in at.warning)
    else:
        assert any("Chưa có báo cáo" in w.value and "python -m etl load" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_its_own(demo_db, page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.query_params.update({"don_vi": "X04", "ky": "2026-03"})
    at.run()
    assert not at.exception
    if page in LOADING_PAGES:  # the upload page offers the selected commune's template; the history names it
        assert "Xã Hóa Quỳ" in page_text(at) or at.selectbox(key="mau_don_vi").value == "X04"
    else:
        assert "Xã Hóa Quỳ" in page_text(at)


def test_link_opens_unit_period_and_comparison(demo_db):
    at = open_view(PAGES[0], "NX03", "2024Q1", so_sanh="cung_ky")
    assert at.selectbox(key="don_vi").value == "NX03"
    assert at.selectbox(key="loai_ky").value == "quy" and at.selectbox(key="quy").value == 1
    assert at.radio(key="so_sanh").value == "cung_ky"
    assert "**Xã Bình Lương** — Quý I/2024 so với cùng kỳ năm 2023" in page_text(at)
    at.selectbox(key="nam").set_value(2025).run()
    assert {k: at.query_params[k] for k in ("don_vi", "ky", "so_sanh")} == {
        "don_vi": "NX03",
        "ky": "2025Q1",
        "so_sanh": "cung_ky",
    }


def cli(code: str, key: str) -> dict:
    first, _, last = key.partition(":")
    args = [sys.executable, "-m", "etl", "indicators", "--db", os.environ["CH33_DB"], "--unit", code, "--period", first]
    out = subprocess.run(
        args + (["--period-end", last] if last else []), cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)["indicators"]


METRICS = {  # page -> metric label -> indicator id (every figure a test reads off the page)
    "pages/tong_quan.py": {
        "Cải cách hành chính: hồ sơ giải quyết đúng hạn": "tthc.on_time_rate",
        "Hồ sơ nộp trực tuyến": "tthc.online_rate",
        "Đơn thư: tỷ lệ giải quyết": "petitions.resolution_rate",
        "Đơn thư quá hạn chưa giải quyết": "petitions.overdue_open",
        "Tuần Chủ tịch tiếp công dân đúng quy định": "reception.chair_compliance",
        "Hội nghị đối thoại với Nhân dân": "dialogue.sessions",
        "Quyết định kỷ luật cán bộ, công chức": "discipline.decisions",
        "Nhiệm vụ kế hoạch đã hoàn thành": "plan.done_rate",
    },
    "pages/cai_cach_hanh_chinh.py": {
        "Hồ sơ tiếp nhận mới": "tthc.received_new",
        "Hồ sơ đã giải quyết": "tthc.resolved",
        "Giải quyết đúng hạn": "tthc.on_time_rate",
        "Hồ sơ nộp trực tuyến": "tthc.online_rate",
        "Kỳ trước chuyển qua": "tthc.carried_over",
        "Tồn cuối kỳ": "tthc.pending_end",
        "Trong đó đã quá hạn": "tthc.pending_overdue_end",
    },
    "pages/don_thu.py": {
        "Tỷ lệ giải quyết đơn": "petitions.resolution_rate",
        "Giải quyết đúng hạn": "petitions.on_time_rate",
        "Đơn tồn đã quá hạn": "petitions.overdue_open",
        "Vụ việc đông người": "petitions.crowd_cases",
    },
    "pages/tiep_cong_dan.py": {
        "Tuần đạt quy định": "reception.chair_compliance",
        "Ngày Chủ tịch tiếp công dân định kỳ": "reception.chair_days",
        "Tổng số ngày tiếp công dân": "reception.days",
        "Số người được tiếp": "reception.citizens",
        "Số vụ việc": "reception.cases",
        "Số đoàn đông người": "reception.crowd_groups",
        "Hội nghị đối thoại đã tổ chức": "dialogue.sessions",
        "Ý kiến, kiến nghị của Nhân dân": "dialogue.issues_raised",
        "Ý kiến đã được trả lời, giải quyết": "dialogue.answer_rate",
    },
    "pages/ky_luat.py": {
        "Số đợt kiểm tra công vụ": "inspection.count",
        "Lượt cán bộ, công chức được kiểm tra": "inspection.officials_checked",
        "Số vi phạm phát hiện": "inspection.violations",
        "Quyết định kỷ luật": "discipline.decisions",
        "Trong đó: sách nhiễu, gây phiền hà; cửa quyền, hách dịch": "discipline.harassment",
    },
    "pages/tuyen_truyen.py": {
        "Hoạt động tuyên truyền, phổ biến": "outreach.events",
        "Lượt người tham dự": "outreach.participants",
        "Hoạt động giám sát, phản biện": "supervision.events",
        "Kiến nghị của MTTQ, đoàn thể": "supervision.recommendations",
        "Kiến nghị được chính quyền tiếp thu": "supervision.acceptance_rate",
        "Nhiệm vụ kế hoạch đã hoàn thành": "plan.done_rate",
    },
    "pages/du_lieu.py": {"Tỷ lệ nộp đủ": "reporting.completeness", "Tỷ lệ nộp đúng hạn": "reporting.timeliness"},
}
TEST_CASES_CLI = [
    ("NX03", "2024-03"),
    ("X04", "2025H2"),
    ("NX", "2024"),
]  # a commune-month, a commune-year (X04 exists from 07/2025), a group-year


@pytest.mark.parametrize("code, key", TEST_CASES_CLI)
@pytest.mark.parametrize("page", list(METRICS))
def test_page_figures_equal_the_indicator_cli(demo_db, page, code, key):
    from etl import targets
    from ui import fmt

    expected = cli(code, key)
    at = open_view(page, code, key)
    shown = {m.label: m.value for m in at.metric}
    checked = 0
    for label, ind in METRICS[page].items():
        if label not in shown:
            continue  # a section the page leaves out when it has nothing to show
        text = fmt.pct(expected[ind]) if targets.is_rate(ind) else fmt.num(expected[ind])
        assert shown[label] == text, (label, ind)
        checked += 1
    assert checked >= max(1, len(METRICS[page]) // 2)


TEST_CASES_INTERACTION = [  # page, widget key, new value
    ("pages/tong_quan.py", "don_vi", "X01"),
    ("pages/cai_cach_hanh_chinh.py", "nam", 2025),
    ("pages/don_thu.py", "don_vi", "X01"),
    ("pages/tiep_cong_dan.py", "loai_ky", "thang"),
    ("pages/ky_luat.py", "don_vi", "38"),
    ("pages/tuyen_truyen.py", "nam", 2025),
    ("pages/du_lieu.py", "don_vi", "38"),
    ("pages/lich_su_nhap.py", "don_vi", "NX03"),
]


@pytest.mark.parametrize("page, key, value", TEST_CASES_INTERACTION)
def test_changing_a_filter_changes_a_figure(demo_db, page, key, value):
    at = open_view(page, "X04", "2026")
    before = [(m.label, m.value) for m in at.metric]
    at.selectbox(key=key).set_value(value).run()
    assert not at.exception
    after = [(m.label, m.value) for m in at.metric]
    assert before and after and before != after
