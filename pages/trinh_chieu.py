"""Trình chiếu: the meeting's projector mode, one topic per screen (?trinh_chieu=1&man=N), or every screen for print
(&in=1). A commune gets its eight screens, a group (province, former district, user-defined group) its own five.

No sidebar, no widgets: the screen number lives in the URL; links at the edges and the keyboard move between screens,
tu_dong=N advances every N seconds, co_chu carries the screen's scale for the charts' type (ui.deck.layout.keys).
Everything shown is an aggregate (no case numbers, notes nor decision numbers).
"""

import streamlit as st

from ui import deck
from ui.deck import layout
from ui.deck.chart import Type, parse_scale
from ui.deck.model import merged, phrase
from ui.page import LOAD_HINT, current_view, has_any_report

st.html(layout.CSS)
view = current_view()
params = st.query_params.to_dict() | {"trinh_chieu": "1"}
printing = params.get("in") == "1"
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
topics = deck.topics(sel)
try:
    n = min(max(int(params.get("man", "1")), 1), len(topics))
except ValueError:
    n = 1
if not view.figures()["reporting.received"] and not has_any_report(view):
    st.warning(
        f"Chưa có báo cáo nào của {sel.unit.name} cho {phrase(sel.label)}, nên chưa có gì để trình chiếu."
        f"{merged(sel.unit)} " + LOAD_HINT
    )
    st.stop()

if printing:  # paper does not grow with the window: the projector's type
    st.html(layout.print_css(len(topics)))
    st.html('<p class="pt-hint">Bấm Ctrl+P để in hoặc lưu PDF (khổ A4 nằm ngang, mỗi trang một màn hình).</p>')
    for i in range(1, len(topics) + 1):
        with st.container(key=f"pt-trang-{i}"):
            layout.show(deck.build(i, view), i, sel, topics)
else:
    kind = Type(parse_scale(params.get(layout.SCALE_KEY)))
    st.html(layout.SCREEN_CSS)
    with st.container(key="pt-screen"):
        layout.show(deck.build(n, view, kind), n, sel, topics)
    with st.container(key="pt-keys"):  # out of the flow (CSS): edge links and the keyboard script
        st.html(layout.nav(params, n, len(topics)))
        st.html(layout.keys(params, n, len(topics), seconds), unsafe_allow_javascript=True)
