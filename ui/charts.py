"""Plotly charts with Vietnamese labels and number format, target lines and one palette for met / near / not met.

Chart text is at least 14 px in dark ink (ui.palette); titles wrap by design (plotly never wraps a title itself), a
chart in a half-width column wraps at half the length (show(fig, columns=2))."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import fmt, palette

COLORS = palette.STATUS  # status -> colour, the same as cards, tables and meeting screens
BLUE, GREY, LIGHT = palette.BLUE, palette.STATUS[None], palette.LIGHT
INK, GRID = palette.INK, "#e5e7eb"
FONT = "Source Sans Pro, Arial, sans-serif"
TEXT, TITLE = 15, 18  # px: chart text and chart title on web pages
TITLE_CHARS = 64  # characters per title line in a full-width chart at 1024 px with the sidebar open
TO_DATE_CAPTION = (
    "Đường tỷ lệ tính lũy kế: mỗi điểm là tỷ lệ từ đầu kỳ đến hết tháng (quý) đó, nên điểm cuối cùng bằng con số ở thẻ."
)
PLOTLY_CONFIG = {"displayModeBar": False, "locale": "vi"}


def wrap(text: str, width: int = TITLE_CHARS) -> str:
    """A title broken into lines of at most `width` characters at spaces (plotly's <br>), never cut."""
    words = []
    for word in text.replace("<br>", " ").split():
        if words and (word[0] in "%)»:;,." or words[-1] in ("—", "–")):  # «50 %» and «— đạt» stay on one line
            words[-1] += " " + word
        else:
            words.append(word)
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "<br>".join(lines)


def _title_props(title: str, width: int, meta: dict, height: int | None) -> dict:
    """The layout of a wrapped title with room for its lines above the plot (one update with the rest: each plotly
    update costs ≈ 10 ms, and a page draws up to six charts on every rerun)."""
    text = wrap(title, width)
    lines = text.count("<br>") + 1
    extra = meta.get("extra_top", 0)
    return {
        "title": {
            "text": text,
            "font": {"size": TITLE, "color": INK},
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 10 if lines == 1 else 23, "l": 4},  # plotly lifts a multi-line title by ~13 px
        },
        "margin": {"t": 24 + 24 * lines + extra},
        "height": meta.get("base_height", height or 340) + 24 * (lines - 1) + extra,
    }


def _meta(fig: go.Figure) -> dict:
    return dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}


def make_room(fig: go.Figure, px: int) -> go.Figure:
    """Keep `px` more above the plot (under the title) for a legend or top axis labels, however the title wraps."""
    meta = _meta(fig)
    meta["extra_top"] = meta.get("extra_top", 0) + px
    fig.update_layout(
        meta=meta, **_title_props(meta.get("title", ""), meta.get("width", TITLE_CHARS), meta, fig.layout.height)
    )
    return fig


def _legend_rows(fig: go.Figure, columns: int) -> int:
    """Rows a horizontal legend takes in a chart of 1/columns of the page width at 1024 px (0: no legend)."""
    shown = [t.name or "" for t in fig.data if t.showlegend is not False and t.name]
    if fig.layout.showlegend is False or (fig.layout.showlegend is None and len(shown) < 2):
        return 0
    widths = [48 + 8 * len(name) for name in shown]
    room, rows, used = int(640 / columns), 1, 0
    for w in widths:
        if used and used + w > room:
            rows, used = rows + 1, 0
        used += w
    return rows


def layout_props(title: str, height: int = 340, percent: bool = False, extra_top: int = 0) -> dict:
    """The shared look as layout properties: dark 15 px text, an 18 px title wrapped to fit, legend below; extra_top:
    room for a legend on top. The charts have one x and one y axis."""
    meta = {"base_height": height, "extra_top": extra_top, "title": title}
    props = _title_props(title, TITLE_CHARS, meta, height)
    axis = {"tickfont": {"size": TEXT, "color": INK}, "title": {"font": {"size": TEXT, "color": INK}}}
    return {
        "meta": meta,
        "title": props["title"],
        "height": props["height"],
        "separators": fmt.PLOTLY_SEPARATORS,
        "font": {"family": FONT, "size": TEXT, "color": INK},
        "margin": {"l": 10, "r": 10, "b": 10} | props["margin"],
        "legend": {"orientation": "h", "y": 1, "yanchor": "bottom", "x": 0, "font": {"size": TEXT, "color": INK}},
        "hoverlabel": {"font": {"family": FONT, "size": TEXT}},
        "uniformtext": {"minsize": 14, "mode": "hide"},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "xaxis": {"showgrid": False, "type": "category"} | axis,
        "yaxis": {
            "gridcolor": GRID,
            "rangemode": "tozero",
            "ticksuffix": " %" if percent else "",
            "tickformat": ",d" if not percent else ",.0f",
        }
        | axis,
    }


def layout(fig: go.Figure, title: str, height: int = 340, percent: bool = False, extra_top: int = 0) -> go.Figure:
    """layout_props applied to a figure built elsewhere (one plotly update; the builders below construct their figures
    with it, which costs a tenth of an update)."""
    fig.update_layout(**layout_props(title, height, percent, extra_top))
    return fig


def show(fig: go.Figure, columns: float = 1) -> None:
    """Draw a chart; in a column of 1/`columns` of the width (2: half, 1.5: two thirds) its title wraps to fit."""
    meta = _meta(fig)
    if not meta:
        return st.plotly_chart(fig, config=PLOTLY_CONFIG)
    meta["width"] = int(TITLE_CHARS / columns) + (4 if columns > 1 else 0)
    rows = _legend_rows(fig, columns)
    changes = {}
    if rows and not meta.get("legend_on_top"):  # the legend between the title and the plot: never over the axes
        meta |= {"legend_on_top": True, "extra_top": meta.get("extra_top", 0) + 26 * rows}
        changes["legend"] = {"y": 1, "yanchor": "bottom", "x": 0, "xanchor": "left", "orientation": "h"}
    changes |= {"meta": meta} | _title_props(meta["title"], meta["width"], meta, fig.layout.height)
    # the figure as plain dicts, changed like update_layout would (a nested merge) without plotly's update machinery,
    # which costs ≈ 20 ms a chart on every rerun; the drawn chart is the same
    spec = fig.to_dict()
    spec["layout"] = _merged(spec.get("layout", {}), changes)
    st.plotly_chart(spec, config=PLOTLY_CONFIG)


def _merged(old: dict, new: dict) -> dict:
    out = dict(old)
    for k, v in new.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "meta" else v
    return out


def add_target(fig: go.Figure, y: float, label: str, below: bool = False, right: bool = False) -> None:
    """A dashed target line in the «Chưa đạt» colour, its label on a white ground just above (or below) the line,
    never on it; at the left end, or at the right end when the first points cross the line."""
    fig.add_hline(y=y, line={"dash": "dash", "color": palette.TARGET, "width": 2})
    fig.add_annotation(
        x=1 if right else 0,
        xref="paper",
        xanchor="right" if right else "left",
        y=y,
        yref="y",
        yanchor="top" if below else "bottom",
        yshift=-4 if below else 4,
        showarrow=False,
        text=label,
        font={"size": TEXT, "color": palette.TARGET},
        bgcolor="rgba(255,255,255,0.9)",
        name="target",
    )


def trend(
    points: list[dict], lines: dict[str, str], title: str, target: float | None = None, percent: bool = True
) -> go.Figure:
    """Lines over the periods of a series (rates drawn in %), with a dashed target line where there is one."""
    x = [fmt.short_label(p["period"]) for p in points]
    traces = []
    for (ind, label), color in zip(lines.items(), (BLUE, palette.TEAL, palette.VIOLET)):
        values = [(p[ind] * 100 if percent and p[ind] is not None else p[ind]) for p in points]
        text = [fmt.pct(p[ind]) if percent else fmt.num(p[ind]) for p in points]
        traces.append(
            go.Scatter(
                x=x,
                y=values,
                name=label,
                mode="lines+markers",
                line={"color": color, "width": 3},
                connectgaps=False,
                customdata=text,
                hovertemplate="%{x}: %{customdata}<extra>" + label + "</extra>",
            )
        )
    fig = go.Figure(traces, layout=layout_props(title, percent=percent))
    if target is not None:
        below, right = label_side(points, list(lines), target)
        text = f"Chỉ tiêu {fmt.pct(target, 0) if percent else fmt.num(target)}"
        add_target(fig, target * 100 if percent else target, text, below=below, right=right)
    return fig


def label_side(points: list[dict], keys: list[str], target: float, span: int = 3) -> tuple[bool, bool]:
    """(below, right) for the target label: on the side of the line the lines do not take under the label (its first
    `span` periods); at the right end, on the free side there, when the first periods are on both sides."""

    def sides(chosen: list[dict]) -> set[bool]:
        return {p[k] >= target for p in chosen for k in keys if p.get(k) is not None}

    first = sides(points[:span])
    if len(first) < 2:
        return (first == {True}), False
    return (sides(points[-span:]) != {False}), True


def bars(
    items: list[tuple[str, float]],
    title: str,
    highlight: set[str] = frozenset(),
    unit: str = "",
    height: int | None = None,
    colors: dict[str, str] | None = None,
) -> go.Figure:
    """Horizontal bars, largest on top; highlighted categories in the «Chưa đạt» colour (e.g. harassment), or each
    category in its own colour from `colors` (e.g. its status: ui.palette.STATUS). Category names wrap."""
    items = sorted(items, key=lambda kv: kv[1])
    colors = colors or {}
    lines = sum(wrap(k, 28).count("<br>") + 1 for k, _ in items)
    look = layout_props(title, height=height or max(220, 60 + 24 * lines + 20 * len(items)))
    look["yaxis"] |= {"type": "category", "gridcolor": "white", "automargin": True}
    look["xaxis"] |= {"type": "linear", "gridcolor": GRID, "tickformat": ",d"}
    return go.Figure(
        go.Bar(
            x=[v for _, v in items],
            y=[wrap(k, 28) for k, _ in items],
            orientation="h",
            marker_color=[colors.get(k, COLORS["not_met"] if k in highlight else BLUE) for k, _ in items],
            text=[fmt.num(v) for _, v in items],
            textposition="auto",
            customdata=[[k, fmt.num(v)] for k, v in items],
            hovertemplate="%{customdata[0]}: %{customdata[1]}" + unit + "<extra></extra>",
        ),
        layout=look,
    )


def stacked(points: list[dict], parts: dict[str, tuple[str, str]], title: str) -> go.Figure:
    """Stacked columns per period: parts maps indicator/column id -> (label, colour)."""
    x = [fmt.short_label(p["period"]) for p in points]
    traces = []
    for key, (label, color) in parts.items():
        values = [p.get(key) or 0 for p in points]
        traces.append(
            go.Bar(
                x=x,
                y=values,
                name=label,
                marker_color=color,
                customdata=[fmt.num(v) for v in values],
                hovertemplate="%{x}: %{customdata}<extra>" + label + "</extra>",
            )
        )
    return go.Figure(traces, layout=layout_props(title) | {"barmode": "stack"})


def show_trend(fig: go.Figure, periods: list, merger=None, columns: int = 1) -> None:
    """Show a chart over periods: the months of one year read T1 … T12 (the year is in the header; hovers keep it) so
    twelve labels fit a half-width chart unturned; a dotted marker stands at the 2025 merger when the range spans it."""
    if periods and all(p.kind == "month" for p in periods) and len({p.start.year for p in periods}) == 1:
        fig.update_xaxes(
            tickvals=[fmt.short_label(p) for p in periods], ticktext=[f"T{p.start.month}" for p in periods], tickangle=0
        )
    else:  # several years: turned labels (the legend is above the plot, ui.charts.show)
        fig.update_xaxes(tickangle=-45)
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
            line={"dash": "dot", "color": INK, "width": 2},
        )
        fig.add_annotation(
            x=at,
            xref="x",
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            font={"size": TEXT, "color": INK},
            text=f"Sáp nhập {merger:%d/%m/%Y}",
        )
    show(fig, columns)
