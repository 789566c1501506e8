"""Cải cách hành chính: TTHC received online / at the desk, resolved early / on time / late, both rates vs target, by field, stock."""

import streamlit as st

from etl import targets
from ui import cards, charts, fmt, palette
from ui.page import LOAD_HINT, header

view = header("Cải cách hành chính")
sel, f = view.sel, view.figures()
if f["tthc.received_new"] is None:
    st.info(
        f"Chưa có số liệu thủ tục hành chính (trang «TTHC» của báo cáo) của {sel.unit.name} "
        f"cho {sel.label[0].lower() + sel.label[1:]}. " + LOAD_HINT,
        icon=":material/info:",
    )
    st.stop()
args = view.card_args()


def verdict(ind: str) -> str:
    return cards.verdict(ind, f, sel.code, sel.end)


cards.row(
    [
        ("tthc.received_new", "Hồ sơ tiếp nhận mới", False, "Không đặt chỉ tiêu"),
        ("tthc.resolved", "Hồ sơ đã giải quyết", False, "Không đặt chỉ tiêu"),
        ("tthc.on_time_rate", "Giải quyết đúng hạn"),
        ("tthc.online_rate", "Hồ sơ nộp trực tuyến"),
    ],
    *args,
)
st.caption(
    f"Trong đó {fmt.num(f['tthc.received_online'])} hồ sơ nộp trực tuyến, "
    f"{fmt.num(f['tthc.received_new'] - f['tthc.received_online'])} hồ sơ nộp trực tiếp hoặc qua bưu chính; "
    f"{fmt.num(f['tthc.resolved_late'])} hồ sơ giải quyết quá hạn."
)

# Trend points: drop the empty months before the first and after the last report (e.g. the rest of the running year);
# months missing in between stay on the axis and are named under the charts.
points = view.series("tthc")
filled = [i for i, p in enumerate(points) if p["tthc.received_new"] is not None]
points = points[filled[0] : filled[-1] + 1] if filled else []  # quarterly/yearly workbooks only: no monthly point
# rates are drawn year-to-date (from the start of the range to each month's end): the last point is the card's figure
to_date = view.cumulative("tthc")[filled[0] : filled[-1] + 1] if filled else []
gaps = [fmt.short_label(p["period"]) for p in points if p["tthc.received_new"] is None]
resolution = view.detail("tthc_resolution_by_period", tuple((p["period"].start, p["period"].end) for p in points))
rows = [
    {
        "period": p["period"],
        "online": p["tthc.received_online"],
        "desk": None if p["tthc.received_new"] is None else p["tthc.received_new"] - p["tthc.received_online"],
    }
    | (r or {})
    for p, r in zip(points, resolution)
]


def show(fig, columns: int = 1) -> None:
    charts.show_trend(fig, [p["period"] for p in points], view.merger(), columns)


st.subheader("Tiếp nhận và giải quyết hồ sơ")
if not points:
    st.caption("Báo cáo thủ tục hành chính của kỳ này lập theo quý hoặc năm, nên không vẽ được diễn biến từng tháng.")
else:
    left, right = st.columns(2)
    with left:
        show(
            charts.stacked(
                rows,
                {"online": ("Trực tuyến", charts.BLUE), "desk": ("Trực tiếp, bưu chính", charts.GREY)},
                f"Tiếp nhận {fmt.num(f['tthc.received_new'])} hồ sơ, {fmt.pct(f['tthc.online_rate'])} trực tuyến",
            ),
            columns=2,
        )
    with right:
        show(
            charts.stacked(
                rows,
                {
                    "resolved_early": ("Trước hạn", palette.STATUS["met"]),
                    "resolved_on_time": ("Đúng hạn", charts.BLUE),
                    "resolved_late": ("Quá hạn", palette.STATUS["not_met"]),
                },
                f"Giải quyết {fmt.num(f['tthc.resolved'])} hồ sơ, {fmt.num(f['tthc.resolved_late'])} hồ sơ quá hạn",
            ),
            columns=2,
        )
    left, right = st.columns(2)
    for col, ind, label, title in [
        (left, "tthc.on_time_rate", "Trước hạn và đúng hạn", "Đúng hạn"),
        (right, "tthc.online_rate", "Nộp trực tuyến", "Trực tuyến"),
    ]:
        target = targets.target_for(ind, sel.code, sel.end, f)
        fig = charts.trend(
            to_date, {ind: label}, f"{title} {fmt.pct(f[ind])}{verdict(ind)}", target=target.value if target else None
        )
        values = [p[ind] for p in to_date if p[ind] is not None]
        floor = min(values + ([target.value] if target else []), default=0)
        fig.update_yaxes(
            range=[max(0, int((floor - 0.05) * 10) * 10), 101]
        )  # rates sit near 100 %: show the months' differences
        with col:
            show(fig, columns=2)
    st.caption(charts.TO_DATE_CAPTION)
    if gaps:
        st.caption(f"Chưa có báo cáo thủ tục hành chính: {', '.join(gaps)} (cột để trống).")

st.subheader("Theo lĩnh vực")
fields = view.detail("tthc_by_field")
target = targets.target_for("tthc.on_time_rate", sel.code, sel.end, f)
statuses = {r["field"]: targets.status(r["on_time_rate"], target) for r in fields}
late_fields = {k for k, v in statuses.items() if v in ("near", "not_met")}
top = fields[0] if fields else None
if top:
    charts.show(
        charts.bars(
            [(r["field"], r["received_online"] + r["received_offline"]) for r in fields],
            f"Nhiều hồ sơ nhất: {top['field']} ({fmt.num(top['received_online'] + top['received_offline'])} hồ sơ)",
            colors={k: palette.STATUS[statuses[k]] for k in late_fields},  # «Gần đạt» orange, «Chưa đạt» red
            unit=" hồ sơ",
        )
    )
    if late_fields and target:
        st.caption(
            f"Lĩnh vực có tỷ lệ giải quyết đúng hạn dưới chỉ tiêu {fmt.pct(target.value, 0)}: cột màu cam là gần đạt "
            f"(kém không quá 10 điểm %), màu đỏ là chưa đạt ({', '.join(sorted(late_fields))})."
        )
st.table(  # a few rows: an HTML table whose headers and names wrap, so every column fits at 1024 px
    [
        {
            "Lĩnh vực": r["field"],
            "Tiếp nhận": fmt.num(r["received_online"] + r["received_offline"]),
            "Nộp trực tuyến": fmt.pct(r["online_rate"]),
            "Đã giải quyết": fmt.num(r["resolved_early"] + r["resolved_on_time"] + r["resolved_late"]),
            "Quá hạn": fmt.num(r["resolved_late"]),
            "Đúng hạn": fmt.pct(r["on_time_rate"]),
            "Đánh giá": targets.STATUS_LABELS.get(targets.status(r["on_time_rate"], target), "–"),
            "Tồn quá hạn": fmt.num(r["pending_overdue_end"]),
        }
        for r in fields
    ],
    hide_index=True,
    border="horizontal",
)

st.subheader("Hồ sơ tồn")
cards.row(
    [
        ("tthc.carried_over", "Kỳ trước chuyển qua", True, "Số tồn đầu kỳ"),
        ("tthc.pending_end", "Tồn cuối kỳ", True, "Càng ít càng tốt"),
        ("tthc.pending_overdue_end", "Trong đó đã quá hạn", True, "Càng ít càng tốt"),
    ],
    *args,
)
if points:
    show(
        charts.trend(
            points,
            {"tthc.pending_end": "Tồn cuối kỳ", "tthc.pending_overdue_end": "Trong đó quá hạn"},
            f"Cuối kỳ còn {fmt.num(f['tthc.pending_end'])} hồ sơ tồn, {fmt.num(f['tthc.pending_overdue_end'])} hồ sơ đã quá hạn",
            percent=False,
        )
    )
    st.caption(
        f"Tồn cuối kỳ lấy theo kỳ báo cáo cuối cùng có số liệu ({fmt.short_label(points[-1]['period'])}); "
        "số chuyển qua lấy theo kỳ báo cáo đầu tiên."
    )
