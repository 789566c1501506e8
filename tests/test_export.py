"""The «Dữ liệu» page's download: the bytes the button serves open with openpyxl and hold the indicator module's figures;
the loads table shows warnings and replaced loads; «Tuyên truyền» shows plan progress per task."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO
from unittest.mock import patch

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from etl import targets
from tests._workbooks import book, indicators, load_ok, tthc_row
from tests.conftest import ROOT
from ui import fmt
from ui.export import DIRECTIVE, INDICATOR_NAMES, NO_DENOMINATOR

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN = [
    {"task_code": c, "content": f"Nhiệm vụ {c}", "progress": p, "percent": n}
    for c, p, n in (("II.1", "Hoàn thành", 100), ("II.2", "Đang thực hiện", 40), ("III.1", "Chưa triển khai", 0))
]


def sheets(month: int, carried: int, outreach: int) -> dict:
    return {
        "TTHC": [tthc_row("Hộ tịch", carried, 1234, 10, 600, 600, 4, 8, 2, carried + 30)],
        "Tuyên truyền": [
            {"event_date": date(2024, month, 2), "content": "Chỉ thị 33", "form": "Hội nghị", "participants": outreach}
        ],
        "Dân vận khéo": [
            {
                "model_name": "Mô hình M1",
                "field": "Nông nghiệp",
                "recognised_year": 2024,
                "level": "Xã",
                "is_rewarded": "Có",
            }
        ],
        "Kế hoạch": PLAN,
    }


@pytest.fixture
def loaded(tmp_path, monkeypatch):
    """NX03: February, then March with a carried-over stock that disagrees with February (a warning), loaded twice (a replacement)."""
    path = tmp_path / "export.duckdb"
    load_ok(path, book(tmp_path / "in", "NX03", "2024-02", sheets(2, 0, 50)), datetime(2024, 3, 5, 8, 30))
    first = load_ok(path, book(tmp_path / "in", "NX03", "2024-03", sheets(3, 7, 80)), datetime(2024, 4, 3, 9, 15))
    second = load_ok(path, book(tmp_path / "in2", "NX03", "2024-03", sheets(3, 7, 95)), datetime(2024, 4, 20, 14, 0))
    assert second.replaced_load_id == first.load_id and second.warnings
    monkeypatch.setenv("CH33_DB", str(path))
    monkeypatch.chdir(ROOT)
    return path


def open_page(page: str, code: str, key: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": code, "ky": key, "so_sanh": "ky_truoc"})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def downloaded(page: str, code: str, key: str) -> tuple[AppTest, bytes]:
    """Run the page and keep the bytes the download button hands to the browser."""
    served = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        if mimetype == XLSX:
            served.append(data)
        return original(self, data, mimetype, kind, filename)

    with patch.object(MemoryMediaFileStorage, "load_and_get_id", spy):
        at = open_page(page, code, key)
    assert len(served) == 1
    return at, served[0]


def test_every_indicator_has_a_vietnamese_name(loaded):
    con_figures = indicators(loaded, "NX03", "2024-03")
    assert set(INDICATOR_NAMES) == set(con_figures)
    assert all(name and not any(ch in name for ch in "._") for name in INDICATOR_NAMES.values())


def test_download_holds_the_figures(loaded):
    _, data = downloaded("pages/du_lieu.py", "NX03", "2024Q1")
    book_ = openpyxl.load_workbook(BytesIO(data))
    assert book_.sheetnames == ["Chỉ số", "Tệp đã nạp", "Thông tin"]
    figures, before = indicators(loaded, "NX03", "2024Q1"), indicators(loaded, "NX03", "2023Q4")
    ws = book_["Chỉ số"]
    head = [c.value for c in ws[1]]
    assert head[:6] == ["Lĩnh vực", "Chỉ số", "Giá trị", "Chỉ tiêu", "Đánh giá", "Nguồn chỉ tiêu"] and head[6:9] == [
        "Cùng các tháng kỳ này (Quý I/2024)",
        "Kỳ so sánh (Quý IV/2023)",
        "Thay đổi",
    ]
    ids = {name: ind for ind, name in INDICATOR_NAMES.items()}
    rows = {ids[r[1].value]: r for r in ws.iter_rows(min_row=2)}
    assert set(rows) == set(figures)
    for ind, value in figures.items():
        cell = rows[ind][2]
        if value is None:
            assert cell.value == NO_DENOMINATOR
        else:
            assert cell.value == pytest.approx(value), ind
            assert cell.number_format == ("0.0%" if targets.is_rate(ind) else "#,##0")
        assert rows[ind][7].value == (
            pytest.approx(before[ind])
            if before[ind] is not None
            else (NO_DENOMINATOR if targets.is_rate(ind) else None)
        )
    assert figures["tthc.received_new"] == 2 * 1244 and figures["outreach.participants"] == 50 + 95
    assert rows["tthc.on_time_rate"][3].value == 0.95 and rows["tthc.on_time_rate"][4].value == "Đạt"
    # 100 % is due on 31/12, not at the end of Q1: named, with what it stands at, not judged
    assert rows["plan.done_rate"][4].value.startswith("xét vào cuối năm 2024; hiện đạt")

    loads = list(book_["Tệp đã nạp"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in loads] == ["Tháng 2/2024", "Tháng 3/2024"]
    march = loads[1]
    assert march[4] == datetime(2024, 4, 3, 9, 15) and isinstance(
        march[5], datetime
    )  # first received (not the replacement's), loaded
    assert march[7] >= 1 and "Kỳ trước chuyển qua" in march[8] and march[9] is not None and march[9] != march[0]
    info = dict(book_["Thông tin"].iter_rows(values_only=True))
    assert (
        info["Kỳ báo cáo"] == "Quý I/2024"
        and info["So sánh"] == "Quý I/2024 so với quý IV/2023"
        and DIRECTIVE in info["Căn cứ"]
        and "Chỉ thị 33/CT-TTg ngày 26/11/2021" in info["Căn cứ"]
    )


def test_loads_table_shows_warnings_and_replacements(loaded):
    at = open_page("pages/du_lieu.py", "NX03", "2024-03")
    table = at.dataframe[-1].value
    row = table[table["Kỳ"] == "Tháng 3/2024"].iloc[0]
    assert row["Nhận lần đầu"] == "03/04/2024 09:15" and re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row["Nạp lúc"])
    assert row["Thay thế bản"].startswith("Bản số ") and row["Số dòng"].startswith("TTHC 1 · ")
    assert any("Kỳ trước chuyển qua" in m.value for m in at.markdown)


def test_plan_progress_per_task(loaded):
    at = open_page("pages/tuyen_truyen.py", "NX03", "2024-03")
    plan = at.table[-1].value
    assert list(plan["Tiến độ"]) == ["Hoàn thành", "Đang thực hiện", "Chưa triển khai"]
    assert list(plan["Tỷ lệ hoàn thành"]) == ["100 %", "40 %", "0 %"]
    models = at.table[0].value
    assert models.iloc[0]["Được khen thưởng"] == "Có" and models.iloc[0]["Năm công nhận"] == "2024"
    at = open_page("pages/tuyen_truyen.py", "NX", "2024-03")  # a group: communes counted per task
    plan = at.table[-1].value
    assert list(plan["Hoàn thành"]) == ["1 xã", "0 xã", "0 xã"]
    assert fmt.pct(indicators(loaded, "NX", "2024-03")["plan.done_rate"]) in "".join(m.value for m in at.markdown)
