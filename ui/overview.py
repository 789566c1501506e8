"""The overview's shared pieces: each rate against its target (the picture Tổng quan leads with and meeting screen 1
shows), the reporting sentence every screen uses, and «Cần chú ý» ordered by severity with a link per line."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from etl import attention, reference, targets
from ui import fmt, palette

RATES = (
    ("tthc.on_time_rate", "Giải quyết TTHC đúng hạn"),
    ("tthc.online_rate", "Hồ sơ nộp trực tuyến"),
    ("petitions.resolution_rate", "Giải quyết đơn thư"),
    ("reception.chair_compliance", "Tiếp công dân định kỳ của Chủ tịch"),
    ("plan.done_rate", "Nhiệm vụ kế hoạch hoàn thành"),
)
MARKS = {s: palette.marked(s) for s in ("met", "near", "not_met")}  # «✓ Đạt», «! Gần đạt», «✗ Chưa đạt»
PAGE_FILES = {
    "don_thu": "pages/don_thu.py",
    "cai_cach_hanh_chinh": "pages/cai_cach_hanh_chinh.py",
    "tiep_cong_dan": "pages/tiep_cong_dan.py",
    "tinh_hinh_bao_cao": "pages/tinh_hinh_bao_cao.py",
}
ICONS = {1: ":material/error:", 2: ":material/warning:", 3: ":material/assignment_late:"}


def target_rows(figures: dict, unit_code: str, when: date) -> list[tuple]:
    """(label, rate, status, target value or None, words beside the bar) for each rate with a target."""
    rows = []
    for ind, label in RATES:
        a = targets.assess(ind, figures, unit_code, when)
        if a.target is None:
            words = "chưa có chỉ tiêu"
        elif a.status is None and a.verdict.startswith("xét"):
            words = f"chỉ tiêu {fmt.pct(a.target.value, 0)} cuối năm"
        else:
            words = f"chỉ tiêu {fmt.pct(a.target.value, 0)}"
        rows.append((label, figures.get(ind), a.status, a.target.value if a.target else None, words))
    return rows


def summary_title(rows: list[tuple]) -> str:
    judged = [(label, status) for label, _, status, _, _ in rows if status]
    if not judged:
        return "Chưa có chỉ tiêu nào để đánh giá trong kỳ"
    missed = [label[0].lower() + label[1:] for label, status in judged if status != "met"]
    met = len(judged) - len(missed)
    return f"Đạt {met}/{len(judged)} chỉ tiêu" + (f"; chưa đạt: {', '.join(missed)}" if missed else " — đạt tất cả")


def target_bars(rows: list[tuple], colors: dict, font: int, ink: str = palette.INK) -> go.Figure:
    """Rates as bars up to 100 % with a black tick at each target; value and status in words right of 100 %."""
    rows = list(reversed(rows))
    y = [r[0] for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[(r[1] or 0) * 100 for r in rows],
            y=y,
            orientation="h",
            hoverinfo="skip",
            marker_color=[colors[r[2]] for r in rows],
            showlegend=False,
        )
    )
    ticks = [(r[3] * 100, label) for r, label in zip(rows, y) if r[3] is not None]
    fig.add_scatter(
        x=[t for t, _ in ticks],
        y=[label for _, label in ticks],
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker={"symbol": "line-ns", "size": font * 2, "line": {"width": 4, "color": ink}},
    )
    for label, rate, status, target, words in rows:
        if rate is None:
            text = fmt.NO_DENOMINATOR
        else:
            second = f"chỉ tiêu {fmt.pct(target, 0)}" if target is not None and status else words
            text = f"<b>{fmt.pct(rate)}</b>" + (f" · {MARKS[status]}" if status else "") + f"<br>{second}"
        fig.add_annotation(
            x=104, y=label, text=text, xanchor="left", showarrow=False, align="left", font={"size": font, "color": ink}
        )
    return axes(fig)


def axes(fig: go.Figure) -> go.Figure:
    """0–100 % on a linear axis with room for the words on the right (call after a layout that sets category axes)."""
    fig.update_xaxes(
        type="linear",
        range=[0, 180],
        tickvals=[0, 25, 50, 75, 100],
        ticktext=["0 %", "25 %", "50 %", "75 %", "100 %"],
        showgrid=True,
        ticksuffix="",
        tickformat="",
    )
    fig.update_yaxes(type="category", ticksuffix="  ", tickformat="", gridcolor="white")
    return fig


def reporting_sentence(f: dict) -> str:
    """«Đã nhận 58/60 báo cáo tháng (96,7 %), đúng hạn 90,0 %» — the one completeness figure of every screen."""
    if not f.get("reporting.months_due"):
        return "Chưa tháng nào của kỳ đến hạn nộp báo cáo."
    return (
        f"Đã nhận {fmt.num(f['reporting.months_received'])}/{fmt.num(f['reporting.months_due'])} báo cáo tháng "
        f"đã đến hạn ({fmt.pct(f['reporting.completeness'])}), đúng hạn {fmt.pct(f['reporting.timeliness'])}"
    )


def grouped(items: list[dict], is_group: bool, limit: int = 12) -> list[tuple[str, list[dict]]]:
    """(heading, items) blocks: one block per commune for a group (most serious first), one unnamed block otherwise."""
    if not is_group:
        return [("", items)]
    units = reference.units()
    blocks = []
    for code, its in attention.by_unit(items)[:limit]:
        blocks.append((units.get(code).name if code else "Toàn nhóm", its))
    return blocks


def link_params(query: dict) -> dict:
    return {k: v for k, v in query.items() if k in ("don_vi", "ky", "so_sanh", "gop")}
