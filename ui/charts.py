"""Plotly charts with Vietnamese labels and number format, target lines and one palette for met / near / not met."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import fmt

COLORS = {"met": "#1a7f37", "near": "#b45309", "not_met": "#c62828", None: "#475569"}
BLUE, GREY, LIGHT = "#1f5fa8", "#94a3b8", "#cbd5e1"
FONT = "Source Sans Pro, Arial, sans-serif"
TO_DATE_CAPTION = (
    "Đường tỷ lệ tính lũy kế: mỗi điểm là tỷ lệ từ đầu kỳ đến hết tháng (quý) đó, nên điểm cuối cùng bằng con số ở thẻ."
)
PLOTLY_CONFIG = {"displayModeBar": False, "locale": "vi"}


def layout(fig: go.Figure, title: str, height: int = 340, percent: bool = False) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 17}},
        height=height,
        separators=fmt.PLOTLY_SEPARATORS,
        font={"family": FONT, "size": 14},
        margin={"l": 10, "r": 10, "t": 56, "b": 10},
        legend={"orientation": "h", "y": -0.18, "x": 0},
        hoverlabel={"font": {"family": FONT}},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False, type="category")
    fig.update_yaxes(
        gridcolor="#e5e7eb",
        rangemode="tozero",
        ticksuffix=" %" if percent else "",
        tickformat=",d" if not percent else ",.0f",
    )
    return fig


def show(fig: go.Figure) -> None:
    st.plotly_chart(fig, config=PLOTLY_CONFIG)


def trend(
    points: list[dict], lines: dict[str, str], title: str, target: float | None = None, percent: bool = True
) -> go.Figure:
    """Lines over the periods of a series (rates drawn in %), with a dashed target line where there is one."""
    x = [fmt.short_label(p["period"]) for p in points]
    fig = go.Figure()
    for (ind, label), color in zip(lines.items(), (BLUE, "#0f766e", "#7c3aed")):
        values = [(p[ind] * 100 if percent and p[ind] is not None else p[ind]) for p in points]
        text = [fmt.pct(p[ind]) if percent else fmt.num(p[ind]) for p in points]
        fig.add_scatter(
            x=x,
            y=values,
            name=label,
            mode="lines+markers",
            line={"color": color, "width": 3},
            connectgaps=False,
            customdata=text,
            hovertemplate="%{x}: %{customdata}<extra>" + label + "</extra>",
        )
    if target is not None:
        fig.add_hline(
            y=target * 100 if percent else target,
            line={"dash": "dash", "color": COLORS["not_met"], "width": 2},
            annotation_text=f"Chỉ tiêu {fmt.pct(target, 0) if percent else fmt.num(target)}",
            annotation_position="top left",
        )
    return layout(fig, title, percent=percent)


def bars(
    items: list[tuple[str, float]],
    title: str,
    highlight: set[str] = frozenset(),
    unit: str = "",
    height: int | None = None,
) -> go.Figure:
    """Horizontal bars, largest on top; highlighted categories drawn in red (e.g. harassment, abuse of power)."""
    items = sorted(items, key=lambda kv: kv[1])
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in items],
            y=[k for k, _ in items],
            orientation="h",
            marker_color=[COLORS["not_met"] if k in highlight else BLUE for k, _ in items],
            text=[fmt.num(v) for _, v in items],
            textposition="auto",
            customdata=[fmt.num(v) for _, v in items],
            hovertemplate="%{y}: %{customdata}" + unit + "<extra></extra>",
        )
    )
    fig = layout(fig, title, height=height or max(220, 60 + 42 * len(items)))
    fig.update_yaxes(type="category", gridcolor="white")
    fig.update_xaxes(type="linear", gridcolor="#e5e7eb", tickformat=",d")
    return fig


def stacked(points: list[dict], parts: dict[str, tuple[str, str]], title: str) -> go.Figure:
    """Stacked columns per period: parts maps indicator/column id -> (label, colour)."""
    x = [fmt.short_label(p["period"]) for p in points]
    fig = go.Figure()
    for key, (label, color) in parts.items():
        values = [p.get(key) or 0 for p in points]
        fig.add_bar(
            x=x,
            y=values,
            name=label,
            marker_color=color,
            customdata=[fmt.num(v) for v in values],
            hovertemplate="%{x}: %{customdata}<extra>" + label + "</extra>",
        )
    fig.update_layout(barmode="stack")
    return layout(fig, title)


def show_trend(fig: go.Figure, periods: list, merger=None) -> None:
    """Show a chart over periods: the months of one year read T1 … T12 (the year is in the header; hovers keep it) so
    twelve labels fit a half-width chart unturned; a dotted marker stands at the 2025 merger when the range spans it."""
    if periods and all(p.kind == "month" for p in periods) and len({p.start.year for p in periods}) == 1:
        fig.update_xaxes(
            tickvals=[fmt.short_label(p) for p in periods], ticktext=[f"T{p.start.month}" for p in periods], tickangle=0
        )
    else:  # turned labels (several years): move the legend below them
        fig.update_xaxes(tickangle=-45).update_layout(legend={"y": -0.45})
    at = next((fmt.short_label(p) for p in periods if merger and p.start <= merger <= p.end), None)
    if at:
        fig.add_shape(
            type="line",
            xref="x",
            x0=at,
            x1=at,
            yref="paper",
            y0=0,
            y1=1,
            line={"dash": "dot", "color": "#111827", "width": 2},
        )
        fig.add_annotation(
            x=at,
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            font={"size": 13},
            text=f"Sáp nhập {merger:%d/%m/%Y}",
        )
    show(fig)
