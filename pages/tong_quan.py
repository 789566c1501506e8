"""Tổng quan: headline figures of one unit or group for one period (the full pages come with the commune-pages issue)."""
import streamlit as st

from etl import periods, reference
from ui import fmt
from ui.data import database, get_figures

LEVELS = {"tinh": "Tỉnh", "huyen": "Huyện (trước 01/7/2025)", "xa": "Xã"}

path = database()
st.title("Theo dõi thực hiện Chỉ thị 33/CT-TTg ngày 26/11/2021")
if not path.exists():
    st.info("Chưa có dữ liệu. Nhập bảng tính bằng lệnh `python -m etl load TỆP.xlsx` hoặc chạy `bash run.sh dashboard` để dùng dữ liệu mẫu.")
    st.stop()

units = reference.units()
choices = sorted(units, key=lambda u: (u.level != "tinh", u.level != "huyen", u.valid_to is None, u.code))


def unit_label(code: str) -> str:
    u = units.get(code)
    tail = " (trước 01/7/2025)" if u.valid_to else (" (từ 01/7/2025)" if u.valid_from.year == 2025 else "")
    return f"{LEVELS[u.level].split(' ')[0]} · {u.name}{tail}" if u.level != "xa" else f"{u.name}{tail}"


with st.sidebar:
    code = st.selectbox("Đơn vị", [u.code for u in choices], format_func=unit_label)
    year = st.selectbox("Năm", [2026, 2025, 2024, 2023])
    month = st.selectbox("Kỳ", [0] + list(range(1, 13)), format_func=lambda m: "Cả năm" if m == 0 else f"Tháng {m}")

period = periods.parse(str(year) if month == 0 else f"{year}-{month:02d}")
f = get_figures(path, code, period.start, period.end)
st.subheader(f"{units.get(code).name} — {period.label}")
if not f["reporting.received"] and not f["tthc.received_new"]:
    st.warning(f"Chưa có báo cáo nào của {units.get(code).name} cho {period.label.lower()}. Nhập bảng tính của kỳ này để xem số liệu.")

cards = [
    ("Hồ sơ TTHC tiếp nhận mới", fmt.num(f["tthc.received_new"])),
    ("Tỷ lệ giải quyết TTHC đúng hạn", fmt.pct(f["tthc.on_time_rate"])),
    ("Tỷ lệ nộp hồ sơ trực tuyến", fmt.pct(f["tthc.online_rate"])),
    ("Tỷ lệ giải quyết đơn thư", fmt.pct(f["petitions.resolution_rate"])),
    ("Đơn thư quá hạn chưa giải quyết", fmt.num(f["petitions.overdue_open"])),
    ("Tuần Chủ tịch tiếp công dân đúng quy định", fmt.pct(f["reception.chair_compliance"])),
    ("Hội nghị đối thoại", f"{fmt.num(f['dialogue.sessions'])} / {fmt.num(f['dialogue.required'])} theo quy định"),
    ("Quyết định kỷ luật", fmt.num(f["discipline.decisions"])),
]
for row in range(0, len(cards), 4):
    for col, (label, value) in zip(st.columns(4), cards[row:row + 4]):
        col.metric(label, value)
st.caption(f"Báo cáo đã nhận: {fmt.num(f['reporting.received'])}/{fmt.num(f['reporting.expected'])} đơn vị · Nguồn: {path.name}")
