"""Dữ liệu: where the figures come from (the loaded workbooks), whether every unit reported on time, and a download of the figures."""

import plotly.graph_objects as go
import streamlit as st

from etl import config, periods
from ui import charts, export, fmt, pager, palette
from ui.page import LOAD_HINT, header
from ui.safe import code, md

view = header("Dữ liệu")
sel, f = view.sel, view.figures()
loads = view.detail("loads")

left, right = st.columns([3, 1], vertical_alignment="center")
left.markdown(
    f"Số liệu của {md(sel.unit.name)}, {sel.label[0].lower() + sel.label[1:]}, được tính từ **{fmt.num(len(loads))} tệp báo cáo** đã nạp dưới đây. "
    "Tải về bảng chỉ số đang xem (kèm danh sách tệp) để đưa vào báo cáo hoặc gửi cấp trên."
)
right.download_button(
    "Tải bảng chỉ số (Excel)",
    data=export.download_data(view),
    icon=":material/download:",
    on_click="ignore",
    file_name=f"chi_so_{sel.code}_{sel.key.replace(':', '_den_')}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

st.subheader(":material/assignment_turned_in: Tình hình gửi báo cáo")
c1, c2, c3 = st.columns(3)
c1.metric(
    "Báo cáo tháng đã nhận / đã đến hạn",
    f"{fmt.num(f['reporting.months_received'])}/{fmt.num(f['reporting.months_due'])}",
    border=True,
    help="Cộng theo từng xã và từng tháng đã đến hạn nộp; xã chưa thành lập (hoặc đã sáp nhập) trong tháng thì không phải nộp.",
)
c2.metric(
    "Tỷ lệ nộp đủ", fmt.pct(f["reporting.completeness"]) if f["reporting.months_due"] else "Chưa đến hạn", border=True
)
c3.metric(
    "Tỷ lệ nộp đúng hạn",
    fmt.pct(f["reporting.timeliness"]) if f["reporting.months_due"] else "Chưa đến hạn",
    border=True,
    help=f"Nộp trong {config.ON_TIME_DAYS} ngày sau khi hết tháng (tính theo ngày nhận bản đầu tiên).",
)
if not f["reporting.months_due"]:
    st.caption(f"Chưa tháng nào của kỳ đã chọn đến hạn nộp (hạn là {config.ON_TIME_DAYS} ngày sau khi hết tháng).")
summary = view.detail("reporting_summary", config.ON_TIME_DAYS)
STATES = {  # label, short label inside a commune's bar, colour, pattern (so the state is not told by colour alone)
    "on_time": ("Đúng hạn", "Đúng<br>hạn", palette.STATUS["met"], ""),
    "late": ("Nộp muộn", "Nộp<br>muộn", palette.STATUS["near"], "/"),
    "missing": ("Chưa nộp", "Chưa<br>nộp", palette.STATUS["not_met"], "x"),
    "not_due": ("Chưa đến hạn nộp", "Chưa<br>đến hạn", charts.LIGHT, "."),
}
x = [fmt.short_label(periods.parse(r["period_key"])) for r in summary]
if summary:
    fig = go.Figure()
    for key, (label, short, color, pattern) in STATES.items():
        counts = [len(r[key]) for r in summary]
        if not any(counts):
            continue
        text = [(fmt.num(n) if sel.is_group else short) if n else "" for n in counts]
        fig.add_bar(
            x=x,
            y=counts,
            name=label,
            marker={
                "color": color,
                "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "white", "fgopacity": 0.3},
            },
            text=text,
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont={"color": palette.INK if key == "not_due" else "white"},
            customdata=[fmt.names(r[key]) for r in summary],
            hovertemplate="%{x} · " + label + ": %{customdata}<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    late = sum(bool(r["late"]) for r in summary)
    missing = sum(bool(r["missing"]) for r in summary)
    words = (f"{fmt.num(missing)} tháng có đơn vị chưa nộp" if missing else "không tháng nào thiếu báo cáo") + (
        f", {fmt.num(late)} tháng có báo cáo nộp muộn" if late else ""
    )
    fig = charts.layout(fig, f"Báo cáo theo tháng: {words}", height=330 if sel.is_group else 250)
    fig.update_yaxes(
        title_text="Số đơn vị" if sel.is_group else None,
        showticklabels=sel.is_group,
        dtick=1 if not sel.is_group else None,
    )
    charts.show(fig)
problems = [r for r in summary if r["late"] or r["missing"]]
if sel.is_group and problems:
    st.table(  # lists of communes wrap in their cells
        [
            {
                "Tháng": periods.parse(r["period_key"]).label,
                "Chưa nộp": fmt.names(r["missing"]) or "–",
                "Nộp muộn": fmt.names(r["late"]) or "–",
            }
            for r in problems
        ],
        hide_index=True,
        border="horizontal",
    )
    if any(len(r["missing"]) > 20 or len(r["late"]) > 20 for r in problems):
        st.caption("Mỗi ô chỉ kể 20 đơn vị; trang «Tình hình gửi báo cáo» có đủ từng xã, từng tháng.")
if any(r["not_due"] for r in summary):
    st.caption(f"«Chưa đến hạn nộp»: tháng chưa kết thúc hoặc chưa quá {config.ON_TIME_DAYS} ngày sau khi kết thúc.")

st.subheader(":material/description: Tệp báo cáo đã nạp")
if not loads:
    st.info("Chưa có tệp báo cáo nào cho đơn vị và kỳ đã chọn. " + LOAD_HINT)
else:
    # a province's year is thousands of files: the table, its rows and its warnings are built a page at a time
    first, last = pager.choose(len(loads), 200, "trang_du_lieu", "tệp, theo thứ tự bản nạp")
    page = loads[first:last]
    table = export.loads_table(page)
    shown = [
        r
        | {
            "Bản nạp số": str(r["Bản nạp số"]),
            "Nhận lần đầu": export.when(r["Nhận lần đầu"]),
            "Nạp lúc": export.when(r["Nạp lúc"]),
            "Cảnh báo": fmt.num(r["Cảnh báo"]) if r["Cảnh báo"] else "–",
            "Thay thế bản": f"Bản số {r['Thay thế bản']}" if r["Thay thế bản"] else "–",
        }
        for r in table
    ]
    col = st.column_config.TextColumn
    WIDTHS = {"Bản nạp số": 50, "Đơn vị": 100, "Kỳ": 95, "Tệp": 140, "Nhận lần đầu": 125, "Nạp lúc": 125}
    WIDTHS |= {"Cảnh báo": 78, "Thay thế bản": 80}
    LABELS = {"Bản nạp số": "Bản", "Thay thế bản": "Thay bản"}  # short headers, explained in the caption
    st.dataframe(
        shown,
        hide_index=True,
        # the columns that fit 1024 px with the sidebar open; the rows of each sheet are listed under the table
        column_order=[k for k in WIDTHS if k != ("Nạp lúc" if sel.is_group else "Đơn vị")],
        column_config={k: col(LABELS.get(k, k), width=w) for k, w in WIDTHS.items()},
    )
    with st.expander("Số dòng số liệu của từng tệp", icon=":material/table_rows:"):
        st.markdown("\n".join(f"- Bản số {r['Bản nạp số']} · {md(r['Tệp'])}: {md(r['Số dòng'])}" for r in shown))
    st.caption(
        "«Bản»: số thứ tự bản nạp. «Nhận lần đầu»: ngày văn phòng nhận bản đầu tiên của kỳ (dùng để tính đúng hạn). "
        "«Thay bản»: bản nạp trước của cùng kỳ đã được tệp này thay thế."
    )
    flagged = [(rec, export.warnings(raw["warnings_json"])) for rec, raw in zip(table, page) if rec["Cảnh báo"]]
    where = " (các tệp của trang này)" if len(page) < len(loads) else ""
    with st.expander(
        f"Cảnh báo khi nạp tệp{where} ({fmt.num(sum(len(w) for _, w in flagged))})", icon=":material/warning:"
    ):
        if not flagged:
            st.markdown(f"Không tệp nào{where} có cảnh báo khi nạp.")
        for rec, items in flagged:
            st.markdown(
                f"**{md(rec['Tệp'])}** — {md(rec['Đơn vị'])} · {rec['Kỳ']}:\n"
                + "\n".join(f"- {code(w['where']) + ': ' if w['where'] else ''}{md(w['message'])}" for w in items)
            )
