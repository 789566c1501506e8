"""So sánh đơn vị: a group's communes side by side on the headline indicators (status against the targets), a ranking
for one indicator, the group's own totals (ratios of sums), and a way to open a commune's overview for the same period."""

import streamlit as st

from etl import config, reference
from ui import charts, filters, fmt, pager
from ui import compare_data as cd
from ui import compare_grid as cg
from ui.filters import unit_label
from ui.page import header
from ui.safe import md

if st.session_state.pop("_mo_tong_quan", False) and st.session_state.get("_router"):
    st.switch_page("pages/tong_quan.py")  # a commune was chosen below: its overview, same period (filters kept)


def choose(code: str, open_overview: bool = False) -> None:
    """In a callback (before the sidebar is drawn again): the shared unit filter becomes `code`, the period is kept."""
    filters.keep()
    st.session_state["don_vi"] = code
    st.session_state["_mo_tong_quan"] = open_overview


view = header("So sánh các xã")
sel, units = view.sel, reference.units()

if not sel.is_group:
    groups = [sel.unit.parent] + [g.code for g in units.groups() if sel.unit in units.communes(g.code)]
    st.info(
        f"Trang này so sánh các xã của một nhóm: tỉnh, huyện cũ hoặc cụm xã. Đang chọn {sel.unit.name}; "
        "chọn nhóm có xã này để so sánh:",
        icon=":material/info:",
    )
    for code in dict.fromkeys(c for c in groups if c and units.get(c)):
        st.button(
            f"So sánh các xã của {unit_label(units.get(code))}",
            key=f"nhom_{code}",
            on_click=choose,
            args=(code,),
            icon=":material/leaderboard:",
        )
    st.stop()

args = (str(view.path), view.version, sel.code, sel.start, sel.end, config.ON_TIME_DAYS, config.today())
rows = cd.commune_table(*args)
group, communes = rows[0], rows[1:]
if not communes:
    st.info(f"{sel.unit.name} không có xã nào trong {sel.label[0].lower() + sel.label[1:]}.", icon=":material/info:")
    st.stop()

partial = [r for r in communes if (r["start"], r["end"]) != (sel.start, sel.end)]
st.markdown(
    f"{fmt.num(len(communes))} xã. Dòng **Toàn nhóm** cộng số liệu của các xã rồi mới tính tỷ lệ "
    "(ví dụ tổng hồ sơ đúng hạn / tổng hồ sơ đã giải quyết), không lấy trung bình tỷ lệ của các xã."
)
if partial:
    merger = view.merger()
    st.caption(
        "Kỳ đã chọn có đợt sáp nhập xã"
        + (f" ngày {fmt.day(merger)}" if merger else "")
        + ": mỗi xã chỉ tính phần thời gian xã tồn tại (xã cũ đến ngày sáp nhập, xã mới từ ngày đó)."
    )

ind = st.selectbox(
    "Xếp hạng theo",
    list(cd.COLUMNS),
    key="xep_hang",
    format_func=lambda k: cd.COLUMNS[k][3],
    on_change=lambda: st.session_state.update(trang_so_sanh=0),  # a new order: its first page
)
ranked = cd.rank(communes, ind)
states = cd.statuses(*args, cd.targets_file())  # every commune judged once per data and selection (cached)
first, last = pager.choose(len(ranked), cg.PAGE, "trang_so_sanh", "xã, theo thứ tự xếp hạng đã chọn")
shown = ranked[first:last]  # a long group: the Styler is built only for the page shown
label = f"Toàn nhóm ({fmt.num(len(communes))} xã)"
for tab, (area, inds) in zip(st.tabs(list(cd.AREAS)), cd.AREAS.items()):  # one table per area: fits 1024 px
    with tab:
        st.dataframe(
            cd.styled([group] + shown, sel.start, sel.end, label, inds, states),
            column_config=cd.column_config(inds),
            hide_index=True,
            placeholder="–",  # no figure (no denominator): a dash, never Streamlit's English «None»
            height=min(38 + 35 * (len(shown) + 1) + 3, 640),
        )
if len(shown) < len(ranked):
    st.caption(
        cd.LEGEND + f" Mỗi trang {fmt.num(cg.PAGE)} xã theo thứ tự của «Xếp hạng theo» (ô chọn này sắp xếp cả danh "
        "sách); bấm tiêu đề cột chỉ sắp xếp các xã trong trang đang xem. Rê chuột lên tiêu đề để xem cách tính."
    )
else:
    st.caption(cd.LEGEND + " Bấm tiêu đề cột để sắp xếp theo cột đó; rê chuột lên tiêu đề để xem cách tính.")

left, right = st.columns([2, 1], vertical_alignment="bottom")
codes = [r["unit_code"] for r in ranked]
if st.session_state.get("mo_xa") not in codes:
    st.session_state["mo_xa"] = codes[0]
names = cg.names(codes, sel.start, sel.end)  # the unit list read once, not once per option
code = left.selectbox("Xem chi tiết một xã", codes, key="mo_xa", format_func=names.get)
right.button(
    "Mở Tổng quan của xã",
    key="mo_tong_quan",
    icon=":material/open_in_new:",
    on_click=choose,
    args=(code, True),
    help=f"Mở Tổng quan của xã đã chọn, giữ nguyên kỳ {sel.label[0].lower() + sel.label[1:]}.",
)

st.subheader(f":material/leaderboard: Xếp hạng theo {cd.COLUMNS[ind][3][0].lower() + cd.COLUMNS[ind][3][1:]}")
fig, left_out = cd.ranking_chart(communes, group, ind, sel.start, sel.end, states=states)
plotted = [r for r in communes if r[ind] is not None]
if fig is None:
    st.info("Không xã nào phát sinh số liệu của chỉ số này trong kỳ đã chọn.", icon=":material/info:")
elif len(plotted) == 1:  # one bar ranks nothing: the figure in words, not a chart for a single number
    only = cd.unit_name(plotted[0]["unit_code"], sel.start, sel.end, short=True)
    st.markdown(f"**{fig.layout.meta['title']}**")
    st.markdown(f"Chỉ {only} có số liệu của chỉ số này, nên chưa có gì để xếp hạng.")
else:
    charts.show(fig)
if len([r for r in communes if r[ind] is not None]) > 30:
    st.caption("Biểu đồ chỉ vẽ 15 xã tốt nhất và 15 xã kém nhất; bảng ở trên có đủ các xã.")
if left_out:
    what = (
        "chưa đến hạn nộp báo cáo tháng nào" if ind == "reporting.month_rate" else "không phát sinh (không có mẫu số)"
    )
    st.caption(f"Không vẽ các xã {what}: {md(cg.name_list(left_out, sel.start, sel.end))}.")  # names: reference data
