"""KPI cards: headline figure, target, status in words and colour, and the change against the comparison period."""

from __future__ import annotations

import streamlit as st

from etl import targets
from ui import fmt

BADGES = {
    "met": ":green-badge[:material/check_circle: Đạt chỉ tiêu]",
    "near": ":orange-badge[:material/warning: Gần đạt]",
    "not_met": ":red-badge[:material/cancel: Chưa đạt]",
    None: ":gray-badge[Chưa có chỉ tiêu hoặc không phát sinh]",
}


def value_text(ind: str, value) -> str:
    return fmt.pct(value) if targets.is_rate(ind) else fmt.num(value)


def delta(ind: str, now, before) -> str | None:
    if now is None or before is None:
        return None
    return fmt.points(now - before) if targets.is_rate(ind) else fmt.change(now - before)


def card(
    ind: str,
    title: str,
    figures: dict,
    previous: dict | None,
    compare_label: str,
    unit_code: str,
    when,
    lower_is_better: bool = False,
    note: str = "",
) -> None:
    """One bordered card; the status badge carries words and an icon, never colour alone."""
    value = figures.get(ind)
    target = targets.target_for(ind, unit_code, when, figures)
    status = targets.status(value, target)
    with st.container(border=True):
        change = delta(ind, value, previous.get(ind)) if previous else None
        same = previous is not None and value is not None and value == previous.get(ind)
        st.metric(
            title,
            value_text(ind, value),
            delta="Không đổi" if same else change,
            delta_color="off" if same else ("inverse" if lower_is_better else "normal"),
            delta_arrow="off" if same else "auto",
            delta_description=f"so với {compare_label}" if change else None,
        )
        target_text = f"Chỉ tiêu: {value_text(ind, target.value)}" if target else ""
        st.markdown(BADGES[status] if target else f":gray-badge[{note or 'Không có chỉ tiêu'}]")
        if target_text:
            st.caption(f"{target_text} · {target.source}")


def row(specs: list[tuple], figures: dict, previous: dict | None, compare_label: str, unit_code: str, when) -> None:
    """Cards side by side; each spec is (indicator, title) or (indicator, title, lower_is_better, note)."""
    for col, spec in zip(st.columns(len(specs)), specs):
        ind, title, lower, note = (*spec, False, "")[:4]
        with col:
            card(ind, title, figures, previous, compare_label, unit_code, when, lower_is_better=lower, note=note)


def verdict(ind: str, figures: dict, unit_code: str, when) -> str:
    """' — đạt chỉ tiêu 95 %' / ' — chưa đạt chỉ tiêu 50 %' for a chart title; empty without a target or a figure."""
    target = targets.target_for(ind, unit_code, when, figures)
    state = targets.status(figures.get(ind), target)
    return f" — {targets.STATUS_LABELS[state].lower()} chỉ tiêu {fmt.pct(target.value, 0)}" if state else ""
