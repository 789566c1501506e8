"""«Báo cáo định kỳ» in a real browser: the clerk creates the report for the selection, downloads the .docx and the
.xlsx appendix, and both open (python-docx, openpyxl) with the unit, the period and the figures of the indicator CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import openpyxl
import pytest
from docx import Document

from tests.browser.conftest import ROOT
from ui import fmt

pytestmark = pytest.mark.browser


def test_download_the_report_and_open_it(tabs, demo_db, tmp_path):
    tab = tabs["1280x800"] if "1280x800" in tabs else tabs["1024x768"]
    page = tab.page
    page.goto(tab.base + "/bao-cao-dinh-ky?don_vi=X04&ky=2025H2&so_sanh=ky_truoc")
    page.get_by_role("button", name="Tạo báo cáo").click(timeout=90_000)
    button = page.get_by_role("button", name="Tải báo cáo (Word)")
    button.wait_for(timeout=90_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    docx = tmp_path / info.value.suggested_filename
    info.value.save_as(docx)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Tải phụ lục số liệu (Excel)").click()
    xlsx = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx)
    tab.shot("bao_cao_dinh_ky", full_page=False)
    assert docx.name == "bao_cao_ct33_X04_2025H2.docx" and xlsx.name == "bao_cao_ct33_X04_2025H2_phu_luc.xlsx"

    doc = Document(io.BytesIO(docx.read_bytes()))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    cli = subprocess.run(
        [sys.executable, "-m", "etl", "indicators", "--db", str(demo_db), "--unit", "X04", "--period", "2025H2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    f = json.loads(cli.stdout)["indicators"]
    assert "UBND XÃ HÓA QUỲ" in text and "6 tháng cuối năm 2025" in text
    assert f"Tiếp nhận {fmt.num(f['tthc.received_new'])} hồ sơ" in text
    assert f"đúng hạn {fmt.pct(f['tthc.on_time_rate'])}" in text
    sheets = openpyxl.load_workbook(xlsx).sheetnames
    assert sheets[:4] == ["II.06a - TTHC", "01-TCD - Tiếp công dân", "02-XLD - Xử lý đơn", "Đơn chưa giải quyết"]
