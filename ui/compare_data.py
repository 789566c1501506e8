"""The comparison and reporting pages' cached tables (from etl.compare) and their display: styled table, ranking chart.
The reporting grid, commune names and the paging order are in ui.compare_grid.

Numbers stay numeric in the table so a click on a column header sorts by value; pandas' Styler shows them the
Vietnamese way (ui.fmt), with the status against the target as a symbol and a background colour.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from etl import compare, config, reference, targets
from ui import charts, data, fmt, palette
from ui.compare_grid import names, worst_first

COLUMNS = {  # indicator -> (column header, width in px, tooltip, chart title words)
    "tthc.on_time_rate": (
        "TTHC đúng hạn",
        100,
        "Hồ sơ thủ tục hành chính giải quyết đúng hạn (gồm trước hạn) / hồ sơ đã giải quyết",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
    ),
    "tthc.online_rate": ("Trực tuyến", 84, "Hồ sơ nộp trực tuyến / hồ sơ tiếp nhận mới", "Tỷ lệ hồ sơ nộp trực tuyến"),
    "petitions.resolution_rate": (
        "Giải quyết đơn",
        100,
        "Đơn thư đã giải quyết / đơn phải giải quyết trong kỳ (thuộc thẩm quyền)",
        "Tỷ lệ giải quyết đơn thư",
    ),
    "petitions.overdue_open": (
        "Đơn quá hạn",
        86,
        "Đơn chưa giải quyết đã quá hạn vào cuối kỳ (càng ít càng tốt)",
        "Số đơn thư quá hạn chưa giải quyết",
    ),
    "reception.chair_compliance": (
        "Tiếp dân",
        76,
        "Tuần Chủ tịch UBND xã tiếp công dân định kỳ đúng quy định / số tuần quy định",
        "Tỷ lệ tuần Chủ tịch tiếp công dân đúng quy định",
    ),
    "dialogue.sessions": (
        "Đối thoại",
        74,
        "Hội nghị đối thoại đã tổ chức / số tối thiểu (1 lần mỗi năm mỗi xã)",
        "Số hội nghị đối thoại với Nhân dân",
    ),
    "plan.done_rate": (
        "Kế hoạch",
        76,
        "Nhiệm vụ đã hoàn thành / nhiệm vụ trong kế hoạch mới nhất của kỳ",
        "Tỷ lệ nhiệm vụ kế hoạch đã hoàn thành",
    ),
    "reporting.month_rate": (
        "Báo cáo",
        72,
        "Tháng đã nộp đủ báo cáo / tháng đã đến hạn nộp",
        "Tỷ lệ tháng đã nộp báo cáo",
    ),
}
LOWER_IS_BETTER = {"petitions.overdue_open"}
AREAS = {  # one table per area: each fits a 1024 px screen with the sidebar open (8 columns side by side do not)
    "Thủ tục hành chính, đơn thư": (
        "tthc.on_time_rate",
        "tthc.online_rate",
        "petitions.resolution_rate",
        "petitions.overdue_open",
    ),
    "Tiếp dân, đối thoại, kế hoạch, báo cáo": (
        "reception.chair_compliance",
        "dialogue.sessions",
        "plan.done_rate",
        "reporting.month_rate",
    ),
}
SYMBOLS = palette.MARK
BACKGROUND = palette.STATUS_BG
LEGEND = (
    "✓ nộp đúng hạn (nền xanh) · ! nộp muộn (nền vàng) · ✗ chưa nộp (nền đỏ) · … chưa đến hạn nộp (nền xám) · "
    "ô trống: xã chưa thành lập hoặc đã sáp nhập trong tháng đó, không phải nộp. «Nộp đủ», «Đúng hạn»: "
    "số tháng đã nộp (đúng hạn) trên số tháng đã đến hạn của xã."
)
LEGEND = (
    "✓ đạt chỉ tiêu (nền xanh) · ! gần đạt, kém chỉ tiêu không quá 10 điểm % (nền vàng) · ✗ chưa đạt (nền đỏ) · "
    "không ký hiệu: không có chỉ tiêu hoặc không phát sinh. «Báo cáo»: tháng đã nộp / tháng đã đến hạn (… chưa tháng nào đến hạn)."
)


@st.cache_data(show_spinner=False, max_entries=64)
def commune_table(
    path: str, data_version: tuple, code: str, start: date, end: date, on_time_days: int, today: date
) -> list[dict]:
    """The group's row, then one row per commune (etl.compare.commune_figures); `today` decides which months are due.
    The group's row is the page header's cached figures of the same selection when they are the same computation."""
    same = (on_time_days, today) == (config.ON_TIME_DAYS, config.today())
    group = data._figures(path, data_version, code, start, end, False) if same else None  # as View passes them
    con = data._connect(path)
    try:
        return compare.commune_figures(con, code, start, end, on_time_days, today, group=group)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=64)
def reporting_table(
    path: str, data_version: tuple, code: str, start: date, end: date, on_time_days: int, today: date
) -> dict:
    """etl.compare.reporting_table, with "worst_first": the communes in the order of a paged grid (ui.compare_grid)."""
    con = data._connect(path)
    try:
        t = compare.reporting_table(con, code, start, end, on_time_days, today)
    finally:
        con.close()
    return t | {"worst_first": worst_first(t, start, end)}


@st.cache_data(show_spinner=False, max_entries=64)
def statuses(
    path: str, data_version: tuple, code: str, start: date, end: date, on_time_days: int, today: date, targets_file: int
) -> dict[str, dict[str, str | None]]:
    """{unit code: {indicator: status}} for the rows of commune_table (thousands of target look-ups, once per data,
    targets table (`targets_file`: its modification time) and selection)."""
    rows = commune_table(path, data_version, code, start, end, on_time_days, today)
    table = reference.rules("targets")
    own = {t["unit_code"] for t in table}  # units with targets of their own (rare); the others share the «*» rows
    refers = {t["indicator_id"] for t in table if t["value"].startswith("=")}  # «=another figure»: judged per row
    fixed: dict = {}  # (indicator, unit or «*», end) -> target_for without figures: the same for all those units
    out = {}
    for r in rows:
        out[r["unit_code"]] = judged = {}
        for ind in COLUMNS:
            key = (ind, r["unit_code"] if r["unit_code"] in own else "*", r["end"])
            if key not in fixed:
                fixed[key] = targets.target_for(*key)
            if ind in refers or (ind == "dialogue.sessions" and not r["dialogue.required"]):
                judged[ind] = status(ind, r)
            else:
                judged[ind] = targets.status(r.get(ind), fixed[key])
    return out


def targets_file() -> int:
    """The targets table's modification time: an edited targets.csv judges the communes again."""
    return (config.REFERENCE_DIR / "targets.csv").stat().st_mtime_ns


def unit_name(code: str, start: date, end: date, short: bool = False) -> str:
    """The name, saying when an old or a new commune only covers part of the range (etl.compare.unit_name)."""
    return compare.unit_name(reference.units().get(code), start, end, short)


def status(ind: str, row: dict) -> str | None:
    if ind == "dialogue.sessions" and not row["dialogue.required"]:
        return None  # no workbook covered a year: nothing was required, nothing to judge
    return targets.status(row.get(ind), targets.target_for(ind, row["unit_code"], row["end"], row))


def text(ind: str, row: dict, state: str | None = "") -> str:
    """A cell: the value the Vietnamese way, with the status symbol (`state`: the status when already known)."""
    if ind == "dialogue.sessions":
        value = (
            f"{fmt.num(row[ind])}/{fmt.num(row['dialogue.required'])}"
            if row["dialogue.required"]
            else fmt.num(row[ind])
        )
    elif ind == "reporting.month_rate":
        value = (
            f"{fmt.num(row['reporting.months_received'])}/{fmt.num(row['reporting.months_due'])}"
            if row["reporting.months_due"]
            else "…"
        )
    elif targets.is_rate(ind):
        value = fmt.pct(row[ind])
    else:
        value = fmt.num(row[ind])
    return f"{value} {SYMBOLS[status(ind, row) if state == '' else state]}".strip()


def rank(rows: list[dict], ind: str) -> list[dict]:
    """Best first; communes without the figure (no denominator) last."""
    sign = 1 if ind in LOWER_IS_BETTER else -1
    return sorted(rows, key=lambda r: (r[ind] is None, sign * (r[ind] or 0), r["unit_code"]))


def styled(
    rows: list[dict], start: date, end: date, group_label: str, inds: tuple | None = None, states: dict | None = None
):
    """The table (the columns of `inds`, all by default) as a Styler: numeric cells (a header click sorts by value)
    shown as text, coloured by status (`states`: from statuses(), else judged here)."""
    short = names([r["unit_code"] for r in rows[1:]], start, end, short=True)
    frame = {"Đơn vị": [group_label] + [short[r["unit_code"]] for r in rows[1:]]}
    css, shown = {"Đơn vị": [""] * len(rows)}, {}
    for ind in inds or COLUMNS:
        header = COLUMNS[ind][0]
        # a tiny offset per row keeps every value of a column distinct, so the formatter can find each cell's own text
        frame[header] = [r[ind] + i * 1e-12 if r[ind] is not None else float("nan") for i, r in enumerate(rows)]
        cells = [states[r["unit_code"]][ind] if states else status(ind, r) for r in rows]  # once per cell
        shown[header] = {v: text(ind, r, s) for v, r, s in zip(frame[header], rows, cells) if v == v}
        shown[header][None] = text(ind, {**rows[0], ind: None, "dialogue.required": 0, "reporting.months_due": 0})
        css[header] = [f"background-color: {BACKGROUND[state]}" if state else "" for state in cells]
    df = pd.DataFrame(frame)
    formatters = {h: (lambda v, m=m: m[None] if v != v else m[v]) for h, m in shown.items()}
    return df.style.format(formatters).apply(lambda _: pd.DataFrame(css), axis=None)


def column_config(inds: tuple | None = None) -> dict:
    out = {"Đơn vị": st.column_config.TextColumn(width=150, pinned=True)}
    for header, width, tip, _ in (COLUMNS[i] for i in inds or COLUMNS):
        out[header] = st.column_config.NumberColumn(help=tip, width=width)
    return out


def ranking_chart(
    rows: list[dict], group: dict, ind: str, start: date, end: date, limit: int = 30, states: dict | None = None
) -> tuple[go.Figure | None, list[str]]:
    """Horizontal bars for one indicator, best on top, each bar labelled with its value and status symbol; the group's
    own figure and the target as vertical lines. Returns the figure and the codes of the communes left out for lack of
    a figure. `states`: from statuses(), else judged here."""
    with_value = [r for r in rank(rows, ind) if r[ind] is not None]
    left_out = [r["unit_code"] for r in rows if r[ind] is None]
    if not with_value:
        return None, left_out
    shown = with_value if len(with_value) <= limit else with_value[: limit // 2] + with_value[-(limit // 2) :]
    rate = targets.is_rate(ind)
    scale = 100 if rate else 1
    bars = [unit_name(r["unit_code"], start, end, short=True) for r in shown][::-1]  # bottom up
    marks = [states[r["unit_code"]][ind] if states else status(ind, r) for r in shown][::-1]
    labels = [text(ind, r, s) for r, s in zip(shown[::-1], marks)]
    fig = go.Figure(
        go.Bar(
            x=[r[ind] * scale for r in shown][::-1],
            y=bars,
            orientation="h",
            marker_color=[charts.COLORS[s] for s in marks],
            customdata=labels,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    target = targets.target_for(ind, group["unit_code"], group["end"], group) if ind != "dialogue.sessions" else None
    value = fmt.pct(group[ind]) if rate else fmt.num(group[ind])
    lines = []
    if target:
        named = fmt.pct(target.value, 0) if rate else fmt.num(target.value)
        lines.append((target.value, f"Chỉ tiêu {named}", "dash", palette.TARGET))
    # a count of the group is a sum, not comparable with a commune's: no line for it
    if rate and group[ind] is not None:
        lines.append((group[ind], f"Toàn nhóm {value}", "dot", palette.INK))
    for x, name, dash, color in lines:  # vertical lines, named in the legend (never labels over the bars)
        fig.add_vline(x=x * scale, line={"dash": dash, "color": color, "width": 2})
        fig.add_scatter(x=[None], y=[None], mode="lines", name=name, line={"dash": dash, "color": color, "width": 2})
    judge = [states[r["unit_code"]][ind] for r in with_value] if states else [status(ind, r) for r in with_value]
    met, judged = judge.count("met"), sum(s is not None for s in judge)
    words = COLUMNS[ind][3]
    if judged:
        title = f"{words}: {fmt.num(met)}/{fmt.num(judged)} xã đạt chỉ tiêu" + (f"; toàn nhóm {value}" if rate else "")
    else:
        best, worst = with_value[0], with_value[-1]
        title = (
            f"{words}: tốt nhất {unit_name(best['unit_code'], start, end, True)} ({text(ind, best)}), "
            f"kém nhất {unit_name(worst['unit_code'], start, end, True)} ({text(ind, worst)})"
        )
    fig = charts.layout(fig, title, height=150 + 30 * len(shown))
    values = [  # the values in a column right of the plot: no line runs through them (set at once: add_annotation
        # validates every annotation again on each call)
        go.layout.Annotation(
            x=1, xref="paper", xanchor="left", xshift=6, y=name, yref="y", showarrow=False, text=label, name="value"
        )
        for name, label in zip(bars, labels)
    ]
    fig.layout.annotations = fig.layout.annotations + tuple(values)
    fig.update_yaxes(type="category", gridcolor="white", automargin=True)
    low = 0  # rates bunch near 100 %: the axis starts at the tens below the lowest value so the ranking shows (said)
    if rate:
        low = max(0, int(min([r[ind] for r in shown] + [x for x, *_ in lines]) * 100 - 3) // 10 * 10)
    fig.update_xaxes(
        type="linear",
        gridcolor=charts.GRID,
        tickformat=",.0f" if rate else ",d",
        ticksuffix=" %" if rate else "",
        range=[low, 100] if rate else None,
        automargin=True,
        title_text=f"Trục ngang bắt đầu từ {low} %" if low else None,
        title_font={"size": charts.TEXT, "color": charts.INK},
    )
    fig.update_layout(
        margin={"r": 96, "b": 10},
        showlegend=bool(lines),  # the legend between the title and the bars (ui.charts.show)
    )
    return fig, left_out
