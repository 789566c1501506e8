"""The periodic report (.docx): every figure equals the indicator implementation's for the unit and period, formatted
the Vietnamese way, in the layout of Nghị định 30/2020/NĐ-CP, with no personal data; the CLI writes it and its appendix."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import pytest
from docx import Document

from etl import db, indicators, numbers, report_data, report_doc
from etl.targets import is_rate
from tests.conftest import ROOT

TODAY = date(2026, 11, 29)
DEMO = ROOT / "data" / "demo.duckdb"
CASES = [  # unit, period, expected place in the date line: a commune-quarter, -half-year, -year and a group-year
    ("X04", "2026Q1", "Hóa Quỳ"),
    ("X04", "2025H2", "Hóa Quỳ"),
    ("NX03", "2024", "Bình Lương"),
    ("38", "2025", "Thanh Hóa"),
]


@pytest.fixture(scope="module")
def con():
    if not DEMO.exists():
        subprocess.run([sys.executable, "-m", "etl", "demo", "--if-missing"], cwd=ROOT, check=True)
    c = db.connect(DEMO, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def reports(con):
    out = {}
    for code, key, _ in CASES:
        data = report_data.gather(con, code, key, "cung_ky", today=TODAY)
        out[(code, key)] = (data, Document(io.BytesIO(report_doc.render(data))))
    return out


def text_of(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def figure_rows(doc) -> dict[str, list[str]]:
    """Label -> [this period, comparison, change] from every figures table (4 columns)."""
    out = {}
    for t in doc.tables:
        if len(t.columns) == 4 and t.rows[0].cells[0].text == "Chỉ số":
            for row in t.rows[1:]:
                out[row.cells[0].text] = [c.text for c in row.cells[1:]]
    return out


@pytest.mark.parametrize("code, key, place", CASES)
def test_every_figure_equals_the_indicator_implementation(con, reports, code, key, place):
    data, doc = reports[(code, key)]
    w = data["window"]
    now = indicators.compute(con, code, w.start, w.end, today=TODAY)  # called directly: one implementation
    c = w.compare
    then = indicators.compute(con, code, c.start, c.end, today=TODAY) if c else None
    rows = figure_rows(doc)
    labels = {label: ind for _, _, inds in report_doc.AREAS for ind, label in inds}
    assert set(rows) == set(labels)
    for label, (shown_now, shown_then, shown_change) in rows.items():
        ind = labels[label]
        fmt = numbers.pct if is_rate(ind) else numbers.num
        assert shown_now == fmt(now[ind]), label
        if then is not None:
            assert shown_then == fmt(then[ind]), label
    text = text_of(doc)
    if now["petitions.received"]:
        assert f"Tiếp nhận {numbers.num(now['petitions.received'])} đơn" in text
        assert f"đạt {numbers.pct(now['petitions.resolution_rate'])}" in text
    if now["tthc.received_new"] is not None:
        assert f"Tiếp nhận {numbers.num(now['tthc.received_new'])} hồ sơ" in text
        assert f"đúng hạn {numbers.pct(now['tthc.on_time_rate'])}" in text
    assert f"{numbers.num(now['reporting.months_received'])}/{numbers.num(now['reporting.months_due'])} báo cáo" in text


@pytest.mark.parametrize("code, key, place", CASES)
def test_layout_of_an_administrative_report(reports, code, key, place):
    data, doc = reports[(code, key)]
    header = doc.tables[0]
    left, right = header.rows[0].cells[0].text, header.rows[0].cells[1].text
    assert left.startswith("UBND ") and left.split("\n")[0].isupper() and "/BC-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert header.rows[1].cells[1].text.startswith(f"{place}, ngày") and str(TODAY.year) in header.rows[1].cells[1].text
    body = [p.text for p in doc.paragraphs]
    title = body.index("BÁO CÁO")
    assert body[title + 1].startswith("Kết quả thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ")
    assert body[title + 1].endswith(data["window"].label[0].lower() + data["window"].label[1:])
    headings = [p for p in body if p[:3] in ("II.", "III") or p.startswith(("I. ", "II. ", "III. "))]
    assert [
        h.split(".")[0] + "." + h.split(".")[1][:1] for h in headings if h.startswith("II.") and h[3].isdigit()
    ] == [f"II.{i}" for i in range(1, 7)]
    assert "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN" in body and "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI" in body
    sign = doc.tables[-1].rows[0]
    assert (
        "Nơi nhận:" in sign.cells[0].text
        and "KT. CHỦ TỊCH" in sign.cells[1].text
        and "PHÓ CHỦ TỊCH" in sign.cells[1].text
    )
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    mm = {k: round(getattr(s, k).mm) for k in ("top_margin", "bottom_margin", "left_margin", "right_margin")}
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25, mm
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20, mm
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.font.size and p.text.strip()}
    assert doc.styles["Normal"].font.name == "Times New Roman" and sizes <= {11, 12, 13, 14}


def test_group_report_ranks_communes_and_names_who_has_not_reported(con, reports):
    data, doc = reports[("38", "2025")]
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    names = [row.cells[1].text for row in ranking.rows[1:]]
    assert len(names) == len(data["communes"]) == 22 and len(set(names)) == 22  # old and new homonyms told apart
    rates = [row.cells[2].text for row in ranking.rows[1:]]
    values = [float(r.replace(" %", "").replace(",", ".")) for r in rates if r != numbers.NO_DENOMINATOR]
    assert values == sorted(values, reverse=True)
    text = text_of(doc)
    for m in data["missing"]:
        assert f"{m['name']}: đã nộp {m['received']}/{m['months_due']} báo cáo tháng" in text


def test_no_personal_data_in_the_report(con, reports):
    secrets = set()
    for sql in (
        "select note from petitions",
        "select note from receptions",
        "select prepared_by from reports",
        "select approved_by from reports",
        "select decision_no from discipline",
    ):
        secrets |= {v for (v,) in con.execute(sql).fetchall() if v and len(str(v)) > 3}
    assert secrets, "the demo has names and notes to leak"
    for _, doc in reports.values():
        text = text_of(doc)
        assert not [s for s in secrets if str(s) in text]


def test_cli_writes_report_and_appendix(tmp_path):
    out = tmp_path / "bc.docx"
    args = [
        "report",
        "--db",
        str(DEMO),
        "--unit",
        "X04",
        "--period",
        "2025H2",
        "--out",
        str(out),
        "--today",
        "2026-11-29",
    ]
    proc = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and (tmp_path / "bc_phu_luc.xlsx").exists() and "Đã tạo báo cáo" in proc.stdout
    assert "6 tháng cuối năm 2025" in text_of(Document(out))
    again = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 2 and "--ghi-de" in again.stderr  # a signed report is never overwritten silently
    forced = subprocess.run([sys.executable, "-m", "etl", *args, "--ghi-de"], cwd=ROOT, capture_output=True, text=True)
    assert forced.returncode == 0, forced.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "etl", *args[:-4], "--out", str(tmp_path / "bc.txt")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and ".docx" in bad.stderr and "Traceback" not in bad.stderr
