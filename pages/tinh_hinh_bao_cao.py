"""Tình hình báo cáo: for a group and a range, which commune sent each month's report on time, late or not at all
(DHIS2-style grid), completeness and timeliness per month and per commune, and who is missing for the latest month due."""

import streamlit as st

from etl import config, periods
from ui import charts, fmt, pager
from ui import compare_data as cd
from ui import compare_grid as cg
from ui.page import header

view = header("Tình hình gửi báo cáo")
sel = view.sel
# the whole selected period (months not due yet show as «chưa đến hạn»); its rates count only the months due, so they
# equal the completeness every other screen shows for the same selection (etl.coverage.month_rates)
t = cd.reporting_table(
    str(view.path), view.version, sel.code, sel.period_start, sel.period_end, config.ON_TIME_DAYS, config.today()
)
months = [periods.parse(k) for k in t["months"]]
tot = t["totals"]

c1, c2, c3 = st.columns(3)
c1.metric(
    "Báo cáo tháng đã nhận / đã đến hạn",
    f"{fmt.num(tot['received'])}/{fmt.num(tot['expected'])}",
    border=True,
    help="Cộng theo từng xã và từng tháng đã đến hạn nộp; xã chưa thành lập (hoặc đã sáp nhập) trong tháng thì không phải nộp.",
)
c2.metric("Tỷ lệ nộp đủ", fmt.pct(tot["completeness"]), border=True)
c3.metric(
    "Tỷ lệ nộp đúng hạn",
    fmt.pct(tot["timeliness"]),
    border=True,
    help=f"Nộp trong {config.ON_TIME_DAYS} ngày sau khi hết tháng (tính theo ngày nhận bản đầu tiên).",
)
if not tot["expected"]:
    st.caption(f"Chưa tháng nào của kỳ đã chọn đến hạn nộp (hạn là {config.ON_TIME_DAYS} ngày sau khi hết tháng).")

latest = periods.parse(t["latest"]) if t["latest"] else None
if latest:
    st.subheader(f":material/assignment_late: Xã chưa nộp báo cáo {latest.phrase}")
    if not t["missing"]:
        who = "tất cả các xã phải báo cáo" if sel.is_group else sel.unit.name
        st.success(f"Không có: {who} đã nộp báo cáo {latest.phrase}.", icon=":material/check_circle:")
    else:
        names = cg.names([m["unit_code"] for m in t["missing"]], sel.period_start, sel.period_end)
        st.dataframe(
            [
                {
                    "Xã": names[m["unit_code"]],
                    "Kỳ báo cáo": latest.label,
                    "Hạn nộp": fmt.day(m["deadline"]),
                    "Đã quá hạn": f"{fmt.num(m['days_late'])} ngày",
                }
                for m in t["missing"]
            ],
            hide_index=True,
        )
    earlier = tot["expected"] - tot["received"] - len(t["missing"])
    if earlier:
        st.caption(f"Các tháng trước trong kỳ còn {fmt.num(earlier)} báo cáo chưa nộp (ô ✗ trong bảng dưới).")
    later = [m.phrase for m in months if m > latest]
    if later:
        st.caption(f"Chưa đến hạn nộp: {', '.join(later)} (hạn là {config.ON_TIME_DAYS} ngày sau khi hết tháng).")

st.subheader(":material/grid_on: Báo cáo từng tháng của từng xã")
codes = t["units"]
if len(codes) > cg.PAGE:  # a long group: a page of communes, those missing most first (the Styler only for those)
    first, last = pager.choose(len(codes), cg.PAGE, "trang_bao_cao", cg.GRID_ORDER)
    codes = t["worst_first"][first:last]
frame, column_config = cg.reporting_grid(t, sel.period_start, sel.period_end, sel.is_group, codes)
st.dataframe(frame, hide_index=True, column_config=column_config, height=min(40 + 35 * len(frame.data), 760))
st.caption(cg.GRID_LEGEND + (" " + cg.GRID_PAGED if len(codes) < len(t["units"]) else ""))

# year-to-date rates (running sums of the months due): the last point is the card's figure, and one commune's line does
# not jump between 0 % and 100 % month by month
points, sums = [], {"due": 0, "received": 0, "on_time": 0}
for m, r in zip(months, t["per_month"]):
    if r["due"]:
        sums = {k: sums[k] + r[f"reporting.months_{k}"] for k in sums}
    points.append(
        {
            "period": m,
            "reporting.completeness": sums["received"] / sums["due"] if r["due"] and sums["due"] else None,
            "reporting.timeliness": sums["on_time"] / sums["due"] if r["due"] and sums["due"] else None,
        }
    )
monthly = [r for r in t["per_month"] if r["due"] and r["reporting.completeness"] is not None]
if len([p for p in points if p["reporting.completeness"] is not None]) > 1:
    title = f"Nộp đủ {fmt.pct(tot['completeness'])}, đúng hạn {fmt.pct(tot['timeliness'])}"
    low = min(monthly, key=lambda r: (r["reporting.completeness"], r["period_key"]))
    lows = [r for r in monthly if r["reporting.completeness"] == low["reporting.completeness"]]
    if low["reporting.completeness"] < 1 and len(lows) == len(monthly):  # a tie is no «most»: say every month lacks
        title += "; tháng nào cũng thiếu báo cáo"
    elif low["reporting.completeness"] < 1:
        names = [fmt.short_label(periods.parse(r["period_key"])) for r in lows]
        shown = ", ".join(names[:3]) + (f" và {len(names) - 3} tháng khác" if len(names) > 3 else "")
        title += f"; tháng thiếu nhiều nhất {shown}"
    fig = charts.trend(
        points,
        {"reporting.completeness": "Tỷ lệ nộp đủ (lũy kế)", "reporting.timeliness": "Tỷ lệ nộp đúng hạn (lũy kế)"},
        title,
    )
    fig.update_yaxes(range=[0, 104], dtick=20)  # the whole 0–100 % scale: 17 % never looks like a full chart
    charts.show_trend(fig, months, view.merger())
    st.caption(charts.TO_DATE_CAPTION)
