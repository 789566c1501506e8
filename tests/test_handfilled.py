"""A clerk fills the blank template the way the «Hướng dẫn» sheet says (typed text dates, dropdown values, a totals
row, a title row), saves it, loads it with the CLI; the indicators equal the values worked out by hand."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl

from tests.conftest import ROOT


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True)


def fill(path):
    wb = openpyxl.load_workbook(path)
    wb["Thông tin"]["B1"] = "NX05"  # Xã Cát Vân: remote (complaint deadline 45 days)
    wb["Thông tin"]["B3"], wb["Thông tin"]["B4"], wb["Thông tin"]["B5"] = "Quý", 2, 2024
    tthc = wb["TTHC"]
    tthc.append(["Hộ tịch", 3, 40, 57, 30, 62, 4, 4, 0, 0])  # 3+40+57 = 100 = 30+62+4+4+0+0
    tthc.append(["Chứng thực", 0, 10, "1.190", 200, 995, 5, 0, 0, 0])  # 1.200 = 200+995+5
    tthc.append(["Tổng cộng", 3, 50, 1247, 230, 1057, 9, 4, 0, 0])  # totals row: ignored
    dt = wb["Đơn thư"]
    # Mã đơn, Ngày nhận, Loại đơn, Lĩnh vực, Thuộc thẩm quyền, Ngày thụ lý, Mức độ, Ngày giải quyết, Kết quả, Đông người
    dt.append(["KN-01", "02/04/2024", "Khiếu nại", "Đất đai", "Có", "05/04/2024", "", "10/05/2024", "Đúng", ""])
    dt.append(["KN-02", "10/04/2024", "KN", "Đất đai", "Có", "12/04/2024", "Thường", "", "", "Có"])
    dt.append(["TC-01", "03/05/2024", "Tố cáo", "Xây dựng", "Có", "", "", "20/06/2024", "Sai", ""])
    dt.append(["PA-01", "15/06/2024", "Kiến nghị, phản ánh", "Môi trường", "Không", "", "", "", "", ""])
    rec = wb["Tiếp công dân"]
    for d in ("04/04/2024", "11/04/2024", "18/04/2024"):
        rec.append([d, "Định kỳ", "Chủ tịch", 3, 4, 2, ""])
    rec.append(["20/05/2024", "Thường xuyên", "Công chức được phân công", 1, 1, 1, 1])
    wb.save(path)


def test_hand_filled_template_loads_and_gives_hand_computed_indicators(tmp_path):
    book, db = tmp_path / "cat_van_q2.xlsx", tmp_path / "cv.duckdb"
    assert cli("template", str(book)).returncode == 0
    fill(book)
    load = cli("load", str(book), "--db", str(db))
    assert load.returncode == 0, load.stdout + load.stderr
    assert "[ĐÃ NHẬP]" in load.stdout and "Xã Cát Vân (NX05) — Quý II/2024" in load.stdout
    out = cli("indicators", "--db", str(db), "--unit", "NX05", "--period", "2024Q2")
    f = json.loads(out.stdout)["indicators"]
    # TTHC: received 40+57+10+1190 = 1297, online 50; resolved 30+62+4 + 200+995+5 = 1296, late 9
    assert (f["tthc.received_new"], f["tthc.received_online"], f["tthc.resolved"], f["tthc.resolved_late"]) == (
        1297,
        50,
        1296,
        9,
    )
    assert abs(f["tthc.on_time_rate"] - 1287 / 1296) < 1e-12 and abs(f["tthc.online_rate"] - 50 / 1297) < 1e-12
    assert (f["tthc.carried_over"], f["tthc.pending_end"]) == (3, 4)
    # Petitions: 4 received; 3 under jurisdiction must be resolved; KN-01 and TC-01 resolved.
    # KN-01 accepted 05/04, remote 45 days -> 20/05, resolved 10/05: on time. TC-01 accepted = received 03/05,
    # 30 days -> 02/06, resolved 20/06: late. KN-02 accepted 12/04 + 45 = 27/05 < 30/06 and still open: overdue.
    assert (f["petitions.received"], f["petitions.must_resolve"], f["petitions.resolved"]) == (4, 3, 2)
    assert abs(f["petitions.resolution_rate"] - 2 / 3) < 1e-12 and f["petitions.on_time_rate"] == 0.5
    assert (f["petitions.overdue_open"], f["petitions.crowd_cases"]) == (1, 1)
    # Reception: Q2 2024 has 13 ISO weeks by Thursday (04/04 .. 27/06); the chairman received in 3 of them.
    assert (f["reception.days"], f["reception.chair_days"], f["reception.citizens"], f["reception.crowd_groups"]) == (
        4,
        3,
        13,
        1,
    )
    assert f["reception.chair_required"] == 13 and abs(f["reception.chair_compliance"] - 3 / 13) < 1e-12
    # «Kế hoạch» stays pre-filled: 9 tasks, none done.
    assert f["plan.tasks"] == 9 and f["plan.done_rate"] == 0
