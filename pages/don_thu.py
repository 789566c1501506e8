"""Đơn thư, khiếu nại, tố cáo: must-resolve vs resolved, the rates against their target, by type and field, crowd cases, open cases."""

import streamlit as st

from etl import indicators, reference, targets
from ui import cards, charts, fmt, pager
from ui.page import LOAD_HINT, header

view = header("Đơn thư, khiếu nại, tố cáo")
sel, f = view.sel, view.figures()
if not f["petitions.received"] and not f["petitions.must_resolve"]:
    st.info(
        f"Không có đơn thư nào của {sel.unit.name} trong {sel.label[0].lower() + sel.label[1:]}: chưa phát sinh đơn, hoặc trang «Đơn thư» "
        "của báo cáo chưa được điền. " + LOAD_HINT,
        icon=":material/info:",
    )
    st.stop()
args = view.card_args()
target = targets.target_for("petitions.resolution_rate", sel.code, sel.end, f)
status = targets.status(f["petitions.resolution_rate"], target)

cards.row(
    [
        ("petitions.resolution_rate", "Tỷ lệ giải quyết đơn"),
        ("petitions.on_time_rate", "Giải quyết đúng hạn", False, "Không đặt chỉ tiêu"),
        ("petitions.overdue_open", "Đơn tồn đã quá hạn", True, "Càng ít càng tốt"),
        ("petitions.crowd_cases", "Vụ việc đông người", True, "Không đặt chỉ tiêu"),
    ],
    *args,
)
st.caption(
    f"Tiếp nhận {fmt.num(f['petitions.received'])} đơn trong kỳ (kể cả đơn không thuộc thẩm quyền); "
    f"{fmt.num(f['petitions.must_resolve'])} đơn thuộc thẩm quyền phải giải quyết (gồm đơn kỳ trước chuyển qua), "
    f"đã giải quyết {fmt.num(f['petitions.resolved'])} đơn."
)

points = view.series("petitions", "reporting")
filled = [
    i for i, p in enumerate(points) if p["reporting.received"]
]  # open cases carry into months nobody reported yet:
points = points[filled[0] : filled[-1] + 1] if filled else []  # draw only up to the last month with a report
# year-to-date (from the start of the range to each month's end): the last bars and points are the cards' figures
to_date = view.cumulative("petitions", "reporting")[filled[0] : filled[-1] + 1] if filled else []


def show(fig, columns: int = 1) -> None:
    charts.show_trend(fig, [p["period"] for p in points], view.merger(), columns)


if points:
    left, right = st.columns(2)
    with left:
        fig = charts.stacked(
            to_date,
            {
                "petitions.received": ("Tiếp nhận", charts.LIGHT),
                "petitions.must_resolve": ("Phải giải quyết", charts.GREY),
                "petitions.resolved": ("Đã giải quyết", charts.BLUE),
            },
            f"Đã giải quyết {fmt.num(f['petitions.resolved'])}/{fmt.num(f['petitions.must_resolve'])} đơn phải giải quyết",
        )
        fig.update_layout(barmode="group")
        show(fig, columns=2)
    with right:
        verdict = cards.verdict("petitions.resolution_rate", f, sel.code, sel.end)
        fig = charts.trend(
            to_date,
            {"petitions.resolution_rate": "Tỷ lệ giải quyết", "petitions.on_time_rate": "Tỷ lệ đúng hạn"},
            f"Tỷ lệ giải quyết {fmt.pct(f['petitions.resolution_rate'])}{verdict}",
            target=target.value if target else None,
        )
        show(fig, columns=2)
    st.caption(
        "Cột và đường tính lũy kế từ đầu kỳ đến hết từng tháng (quý): đơn phải giải quyết là đơn đã thụ lý chưa giải "
        "quyết xong khi bắt đầu kỳ hoặc thụ lý trong kỳ, nên cột và điểm cuối cùng bằng con số ở thẻ. "
        "Đường đỏ nét đứt: chỉ tiêu tỷ lệ giải quyết."
    )
else:
    st.caption("Chưa có tháng nào đủ báo cáo để vẽ diễn biến theo tháng.")

st.subheader("Theo loại đơn và lĩnh vực")
groups = view.detail("petition_breakdowns")
for tab, (by, label) in zip(
    st.tabs(["Theo loại đơn", "Theo lĩnh vực"]), [("petition_type", "Loại đơn"), ("field", "Lĩnh vực")]
):
    stats = {k: v for k, v in groups[by].items() if v["petitions.must_resolve"] or v["petitions.received"]}
    with tab:
        if not stats:
            st.caption("Không có đơn thuộc thẩm quyền trong kỳ.")
            continue
        top = max(stats, key=lambda k: stats[k]["petitions.must_resolve"])
        overdue = {k for k, v in stats.items() if v["petitions.overdue_open"]}
        overdue = (
            overdue if len(overdue) < len(stats) else set()
        )  # red only when it singles some out; the table has the counts
        charts.show(
            charts.bars(
                [(k, v["petitions.must_resolve"]) for k, v in stats.items()],
                f"Nhiều đơn phải giải quyết nhất: {top} ({fmt.num(stats[top]['petitions.must_resolve'])} đơn)"
                if stats[top]["petitions.must_resolve"]
                else "Không có đơn thuộc thẩm quyền phải giải quyết",
                highlight=overdue,
                unit=" đơn",
            )
        )
        if overdue:
            st.caption(f"Cột màu đỏ: {label.lower()} còn đơn quá hạn chưa giải quyết ({', '.join(sorted(overdue))}).")
        st.table(  # a few rows: headers and names wrap, every column fits at 1024 px
            [
                {
                    label: k,
                    "Tiếp nhận": fmt.num(v["petitions.received"]),
                    "Phải giải quyết": fmt.num(v["petitions.must_resolve"]),
                    "Đã giải quyết": fmt.num(v["petitions.resolved"]),
                    "Tỷ lệ giải quyết": fmt.pct(v["petitions.resolution_rate"]),
                    "Đúng hạn": fmt.pct(v["petitions.on_time_rate"]),
                    "Quá hạn": fmt.num(v["petitions.overdue_open"]),
                    "Đông người": fmt.num(v["petitions.crowd_cases"]),
                }
                for k, v in sorted(stats.items(), key=lambda kv: -kv[1]["petitions.must_resolve"])
            ],
            hide_index=True,
            border="horizontal",
        )
        st.caption(
            "Quá hạn: đơn chưa giải quyết đã quá hạn vào cuối kỳ. Đông người: vụ việc đông người trong số đơn phải giải quyết."
        )

st.subheader("Đơn chưa giải quyết xong cuối kỳ")
cases = view.detail("open_cases")
if not cases:
    st.success("Không còn đơn thuộc thẩm quyền nào chưa giải quyết vào cuối kỳ.", icon=":material/check_circle:")
else:
    st.markdown(
        f"Còn **{fmt.num(len(cases))}** đơn chưa giải quyết xong, trong đó **{fmt.num(f['petitions.overdue_open'])}** đơn "
        f"đã quá hạn (tính đến {fmt.day(indicators.as_of(sel.end))})."
    )
    first, last = pager.choose(len(cases), 200, "trang_don_ton", "đơn, quá hạn lâu nhất trước")
    cases, group = cases[first:last], sel.is_group  # a page of a province's tens of thousands of open cases
    units = reference.units()
    names = {
        c["unit_code"]: units.get(c["unit_code"]).name + (" (cũ)" if units.get(c["unit_code"]).valid_to else "")
        for c in cases
    }  # an old and a new commune may share a name (Thanh Quân)
    rows = [
        ({"Đơn vị": names[c["unit_code"]]} if group else {})
        | {
            "Mã đơn": c["case_id"],
            "Loại đơn": c["petition_type"],
            "Lĩnh vực": c["field"],
            "Ngày thụ lý": fmt.day(c["accepted"]),
            "Hạn giải quyết": fmt.day(c["deadline"]) or "Chưa xác định",
            "Quá hạn (ngày)": fmt.num(c["days_overdue"]) if c["days_overdue"] else "Còn hạn",
        }
        for c in cases
    ]
    if len(rows) <= 30:  # a short list: every cell wraps, nothing cut at 1024 px
        st.table(rows, hide_index=True, border="horizontal")
    else:  # a long list scrolls in a grid whose columns fit 1024 px with the sidebar open
        col = st.column_config.TextColumn
        widths = {"Đơn vị": 100, "Mã đơn": 100, "Loại đơn": 120, "Lĩnh vực": 110 if sel.is_group else 150}
        widths |= {"Ngày thụ lý": 95, "Hạn giải quyết": 110, "Quá hạn (ngày)": 100}
        st.dataframe(
            rows,
            hide_index=True,
            height=420,
            column_order=[k for k in widths if k in rows[0]],
            column_config={k: col(width=w) for k, w in widths.items()},
        )
    st.caption(
        "Xếp theo số ngày quá hạn, lâu nhất lên đầu. Hạn giải quyết tính từ ngày thụ lý theo Luật Khiếu nại 2011 (Điều 28), "
        "Luật Tố cáo 2018 (Điều 30); kiến nghị, phản ánh theo thời hạn của địa phương."
    )
