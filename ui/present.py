"""Meeting mode (trình chiếu): one topic per screen for a projector read from the back of a lit room, and its print handout.

Each screen is built from aggregates only (view.figures/series, the "breakdown", "plan_progress" and "attention" details): a
title that states the finding, at most four big numbers with their status in words and arrows, and one chart. Sizes follow
the viewport (vw/vh) so a 1024×768 projector gets numbers ≥ 48 px and chart text ≥ 18 px.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from etl import config, reference, targets
from etl.attention import SEVERITY_LABELS
from etl.specs import HARASSMENT
from ui import charts, fmt
from ui import overview as ov

TOPICS = (
    "Tổng quan",
    "Cải cách hành chính",
    "Đơn thư",
    "Tiếp công dân và đối thoại",
    "Kỷ luật",
    "Tuyên truyền và giám sát",
    "Tiến độ kế hoạch",
    "Những việc cần chú ý",
)
INK, GRID = "#000000", "#9e9e9e"
TONES = {
    "met": "#00752f",
    "near": "#b34700",
    "not_met": "#c40000",
    "good": "#00752f",
    "bad": "#c40000",
    None: "#1f2937",
}
BLUE, DARK = "#0038a8", "#374151"
MARKS = {"met": "✓ Đạt", "near": "! Gần đạt", "not_met": "✗ Chưa đạt"}
CHART_FONT = 22  # px at every viewport: ≥ 18 px on a 1024×768 projector
FONT = '"Source Sans", "Source Sans Pro", Arial, sans-serif'  # Streamlit's own web font, already loaded by the page

CSS = """<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], header[data-testid=stHeader], [data-testid=stToolbar],
[data-testid=stDecoration], [data-testid=stStatusWidget] { display: none !important; }
:root { --pt-num: clamp(48px, min(5.8vw, 8.6vh), 128px); --pt-word: clamp(30px, min(3.4vw, 5vh), 64px);
  --pt-title: clamp(28px, min(3.5vw, 5vh), 64px); --pt-label: clamp(19px, min(2.05vw, 3vh), 38px);
  --pt-small: clamp(18px, min(1.85vw, 2.7vh), 34px); --pt-item: clamp(21px, min(2.4vw, 3.5vh), 44px); }
[data-testid=stMainBlockContainer], .block-container { padding: 6px 60px 4px !important; max-width: 100% !important; }
[data-testid=stMain] { background: #fff; }
.pt-top { display: flex; justify-content: space-between; gap: 16px; font-size: var(--pt-small); color: #1f2937; line-height: 1.2; }
.pt-title { font-size: var(--pt-title); font-weight: 700; line-height: 1.15; color: #000; margin: 2px 0 10px; overflow-wrap: anywhere;
  text-wrap: balance; }
.pt-nums { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 190px), 1fr)); gap: 12px; }
.pt-box { border: 3px solid #1f2937; border-radius: 8px; padding: 6px 10px 8px; min-width: 0; }
.pt-num { font-size: var(--pt-num); font-weight: 800; line-height: 1.05; color: #000; white-space: nowrap; }
.pt-unit { font-size: 0.55em; }
.pt-long { font-size: max(48px, calc(var(--pt-num) * 0.8)); }
.pt-word { font-size: var(--pt-word); font-weight: 800; line-height: 1.1; color: #000; overflow-wrap: anywhere; }
.pt-label { font-size: var(--pt-label); font-weight: 600; line-height: 1.2; color: #000; overflow-wrap: anywhere; }
.pt-note { margin-top: 4px; font-size: var(--pt-small); font-weight: 700; line-height: 1.35; color: #000; overflow-wrap: anywhere; }
.pt-badge { display: inline-block; padding: 0 8px; border-radius: 4px; color: #fff; white-space: nowrap; }
.pt-change { font-size: var(--pt-small); font-weight: 700; line-height: 1.3; margin-top: 2px; overflow-wrap: anywhere; }
.pt-items { margin: 4px 0 0; padding-left: 1.2em; }
.pt-items li { font-size: var(--pt-item); line-height: 1.3; margin-bottom: 6px; color: #000; overflow-wrap: anywhere; }
.pt-empty { font-size: var(--pt-item); line-height: 1.35; border: 3px solid #b34700; border-radius: 8px; padding: 14px 18px; color: #000; }
.pt-nav a { position: fixed; top: 50%; transform: translateY(-50%); z-index: 1000; width: 50px; padding: 14px 0 22px; text-align: center;
  font-size: 72px; line-height: 0.8; font-weight: 700; color: #000; background: rgba(255,255,255,.9); border: 2px solid #000;
  border-radius: 8px; text-decoration: none; }
.pt-nav a.pt-prev { left: 4px; } .pt-nav a.pt-next { right: 4px; }
.pt-nav a.pt-exit { top: auto; bottom: 2px; right: 4px; transform: none; width: auto; padding: 0 6px; border: none; font-size: 14px;
  font-weight: 400; line-height: 1.4; color: #4b5563; text-decoration: underline; background: rgba(255,255,255,.9); }
[data-testid=stMarkdownContainer] .pt-nums, [data-testid=stMarkdownContainer] .pt-box div { margin: 0; }
.stAlert p { font-size: var(--pt-item); line-height: 1.35; }
.pt-hint { font-size: 16px; color: #374151; }
</style>"""

PRINT_CSS = """<style>
:root { --pt-num: 52px; --pt-word: 34px; --pt-title: 30px; --pt-label: 19px; --pt-small: 17px; --pt-item: 21px; }
[data-testid=stMainBlockContainer], .block-container { max-width: 1047px !important; padding: 8px 0 0 !important; margin: 0 auto; }
[class*="st-key-pt-trang-"] { height: 680px !important; flex: none !important; overflow: hidden; }
[class*="st-key-pt-trang-"] > [class*="st-key-pt-chart-"] { flex: 1 1 0 !important; min-height: 200px; }
[class*="st-key-pt-trang-"] [class*="st-key-pt-chart-"] [data-testid=stFullScreenFrame],
[class*="st-key-pt-trang-"] [class*="st-key-pt-chart-"] [data-testid=stPlotlyChart] { height: 100% !important; }
%BREAKS%
@page { size: A4 landscape; margin: 1cm; }
@media print {
  .pt-nav, .pt-hint, .pt-exit { display: none !important; }
  html, body, .stApp, [data-testid=stApp], [data-testid=stAppViewContainer], [data-testid=stMain], section.stMain {
    height: auto !important; min-height: 0 !important; overflow: visible !important; position: static !important; }
  [data-testid=stMainBlockContainer], .block-container { padding: 0 !important; }
}
</style>""".replace(
    "%BREAKS%",
    "\n".join(
        f".st-key-pt-trang-{i} {{ page-break-after: always; break-after: page; }}" for i in range(1, len(TOPICS))
    ),
)

SCREEN_CSS = """<style>
.st-key-pt-screen { height: calc(100vh - 32px) !important; min-height: 540px; flex: none !important; }
.st-key-pt-screen > [class*="st-key-pt-chart-"] { flex: 1 1 0 !important; min-height: 240px; }
.st-key-pt-screen [class*="st-key-pt-chart-"] [data-testid=stFullScreenFrame],
.st-key-pt-screen [class*="st-key-pt-chart-"] [data-testid=stPlotlyChart] { height: 100% !important; min-height: 0; }
.st-key-pt-keys { position: fixed; top: 0; left: 0; width: 0; height: 0; }
</style>"""


@dataclass
class Big:
    """One headline number: the value as shown, what it is, its status against the target and its change, in words."""

    value: str
    label: str
    ind: str = ""
    note: str = ""
    tone: str | None = None  # met / near / not_met: a badge with the status in words before the note
    change: str = ""
    change_tone: str | None = None


@dataclass
class Screen:
    title: str
    numbers: list[Big] = field(default_factory=list)
    chart: go.Figure | None = None
    items: list[str] = field(default_factory=list)
    empty: str = ""


class Ctx:
    """The figures of the selection, its comparison and the target words for one presentation (the same calls as the
    pages: etl.targets.assess for verdicts, ui.data.View.previous for changes)."""

    def __init__(self, view):
        self.view, self.sel, self.f, self.before = view, view.sel, view.figures(), view.previous()

    def assess(self, ind: str) -> targets.Assessment:
        return targets.assess(ind, self.f, self.sel.code, self.sel.end)

    def target(self, ind: str):
        a = self.assess(ind)
        return a.target if a.status else None

    def status(self, ind: str) -> str | None:
        return self.assess(ind).status

    def verdict(self, ind: str) -> str:
        """' — đạt chỉ tiêu 95 %' for a title; empty when nothing is judged."""
        a = self.assess(ind)
        return f" — {a.verdict}" if a.status else ""

    def big(self, ind: str, label: str, lower_is_better: bool = False, note: str = "") -> Big:
        value, a = self.f.get(ind), self.assess(ind)
        b = Big(value_text(ind, value), label, ind, note, None)
        if a.status:
            b.note, b.tone = a.verdict[a.verdict.find(":") + 1 :].strip() if ":" in a.verdict else a.verdict, a.status
        elif a.target is not None and not note:  # short on a projector: «xét vào cuối năm 2026; đã có 1/1 xã-năm»
            b.note = a.verdict or a.rule
        if self.before is not None:
            d = fmt.shown_delta(targets.is_rate(ind), self.before.now.get(ind), self.before.then.get(ind))
            if d is not None:
                words = fmt.change_words(targets.is_rate(ind), d)
                b.change = "= không đổi" if d == 0 else ("▲ " if d > 0 else "▼ ") + words
                b.change_tone = None if d == 0 else ("good" if (d > 0) != lower_is_better else "bad")
        return b


value_text = targets.value_text


def phrase(label: str) -> str:
    return label[0].lower() + label[1:]


# ---------------------------------------------------------------- charts (large type, strong colours, words beside colours)


def style(fig: go.Figure, title: str, percent: bool = False, legend: bool = False) -> go.Figure:
    fig.update_layout(
        title={
            "text": f"<b>{title}</b>",
            "font": {"size": 28, "color": INK},
            "x": 0,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
        },
        font={"family": FONT, "size": CHART_FONT, "color": INK},
        separators=fmt.PLOTLY_SEPARATORS,
        margin={"l": 10, "r": 30, "t": 96 if legend else 56, "b": 10},
        showlegend=legend,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": CHART_FONT}},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font": {"size": CHART_FONT}},
        uniformtext={"minsize": CHART_FONT, "mode": "show"},
    )
    fig.update_xaxes(
        tickfont={"size": CHART_FONT, "color": INK}, showgrid=False, linecolor=INK, linewidth=2, automargin=True
    )
    fig.update_yaxes(
        tickfont={"size": CHART_FONT, "color": INK},
        gridcolor=GRID,
        automargin=True,
        zeroline=True,
        zerolinecolor=INK,
        ticksuffix=" %" if percent else "",
        tickformat=",.0f" if percent else ",d",
    )
    return fig


def hbars(items: list[tuple[str, float, str, str]], title: str, unit: str = "") -> go.Figure:
    """Horizontal bars, top to bottom as given: (label, value, colour, text beside the bar)."""
    items = list(reversed(items))
    fig = go.Figure(
        go.Bar(
            x=[v for _, v, _, _ in items],
            y=[k for k, _, _, _ in items],
            orientation="h",
            marker_color=[c for _, _, c, _ in items],
            text=[t for *_, t in items],
            textposition="outside",
            textfont={"size": CHART_FONT + 2, "color": INK},
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    style(fig, title)
    top = max([v for _, v, _, _ in items] + [1])
    fig.update_xaxes(
        type="linear",
        showgrid=True,
        gridcolor=GRID,
        range=[0, top * 1.35],
        tickformat=",d",
        title={"text": unit, "font": {"size": CHART_FONT}} if unit else None,
    )
    fig.update_yaxes(type="category", gridcolor="white", ticksuffix="  ", tickformat="")
    if top <= 10:
        fig.update_xaxes(dtick=1)
    return fig


def months_axis(fig: go.Figure, periods: list) -> None:
    if periods and all(p.kind == "month" for p in periods) and len({p.start.year for p in periods}) == 1:
        fig.update_xaxes(
            tickvals=[fmt.short_label(p) for p in periods], ticktext=[f"T{p.start.month}" for p in periods], tickangle=0
        )
    else:
        fig.update_xaxes(tickangle=-45)
    fig.update_xaxes(type="category")


def columns(points: list[dict], parts: list[tuple[str, str, str]], title: str) -> go.Figure:
    """Grouped columns per month (or quarter): parts = (indicator, legend words, colour)."""
    fig = go.Figure()
    x = [fmt.short_label(p["period"]) for p in points]
    for ind, label, color in parts:
        fig.add_bar(x=x, y=[p[ind] or 0 for p in points], name=label, marker_color=color, hoverinfo="skip")
    style(fig, title, legend=True).update_layout(barmode="group", bargap=0.25)
    months_axis(fig, [p["period"] for p in points])
    if max([p[i] or 0 for p in points for i, _, _ in parts] + [0]) <= 10:
        fig.update_yaxes(dtick=1)
    return fig


def reported(points: list[dict], key: str) -> list[dict]:
    """The points from the first to the last with a report (the rest of a running year is not drawn as zeros)."""
    filled = [i for i, p in enumerate(points) if p[key]]
    return points[filled[0] : filled[-1] + 1] if filled else []


# ---------------------------------------------------------------- URLs, navigation and keyboard


def url(params: dict, n: int) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if k not in ("man", "in")} | {"man": str(n)})


def nav(params: dict, n: int) -> str:
    total = len(TOPICS)
    prev, nxt = (n - 2) % total + 1, n % total + 1
    home = "./?" + urlencode({k: v for k, v in params.items() if k not in ("man", "in", "trinh_chieu", "tu_dong")})
    return (
        f'<div class="pt-nav"><a class="pt-prev" href="{html.escape(url(params, prev))}" target="_self" title="Màn hình trước">‹</a>'
        f'<a class="pt-next" href="{html.escape(url(params, nxt))}" target="_self" title="Màn hình sau">›</a>'
        f'<a class="pt-exit" href="{html.escape(home)}" target="_self">Thoát trình chiếu (Esc)</a></div>'
    )


def keys(params: dict, n: int, seconds: int | None) -> str:
    """ArrowRight/PageDown/Space: next; ArrowLeft/PageUp: previous; Home/End; 1–8; Escape: back to the overview page.
    With tu_dong=N the next screen opens after N seconds (after the last comes the first)."""
    urls = [url(params, i) for i in range(1, len(TOPICS) + 1)]
    home = "./?" + urlencode({k: v for k, v in params.items() if k not in ("man", "in", "trinh_chieu", "tu_dong")})
    return f"""<script>
(function () {{
  const urls = {json.dumps(urls)}, n = {n}, total = urls.length, home = {json.dumps(home)}, seconds = {json.dumps(seconds)};
  const go = (i) => {{ window.location.href = urls[((i - 1) % total + total) % total]; }};
  if (window.__ptKeys) document.removeEventListener("keydown", window.__ptKeys);
  clearTimeout(window.__ptTimer);
  window.__ptKeys = (e) => {{
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const k = e.key, next = ["ArrowRight", "PageDown", " ", "Spacebar"], prev = ["ArrowLeft", "PageUp"];
    if (next.includes(k)) go(n + 1); else if (prev.includes(k)) go(n - 1);
    else if (k === "Home") go(1); else if (k === "End") go(total);
    else if (/^[1-9]$/.test(k) && +k <= total) go(+k);
    else if (k === "Escape") window.location.href = home; else return;
    e.preventDefault();
  }};
  document.addEventListener("keydown", window.__ptKeys);
  if (seconds) window.__ptTimer = setTimeout(() => go(n + 1), seconds * 1000);
}})();
</script>"""


# ---------------------------------------------------------------- rendering


def esc(text: str) -> str:
    """HTML-escaped, with «95 %» kept on one line."""
    return html.escape(text).replace(" %", "\u00a0%")


def big_html(b: Big) -> str:
    if any(ch.isdigit() for ch in b.value):
        num, _, unit = b.value.partition(" ")
        value = (
            f'<div class="pt-num{" pt-long" if len(num) > 6 else ""}">{esc(num)}'
            + (f'<span class="pt-unit"> {esc(unit)}</span>' if unit else "")
            + "</div>"
        )
    else:
        value = f'<div class="pt-word">{esc(b.value)}</div>'
    badge = f'<span class="pt-badge" style="background:{TONES[b.tone]}">{esc(MARKS[b.tone])}</span> ' if b.tone else ""
    note = f'<div class="pt-note">{badge}{esc(b.note)}</div>' if b.note else ""
    change = f'<div class="pt-change" style="color:{TONES[b.change_tone]}">{esc(b.change)}</div>' if b.change else ""
    return (
        f'<div class="pt-box" data-ind="{b.ind}">{value}<div class="pt-label">{esc(b.label)}</div>{note}{change}</div>'
    )


def top_html(sel, n: int) -> str:
    return (
        f'<div class="pt-top"><span>{esc(sel.unit.name)} · {esc(sel.window.phrase)}</span>'
        f"<span>{TOPICS[n - 1]} · {n}/{len(TOPICS)}</span></div>"
    )


def show(screen: Screen, n: int, sel) -> None:
    """One screen: the corner line, the finding, the big numbers, then the chart (filling the rest of the screen) or the list.
    Markdown with raw HTML (one line, so no Markdown syntax applies) keeps the text readable by AppTest like other pages."""
    parts = [top_html(sel, n), f'<div class="pt-title" role="heading" aria-level="1">{esc(screen.title)}</div>']
    if screen.numbers:
        parts.append('<div class="pt-nums">' + "".join(big_html(b) for b in screen.numbers[:4]) + "</div>")
    if screen.empty:
        parts.append(f'<div class="pt-empty">{esc(screen.empty)}</div>')
    if screen.items:
        parts.append('<ul class="pt-items">' + "".join(f"<li>{esc(t)}</li>" for t in screen.items) + "</ul>")
    st.markdown("".join(parts), unsafe_allow_html=True)
    if screen.chart is not None:
        st.plotly_chart(
            screen.chart,
            height="stretch",
            theme=None,
            config=charts.PLOTLY_CONFIG | {"staticPlot": True},
            key=f"pt-chart-{n}",
        )


# ---------------------------------------------------------------- the eight screens, in the plan's order


def overview(c: Ctx) -> Screen:
    rows = ov.target_rows(c.f, c.sel.code, c.sel.end)
    fig = ov.axes(style(ov.target_bars(rows, TONES | {None: BLUE}, CHART_FONT, INK), "Tỷ lệ đạt được so với chỉ tiêu"))
    fig.update_xaxes(gridcolor=GRID)
    items = c.view.detail("attention", config.ON_TIME_DAYS)
    report = Big(
        fmt.pct(c.f["reporting.completeness"]),
        "Báo cáo tháng đã nhận",
        "reporting.completeness",
        ov.reporting_sentence(c.f),
    )
    numbers = [
        c.big("tthc.received_new", "Hồ sơ hành chính tiếp nhận"),
        c.big("petitions.received", "Đơn thư tiếp nhận"),
        report,
        Big(fmt.num(len(items)), "Việc cần chú ý (màn hình 8)"),
    ]
    return Screen(ov.summary_title(rows), numbers, fig)


def tthc(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if f["tthc.received_new"] is None:
        return Screen(
            "Chưa có số liệu thủ tục hành chính",
            empty=f"Chưa có trang «TTHC» trong báo cáo của {sel.unit.name} cho "
            f"{phrase(sel.label)}. Văn phòng điền trang «TTHC» của tệp báo cáo rồi nhập lại tệp.",
        )
    rate = f["tthc.on_time_rate"]
    title = (
        f"Giải quyết đúng hạn {fmt.pct(rate)}{c.verdict('tthc.on_time_rate')}"
        if rate is not None
        else "Chưa có hồ sơ nào được giải quyết trong kỳ"
    )
    if f["tthc.resolved_late"]:
        title += f"; {fmt.num(f['tthc.resolved_late'])} hồ sơ quá hạn"
    numbers = [
        c.big("tthc.received_new", "Hồ sơ tiếp nhận mới"),
        c.big("tthc.on_time_rate", "Giải quyết đúng hạn"),
        c.big("tthc.online_rate", "Nộp trực tuyến"),
        c.big("tthc.pending_overdue_end", "Hồ sơ tồn đã quá hạn", lower_is_better=True),
    ]
    points = [p for p in reported(c.view.cumulative(), "tthc.received_new")]  # year-to-date: ends on the headline
    if len([p for p in points if p["tthc.on_time_rate"] is not None]) >= 2:
        t = c.target("tthc.on_time_rate")
        fig = go.Figure(
            go.Scatter(
                x=[fmt.short_label(p["period"]) for p in points],
                y=[None if p["tthc.on_time_rate"] is None else p["tthc.on_time_rate"] * 100 for p in points],
                mode="lines+markers+text",
                line={"color": BLUE, "width": 5},
                marker={"size": 12},
                hoverinfo="skip",
                text=[
                    f"{p['tthc.on_time_rate'] * 100:.0f}" if p["tthc.on_time_rate"] is not None else "" for p in points
                ],
                textposition="top center",
                textfont={"size": CHART_FONT},
                cliponaxis=False,
            )
        )
        style(
            fig,
            "Tỷ lệ giải quyết đúng hạn từng tháng (%)"
            if points[0]["period"].kind == "month"
            else "Tỷ lệ giải quyết đúng hạn (%)",
            percent=True,
        )
        months_axis(fig, [p["period"] for p in points])
        values = [p["tthc.on_time_rate"] for p in points if p["tthc.on_time_rate"] is not None] + (
            [t.value] if t else []
        )
        low = max(0, int((min(values) - 0.02) * 20) * 5)  # rates sit near 100 %: show the differences
        fig.update_yaxes(range=[low, 104], dtick=5 if low >= 70 else 10 if low >= 40 else 20)
        if t:
            fig.add_hline(
                y=t.value * 100,
                line={"dash": "dash", "color": TONES["not_met"], "width": 3},
                annotation={
                    "text": f"Chỉ tiêu {fmt.pct(t.value, 0)}",
                    "font": {"size": CHART_FONT, "color": TONES["not_met"]},
                },
                annotation_position="bottom right",
            )
        return Screen(title, numbers, fig)
    late, online = f["tthc.resolved_late"], f["tthc.received_online"]
    fig = hbars(
        [
            ("Nộp trực tuyến", online, BLUE, fmt.num(online)),
            (
                "Nộp trực tiếp, bưu chính",
                f["tthc.received_new"] - online,
                DARK,
                fmt.num(f["tthc.received_new"] - online),
            ),
            ("Giải quyết đúng hạn", f["tthc.resolved"] - late, TONES["met"], fmt.num(f["tthc.resolved"] - late)),
            ("Giải quyết quá hạn", late, TONES["not_met"], fmt.num(late)),
        ],
        "Hồ sơ tiếp nhận và giải quyết trong kỳ",
        "Số hồ sơ",
    )
    return Screen(title, numbers, fig)


def petitions(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["petitions.received"] and not f["petitions.must_resolve"]:
        return Screen(
            "Không có đơn thư nào trong kỳ",
            empty=f"Không có đơn thư nào của {sel.unit.name} trong {phrase(sel.label)}: "
            "chưa phát sinh đơn, hoặc trang «Đơn thư» của báo cáo chưa được điền.",
        )
    rate = f["petitions.resolution_rate"]
    title = (
        f"Giải quyết {fmt.num(f['petitions.resolved'])}/{fmt.num(f['petitions.must_resolve'])} đơn ({fmt.pct(rate)})"
        f"{c.verdict('petitions.resolution_rate')}"
        if rate is not None
        else "Không có đơn thuộc thẩm quyền phải giải quyết"
    )
    if f["petitions.overdue_open"]:
        title += f"; còn {fmt.num(f['petitions.overdue_open'])} đơn quá hạn"
    numbers = [
        c.big("petitions.received", "Đơn tiếp nhận"),
        c.big("petitions.resolution_rate", "Tỷ lệ giải quyết"),
        c.big("petitions.on_time_rate", "Giải quyết đúng hạn"),
        c.big("petitions.overdue_open", "Đơn quá hạn chưa giải quyết", lower_is_better=True),
    ]
    points = reported(c.view.cumulative(), "reporting.received")
    if len(points) >= 2:  # year-to-date: the last pair is the headline's resolved / must resolve
        fig = columns(
            points,
            [("petitions.must_resolve", "Phải giải quyết", DARK), ("petitions.resolved", "Đã giải quyết", BLUE)],
            "Lũy kế từ đầu kỳ: đơn phải giải quyết và đã giải quyết",
        )
    else:
        fig = hbars(
            [
                (label, f[ind], color, fmt.num(f[ind]))
                for ind, label, color in (
                    ("petitions.received", "Tiếp nhận", DARK),
                    ("petitions.must_resolve", "Phải giải quyết", DARK),
                    ("petitions.resolved", "Đã giải quyết", BLUE),
                    ("petitions.overdue_open", "Quá hạn chưa giải quyết", TONES["not_met"]),
                )
            ],
            "Đơn thư trong kỳ",
            "Số đơn",
        )
    return Screen(title, numbers, fig)


def reception(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["reception.days"] and not f["dialogue.sessions"]:
        return Screen(
            "Chưa có buổi tiếp công dân, đối thoại nào",
            empty=f"Không có ngày tiếp công dân hay hội nghị đối thoại nào của "
            f"{sel.unit.name} trong {phrase(sel.label)} (trang «Tiếp công dân», «Đối thoại» của báo cáo để trống hoặc chưa nộp).",
        )
    rate = f["reception.chair_compliance"]
    title = (
        f"Chủ tịch tiếp công dân định kỳ đạt {fmt.pct(rate)} yêu cầu{c.verdict('reception.chair_compliance')}"
        if rate is not None
        else "Chưa có tuần nào phải tiếp công dân định kỳ"
    )
    title += f"; đối thoại {fmt.num(f['dialogue.sessions'])}/{fmt.num(f['dialogue.required'])} hội nghị"
    numbers = [
        c.big("reception.citizens", "Lượt công dân được tiếp"),
        c.big(
            "reception.chair_days",
            "Ngày Chủ tịch tiếp định kỳ",
            note=f"Tối thiểu {fmt.num(f['reception.chair_required'])} ngày, xét theo từng tuần (tháng)",
        ),
        c.big("reception.chair_compliance", "Số tuần (tháng) đạt quy định"),
        c.big("dialogue.sessions", "Hội nghị đối thoại"),
    ]
    points = reported(c.view.series(), "reception.chair_required")
    if len(points) >= 2:
        fig = columns(
            points,
            [
                ("reception.chair_required", "Số ngày theo quy định", DARK),
                ("reception.chair_days", "Số ngày Chủ tịch đã tiếp", BLUE),
            ],
            "Chủ tịch tiếp công dân định kỳ: ngày đã tiếp so với quy định",
        )
    else:
        hosts = c.view.detail("breakdown", "reception.host")
        fig = (
            hbars(
                [(r["value"], r["citizens"] or 0, BLUE, f"{fmt.num(r['citizens'])} lượt") for r in hosts],
                "Lượt công dân theo người tiếp",
                "Lượt công dân",
            )
            if hosts
            else None
        )
    return Screen(title, numbers, fig)


def discipline(c: Ctx) -> Screen:
    f = c.f
    n, h = f["discipline.decisions"], f["discipline.harassment"]
    checks = f"kiểm tra công vụ {fmt.num(f['inspection.count'])} đợt, phát hiện {fmt.num(f['inspection.violations'])} vi phạm"
    if not n:
        title = f"Không có quyết định kỷ luật nào; {checks}"
    elif h:
        title = f"{fmt.num(n)} quyết định kỷ luật, {fmt.num(h)} vì sách nhiễu, cửa quyền, hách dịch"
    else:
        title = f"{fmt.num(n)} quyết định kỷ luật, không có trường hợp sách nhiễu, cửa quyền, hách dịch"
    numbers = [
        c.big("inspection.count", "Đợt kiểm tra công vụ"),
        c.big("inspection.violations", "Vi phạm phát hiện", True),
        c.big("discipline.decisions", "Quyết định kỷ luật", True),
        c.big("discipline.harassment", "Vì sách nhiễu, cửa quyền", True),
    ]
    fig, points = None, c.view.series()
    if n:
        rows = c.view.detail("breakdown", "discipline.behaviour")
        fig = hbars(
            [
                (
                    r["value"],
                    r["count"],
                    TONES["not_met"] if r["value"] in HARASSMENT else DARK,
                    f"{fmt.num(r['count'])}" + (" ◀ Chỉ thị 33 yêu cầu xử lý" if r["value"] in HARASSMENT else ""),
                )
                for r in rows
            ],
            "Quyết định kỷ luật theo hành vi vi phạm",
            "Số quyết định",
        )
    elif f["inspection.count"] and len(points) >= 2:
        fig = columns(
            reported(points, "reporting.received"),
            [
                ("inspection.count", "Đợt kiểm tra", BLUE),
                ("inspection.violations", "Vi phạm phát hiện", TONES["not_met"]),
            ],
            "Kiểm tra công vụ từng tháng",
        )
    empty = (
        ""
        if n or f["inspection.count"]
        else "Không có đợt kiểm tra công vụ hay quyết định kỷ luật nào được ghi trong kỳ."
    )
    return Screen(title, numbers, fig, empty=empty)


def outreach(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["outreach.events"] and not f["supervision.events"]:
        return Screen(
            "Chưa có hoạt động tuyên truyền, giám sát nào",
            empty=f"Không có hoạt động tuyên truyền hay giám sát nào của "
            f"{sel.unit.name} trong {phrase(sel.label)} (trang «Tuyên truyền», «Giám sát, phản biện» để trống hoặc chưa nộp).",
        )
    title = (
        f"{fmt.num(f['outreach.events'])} hoạt động tuyên truyền, {fmt.num(f['outreach.participants'])} lượt người; "
        f"tiếp thu {fmt.pct(f['supervision.acceptance_rate'])} kiến nghị của MTTQ, đoàn thể"
    )
    numbers = [
        c.big("outreach.events", "Hoạt động tuyên truyền"),
        c.big("outreach.participants", "Lượt người tham dự"),
        c.big("supervision.recommendations", "Kiến nghị của MTTQ, đoàn thể"),
        c.big("supervision.acceptance_rate", "Kiến nghị được tiếp thu"),
    ]
    forms = c.view.detail("breakdown", "outreach.form")
    if forms:
        fig = hbars(
            [(r["value"], r["count"], BLUE, f"{fmt.num(r['count'])} hoạt động") for r in forms],
            "Hoạt động tuyên truyền theo hình thức",
            "Số hoạt động",
        )
    else:
        orgs = c.view.detail("breakdown", "supervision.organisation")
        fig = hbars(
            [(r["value"], r["recommendations"] or 0, BLUE, f"{fmt.num(r['recommendations'])} kiến nghị") for r in orgs],
            "Kiến nghị theo tổ chức giám sát",
            "Số kiến nghị",
        )
    return Screen(title, numbers, fig)


def plan(c: Ctx) -> Screen:
    f, sel = c.f, c.sel
    if not f["plan.tasks"]:
        return Screen(
            "Chưa có báo cáo tiến độ kế hoạch",
            empty=f"Chưa có trang «Kế hoạch» trong báo cáo của {sel.unit.name} cho "
            f"{phrase(sel.label)}. Văn phòng cập nhật trang «Kế hoạch» của tệp báo cáo rồi nhập lại tệp.",
        )
    stages = {"done": 0, "in_progress": 0, "not_started": 0}
    for row in c.view.detail("plan_progress"):
        for k in stages:
            stages[k] += row[k]
    verdict = c.verdict("plan.done_rate") or f" — {c.assess('plan.done_rate').rule}"
    title = f"Đã hoàn thành {fmt.num(stages['done'])}/{fmt.num(f['plan.tasks'])} nhiệm vụ ({fmt.pct(f['plan.done_rate'])}){verdict}"
    numbers = [
        c.big("plan.tasks", "Nhiệm vụ của kế hoạch" + (" (các xã cộng lại)" if sel.is_group else "")),
        c.big("plan.done_rate", "Nhiệm vụ đã hoàn thành"),
        c.big("emulation.models", "Mô hình «Dân vận khéo» được công nhận"),
    ]
    fig = hbars(
        [
            ("Hoàn thành", stages["done"], TONES["met"], f"{fmt.num(stages['done'])} nhiệm vụ"),
            ("Đang thực hiện", stages["in_progress"], BLUE, f"{fmt.num(stages['in_progress'])} nhiệm vụ"),
            ("Chưa triển khai", stages["not_started"], TONES["not_met"], f"{fmt.num(stages['not_started'])} nhiệm vụ"),
        ],
        "Nhiệm vụ theo tiến độ (báo cáo kế hoạch gần nhất trong kỳ)",
        "Số nhiệm vụ",
    )
    return Screen(title, numbers, fig)


def attention(c: Ctx, limit: int = 6) -> Screen:
    """The items of «Cần chú ý», most serious first (etl.attention): for a group each line names its commune."""
    items = c.view.detail("attention", config.ON_TIME_DAYS)
    numbers = [
        c.big("petitions.overdue_open", "Đơn thư quá hạn chưa giải quyết", True),
        c.big("tthc.pending_overdue_end", "Hồ sơ hành chính tồn quá hạn", True),
    ]
    if not items:
        return Screen("Không có việc nào vi phạm quy định trong kỳ", numbers)
    units = reference.units()
    lines = [
        (f"{units.get(i['unit_code']).name}: " if c.sel.is_group and i["unit_code"] else "") + i["text"] for i in items
    ]
    shown = lines[: limit + 1] if len(lines) == limit + 1 else lines[:limit]
    if len(lines) > len(shown):
        shown.append(f"… và {fmt.num(len(lines) - len(shown))} việc khác (xem chi tiết ở trang Tổng quan).")
    kinds = sorted({i["severity"] for i in items})
    title = "Cần chú ý: " + "; ".join(SEVERITY_LABELS[k].lower() for k in kinds)
    return Screen(title, numbers, items=shown)


BUILDERS = (overview, tthc, petitions, reception, discipline, outreach, plan, attention)


def build(n: int, view) -> Screen:
    """Screen n (1–8) for the view's selection."""
    return BUILDERS[n - 1](Ctx(view))


def merged(unit) -> str:
    """' Xã A đã sáp nhập vào Xã B từ 01/07/2025.' for an old commune, else ''."""
    after = reference.units().get(unit.successor) if unit.successor else None
    return (
        f" {unit.name}{' (cũ)' if after.name == unit.name else ''} đã sáp nhập vào {after.name}"
        f"{' (mới)' if after.name == unit.name else ''} từ {unit.valid_to + timedelta(days=1):%d/%m/%Y}."
        if after and unit.valid_to
        else ""
    )
