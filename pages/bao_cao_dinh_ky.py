"""Báo cáo định kỳ: the 6-monthly / yearly report of plan item III.2 for the current selection, as a .docx in the
state's document format and its .xlsx appendices — written from the same figures the screens show (etl.report_*)."""

import streamlit as st

from ui import data, filters, fmt
from ui.page import header

view = header("Báo cáo định kỳ")
sel = view.sel

st.markdown(
    f"Báo cáo kết quả thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021 của **{sel.unit.name}**, "
    f"**{sel.label[0].lower() + sel.label[1:]}**, theo thể thức văn bản hành chính (Nghị định 30/2020/NĐ-CP), kèm phụ lục "
    "số liệu (biểu II.06a/VPCP/KSTT, 01/TCD, 02/XLD, danh sách đơn chưa giải quyết"
    + (", xếp hạng các xã và các xã chưa nộp đủ báo cáo" if sel.is_group else "")
    + "). Mọi con số lấy từ cùng cách tính với các trang của bảng điều khiển."
)
st.caption(
    "Phần «Tồn tại, hạn chế» và «Phương hướng» để trống cho đơn vị tự viết. Văn phòng có thể sửa mẫu Word (tiêu đề, "
    "nơi nhận, người ký, câu chữ) trong tệp mẫu báo cáo mà không cần sửa chương trình. Báo cáo không có họ tên người "
    "gửi đơn hay cán bộ bị kỷ luật."
)
if sel.kind in ("thang", "tuy_chon") and sel.period_start.year != sel.period_end.year:
    st.info(
        "Báo cáo định kỳ lập theo quý, 6 tháng, 9 tháng hoặc năm; kỳ đã chọn trải qua nhiều năm.",
        icon=":material/info:",
    )

key = sel.key
first, _, last = key.partition(":")
mode = filters.MODE_NAMES[sel.compare]
if st.button("Tạo báo cáo", icon=":material/description:", type="primary", key="tao_bao_cao"):
    st.session_state["_bao_cao"] = (sel.code, key, mode, sel.roll_forward)
if st.session_state.get("_bao_cao") == (sel.code, key, mode, sel.roll_forward):
    with st.spinner("Đang tạo báo cáo…"):
        docx, xlsx = data.report(str(view.path), view.version, sel.code, first, last or None, mode, sel.roll_forward)
    name = f"bao_cao_ct33_{sel.code}_{key.replace(':', '_den_')}"
    left, right = st.columns(2)
    left.download_button(
        "Tải báo cáo (Word)",
        data=docx,
        file_name=name + ".docx",
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        on_click="ignore",
    )
    right.download_button(
        "Tải phụ lục số liệu (Excel)",
        data=xlsx,
        file_name=name + "_phu_luc.xlsx",
        icon=":material/download:",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.caption(f"Báo cáo {fmt.num(len(docx) // 1024)} KB, phụ lục {fmt.num(len(xlsx) // 1024)} KB.")
