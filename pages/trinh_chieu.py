"""Trình chiếu: the meeting's projector mode, one topic per screen (?trinh_chieu=1&man=1..8), or all eight for print (&in=1).

No sidebar, no widgets: the screen number lives in the URL; links at the edges and the keyboard move between screens, and
tu_dong=N advances every N seconds. Everything shown is an aggregate (no case numbers, notes nor decision numbers).
"""

import streamlit as st

from ui import present
from ui.page import LOAD_HINT, current_view, has_any_report

st.html(present.CSS)
view = current_view()
params = st.query_params.to_dict() | {"trinh_chieu": "1"}
printing = params.get("in") == "1"
try:
    n = min(max(int(params.get("man", "1")), 1), len(present.TOPICS))
except ValueError:
    n = 1
try:
    seconds = max(int(params["tu_dong"]), 3) if params.get("tu_dong") else None
except ValueError:
    seconds = None

if view is None:
    st.info(
        "Chưa có cơ sở dữ liệu nên chưa có gì để trình chiếu. "
        + LOAD_HINT
        + " Hoặc chạy `bash run.sh dashboard` để xem dữ liệu mẫu."
    )
    st.stop()
sel = view.sel
if not view.figures()["reporting.received"] and not has_any_report(view):
    st.warning(
        f"Chưa có báo cáo nào của {sel.unit.name} cho {present.phrase(sel.label)}, nên chưa có gì để trình chiếu."
        f"{present.merged(sel.unit)} " + LOAD_HINT
    )
    st.stop()

if printing:
    st.html(present.PRINT_CSS)
    st.html('<p class="pt-hint">Bấm Ctrl+P để in hoặc lưu PDF (khổ A4 nằm ngang, mỗi trang một màn hình).</p>')
    for i in range(1, len(present.TOPICS) + 1):
        with st.container(key=f"pt-trang-{i}"):
            present.show(present.build(i, view), i, sel)
else:
    st.html(present.SCREEN_CSS)
    with st.container(key="pt-screen"):
        present.show(present.build(n, view), n, sel)
    with st.container(key="pt-keys"):  # out of the flow (CSS): edge links and the keyboard script
        st.html(present.nav(params, n))
        st.html(present.keys(params, n, seconds), unsafe_allow_javascript=True)
