"""What every page starts with: the current view (filters + database), a header, and the empty state."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from etl import reference
from ui import auth, data, filters

LOAD_HINT = (
    "Văn phòng xã tải tệp mẫu bằng lệnh `python -m etl template mau.xlsx --unit MÃ --period KỲ`, điền số liệu, "
    "rồi nhập bằng `python -m etl load tệp.xlsx`."
)


# Web pages read at 1024 px with the sidebar open: narrower side margins below 1440 px, cards that wrap onto a new line
# rather than shrink (ui.cards), badges, card changes and buttons whose words wrap instead of ending in «…».
STYLE = """<style>
@media (max-width: 1440px) {
  [data-testid=stMainBlockContainer] { padding-left: 1.5rem; padding-right: 1.5rem; }
}
@media (max-width: 1280px) {
  section[data-testid=stSidebar] { width: 15rem !important; min-width: 15rem !important; }
}
[class*="st-key-the_"] { flex: 1 1 10rem; min-width: 10rem; }
[data-testid=stSidebarNav] a { height: auto; min-height: 2rem; }
[data-testid=stSidebarNav] a span, [data-testid=stSidebarNav] a [data-testid=stMarkdownContainer],
[data-testid=stSidebarNav] a p { white-space: normal !important; overflow: visible; text-overflow: clip; height: auto;
  line-height: 1.35;
  min-width: 0; }
.stMarkdownBadge { white-space: normal; overflow: visible; text-overflow: clip; height: auto; }
div:has(> [data-testid=stMetricDelta]) { flex-wrap: wrap; row-gap: 0.25rem; }
[data-testid=stMetricDeltaDescription] { flex: 1 1 8rem; min-width: 8rem; }
[data-testid=stMetricDeltaDescription] *, [data-testid=stMetricLabel] * { white-space: normal !important; }
[data-testid=stBaseButton-secondary] *, [data-testid=stBaseButton-primary] *,
[data-testid=stDownloadButton] button * { white-space: normal; overflow: visible; text-overflow: clip; }
[data-testid=stDownloadButton] button, [data-testid=stButton] button { height: auto; max-width: 100%; }
[data-baseweb=select] [value], [data-baseweb=select] div { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def style() -> None:
    st.html(STYLE)


def current_view() -> data.View | None:
    """The view the router built for this run; a page run on its own (tests) signs in and renders the filters itself."""
    style()
    if st.session_state.get("_router"):
        return st.session_state.get("view")
    auth.gate()
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
    st.markdown(f"**{sel.unit.name}** — {sel.window.phrase}")
    notes = [t for t in (sel.window.running_note, sel.window.note) if t]
    if notes:
        st.caption(" ".join(notes))
    merger_note(sel)
    if not view.figures()["reporting.received"] and not has_any_report(view):
        st.warning(f"Chưa có báo cáo nào của {sel.unit.name} cho {sel.label[0].lower() + sel.label[1:]}. " + LOAD_HINT)
        st.stop()
    return view


def merger_note(sel) -> None:
    """Where a unit's history continues: an old commune names the commune it became; a new one offers its predecessors'."""
    units = reference.units()
    unit = sel.unit
    if unit.successor and units.get(unit.successor):
        after = units.get(unit.successor)
        st.info(
            f"{unit.name}{' (cũ)' if after.name == unit.name else ''} đã sáp nhập vào **{after.name}"
            f"{' (mới)' if after.name == unit.name else ''}** từ {unit.valid_to + timedelta(days=1):%d/%m/%Y}. "
            f"Số liệu từ ngày đó xem ở {after.name} (chọn «Gộp số liệu các xã cũ» để xem liền mạch).",
            icon=":material/merge:",
        )
    before = [u for u in units.predecessors(unit.code) if u.level == "xa"]
    if before and sel.roll_forward:
        st.caption(
            f"Đã gộp số liệu của {', '.join(u.name + ' (cũ)' for u in before)} (trước {unit.valid_from:%d/%m/%Y}) vào {unit.name}."
        )
    elif before and sel.start < unit.valid_from:
        st.caption(
            f"{unit.name} được thành lập ngày {unit.valid_from:%d/%m/%Y} từ {', '.join(u.name + ' (cũ)' for u in before)}. "
            "Chọn «Gộp số liệu các xã cũ» ở thanh bên để xem cả số liệu trước đó."
        )


def has_any_report(view: data.View) -> bool:
    return bool(view.detail("loads"))
