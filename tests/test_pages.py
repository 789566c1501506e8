"""Every page runs in AppTest for a commune, a group, a month, a year and an empty selection; a link opens the
view it names; figures read off the pages equal `python -m etl indicators` for the same selection."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.demo import build_demo
from tests.conftest import ROOT

PAGES = re.findall(r'st\.Page\("([^"]+)"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))
LOADING_PAGES = {"pages/nhap_so_lieu.py", "pages/lich_su_nhap.py"}  # not figures of a period: no "no report" state
UNITS = {"NX03", "NX06", "NX11", "X04", "X01"}
TEST_CASES_SMOKE = [  # (unit, period key, has data)
    ("X04", "2026-03", True),        # a commune, a month
    ("X04", "2026", True),           # a commune, a year
    ("NX", "2024", True),            # a group (the former district), a year
    ("38", "2025-06", True),         # the province, a month
    ("NX03", "2024-01:2025-06", True),  # a custom range
    ("NX11", "2024-02", False),      # the month NX11 did not report
    ("X01", "2023-05", False),       # a unit that did not exist yet
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "demo.duckdb"
    build_demo(path, only=UNITS)
    old = os.environ.get("CH33_DB")
    os.environ["CH33_DB"] = str(path)
    yield path
    if old is None:
        os.environ.pop("CH33_DB", None)
    else:
        os.environ["CH33_DB"] = old


def open_view(page: str, code: str, key: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": code, "ky": key} | params)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


def page_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [w.value for w in at.warning] + [i.value for i in at.info]
                     + [t.value for t in at.title] + [s.value for s in at.subheader])


def test_every_page_is_listed():
    assert len(PAGES) == 9 and all((ROOT / p).exists() for p in PAGES)


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
    assert "**Xã Bình Lương** — Quý I/2024 · so sánh với Quý I/2023" in page_text(at)
    at.selectbox(key="nam").set_value(2025).run()
    assert {k: at.query_params[k] for k in ("don_vi", "ky", "so_sanh")} == {"don_vi": "NX03", "ky": "2025Q1", "so_sanh": "cung_ky"}


def cli(code: str, key: str) -> dict:
    first, _, last = key.partition(":")
    args = [sys.executable, "-m", "etl", "indicators", "--db", os.environ["CH33_DB"], "--unit", code, "--period", first]
    out = subprocess.run(args + (["--period-end", last] if last else []), cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["indicators"]
