"""Chart styling for meeting screens: large type that follows the screen, strong colours, words beside colours.

Plotly sizes text in pixels only (no vw, no clamp), so the type is chosen in Python from the screen's scale: the page
passes `co_chu` (the viewport's size relative to a 1024×768 projector, read once by the deck's script, see
ui.deck.layout.keys) and every chart of the screen is drawn with `Type(scale)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from ui import fmt, palette

FONT = '"Source Sans", "Source Sans Pro", Arial, sans-serif'  # Streamlit's own web font, already loaded by the page
BASE, LOWEST, HIGHEST, STEP = (1024, 768), 1.0, 2.5, 8  # scale 1 = a 1024×768 projector; steps of 1/8
MIN_BARS = 3  # fewer bars than this carry no shape: the numbers are shown as numbers instead


def scale_for(width: int, height: int) -> float:
    """The scale of a viewport (the same rule as the deck's script): min(w/1024, h/768), floored to 1/8, 1–2.5."""
    s = min(width / BASE[0], height / BASE[1])
    return min(max(int(s * STEP) / STEP, LOWEST), HIGHEST)


def parse_scale(text: str | None) -> float:
    """The `co_chu` query parameter as a scale; anything else (missing, typed by hand) is the projector's 1."""
    try:
        s = float(text) if text else LOWEST
    except ValueError:
        return LOWEST
    return min(max(round(s * STEP) / STEP, LOWEST), HIGHEST) if s == s else LOWEST


@dataclass(frozen=True)
class Type:
    """Pixel sizes of one screen's charts: 20 px text at 1024×768 (read from the back of a room), scaled up beyond."""

    scale: float = LOWEST

    @property
    def font(self) -> int:
        return round(20 * self.scale)

    @property
    def title(self) -> int:
        return round(24 * self.scale)

    @property
    def value(self) -> int:
        return self.font + round(2 * self.scale)


def style(fig: go.Figure, title: str, t: Type, percent: bool = False, legend: bool = False) -> go.Figure:
    ink = palette.INK
    fig.update_layout(
        title={
            "text": f"<b>{title}</b>",
            "font": {"size": t.title, "color": ink},
            "x": 0,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
        },
        font={"family": FONT, "size": t.font, "color": ink},
        separators=fmt.PLOTLY_SEPARATORS,
        margin={"l": 10, "r": round(30 * t.scale), "t": round((96 if legend else 56) * t.scale), "b": 10},
        showlegend=legend,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": t.font}},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font": {"size": t.font}},
        uniformtext={"minsize": t.font, "mode": "show"},
    )
    fig.update_xaxes(
        tickfont={"size": t.font, "color": ink}, showgrid=False, linecolor=ink, linewidth=2, automargin=True
    )
    fig.update_yaxes(
        tickfont={"size": t.font, "color": ink},
        gridcolor=palette.GRID,
        automargin=True,
        zeroline=True,
        zerolinecolor=ink,
        ticksuffix=" %" if percent else "",
        tickformat=",.0f" if percent else ",d",
    )
    return fig


def shaped(items: list[tuple[str, float, str, str]]) -> bool:
    """Whether bars would carry a shape: at least MIN_BARS of them with a value (one decision is a number, not a chart)."""
    return sum(1 for _, v, _, _ in items if v) >= MIN_BARS


def hbars(items: list[tuple[str, float, str, str]], title: str, t: Type, unit: str = "") -> go.Figure:
    """Horizontal bars, top to bottom as given: (label, value, colour, text beside the bar)."""
    items = list(reversed(items))
    fig = go.Figure(
        go.Bar(
            x=[v for _, v, _, _ in items],
            y=[k for k, _, _, _ in items],
            orientation="h",
            marker_color=[c for _, _, c, _ in items],
            text=[s for *_, s in items],
            textposition="outside",
            textfont={"size": t.value, "color": palette.INK},
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    style(fig, title, t)
    top = max([v for _, v, _, _ in items] + [1])
    fig.update_xaxes(
        type="linear",
        showgrid=True,
        gridcolor=palette.GRID,
        range=[0, top * 1.35],
        tickformat=",d",
        title={"text": unit, "font": {"size": t.font}} if unit else None,
    )
    fig.update_yaxes(type="category", gridcolor="white", ticksuffix="  ", tickformat="")
    if top <= 10:
        fig.update_xaxes(dtick=1)
    return fig


def bars(
    items: list[tuple[str, float, str, str]], title: str, t: Type, unit: str = ""
) -> tuple[go.Figure | None, list[str]]:
    """Bars when they carry a shape (at least MIN_BARS with a value); else no chart and the values as lines of words
    («Hình thức khiển trách: 1 quyết định»), so one decision is read as a number instead of filling the screen."""
    if shaped(items):
        return hbars(items, title, t, unit), []
    return None, [f"{label}: {text}" for label, value, _, text in items if value]


def months_axis(fig: go.Figure, periods: list) -> None:
    if periods and all(p.kind == "month" for p in periods) and len({p.start.year for p in periods}) == 1:
        fig.update_xaxes(
            tickvals=[fmt.short_label(p) for p in periods], ticktext=[f"T{p.start.month}" for p in periods], tickangle=0
        )
    else:
        fig.update_xaxes(tickangle=-45)
    fig.update_xaxes(type="category")


def columns(points: list[dict], parts: list[tuple[str, str, str]], title: str, t: Type) -> go.Figure:
    """Grouped columns per month (or quarter): parts = (indicator, legend words, colour)."""
    fig = go.Figure()
    x = [fmt.short_label(p["period"]) for p in points]
    for ind, label, color in parts:
        fig.add_bar(x=x, y=[p[ind] or 0 for p in points], name=label, marker_color=color, hoverinfo="skip")
    style(fig, title, t, legend=True).update_layout(barmode="group", bargap=0.25)
    months_axis(fig, [p["period"] for p in points])
    if max([p[i] or 0 for p in points for i, _, _ in parts] + [0]) <= 10:
        fig.update_yaxes(dtick=1)
    return fig


def reported(points: list[dict], key: str) -> list[dict]:
    """The points from the first to the last with a report (the rest of a running year is not drawn as zeros)."""
    filled = [i for i, p in enumerate(points) if p[key]]
    return points[filled[0] : filled[-1] + 1] if filled else []
