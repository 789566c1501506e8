"""What every page starts with: the current view (filters + database), a header, and the empty state."""
from __future__ import annotations

import streamlit as st

from ui import data, filters

LOAD_HINT = ("Văn phòng xã tải tệp mẫu bằng lệnh `python -m etl template mau.xlsx --unit MÃ --period KỲ`, điền số liệu, "
             "rồi nhập bằng `python -m etl load tệp.xlsx`.")


def current_view() -> data.View | None:
    """The view the router built for this run; a page run on its own (tests) renders the filters itself."""
    if st.session_state.get("_router"):
        return st.session_state.get("view")
    path = data.database()
    if not path.exists():
        return None
    return data.View(filters.sidebar(data.years(str(path), data.version(path))), path)


def header(title: str) -> data.View:
    """Title, the unit and period in words, and a stop with a clear message when there is nothing to show."""
    view = current_view()
    st.title(title)
    if view is None:
        st.info("Chưa có cơ sở dữ liệu. " + LOAD_HINT + " Hoặc chạy `bash run.sh dashboard` để xem dữ liệu mẫu.")
        st.stop()
    sel = view.sel
    compare = f" · so sánh với {sel.compare_label}" if sel.compare_label else ""
    st.markdown(f"**{sel.unit.name}** — {sel.label}{compare}")
    if sel.roll_forward:
        st.caption("Đã gộp số liệu các xã cũ sáp nhập vào xã này (trước 01/7/2025).")
    if not view.figures()["reporting.received"] and not has_any_report(view):
        st.warning(f"Chưa có báo cáo nào của {sel.unit.name} cho {sel.label[0].lower() + sel.label[1:]}. " + LOAD_HINT)
        st.stop()
    return view


def has_any_report(view: data.View) -> bool:
    return bool(view.detail("loads"))
