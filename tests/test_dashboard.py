"""The dashboard starts on a real database and shows the indicator module's figures, formatted the Vietnamese way."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from etl import periods
from etl.load import load_paths
from etl.template import write_workbook
from tests.conftest import ROOT
from ui import fmt

TTHC = [{"field": "Hộ tịch", "carried_over": 2, "received_online": 600, "received_offline": 634, "resolved_early": 100,
         "resolved_on_time": 1126, "resolved_late": 5, "pending_on_time": 5, "pending_overdue": 0, "returned": 0}]


@pytest.fixture
def loaded_db(tmp_path, monkeypatch):
    path = tmp_path / "dash.duckdb"
    book = tmp_path / "NX03_2024-03.xlsx"
    write_workbook(book, unit_code="NX03", unit_name="Xã Bình Lương", period=periods.parse("2024-03"), rows={"TTHC": TTHC})
    assert load_paths(path, [book])[0].status == "loaded"
    monkeypatch.setenv("CH33_DB", str(path))
    monkeypatch.chdir(ROOT)
    return path


def test_dashboard_shows_cli_figures(loaded_db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    at.selectbox[0].set_value("NX03")
    at.selectbox[1].set_value(2024)
    at.selectbox[2].set_value(3)
    at.run()
    assert not at.exception
    out = subprocess.run([sys.executable, "-m", "etl", "indicators", "--db", str(loaded_db), "--unit", "NX03", "--period", "2024-03"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    cli = json.loads(out.stdout)["indicators"]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Hồ sơ TTHC tiếp nhận mới"] == fmt.num(cli["tthc.received_new"]) == "1.234"
    assert shown["Tỷ lệ giải quyết TTHC đúng hạn"] == fmt.pct(cli["tthc.on_time_rate"]) == "99,6 %"
    assert shown["Tỷ lệ giải quyết đơn thư"] == "Không phát sinh"  # no petitions: no denominator, not 0 %


def test_dashboard_empty_period_says_what_is_missing(loaded_db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.selectbox[0].set_value("NX03")
    at.selectbox[1].set_value(2023)
    at.selectbox[2].set_value(5)
    at.run()
    assert not at.exception
    assert any("Chưa có báo cáo" in w.value for w in at.warning)


@pytest.mark.parametrize("value, text", [(1234, "1.234"), (1234567, "1.234.567"), (0, "0"), (None, "–")])
def test_fmt_num(value, text):
    assert fmt.num(value) == text


@pytest.mark.parametrize("rate, text", [(0.953, "95,3 %"), (1.0, "100,0 %"), (0.0, "0,0 %"), (None, "Không phát sinh")])
def test_fmt_pct(rate, text):
    assert fmt.pct(rate) == text
