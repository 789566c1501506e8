"""Tổng quan: one card per area of the plan with its headline figure, target, status and change; then what needs attention."""

import streamlit as st

from etl import config
from ui import cards, fmt
from ui.page import header

view = header("Tổng quan thực hiện Chỉ thị 33/CT-TTg")
sel, f, before = view.sel, view.figures(), view.previous()
args = (f, before, sel.compare_label, sel.code, sel.end)

AREAS = [  # indicator, card title, lower is better, note when there is no target
    ("tthc.on_time_rate", "Cải cách hành chính: hồ sơ giải quyết đúng hạn", False, ""),
    ("tthc.online_rate", "Hồ sơ nộp trực tuyến", False, ""),
    ("petitions.resolution_rate", "Đơn thư: tỷ lệ giải quyết", False, ""),
    ("petitions.overdue_open", "Đơn thư quá hạn chưa giải quyết", True, "Càng ít càng tốt"),
    ("reception.chair_compliance", "Tuần Chủ tịch tiếp công dân đúng quy định", False, ""),
    ("dialogue.sessions", "Hội nghị đối thoại với Nhân dân", False, ""),
    ("discipline.decisions", "Quyết định kỷ luật cán bộ, công chức", True, "Không đặt chỉ tiêu"),
    ("plan.done_rate", "Nhiệm vụ kế hoạch đã hoàn thành", False, ""),
]
for row in range(0, len(AREAS), 4):
    for col, (ind, title, lower, note) in zip(st.columns(4), AREAS[row : row + 4]):
        with col:
            cards.card(ind, title, *args, lower_is_better=lower, note=note)

extra = []
if f["dialogue.required"]:
    extra.append(
        f"Đối thoại: {fmt.num(f['dialogue.sessions'])} hội nghị, quy định tối thiểu {fmt.num(f['dialogue.required'])} (1 lần/năm mỗi xã)."
    )
if f["discipline.decisions"]:
    extra.append(
        f"Kỷ luật: {fmt.num(f['discipline.harassment'])} trong {fmt.num(f['discipline.decisions'])} quyết định về sách nhiễu, cửa quyền, hách dịch."
    )
extra.append(
    f"Báo cáo đã nhận đủ kỳ: {fmt.num(f['reporting.received'])}/{fmt.num(f['reporting.expected'])} đơn vị "
    f"({fmt.pct(f['reporting.completeness'])}); đúng hạn: {fmt.pct(f['reporting.timeliness'])}."
)
st.caption(" · ".join(extra))

st.subheader("Cần chú ý")
items = view.detail("attention", config.ON_TIME_DAYS)
if not items:
    st.success("Không có việc vi phạm quy định trong kỳ đã chọn.", icon=":material/check_circle:")
ICONS = {
    "reception": ":material/event_busy:",
    "petitions": ":material/schedule:",
    "dialogue": ":material/forum:",
    "reporting": ":material/assignment_late:",
}
for item in items[:15]:
    st.markdown(f"{ICONS[item['kind']]} {item['text']}")
if len(items) > 15:
    st.caption(f"… và {len(items) - 15} việc khác. Xem chi tiết ở từng trang.")

if st.session_state.get(
    "_router"
):  # a link (it also opens in a new window for the projector); not when the page runs alone
    st.page_link(
        "pages/trinh_chieu.py",
        label="Trình chiếu cho cuộc họp",
        icon=":material/slideshow:",
        query_params=view.sel.query() | {"trinh_chieu": "1", "man": "1"},
    )
