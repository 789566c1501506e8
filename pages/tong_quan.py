"""Tổng quan: each rate against its target (the picture meeting screen 1 has), one card per area of the plan with its
figure, target and change, the reporting figure, then what needs attention — most serious first, each line a link."""

import streamlit as st

from etl import attention, config
from ui import cards, charts, fmt, overview
from ui.page import header

view = header("Tổng quan thực hiện Chỉ thị 33/CT-TTg")
sel, f = view.sel, view.figures()
args = view.card_args()

rows = overview.target_rows(f, sel.code, sel.end)
fig = overview.target_bars(rows, charts.COLORS, font=15)
charts.show(overview.axes(charts.layout(fig, overview.summary_title(rows), height=90 + 58 * len(rows))))

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
    cards.row(AREAS[row : row + 4], *args)

extra = [f"Báo cáo: {overview.reporting_sentence(f)}."]
if f["discipline.decisions"]:
    extra.append(
        f"Kỷ luật: {fmt.num(f['discipline.harassment'])} trong {fmt.num(f['discipline.decisions'])} quyết định "
        "về sách nhiễu, cửa quyền, hách dịch."
    )
st.markdown(" · ".join(extra))

st.subheader("Cần chú ý")
items = view.detail("attention", config.ON_TIME_DAYS)
if not items:
    st.success("Không có việc vi phạm quy định trong kỳ đã chọn.", icon=":material/check_circle:")
routed = bool(st.session_state.get("_router"))
shown = 0
for heading, its in overview.grouped(items, sel.is_group):
    if heading:
        st.markdown(f"**{heading}**")
    for item in its:
        icon, label = overview.ICONS[item["severity"]], item["text"]
        if routed:  # a link to the page that explains it, same selection
            st.page_link(overview.PAGE_FILES[item["page"]], label=label, icon=icon, query_params=sel.query())
        else:
            st.markdown(f"{icon} {label}")
        shown += 1
if len(items) > shown:
    st.caption(f"… và {fmt.num(len(items) - shown)} việc của các xã khác. Xem chi tiết ở từng trang.")
if items:
    st.caption(
        "Xếp theo mức độ: " + " → ".join(attention.SEVERITY_LABELS.values()) + ". Bấm một dòng để mở trang giải thích."
    )

if routed:  # a link (it also opens in a new window for the projector); not when the page runs alone
    st.page_link(
        "pages/trinh_chieu.py",
        label="Trình chiếu cho cuộc họp",
        icon=":material/slideshow:",
        query_params=view.sel.query() | {"trinh_chieu": "1", "man": "1"},
    )
