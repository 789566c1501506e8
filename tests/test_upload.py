"""«Nhập số liệu» in AppTest: a valid upload appears on the overview, a bad one gets a cell-level report and a
highlighted copy and changes nothing, a replacement is previewed and only committed after confirmation."""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from etl import read, reference, validate
from etl.annotate import annotated_copy
from tests._workbooks import book, dump, indicators, load_ok, query, tthc_row
from tests.conftest import ROOT
from tests.test_edges import shown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def site(tmp_path, monkeypatch):
    db_file = tmp_path / "site.duckdb"
    load_ok(
        db_file, book(tmp_path / "seed", "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 2, 0)]})
    )
    monkeypatch.setenv("CH33_DB", str(db_file))
    return db_file


def upload(files: list[tuple[str, bytes]], by: str = "") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"don_vi": "NX03", "ky": "2024-03"})
    at.run()
    at.switch_page("pages/nhap_so_lieu.py").run()
    if by:
        at.text_input(key="nguoi_nhap").input(by)
    at.file_uploader(key="tep_tai_len").set_value([(name, data, XLSX) for name, data in files])
    return at.run()


def test_valid_upload_loads_and_shows_on_overview(site, tmp_path):
    path = book(tmp_path, "NX03", "2024-04", {"TTHC": [tthc_row("Hộ tịch", 2, 30, 10, 10, 25, 5, 2, 0)]})
    at = upload([(path.name, path.read_bytes())], by="Lê Thị Văn Thư")
    assert not at.exception
    assert any("Đã nhập" in s.value and "Tháng 4/2024" in s.value and "TTHC: 1 dòng" in s.value for s in at.success)
    assert query(site, "select loaded_by from load_history where period_key = '2024-04'") == [("Lê Thị Văn Thư",)]
    at.switch_page("pages/tong_quan.py").run()
    at.selectbox(key="thang").set_value(4).run()
    shown = {m.label: m.value for m in at.metric}
    # 35 resolved early/on time of 40 resolved = 87,5 %, read from the same indicator implementation as the CLI
    assert indicators(site, "NX03", "2024-04")["tthc.on_time_rate"] == 35 / 40
    assert shown["Cải cách hành chính: hồ sơ giải quyết đúng hạn"] == "87,5 %"


def test_invalid_upload_reports_cells_and_changes_nothing(site, tmp_path):
    bad = book(
        tmp_path,
        "NX03",
        "2024-05",
        {
            "TTHC": [tthc_row("Hộ tịch", 2, 10, 20, 8, 20, 2, 9, 0)],
            "Đơn thư": [
                {
                    "case_id": "A1",
                    "received_date": "03/15/2024",
                    "petition_type": "Khiếu nại",
                    "field": "Đất đai",
                    "in_jurisdiction": "Có",
                }
            ],
        },
    )
    before = dump(site)
    at = upload([(bad.name, bad.read_bytes())])
    assert not at.exception
    assert any("không nhập" in e.value for e in at.error)
    text = "\n".join(m.value for m in at.markdown)
    assert "`TTHC!B2:J2`" in text and "`Đơn thư!B2`" in text and "03/15/2024" in text
    assert any("đánh dấu ô lỗi" in b.label for b in at.get("download_button"))
    assert dump(site) == before
    raw = read.read_bytes(bad.name, bad.read_bytes())
    copy = openpyxl.load_workbook(
        io.BytesIO(annotated_copy(bad.name, bad.read_bytes(), raw, validate.validate(raw, reference.units()).problems))
    )
    assert copy.sheetnames[0] == "Danh sách lỗi"
    assert (
        copy["Đơn thư"]["B2"].fill.fgColor.rgb.endswith("FFC7CE") and "03/15/2024" in copy["Đơn thư"]["B2"].comment.text
    )


def test_replacement_is_previewed_and_committed_only_after_confirmation(site, tmp_path):
    new = book(tmp_path / "v2", "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 40, 20, 8, 50, 2, 2, 0)]})
    before = dump(site)
    at = upload([(new.name, new.read_bytes())])
    assert any("sẽ thay thế bản nhập số 1" in w.value for w in at.warning)
    table = at.dataframe[0].value
    row = table[table["Chỉ số"] == "Hồ sơ TTHC tiếp nhận mới"].iloc[0]
    assert (row["Bản đang dùng"], row["Bản mới"]) == ("30", "60")
    assert dump(site) == before  # nothing committed yet
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("xac_nhan_"))).click().run()
    assert any("Đã thay thế bản nhập số 1" in s.value for s in at.success)
    assert query(site, "select load_id, replaced_load_id from load_history order by 1") == [(1, None), (2, 1)]
    assert indicators(site, "NX03", "2024-03")["tthc.received_new"] == 60


TEST_CASES_UNREADABLE = [  # name, content, words of the one message shown
    ("hong.xlsx", b"PK\x03\x04" + b"\x00" * 100, "hỏng"),
    ("rong.xlsx", b"", "rỗng"),
    ("bao_cao.txt", b"Bao cao", "không được nhận"),
    ("csv_doi_ten.xlsx", "Mã đơn;Ngày nhận\nA;01/03/2024\n".encode(), "CSV"),
]


@pytest.mark.parametrize("name, content, words", TEST_CASES_UNREADABLE)
def test_unreadable_upload_gets_one_clear_message(site, name, content, words):
    before = dump(site)
    at = upload([(name, content)])
    assert not at.exception
    messages = [shown(m.value) for m in at.error if name in shown(m.value)]  # the reader's one message, as rendered
    assert len(messages) == 1 and words in messages[0] and not any("``" in m.value for m in at.markdown)
    assert dump(site) == before


def test_oversized_upload_is_refused(site, monkeypatch):
    from etl import config

    monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", 1000)
    at = upload([("lon.xlsx", b"PK\x03\x04" + b"\x00" * 2000)])
    assert any("quá lớn" in shown(m.value) and "lon.xlsx" in shown(m.value) for m in at.error)


def test_history_shows_who_loaded_what_and_what_replaced_it(site, tmp_path):
    new = book(tmp_path / "v2", "NX03", "2024-03", {"TTHC": [tthc_row("Hộ tịch", 2, 40, 20, 8, 50, 2, 2, 0)]})
    at = upload([(new.name, new.read_bytes())], by="Nguyễn Văn Nhập")
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("xac_nhan_"))).click().run()
    at.switch_page("pages/lich_su_nhap.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Bản số"]) == ["2", "1"]
    assert list(table["Trạng thái"]) == ["Đang dùng", "Đã được thay bằng bản số 2"]
    assert table.iloc[0]["Người nhập"] == "Nguyễn Văn Nhập" and table.iloc[0]["Thay thế bản"] == "1"
    assert at.selectbox(key="ban_luu_tru").value == 2
    assert any(b.label == "Tải tệp gốc đã lưu" for b in at.get("download_button"))
