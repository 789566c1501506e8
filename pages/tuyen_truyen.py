"""Tuyên truyền, giám sát, Dân vận khéo, tiến độ kế hoạch: plan items II.1, II.2, II.6 and III of the commune plan."""

import re

import plotly.graph_objects as go
import streamlit as st

from etl import periods, reference
from ui import cards, charts, fmt, palette
from ui.page import header
from ui.safe import h

view = header("Tuyên truyền, giám sát, Dân vận khéo, tiến độ kế hoạch")
sel, f = view.sel, view.figures()
args = view.card_args()
NO_TARGET = "Không đặt chỉ tiêu"
units = reference.units()

st.subheader(":material/campaign: Tuyên truyền, phổ biến (nhiệm vụ II.1, II.2)")
c1, c2 = st.columns([1, 2])
with c1:
    cards.card("outreach.events", "Hoạt động tuyên truyền, phổ biến", *args, note=NO_TARGET)
    cards.card("outreach.participants", "Lượt người tham dự", *args, note=NO_TARGET)
forms = view.detail("breakdown", "outreach.form")
if not forms:
    c2.info(
        "Chưa có hoạt động tuyên truyền nào trong kỳ. Văn phòng ghi từng hoạt động ở trang «Tuyên truyền» của tệp báo cáo rồi nạp lại tệp."
    )
else:
    forms = sorted(forms, key=lambda r: r["count"])
    fig = go.Figure(
        go.Bar(
            x=[r["count"] for r in forms],
            y=[r["value"] for r in forms],
            orientation="h",
            marker_color=charts.BLUE,
            text=[f"{fmt.num(r['count'])} hoạt động · {fmt.num(r['participants'])} người" for r in forms],
            textposition="auto",
            hoverinfo="skip",
        )
    )
    fig = charts.layout(
        fig,
        f"{fmt.num(f['outreach.events'])} hoạt động, {fmt.num(f['outreach.participants'])} lượt người; "
        f"nhiều nhất qua {forms[-1]['value'].lower()}",
        height=max(330, 90 + 46 * len(forms)),
    )
    fig.update_yaxes(type="category", gridcolor="white")
    fig.update_xaxes(type="linear", tickformat=",d", title_text="Số hoạt động")
    with c2:
        charts.show(fig, 1.5)

st.subheader(":material/visibility: Giám sát, phản biện của MTTQ và các đoàn thể (nhiệm vụ II.6)")
c1, c2, c3 = st.columns(3)
with c1:
    cards.card("supervision.events", "Hoạt động giám sát, phản biện", *args, note=NO_TARGET)
with c2:
    cards.card("supervision.recommendations", "Kiến nghị của MTTQ, đoàn thể", *args, note=NO_TARGET)
with c3:
    cards.card("supervision.acceptance_rate", "Kiến nghị được chính quyền tiếp thu", *args, note=NO_TARGET)
orgs = view.detail("breakdown", "supervision.organisation")
if not orgs:
    st.info(
        "Chưa có hoạt động giám sát, phản biện nào trong kỳ. Ghi ở trang «Giám sát, phản biện» của tệp báo cáo rồi nạp lại tệp."
    )
else:
    orgs = sorted(orgs, key=lambda r: r["recommendations"])
    fig = go.Figure()
    for key, label, color in (
        ("accepted", "Được tiếp thu", charts.BLUE),
        ("recommendations", "Số kiến nghị", charts.GREY),
    ):
        fig.add_bar(
            x=[r[key] for r in orgs],
            y=[r["value"] for r in orgs],
            name=label,
            orientation="h",
            marker_color=color,
            text=[fmt.num(r[key]) for r in orgs],
            textposition="outside",
            customdata=[fmt.num(r["count"]) for r in orgs],
            hovertemplate="%{y}: %{text} " + label.lower() + " (%{customdata} hoạt động)<extra></extra>",
        )
    fig.update_layout(barmode="group", legend={"traceorder": "reversed"})
    fig = charts.layout(
        fig,
        f"Đã tiếp thu {fmt.pct(f['supervision.acceptance_rate'])} trong "
        f"{fmt.num(f['supervision.recommendations'])} kiến nghị của MTTQ và các đoàn thể",
        height=max(260, 110 + 60 * len(orgs)),
    )
    fig.update_yaxes(type="category", gridcolor="white")
    fig.update_xaxes(type="linear", tickformat=",d", title_text="Số kiến nghị")
    charts.show(fig)

st.subheader(":material/emoji_events: Mô hình «Dân vận khéo» (nhiệm vụ II.2)")
years = f"năm {sel.start.year}" if sel.start.year == sel.end.year else f"các năm {sel.start.year}–{sel.end.year}"
models = view.detail("emulation_models")
c1, c2 = st.columns([1, 2])
with c1:
    cards.card("emulation.models", f"Mô hình công nhận {years.removeprefix('các ')}", *args, note=NO_TARGET)
if not models:
    c2.info(
        f"Chưa có mô hình «Dân vận khéo» nào được công nhận trong {years}. "
        "Văn phòng ghi mô hình ở trang «Dân vận khéo» của tệp báo cáo (mỗi mô hình một dòng) rồi nạp lại tệp."
    )
else:
    if sel.is_group:  # a long list: full width below
        c2.markdown(
            f"{fmt.num(f['emulation.models'])} mô hình «Dân vận khéo» của các xã được công nhận trong {years}, liệt kê dưới đây."
        )
    (st.container() if sel.is_group else c2).table(
        [
            ({"Đơn vị": units.get(m["unit_code"]).name} if sel.is_group else {})
            | {
                "Tên mô hình": m["model_name"],
                "Lĩnh vực": m["field"] or "–",
                "Năm công nhận": str(m["recognised_year"] or "–"),
                "Cấp công nhận": m["level"] or "–",
                "Được khen thưởng": "Có" if m["is_rewarded"] else "Không",
            }
            for m in models
        ],
        hide_index=True,
        border="horizontal",
    )


def task_label(task: dict, width: int = 34, most: int = 3) -> str:
    """A task on a chart axis: its code with its name, wrapped (plan codes alone mean nothing to a chairman); a long name
    is shortened by design, never cut mid-clause or ellipsised: without its references in brackets, then keeping the
    clauses («…; …») that fit `most` lines — the table below the chart has it in full."""
    code, name = task["task_code"], (task["content"] or "").strip()

    def fits(text: str) -> bool:
        return len(charts.wrap(h(f"{code} {text}"), width).split("<br>")) <= most

    if not fits(name):
        clauses = [c.strip() for c in re.sub(r"\s*\([^)]*\)", "", name).split(";")]
        name = clauses[0]
        for clause in clauses[1:]:
            if not fits(f"{name}; {clause}"):
                break
            name = f"{name}; {clause}"
    return charts.wrap(h(f"{code} {name}".strip()), width)


st.subheader(":material/checklist: Tiến độ thực hiện kế hoạch (mục III)")
tasks = view.detail("plan_tasks")
c1, c2 = st.columns([1, 2])
with c1:
    cards.card("plan.done_rate", "Nhiệm vụ kế hoạch đã hoàn thành", *args)
with c2:
    if tasks:
        latest = sorted({periods.parse(t["period_key"]).label for t in tasks})
        who = (
            f"{fmt.num(f['plan.tasks'])} nhiệm vụ của các xã cộng lại"
            if sel.is_group
            else f"{fmt.num(f['plan.tasks'])} nhiệm vụ"
        )
        st.markdown(
            f"Theo báo cáo tiến độ kế hoạch gần nhất trong kỳ đã chọn ({', '.join(latest)}): {who}, "
            f"đã hoàn thành {fmt.pct(f['plan.done_rate'])}. Chỉ tiêu 100 % vào cuối năm."
        )
if not tasks:
    st.info(
        "Chưa có báo cáo tiến độ kế hoạch trong kỳ. Văn phòng cập nhật trang «Kế hoạch» của tệp báo cáo rồi nạp lại tệp."
    )
elif not sel.is_group:
    STAGE_COLORS = {"Hoàn thành": palette.STATUS["met"], "Đang thực hiện": charts.BLUE, "Chưa triển khai": charts.GREY}
    rows = list(reversed(tasks))
    fig = go.Figure(
        go.Bar(
            x=[t["percent"] or 0 for t in rows],
            y=[task_label(t) for t in rows],
            orientation="h",
            marker_color=[STAGE_COLORS.get(t["progress"], charts.GREY) for t in rows],
            text=[
                f"{fmt.num(t['percent']) + ' %' if t['percent'] is not None else 'Chưa ghi tỷ lệ'} · {t['progress']}"
                for t in rows
            ],
            textposition="auto",
            customdata=[t["content"] for t in rows],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig = charts.layout(
        fig,
        f"Tỷ lệ hoàn thành từng nhiệm vụ: {fmt.pct(f['plan.done_rate'])} nhiệm vụ đã xong (chỉ tiêu 100 % vào cuối năm)",
        height=90 + sum(max(48, 22 * task_label(t).count("<br>") + 30) for t in rows),
    )
    fig.update_yaxes(type="category", gridcolor="white", automargin=True)
    fig.update_xaxes(type="linear", range=[0, 104], dtick=20, ticksuffix=" %", gridcolor=charts.GRID)
    charts.show(fig)
    st.table(
        [
            {
                "Mã nhiệm vụ": t["task_code"],
                "Nội dung": t["content"],
                "Tiến độ": t["progress"],
                "Tỷ lệ hoàn thành": fmt.num(t["percent"]) + " %" if t["percent"] is not None else "–",
            }
            for t in tasks
        ],
        hide_index=True,
        border="horizontal",
    )
else:
    progress = list(reversed(view.detail("plan_progress")))
    fig = go.Figure()
    for key, label, color in (
        ("done", "Hoàn thành", palette.STATUS["met"]),
        ("in_progress", "Đang thực hiện", charts.BLUE),
        ("not_started", "Chưa triển khai", charts.GREY),
    ):
        fig.add_bar(
            x=[p[key] for p in progress],
            y=[task_label(p) for p in progress],
            name=label,
            orientation="h",
            marker_color=color,
            text=[fmt.num(p[key]) if p[key] else "" for p in progress],
            textposition="inside",
            insidetextanchor="middle",
            customdata=[p["content"] for p in progress],
            hovertemplate="%{y}: %{x} xã " + label.lower() + "<br>%{customdata}<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig = charts.layout(
        fig,
        f"Số xã theo tiến độ từng nhiệm vụ: {fmt.pct(f['plan.done_rate'])} nhiệm vụ đã xong (chỉ tiêu 100 % vào cuối năm)",
        height=120 + 48 * len(progress),
    )
    fig.update_yaxes(type="category", gridcolor="white", automargin=True)
    fig.update_xaxes(type="linear", tickformat=",d", title_text="Số xã")
    charts.show(fig)
    st.table(
        [
            {
                "Mã nhiệm vụ": p["task_code"],
                "Nội dung": p["content"],
                "Hoàn thành": f"{fmt.num(p['done'])} xã",
                "Đang thực hiện": f"{fmt.num(p['in_progress'])} xã",
                "Chưa triển khai": f"{fmt.num(p['not_started'])} xã",
            }
            for p in reversed(progress)
        ],
        hide_index=True,
        border="horizontal",
    )
